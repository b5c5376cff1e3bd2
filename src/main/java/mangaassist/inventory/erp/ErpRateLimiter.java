package mangaassist.inventory.erp;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The ERP's limit of {@code limit} calls in any second, kept the way the ERP counts: when a call reaches it.
 *
 * <p>A call takes a permit before it is sent and gives it back one second after it has ended (answer, fault or
 * failure). The ERP counts a call after we send it and before it answers, so any two calls it counts within one
 * second of each other held their permits at the same moment: at the start of the later one, the earlier one was
 * in flight or had ended less than a second before. No second at the ERP can therefore hold more than
 * {@code limit} calls, however late a call reaches it: CPU starvation on our side, GC pauses, the network or a busy
 * ERP only delay calls, they cannot bunch them. A rate checked at sending time cannot promise that: a call sent in
 * one second and delayed into the next is counted twice against the ERP's window.
 *
 * <p>The price: a permit is held for the call plus one second, so at most {@code limit / (1 s + call duration)}
 * calls leave per second (about 37 for 50 calls of 0.33 s). The one setting is {@code limit}; nothing to tune for
 * jitter.
 */
public final class ErpRateLimiter {

    private final int limit;
    private final long windowNanos;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    /** When each ended call ended, oldest first, while it still counts (for one window after its end). */
    private final ArrayDeque<Long> ended = new ArrayDeque<>();
    private int inFlight;

    public ErpRateLimiter(int limit) {
        this(limit, Duration.ofSeconds(1), System::nanoTime);
    }

    ErpRateLimiter(int limit, Duration window, LongSupplier nanoClock) {
        if (limit < 1) {
            throw new IllegalArgumentException("rate limit must be at least 1, was " + limit);
        }
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.clock = nanoClock;
    }

    /** Waits for a permit; call {@link #release()} once when the call has ended, whatever its outcome. */
    public void acquire() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (!tryAcquire(clock.getAsLong())) {
                if (ended.isEmpty()) {
                    released.await();   // every permit is in flight: one comes back (for later) on a release
                } else {
                    released.awaitNanos(ended.peekFirst() + windowNanos - clock.getAsLong());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The call has ended: its permit counts for one more window, then it is free. */
    public void release() {
        lock.lock();
        try {
            releaseAt(clock.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    /** Calls that the ERP could still count in the current window: in flight, or ended within the last window. */
    public int used() {
        lock.lock();
        try {
            expire(clock.getAsLong());
            return inFlight + ended.size();
        } finally {
            lock.unlock();
        }
    }

    public int limit() {
        return limit;
    }

    /**
     * How long until a call could get a permit: 0 if one is free; else until the oldest ended call leaves the window,
     * or one window when every permit is in flight (a call ending now gives its permit back a window later).
     */
    public long nanosUntilPermit() {
        lock.lock();
        try {
            long now = clock.getAsLong();
            expire(now);
            if (inFlight + ended.size() < limit) {
                return 0;
            }
            return ended.isEmpty() ? windowNanos : ended.peekFirst() + windowNanos - now;
        } finally {
            lock.unlock();
        }
    }

    boolean tryAcquire(long now) {
        lock.lock();
        try {
            expire(now);
            if (inFlight + ended.size() >= limit) {
                return false;
            }
            inFlight++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    void releaseAt(long now) {
        lock.lock();
        try {
            if (inFlight == 0) {
                throw new IllegalStateException("release without acquire");
            }
            inFlight--;
            ended.addLast(now);
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void expire(long now) {
        while (!ended.isEmpty() && now - ended.peekFirst() >= windowNanos) {
            ended.removeFirst();
        }
    }

    @Override
    public String toString() {
        return "ErpRateLimiter[limit=" + limit + " per " + TimeUnit.NANOSECONDS.toMillis(windowNanos) + " ms]";
    }
}
