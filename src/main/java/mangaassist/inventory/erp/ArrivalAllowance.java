package mangaassist.inventory.erp;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How long after taking its permit a call is assumed to reach the ERP (see {@link ErpRateLimiter}).
 *
 * <p><b>Strict</b>: fixed at the longest a call can last, so the rule holds whatever the delays. <b>Adaptive</b>: the
 * allowance learns from the ERP's refusals. A refusal means a call arrived later than assumed: the allowance doubles
 * (up to the strict value), once per burst of refusals. While none comes it narrows by a tenth per {@code quiet} period
 * that carried at least {@code quietCalls} permits (evidence, not idle time: an idle ERP proves nothing), down to a
 * floor. A narrower allowance frees permits sooner (a permit costs about {@code 1 s + min(call, allowance)}); a too narrow one
 * costs a refused call, which is retried and counted, never shown to a user. With a quiet period of 5 s, going back
 * from a doubled allowance to the one that was refused takes 7 steps, 35 s: at most one refusal in that time (about
 * 1,500 calls at 45 calls/s) from a lag that stays where it was.
 */
public final class ArrivalAllowance {

    private final long floorNanos;
    private final long strictNanos;
    private final long quietNanos;
    private final int quietCalls;
    private final LongSupplier clock;
    private long currentNanos;
    private long lastChange;
    private long lastWidened;
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
        this.lastWidened = lastChange - Long.MAX_VALUE / 2;
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

    /** A permit was taken: after a quiet period that carried enough of them without a refusal, narrow by a tenth. */
    public synchronized void granted() {
        callsSinceChange++;
        long now = clock.getAsLong();
        if (now - lastChange >= quietNanos && callsSinceChange >= quietCalls && currentNanos > floorNanos) {
            currentNanos = clamp(currentNanos - currentNanos / 10);
            lastChange = now;
            callsSinceChange = 0;
        }
    }

    /**
     * A call whose permit was taken at {@code permitNanos} arrived later than assumed: double the allowance (at least by
     * the floor), up to the strict value. Once per burst: calls permitted before the last widening were sent under the
     * narrower allowance, and their refusals say nothing about the wider one.
     */
    public synchronized void refused(long permitNanos) {
        if (!isAdaptive() || permitNanos - lastWidened < 0) {
            return;
        }
        lastWidened = clock.getAsLong();
        callsSinceChange = 0;
        currentNanos = clamp(Math.max(currentNanos * 2, currentNanos + Math.max(floorNanos, 1)));
        lastChange = clock.getAsLong();
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
