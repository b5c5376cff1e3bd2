package mangaassist.enrichment;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One message of the queue on its way through the consumer: where it came from, the job read from it (or why it
 * cannot be read: {@code rejection}), and once the model has answered, the enrichment to store.
 *
 * @param messageId    SQS message id
 * @param groupId      its MessageGroupId
 * @param receiveCount how many times the queue has handed it out, this time included
 * @param body         the message body as received
 * @param job          the job, or null when rejected
 * @param rejection    why the message can never succeed (a permanent failure), or null
 * @param startNanos   when this receive began ({@link System#nanoTime()}), for the job duration
 * @param enrichment   the model's answer as stored: parsed JSON, or {@code {"raw_text": ...}}
 */
public record EnrichmentTask(String messageId, String groupId, int receiveCount, String body, EnrichmentJob job,
                             String rejection, long startNanos, JsonNode enrichment) {

    public boolean rejected() {
        return rejection != null;
    }

    /** The type for metrics and logs, also of a rejected message when it named a known one. */
    public String typeTag() {
        return job != null ? job.enrichmentType() : "unknown";
    }

    EnrichmentTask withEnrichment(JsonNode value) {
        return new EnrichmentTask(messageId, groupId, receiveCount, body, job, rejection, startNanos, value);
    }
}
