package mangaassist.inventory.erp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The limiter on a simulated clock: what the ERP could count, not how fast our side is. */
class LocalErpRateLimiterTest {

    static final long MS = 1_000_000L;
    static final long SECOND = 1000 * MS;
    static final Duration ALLOWANCE = Duration.ofMillis(100);

    final AtomicLong now = new AtomicLong();
    final LocalErpRateLimiter limiter = limiter(ALLOWANCE);

    LocalErpRateLimiter limiter(Duration allowance) {
        return new LocalErpRateLimiter(50, allowance, Duration.ofSeconds(1), now::get);
    }

    @Test
    void aPermitCountsUntilOneSecondAfterItsCallEndedOrCouldLastHaveArrived() {
        List<ErpRateLimiter.Permit> permits = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ErpRateLimiter.Permit permit = limiter.tryAcquire(now.get());
            assertThat(permit).as("call %d", i).isNotNull();
            permits.add(permit);
        }
        assertThat(limiter.tryAcquire(now.get())).isNull();
        now.set(40 * MS);
        limiter.releaseAt(permits.get(0), now.get());     // answered after 40 ms: it arrived before that
        assertThat(limiter.tryAcquire(1039 * MS)).as("an ended call counts for a second after its end").isNull();
        assertThat(limiter.tryAcquire(1040 * MS)).isNotNull();
        assertThat(limiter.tryAcquire(1040 * MS)).isNull();
        now.set(1050 * MS);
        limiter.releaseAt(permits.get(1), now.get());     // answered after 1.05 s: it arrived within the allowance
        assertThat(limiter.tryAcquire(1050 * MS)).as("counts until allowance + 1 s after its permit").isNull();
        assertThat(limiter.tryAcquire(1099 * MS)).isNull();
        assertThat(limiter.tryAcquire(1100 * MS)).isNotNull();
        now.set(1100 * MS);
        assertThat(limiter.used()).as("the 48 calls in flight since 0 can no longer arrive in a counted second").isEqualTo(2);
        assertThat(limiter.inFlight()).isEqualTo(50);
    }

    @Test
    void aCallStillInFlightStopsCountingForTheRateButNotForTheCapOnCallsInFlight() {
        List<ErpRateLimiter.Permit> permits = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            permits.add(limiter.tryAcquire(now.get()));
        }
        now.set(1100 * MS);
        assertThat(limiter.used()).as("none can arrive any more in a second the ERP still counts").isZero();
        assertThat(limiter.tryAcquire(now.get())).as("50 calls in flight: the cap").isNull();
        assertThat(limiter.nanosUntilPermit()).as("only a release frees a call slot").isEqualTo(SECOND);
        limiter.releaseAt(permits.get(7), now.get());
        assertThat(limiter.tryAcquire(now.get())).isNotNull();
        assertThat(limiter.inFlight()).isEqualTo(50);
    }

    @Test
    void anAllowanceAsLongAsTheLongestCallIsTheStrictRule() {
        LocalErpRateLimiter strict = limiter(Duration.ofSeconds(5));
        ErpRateLimiter.Permit first = null;
        for (int i = 0; i < 50; i++) {
            ErpRateLimiter.Permit permit = strict.tryAcquire(now.get());
            first = first == null ? permit : first;
        }
        now.set(2300 * MS);
        strict.releaseAt(first, now.get());     // a call answered after 2.3 s
        assertThat(strict.tryAcquire(3299 * MS)).as("counts until 1 s after it ended").isNull();
        assertThat(strict.tryAcquire(3300 * MS)).isNotNull();
    }

    @Test
    void saysHowLongUntilAPermitCouldBeHad() {
        assertThat(limiter.nanosUntilPermit()).isZero();
        List<ErpRateLimiter.Permit> permits = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            permits.add(limiter.tryAcquire(now.get()));
        }
        assertThat(limiter.nanosUntilPermit()).as("all in flight: allowance + window at most").isEqualTo(1100 * MS);
        now.set(20 * MS);
        limiter.releaseAt(permits.get(3), now.get());
        now.set(500 * MS);
        assertThat(limiter.nanosUntilPermit()).as("the ended call counts until 1.02 s").isEqualTo(520 * MS);
        now.set(1020 * MS);
        assertThat(limiter.nanosUntilPermit()).isZero();
    }

    @Test
    void aPermitIsGivenBackOnce() {
        ErpRateLimiter.Permit permit = limiter.tryAcquire(0);
        limiter.releaseAt(permit, 0);
        assertThatIllegalStateException().isThrownBy(() -> limiter.releaseAt(permit, 0));
        assertThatIllegalStateException().isThrownBy(() -> limiter.releaseAt(null, 0));
    }

    /**
     * Calls wanted far faster than allowed, of random durations (1..800 ms, some 5 s); the ERP counts each at any
     * moment between its permit and min(its answer, permit + allowance): at random, and in the worst cases at once or
     * as late as assumed. No second at the ERP holds more than 50.
     */
    @Test
    void noSecondAtTheErpHoldsMoreThanTheLimitWhileCallsArriveWithinTheAllowance() {
        SplittableRandom random = new SplittableRandom(20240601);
        for (Duration allowance : List.of(Duration.ZERO, Duration.ofMillis(100), Duration.ofMillis(350), Duration.ofSeconds(6))) {
            LocalErpRateLimiter limiter = limiter(allowance);
            for (Arrival arrival : Arrival.values()) {
                List<long[]> calls = simulate(limiter, random, 20 * SECOND, 400);   // {permit, ended}
                List<Long> counted = new ArrayList<>();
                for (long[] call : calls) {
                    counted.add(arrival.at(call[0], Math.min(call[1], call[0] + allowance.toNanos()), random));
                }
                assertThat(calls.size()).as("calls made").isGreaterThan(300);
                assertThat(maxInAnySecond(counted)).as("most calls counted in one second, allowance %s, arrival %s",
                        allowance, arrival).isLessThanOrEqualTo(50);
            }
        }
    }

    /**
     * The property above is not vacuous: with arrivals later than the allowance it fails. A plain sliding window
     * (a permit counts for one second from when it was taken: allowance 0) crowds the ERP's seconds as soon as calls
     * take a while to arrive; so does an allowance that late arrivals exceed.
     */
    @Test
    void callsArrivingLaterThanTheAllowanceCanCrowdASecondAsWithAPlainSlidingWindow() {
        SplittableRandom random = new SplittableRandom(7);
        for (Duration allowance : List.of(Duration.ZERO, Duration.ofMillis(100))) {
            LocalErpRateLimiter limiter = limiter(allowance);
            List<long[]> calls = simulate(limiter, random, 20 * SECOND, 400);
            List<Long> counted = new ArrayList<>();
            for (long[] call : calls) {
                // arrival up to 300 ms after the permit, never after the answer
                long latest = Math.min(call[1], call[0] + allowance.toNanos() + 300 * MS);
                counted.add(Arrival.RANDOM.at(call[0], latest, random));
            }
            assertThat(maxInAnySecond(counted)).as("allowance %s exceeded by up to 300 ms", allowance).isGreaterThan(50);
        }
    }

    /** When between its permit and the latest arrival assumed the ERP counts a call. */
    enum Arrival {
        AT_ONCE, RANDOM, AS_LATE_AS_ASSUMED;

        long at(long permit, long latest, SplittableRandom random) {
            return switch (this) {
                case AT_ONCE -> permit;
                case RANDOM -> permit + (long) (random.nextDouble() * (latest - permit));
                case AS_LATE_AS_ASSUMED -> latest;
            };
        }
    }

    /** A closed loop of {@code demand} callers on a 1 ms clock; a call lasts 1..800 ms, one in 50 lasts 5 s. */
    private List<long[]> simulate(LocalErpRateLimiter limiter, SplittableRandom random, long duration, int demand) {
        List<long[]> done = new ArrayList<>();
        List<long[]> inFlight = new ArrayList<>();
        List<ErpRateLimiter.Permit> permits = new ArrayList<>();
        long start = now.get();
        for (long t = start; t < start + duration; t += MS) {
            for (int i = inFlight.size() - 1; i >= 0; i--) {
                if (inFlight.get(i)[1] <= t) {
                    limiter.releaseAt(permits.remove(i), t);
                    done.add(inFlight.remove(i));
                }
            }
            ErpRateLimiter.Permit permit;
            while (inFlight.size() < demand && (permit = limiter.tryAcquire(t)) != null) {
                long lasts = random.nextInt(50) == 0 ? 5 * SECOND : (1 + random.nextInt(800)) * MS;
                inFlight.add(new long[] {t, t + lasts});
                permits.add(permit);
            }
        }
        long end = start + duration;
        for (int i = 0; i < inFlight.size(); i++) {
            limiter.releaseAt(permits.get(i), end);
            done.add(new long[] {inFlight.get(i)[0], Math.min(inFlight.get(i)[1], end)});
        }
        now.set(end + 10 * SECOND);
        return done;
    }

    private static int maxInAnySecond(List<Long> times) {
        List<Long> sorted = new ArrayList<>(times);
        sorted.sort(null);
        int max = 0;
        for (int first = 0, last = 0; last < sorted.size(); last++) {
            while (sorted.get(last) - sorted.get(first) >= SECOND) {
                first++;
            }
            max = Math.max(max, last - first + 1);
        }
        return max;
    }
}
