package mangaassist.deferred;

/**
 * One message of the queue on its way through the consumer: where it came from, the job read from it (or why it can
 * never succeed: {@code rejection}), and, for deferred_inference, the model's answer.
 *
 * @param messageId    SQS message id
 * @param receiveCount how many times the queue has handed it out, this time included
 * @param body         the message body as received
 * @param job          the job, or null when rejected at receipt
 * @param rejection    why the message can never succeed (a permanent failure), or null
 * @param startNanos   when this receive began ({@link System#nanoTime()}), for the job duration
 * @param result       the model's text (deferred_inference), once it answered
 */
public record DeferredTask(String messageId, int receiveCount, String body, DeferredJob job, String rejection,
                           long startNanos, String result) {

    public static final String CALLBACK_NONE = "none";
    public static final String CALLBACK_HTTP = "http";
    public static final String CALLBACK_SNS = "sns";

    public boolean rejected() {
        return rejection != null;
    }

    /** The job type for metrics and logs ({@code unknown} when the message could not be read). */
    public String typeTag() {
        return job != null ? job.jobType() : "unknown";
    }

    public String jobType() {
        return job == null ? null : job.jobType();
    }

    /** Where the result goes: {@code none}, {@code http} or {@code sns}. */
    public String callbackKind() {
        String target = job == null ? null : job.callbackUrl();
        if (target == null) {
            return CALLBACK_NONE;
        }
        return target.startsWith(DeferredJobs.SNS_PREFIX) ? CALLBACK_SNS : CALLBACK_HTTP;
    }

    DeferredTask withResult(String text) {
        return new DeferredTask(messageId, receiveCount, body, job, rejection, startNanos, text);
    }

    DeferredTask rejectedFor(String reason) {
        return new DeferredTask(messageId, receiveCount, body, job, reason, startNanos, result);
    }
}
