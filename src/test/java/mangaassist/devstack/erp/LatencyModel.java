package mangaassist.devstack.erp;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Response latency of the simulated ERP: log-normal, parameterised by its median and 99th percentile
 * (the seed: ~300 ms typical, ~800 ms p99). {@link #none()} for tests.
 */
public final class LatencyModel {

    private static final double Z_99 = 2.3263478740408408;

    private final double medianMs;
    private final double p99Ms;
    private final double sigma;
    private final double capMs;
    private final SplittableRandom random;

    private LatencyModel(double medianMs, double p99Ms, long seed) {
        this.medianMs = medianMs;
        this.p99Ms = p99Ms;
        this.sigma = medianMs <= 0 ? 0 : Math.log(p99Ms / medianMs) / Z_99;
        this.capMs = p99Ms * 3;
        this.random = new SplittableRandom(seed);
    }

    public static LatencyModel none() {
        return new LatencyModel(0, 0, 0);
    }

    public static LatencyModel logNormal(Duration median, Duration p99) {
        if (p99.compareTo(median) < 0) {
            throw new IllegalArgumentException("p99 < median");
        }
        return new LatencyModel(median.toMillis(), p99.toMillis(), 42);
    }

    /** The seed's figures. */
    public static LatencyModel legacyErp() {
        return logNormal(Duration.ofMillis(300), Duration.ofMillis(800));
    }

    /** As JSON, for the simulator's control endpoint. */
    public String toJson() {
        return "{\"p50Ms\":" + Math.round(medianMs) + ",\"p99Ms\":" + Math.round(p99Ms) + "}";
    }

    /** Next delay in milliseconds (0 when disabled). */
    public synchronized long sampleMs() {
        if (medianMs <= 0) {
            return 0;
        }
        double ms = medianMs * Math.exp(sigma * gaussian());
        return Math.round(Math.min(ms, capMs));
    }

    private double gaussian() {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
