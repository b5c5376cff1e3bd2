package mangaassist.inventory.erp;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How long after taking its permit a call is assumed to reach the ERP (see {@link ErpRateLimiter}).
 *
 * <p><b>Strict</b>: fixed at the longest a call can last, so the rule holds whatever the delays. <b>Adaptive</b>: the
 * allowance learns from the ERP's refusals. A refusal means a call arrived later than assumed: the allowance doubles
 * (up to the strict value). Only a refusal that the wider allowance could have prevented widens it again: the ERP's
 * window still holds the calls sent under the narrower one until {@code 1 s + allowance} after a widening, so the
 * refusals of that time are one burst (a cold JVM's first burst doubled it four times in 125 ms, to 1.4 s, without
 * this). While none comes it narrows by a tenth per {@code quiet} period that carried at least {@code quietCalls}
 * permits (evidence, not idle time: an idle ERP proves nothing), down to a floor; five times as fast while it is still
 * above one and a half times the allowance last refused, which is the part of a doubling that the last refusal says
 * nothing against; and not below the allowance last refused for 12 quiet periods (a minute), since the same lag would
 * be refused again: the allowance settles just above the longest lag seen lately. A narrower allowance frees permits
 * sooner (a permit costs about {@code 1 s + min(call, allowance)}); a too narrow one costs a refused call, which is
 * retried and counted, never shown to a user. With a quiet period of 5 s, going back from a doubled allowance to the
 * one that was refused takes 3 fast steps and 4 slow ones, 23 s, and it stays there for the rest of the minute: at
 * most one refusal a minute (about 2,700 calls at 45 calls/s) from a lag that stays where it was.
 */
public final class ArrivalAllowance {

    /** The ERP counts its limit over any 1 s. */
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How much faster it narrows above one and a half times the allowance last refused. */
    private static final int FAST = 5;
    /** For how many quiet periods after a refusal the allowance refused stays the floor. */
    private static final int MEMORY = 12;

    private final long floorNanos;
    private final long strictNanos;
    private final long quietNanos;
    private final int quietCalls;
    private final LongSupplier clock;
    private long currentNanos;
    private long lastChange;
    /** Refusals of permits taken before this are of the burst that last widened the allowance. */
    private long evidenceFrom;
    /** The allowance that was last refused (0: none yet), and when. */
    private long refusedNanos;
    private long refusedAt;
    private int callsSinceChange;

    private ArrivalAllowance(long initialNanos, long floorNanos, long strictNanos, long quietNanos, int quietCalls,
                             LongSupplier clock) {
        if (floorNanos < 0 || strictNanos < floorNanos) {
            throw new IllegalArgumentException("arrival allowance floor must be between 0 and the strict value, was "
                    + Duration.ofNanos(floorNanos) + " (strict " + Duration.ofNanos(strictNanos) + ")");
        }
        this.floorNanos = floorNanos;
        this.strictNanos = strictNanos;
        this.quietNanos = quietNanos;
        this.quietCalls = quietCalls;
        this.clock = clock;
        this.currentNanos = clamp(initialNanos);
        this.lastChange = clock.getAsLong();
        this.evidenceFrom = lastChange - Long.MAX_VALUE / 2;
    }

    /** Always {@code allowance}: the strict rule when it is at least the longest call. */
    public static ArrivalAllowance fixed(Duration allowance) {
        long nanos = requireNonNegative(allowance);
        return new ArrivalAllowance(nanos, nanos, nanos, Long.MAX_VALUE, Integer.MAX_VALUE, System::nanoTime);
    }

    /**
     * Starts at {@code initial}, doubles on a refusal up to {@code strict}, narrows by a tenth per quiet period of at least
     * {@code quietCalls} permits, down to {@code floor}.
     */
    public static ArrivalAllowance adaptive(Duration initial, Duration floor, Duration strict, Duration quiet, int quietCalls) {
        return adaptive(initial, floor, strict, quiet, quietCalls, System::nanoTime);
    }

