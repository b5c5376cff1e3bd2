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
public final class LocalErpRateLimiter implements ErpRateLimiter {

    /** A call's permit: taken before the call is sent, given back once it has ended. */
    static final class LocalPermit implements Permit {
        private final long acquiredNanos;
        /** While the permit counts for the rate ({@link System#nanoTime()} scale): tentative while the call runs. */
        private long countsUntil;
        private boolean released;

        private LocalPermit(long acquiredNanos, long countsUntil) {
            this.acquiredNanos = acquiredNanos;
            this.countsUntil = countsUntil;
        }

        @Override
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
    private final PriorityQueue<LocalPermit> counting = new PriorityQueue<>(Comparator.comparingLong(p -> p.countsUntil));
    private final ArrivalAllowance allowance;
    private int inFlight;

    public LocalErpRateLimiter(int limit, ArrivalAllowance allowance) {
        this(limit, allowance, Duration.ofSeconds(1), System::nanoTime);
    }

    LocalErpRateLimiter(int limit, Duration arrivalAllowance, Duration window, LongSupplier nanoClock) {
        this(limit, ArrivalAllowance.fixed(arrivalAllowance), window, nanoClock);
    }

    LocalErpRateLimiter(int limit, ArrivalAllowance allowance, Duration window, LongSupplier nanoClock) {
        if (limit < 1) {
            throw new IllegalArgumentException("rate limit must be at least 1, was " + limit);
        }
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.clock = nanoClock;
        this.allowance = allowance;
    }

    @Override
    public void setArrivalAllowance(Duration arrivalAllowance) {
        allowance.set(arrivalAllowance);
    }

    @Override
    public Duration arrivalAllowance() {
        return allowance.current();
    }

    @Override
    public void refused(Permit permit) {
        allowance.refused(permit.acquiredNanos());
    }

    @Override
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

    @Override
    public void release(Permit permit) {
        lock.lock();
        try {
            releaseAt(permit, clock.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int used() {
        lock.lock();
        try {
            expire(clock.getAsLong());
            return counting.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int limit() {
        return limit;
    }

    /**
     * How long until a call could get a permit: 0 if one is free; else until the permit that counts the shortest
     * stops counting (sooner if its call ends first), or one window when only the cap on calls in flight is reached.
     */
    @Override
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
    LocalPermit tryAcquire(long now) {
        lock.lock();
        try {
            expire(now);
            if (counting.size() >= limit || inFlight >= limit) {
                return null;
            }
            // until the call ends, it could reach the ERP as late as the allowance: count it until a window after that
            LocalPermit permit = new LocalPermit(now, now + allowance.nanos() + windowNanos);
            allowance.granted();
            counting.add(permit);
            inFlight++;
            return permit;
        } finally {
            lock.unlock();
        }
    }

    void releaseAt(Permit given, long now) {
        lock.lock();
        try {
            if (!(given instanceof LocalPermit permit) || permit.released) {
                throw new IllegalStateException("release of a permit not held: " + (given == null ? "none" : "released twice or not ours"));
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
        return "LocalErpRateLimiter[limit=" + limit + " per " + TimeUnit.NANOSECONDS.toMillis(windowNanos) + " ms, " + allowance + "]";
    }
}
