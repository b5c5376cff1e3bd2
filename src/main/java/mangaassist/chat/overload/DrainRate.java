package mangaassist.chat.overload;

import java.util.Arrays;

/**
 * Answers finished per second over the latest {@code window}: the rate the work queue is drained at now, as observed,
 * not as the service time promises. It lags by design: in the first window of a burst it still counts the quiet time
 * before it, so it errs low (an admission rule that waits for it errs on the side of refusing). Counted in buckets of
 * a tenth of the window; the current bucket counts too. Thread-safe (a short lock: a few hundred answers a second).
 */
public final class DrainRate {

    private static final int BUCKETS = 10;

    private final long bucketNanos;
    private final long[] counts = new long[BUCKETS];
    /** The bucket (time / bucketNanos) each slot of {@link #counts} holds. */
    private final long[] slots = new long[BUCKETS];

    /** @param windowNanos the window the rate is counted over, at least {@value #BUCKETS} ns */
    public DrainRate(long windowNanos) {
        if (windowNanos < BUCKETS) {
            throw new IllegalArgumentException("window too short: " + windowNanos + " ns");
        }
        this.bucketNanos = windowNanos / BUCKETS;
        Arrays.fill(slots, Long.MIN_VALUE);
    }

    /** One answer finished at {@code nowNanos} ({@link System#nanoTime()}). */
    public synchronized void record(long nowNanos) {
        long bucket = Math.floorDiv(nowNanos, bucketNanos);
        int i = (int) Math.floorMod(bucket, BUCKETS);
        if (slots[i] != bucket) {
            slots[i] = bucket;
            counts[i] = 0;
        }
        counts[i]++;
    }

    /** Answers per second finished within the window that ends at {@code nowNanos}. */
    public synchronized double perSecond(long nowNanos) {
        long current = Math.floorDiv(nowNanos, bucketNanos);
        long sum = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (slots[i] > current - BUCKETS && slots[i] <= current) {
                sum += counts[i];
            }
        }
        return sum * 1e9 / (bucketNanos * BUCKETS);
    }

    /** Forgets every answer counted (an operator's or a test's reset). */
    public synchronized void reset() {
        Arrays.fill(slots, Long.MIN_VALUE);
        Arrays.fill(counts, 0);
    }
}
