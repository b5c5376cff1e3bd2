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
class ErpRateLimiterTest {

    static final long MS = 1_000_000L;
    static final long SECOND = 1000 * MS;

    final AtomicLong now = new AtomicLong();
    final ErpRateLimiter limiter = new ErpRateLimiter(50, Duration.ofSeconds(1), now::get);

    @Test
    void fiftyCallsAtOnceThenNoneUntilOneSecondAfterOneHasEnded() {
        for (int i = 0; i < 50; i++) {
            assertThat(limiter.tryAcquire(now.get())).as("call %d", i).isTrue();
        }
        assertThat(limiter.tryAcquire(now.get())).isFalse();
        now.set(300 * MS);
        limiter.releaseAt(now.get());     // a call answered after 300 ms
        assertThat(limiter.tryAcquire(now.get())).as("an ended call still counts").isFalse();
        assertThat(limiter.tryAcquire(1299 * MS)).isFalse();
        assertThat(limiter.tryAcquire(1300 * MS)).as("one second after it ended").isTrue();
        assertThat(limiter.tryAcquire(1300 * MS)).isFalse();
        assertThat(limiter.used()).isEqualTo(50);
    }

    @Test
    void saysHowLongUntilAPermitCouldBeHad() {
        assertThat(limiter.nanosUntilPermit()).isZero();
        for (int i = 0; i < 50; i++) {
            limiter.tryAcquire(now.get());
        }
        assertThat(limiter.nanosUntilPermit()).as("all in flight: a window at least").isEqualTo(SECOND);
        now.set(200 * MS);
        limiter.releaseAt(now.get());
        now.set(500 * MS);
        assertThat(limiter.nanosUntilPermit()).as("the ended call counts until 1.2 s").isEqualTo(700 * MS);
        now.set(1200 * MS);
        assertThat(limiter.nanosUntilPermit()).isZero();
    }

    @Test
    void aReleaseWithoutAcquireIsABug() {
        assertThatIllegalStateException().isThrownBy(() -> limiter.releaseAt(0));
    }

    /**
     * Calls wanted far faster than allowed, of random durations; the ERP counts each at any moment between its send
     * and its answer (random here, and the worst case: at the answer). No second at the ERP holds more than 50.
     */
    @Test
    void noSecondAtTheErpHoldsMoreThanTheLimitWhereverBetweenSendAndAnswerItCountsACall() {
        SplittableRandom random = new SplittableRandom(20240601);
        for (boolean atTheAnswer : new boolean[] {false, true}) {
            List<long[]> calls = simulate(random, 20 * SECOND, 400);   // {sent, ended}
            List<Long> counted = new ArrayList<>();
            for (long[] call : calls) {
                counted.add(atTheAnswer ? call[1] : call[0] + (long) (random.nextDouble() * (call[1] - call[0])));
            }
            assertThat(calls.size()).as("calls made").isGreaterThan(300);
            assertThat(maxInAnySecond(counted)).as("most calls counted in one second").isLessThanOrEqualTo(50);
        }
    }

    /** A closed loop of {@code demand} callers on a 1 ms clock; a call lasts 1..800 ms. */
    private List<long[]> simulate(SplittableRandom random, long duration, int demand) {
        List<long[]> done = new ArrayList<>();
        List<long[]> inFlight = new ArrayList<>();
        for (long t = now.get(); t < now.get() + duration; t += MS) {
            for (int i = inFlight.size() - 1; i >= 0; i--) {
                if (inFlight.get(i)[1] <= t) {
                    limiter.releaseAt(t);
                    done.add(inFlight.remove(i));
                }
            }
            while (inFlight.size() < demand && limiter.tryAcquire(t)) {
                inFlight.add(new long[] {t, t + (1 + random.nextInt(800)) * MS});
            }
        }
        long end = now.get() + duration;
        for (long[] call : inFlight) {
            limiter.releaseAt(end);
            done.add(new long[] {call[0], Math.min(call[1], end)});
        }
        now.set(end + 2 * SECOND);
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
