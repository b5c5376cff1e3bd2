package mangaassist.moderation;

import java.time.Instant;

/**
 * One message of the moderation queue on its way through the consumer.
 *
 * @param messageId    SQS message id
 * @param receiveCount how many times the queue has handed it out, this time included
 * @param sentAt       when it was sent to the queue (SentTimestamp): the date of its result's key, the same on every
 *                     redelivery
 * @param body         the message body as received
 * @param content      what to judge, or null when rejected
 * @param rejection    why the message can never succeed (a permanent failure), or null
 * @param startNanos   when this receive began ({@link System#nanoTime()}), for the job duration
 * @param verdict      the model's verdict, once it has answered
 */
public record ModerationTask(String messageId, int receiveCount, Instant sentAt, String body, ModerationContent content,
                             String rejection, long startNanos, ModerationVerdict verdict) {

    public boolean rejected() {
        return rejection != null;
    }

    /** The content type for metrics and logs, also of a rejected message. */
    public String typeTag() {
        return content != null ? content.contentType() : "unknown";
    }

    ModerationTask withVerdict(ModerationVerdict value) {
        return new ModerationTask(messageId, receiveCount, sentAt, body, content, rejection, startNanos, value);
    }
}
