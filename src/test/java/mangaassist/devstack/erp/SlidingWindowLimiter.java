package mangaassist.devstack.erp;

import java.util.ArrayDeque;
import java.util.Deque;

/** At most {@code limit} admissions in any 1 s sliding window; refused requests do not count. */
final class SlidingWindowLimiter {

    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final Deque<Long> admitted = new ArrayDeque<>();
    private volatile int limit;

    SlidingWindowLimiter(int limit) {
        this.limit = limit;
    }

    void setLimit(int limit) {
        this.limit = limit;
    }

    synchronized boolean tryAcquire(long nowNanos) {
        while (!admitted.isEmpty() && nowNanos - admitted.peekFirst() >= WINDOW_NANOS) {
            admitted.removeFirst();
        }
        if (admitted.size() >= limit) {
            return false;
        }
        admitted.addLast(nowNanos);
        return true;
    }

    synchronized void reset() {
        admitted.clear();
    }
}
