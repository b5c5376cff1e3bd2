package mangaassist.inventory.erp;

import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The ERP's limit of {@code limit} calls in any second, kept the way the ERP counts: when a call reaches it.
 *
 * <p>A call takes a {@link Permit} before it is sent. We assume that a call reaches the ERP within the
 * <em>arrival allowance</em> of taking its permit, and certainly before it ends (answer, fault or failure). The
 * permit therefore counts from its acquisition until {@code min(end, acquisition + allowance) + 1 s}: while the ERP
 * could still count the call (the latest moment it can arrive) plus one window. A new permit is only given while fewer
 * than {@code limit} permits count.
 *
 * <p>Why no second at the ERP then holds more than {@code limit} calls: take the calls the ERP counts within one
 * second, and among them the one whose permit was taken last, at {@code a}. Every other one took its permit at or
 * before {@code a}, and was counted at most one second before the last one counted, which was at or after {@code a};
 * its permit counts until at least one second after it was counted, so still at {@code a}. At {@code a} all of them
 * counted at once: at most {@code limit}. The assumption is what makes this hold: a call that reaches the ERP later
 * than the allowance after its permit can land in a second that has already given its permits away. Delays on our
 * side after the permit (CPU starvation, GC pauses, the network, a stalled ERP front end) must stay within it.
 *
 * <p>The allowance buys throughput with that assumption: a permit counts for {@code min(call, allowance) + 1 s}
 * instead of the call plus one second (about {@code limit / (1 s + min(call, allowance))} calls per second instead
 * of {@code limit / (1 s + call)}). An allowance of at least
 * the longest a call can last (the call {@code timeout}, plus {@code connect-timeout} if connecting may be slow)
 * gives the strict rule, valid whatever the delay: a permit then counts until one second after its call ended.
 *
 * <p>On top of the rate, at most {@code limit} calls are in flight at once (a concurrency cap, like the seed's
 * semaphore): a slow ERP cannot pile up calls, even when their permits no longer count for the rate.
 */
public final class ErpRateLimiter {

    /** The exchange property that carries a call's permit from its acquisition to its release. */
    public static final String PERMIT = "mangaassist.inventory.erpPermit";

    /** A call's permit: taken before the call is sent, given back once it has ended. */
    public static final class Permit {
        private final long acquiredNanos;
        /** While the permit counts for the rate ({@link System#nanoTime()} scale): tentative while the call runs. */
        private long countsUntil;
        private boolean released;

        private Permit(long acquiredNanos, long countsUntil) {
            this.acquiredNanos = acquiredNanos;
            this.countsUntil = countsUntil;
        }

        /** When the permit was taken, in {@link System#nanoTime()} (or the limiter's clock). */
        public long acquiredNanos() {
            return acquiredNanos;
        }
    }

    private final int limit;
    private final long windowNanos;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    /** The permits that count for the rate, soonest free first. */
    private final PriorityQueue<Permit> counting = new PriorityQueue<>(Comparator.comparingLong(p -> p.countsUntil));
    private long allowanceNanos;
    private int inFlight;

    public ErpRateLimiter(int limit, Duration arrivalAllowance) {
        this(limit, arrivalAllowance, Duration.ofSeconds(1), System::nanoTime);
    }

    ErpRateLimiter(int limit, Duration arrivalAllowance, Duration window, LongSupplier nanoClock) {
        if (limit < 1) {
            throw new IllegalArgumentException("rate limit must be at least 1, was " + limit);
        }
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.clock = nanoClock;
        setArrivalAllowance(arrivalAllowance);
    }

    /**
     * How long after its permit a call is assumed to reach the ERP; applies to permits taken from now on. Tests that
     * delay arrivals on purpose widen it; an allowance of at least the longest call gives the strict rule.
     */
    public void setArrivalAllowance(Duration allowance) {
        if (allowance == null || allowance.isNegative()) {
            throw new IllegalArgumentException("arrival allowance must be zero or more, was " + allowance);
        }
        lock.lock();
        try {
            this.allowanceNanos = allowance.toNanos();
        } finally {
            lock.unlock();
        }
    }

    public Duration arrivalAllowance() {
        lock.lock();
        try {
            return Duration.ofNanos(allowanceNanos);
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a permit; give it back with {@link #release(Permit)} once the call has ended, whatever its outcome. */
    public Permit acquire() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            Permit permit;
            while ((permit = tryAcquire(clock.getAsLong())) == null) {
                if (counting.size() < limit) {
                    released.await();   // every call slot is in flight: a release frees one
                } else {
                    released.awaitNanos(counting.peek().countsUntil - clock.getAsLong());
                }
            }
            return permit;
        } finally {
            lock.unlock();
        }
    }

    /** The call has ended: its permit counts until one window after it could last have arrived. */
    public void release(Permit permit) {
        lock.lock();
        try {
            releaseAt(permit, clock.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    /** Calls that the ERP could still count in the current window: not yet arrived, or arrived within the last window. */
    public int used() {
        lock.lock();
        try {
            expire(clock.getAsLong());
            return counting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Calls sent and not yet ended. */
    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    public int limit() {
        return limit;
    }

    /**
     * How long until a call could get a permit: 0 if one is free; else until the permit that counts the shortest
     * stops counting (sooner if its call ends first), or one window when only the cap on calls in flight is reached.
     */
    public long nanosUntilPermit() {
        lock.lock();
        try {
            long now = clock.getAsLong();
            expire(now);
            if (counting.size() < limit && inFlight < limit) {
                return 0;
            }
            return counting.size() >= limit ? Math.max(0, counting.peek().countsUntil - now) : windowNanos;
        } finally {
            lock.unlock();
        }
    }

    /** A permit if one is free at {@code now}, else null. */
    Permit tryAcquire(long now) {
        lock.lock();
        try {
            expire(now);
            if (counting.size() >= limit || inFlight >= limit) {
                return null;
            }
            // until the call ends, it could reach the ERP as late as the allowance: count it until a window after that
            Permit permit = new Permit(now, now + allowanceNanos + windowNanos);
            counting.add(permit);
            inFlight++;
            return permit;
        } finally {
            lock.unlock();
        }
    }

    void releaseAt(Permit permit, long now) {
        lock.lock();
        try {
            if (permit == null || permit.released) {
                throw new IllegalStateException("release of a permit not held: " + (permit == null ? "none" : "released twice"));
            }
            permit.released = true;
            inFlight--;
            // it reached the ERP before it ended: it counts until a window after min(end, latest arrival)
            long countsUntil = Math.min(permit.countsUntil, now + windowNanos);
            if (countsUntil < permit.countsUntil && counting.remove(permit)) {
                permit.countsUntil = countsUntil;
                if (countsUntil > now) {
                    counting.add(permit);
                }
            }
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void expire(long now) {
        while (!counting.isEmpty() && now - counting.peek().countsUntil >= 0) {
            counting.poll();
        }
    }

    @Override
    public String toString() {
        return "ErpRateLimiter[limit=" + limit + " per " + TimeUnit.NANOSECONDS.toMillis(windowNanos) + " ms, arrival allowance "
                + TimeUnit.NANOSECONDS.toMillis(allowanceNanos) + " ms]";
    }
}
