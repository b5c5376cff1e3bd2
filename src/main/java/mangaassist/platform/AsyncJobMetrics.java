package mangaassist.platform;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * The metrics every queue flow keeps (seed 000 §6.2), in one place so that the flows tag them alike:
 * <ul>
 *   <li>{@code mangaassist.async.job.duration{flow,type,status}}: the seed's AsyncJobDuration, a timer from a message's
 *   receive to its outcome, status {@code success|failure};</li>
 *   <li>{@code mangaassist.errors{flow,code}}: the seed's ErrorCount by operation and error type (the counter the REST
 *   edge's {@link ErrorResponses} keeps too).</li>
 * </ul>
 * A flow calls {@link #finished} once per message it is done with (a failure left for redelivery counts each time it
 * fails) and {@link #error} once per failure. Alarms (README, "Metrics"): error rate = failures ÷ all jobs.
 */
@Component("asyncJobMetrics")
public class AsyncJobMetrics {

    public static final String JOB_DURATION = "mangaassist.async.job.duration";
    public static final String ERRORS = "mangaassist.errors";
    public static final String SUCCESS = "success";
    public static final String FAILURE = "failure";

    private final MeterRegistry meters;

    public AsyncJobMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /**
     * Records one job of the flow, {@code type} being its job type (e.g. {@code synopsis}, {@code deferred_inference};
     * {@code unknown} when the message could not be read), from {@code startNanos} ({@link System#nanoTime()}) to now.
     *
     * @return the job's duration in nanoseconds
     */
    public long finished(String flow, String type, boolean success, long startNanos) {
        long nanos = System.nanoTime() - startNanos;
        Timer.builder(JOB_DURATION).description("Async job duration by flow, job type and status (the seed's AsyncJobDuration)")
                .tag("flow", flow).tag("type", type == null ? "unknown" : type).tag("status", success ? SUCCESS : FAILURE)
                .register(meters).record(nanos, TimeUnit.NANOSECONDS);
        return nanos;
    }

    /** Counts one failure of the flow with its code (e.g. {@code INVALID_BODY}, {@code Throttling}). */
    public void error(String flow, String code) {
        meters.counter(ERRORS, "flow", flow, "code", code == null || code.isBlank() ? "UNKNOWN" : code).increment();
    }

    /** A failure's code: the exception's simple name without "Exception" ({@code ThrottlingException} → Throttling). */
    public static String errorCode(Throwable cause) {
        if (cause == null) {
            return "UNKNOWN";
        }
        String name = cause.getClass().getSimpleName();
        return name.endsWith("Exception") && name.length() > "Exception".length()
                ? name.substring(0, name.length() - "Exception".length()) : name;
    }
}
