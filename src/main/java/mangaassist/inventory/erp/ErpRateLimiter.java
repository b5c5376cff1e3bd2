package mangaassist.inventory.erp;

import java.time.Duration;

/**
 * Permits for calls to the legacy ERP, which takes at most {@code rate-limit} calls in any second, counted when they
 * reach it. Every call attempt (retries included) holds a permit from before it is sent until it has ended.
 *
 * <p>The rule is the same everywhere ({@link LocalErpRateLimiter} proves it): a permit counts from its acquisition
 * until one second after {@code min(call end, acquisition + arrival allowance)}, and a new one is given only while
 * fewer than the limit count and fewer than the limit are in flight. {@link LocalErpRateLimiter} keeps the permits of
 * one instance in memory; {@link SharedErpRateLimiter} keeps them in Redis for every instance together.
 */
public interface ErpRateLimiter {

    /** The exchange property that carries a call's permit from its acquisition to its release. */
    String PERMIT = "mangaassist.inventory.erpPermit";

    /** A call's permit: taken before the call is sent, given back once it has ended. */
    interface Permit {
        /** When the permit was taken, in {@link System#nanoTime()} (or the limiter's clock). */
        long acquiredNanos();
    }

    /** Waits for a permit; give it back with {@link #release(Permit)} once the call has ended, whatever its outcome. */
    Permit acquire() throws InterruptedException;

    /** The call has ended: its permit counts until one window after it could last have arrived. */
    void release(Permit permit);

    /** The ERP refused the call of this permit for its rate: the call arrived later than the allowance assumed. */
    void refused(Permit permit);

    /** Calls that the ERP could still count in the current window: not yet arrived, or arrived within the last window. */
    int used();

    /** Calls of this instance sent and not yet ended. */
    int inFlight();

    /** Most calls in any window (and in flight at once). */
    int limit();

    /** How long until a call could get a permit (an estimate where the permits live elsewhere): 0 if one is free. */
    long nanosUntilPermit();

    /** How long after its permit a call is assumed to reach the ERP, for permits taken now. */
    Duration arrivalAllowance();

    /** Sets the allowance for permits taken from now on (tests that delay arrivals on purpose widen it). */
    void setArrivalAllowance(Duration allowance);
}
