package mangaassist.chat.overload;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker's measured time per answer: an exponentially weighted mean of the latest answers' service times (from
 * a worker taking the message to its final frame), so that it follows the load (a slower model, a busier CPU)
 * within a few dozen answers. Thread-safe without locks.
 */
public final class ServiceTime {

    private final double weight;
    private final AtomicLong meanNanos;

    /**
     * @param initialNanos the mean assumed before the first answer
     * @param weight       the latest answer's weight, in (0, 1]
     */
    public ServiceTime(long initialNanos, double weight) {
        if (!(weight > 0 && weight <= 1)) {
            throw new IllegalArgumentException("weight must be in (0, 1]: " + weight);
        }
        this.weight = weight;
        this.meanNanos = new AtomicLong(Math.max(1, initialNanos));
    }

    /** One answer's service time. */
    public void record(long nanos) {
        long sample = Math.max(1, nanos);
        meanNanos.getAndUpdate(mean -> Math.max(1, Math.round(mean + weight * (sample - mean))));
    }

    public long meanNanos() {
        return meanNanos.get();
    }

    /** Starts again from this mean (an operator's or a test's reset). */
    public void reset(long nanos) {
        meanNanos.set(Math.max(1, nanos));
    }
}
