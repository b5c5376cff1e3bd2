package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;

/** The seed's AsyncJobDuration and ErrorCount, shared by the queue flows. */
class AsyncJobMetricsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AsyncJobMetrics metrics = new AsyncJobMetrics(meters);

    @Test
    void aJobIsTimedByFlowTypeAndStatus() {
        long start = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(40);

        long nanos = metrics.finished("deferred", "deferred_inference", true, start);
        metrics.finished("deferred", null, false, start);

        assertThat(TimeUnit.NANOSECONDS.toMillis(nanos)).isGreaterThanOrEqualTo(40);
        var timer = meters.get(AsyncJobMetrics.JOB_DURATION).tag("flow", "deferred").tag("type", "deferred_inference")
                .tag("status", "success").timer();
        assertThat(timer.count()).isOne();
        assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(40);
        assertThat(meters.get(AsyncJobMetrics.JOB_DURATION).tag("type", "unknown").tag("status", "failure").timer().count()).isOne();
    }

    @Test
    void errorsAreCountedByFlowAndCode() {
        metrics.error("enrichment", AsyncJobMetrics.errorCode(ThrottlingException.builder().build()));
        metrics.error("enrichment", "Throttling");
        metrics.error("moderation", null);

        assertThat(meters.get(AsyncJobMetrics.ERRORS).tag("flow", "enrichment").tag("code", "Throttling").counter().count()).isEqualTo(2);
        assertThat(meters.get(AsyncJobMetrics.ERRORS).tag("flow", "moderation").tag("code", "UNKNOWN").counter().count()).isOne();
        assertThat(AsyncJobMetrics.errorCode(new IllegalStateException())).isEqualTo("IllegalState");
        assertThat(AsyncJobMetrics.errorCode(null)).isEqualTo("UNKNOWN");
    }
}