    static ArrivalAllowance adaptive(Duration initial, Duration floor, Duration strict, Duration quiet, int quietCalls,
                                     LongSupplier clock) {
        if (quiet == null || quiet.isZero() || quiet.isNegative()) {
            throw new IllegalArgumentException("arrival allowance quiet period must be positive, was " + quiet);
        }
        return new ArrivalAllowance(requireNonNegative(initial), requireNonNegative(floor), requireNonNegative(strict),
                quiet.toNanos(), Math.max(1, quietCalls), clock);
    }

    /** The allowance for a permit taken now. */
    public synchronized long nanos() {
        return currentNanos;
    }

    /**
     * A permit was taken: after a quiet period that carried enough of them without a refusal, narrow by a tenth (after a
     * fifth of the period and of its calls while above one and a half times the allowance last refused), not below the
     * allowance refused in the last 12 quiet periods.
     */
    public synchronized void granted() {
        callsSinceChange++;
        long now = clock.getAsLong();
        boolean aboveRefused = refusedNanos > 0 && currentNanos > refusedNanos + refusedNanos / 2;
        long period = aboveRefused ? quietNanos / FAST : quietNanos;
        int calls = aboveRefused ? Math.max(1, quietCalls / FAST) : quietCalls;
        // what was refused stays the floor for a while: the same lag would be refused again
        long floor = refusedNanos > 0 && now - refusedAt < quietNanos * MEMORY ? Math.max(floorNanos, refusedNanos) : floorNanos;
        if (now - lastChange >= period && callsSinceChange >= calls && currentNanos > floor) {
            currentNanos = Math.max(floor, clamp(currentNanos - currentNanos / 10));
            lastChange = now;
            callsSinceChange = 0;
        }
    }

    /**
     * A call whose permit was taken at {@code permitNanos} arrived later than assumed: double the allowance (at least by
     * the floor), up to the strict value. Once per burst: until {@code 1 s + the new allowance} after a widening, the
     * ERP's window still holds calls sent under the narrower allowance, and a refusal then says nothing about the wider.
     */
    public synchronized void refused(long permitNanos) {
        if (!isAdaptive() || permitNanos - evidenceFrom < 0) {
            return;
        }
        long now = clock.getAsLong();
        refusedNanos = currentNanos;
        refusedAt = now;
        currentNanos = clamp(Math.max(currentNanos * 2, currentNanos + Math.max(floorNanos, 1)));
        evidenceFrom = now + WINDOW_NANOS + currentNanos;
        callsSinceChange = 0;
        lastChange = now;
    }

    /** Sets the current allowance (tests widen it over a hold of their own), within the floor and the strict value. */
    public synchronized void set(Duration allowance) {
        long nanos = requireNonNegative(allowance);
        currentNanos = floorNanos == strictNanos ? nanos : clamp(nanos);
        lastChange = clock.getAsLong();
        callsSinceChange = 0;
    }

    public boolean isAdaptive() {
        return floorNanos != strictNanos;
    }

    public Duration current() {
        return Duration.ofNanos(nanos());
    }

    private long clamp(long nanos) {
        return Math.min(strictNanos, Math.max(floorNanos, nanos));
    }

    private static long requireNonNegative(Duration allowance) {
        if (allowance == null || allowance.isNegative()) {
            throw new IllegalArgumentException("arrival allowance must be zero or more, was " + allowance);
        }
        return allowance.toNanos();
    }

    @Override
    public String toString() {
        return isAdaptive() ? "adaptive arrival allowance " + TimeUnit.NANOSECONDS.toMillis(nanos()) + " ms (floor "
                + TimeUnit.NANOSECONDS.toMillis(floorNanos) + " ms, strict " + TimeUnit.NANOSECONDS.toMillis(strictNanos) + " ms)"
                : "arrival allowance " + TimeUnit.NANOSECONDS.toMillis(strictNanos) + " ms";
    }
}
