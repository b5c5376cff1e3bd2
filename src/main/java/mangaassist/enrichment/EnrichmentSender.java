package mangaassist.enrichment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import mangaassist.platform.ApiException;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The producer's steps: a submission's pending jobs become SendMessageBatch requests of at most
 * {@link #MAX_ENTRIES} entries, each with its own group id, deduplication id and attributes; the queue's answer
 * is recorded per entry; the API answer says what was queued and what was not.
 */
@Component("enrichmentSender")
public class EnrichmentSender {

    /** SendMessageBatch takes at most 10 entries. */
    public static final int MAX_ENTRIES = 10;
    public static final String ATTRIBUTE_TYPE = "enrichmentType";
    public static final String ATTRIBUTE_PRIORITY = "priority";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EnrichmentQueues queues;

    public EnrichmentSender(EnrichmentQueues queues) {
        this.queues = queues;
    }

    public boolean hasPending(EnrichmentSubmission submission) {
        return submission.hasPending();
    }

    /** The next request: up to 10 pending entries, in request order; an entry's batch id is its index. */
    public SendMessageBatchRequest nextChunk(EnrichmentSubmission submission) throws JsonProcessingException {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (EnrichmentSubmission.Entry entry : submission.entries()) {
            if (entry.pending() && entries.size() < MAX_ENTRIES) {
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id(String.valueOf(entry.index()))
                        .messageBody(JSON.writeValueAsString(entry.job()))
                        .messageGroupId(entry.groupId())
                        .messageDeduplicationId(entry.deduplicationId())
                        .messageAttributes(Map.of(
                                ATTRIBUTE_TYPE, text(entry.job().enrichmentType()),
                                ATTRIBUTE_PRIORITY, text(entry.job().priority())))
                        .build());
            }
        }
        return SendMessageBatchRequest.builder().queueUrl(queues.jobs()).entries(entries).build();
    }

    /** Aggregation of a send into the submission: accepted entries get their message id, failed ones a try more. */
    public EnrichmentSubmission accept(EnrichmentSubmission submission, SendMessageBatchResponse response) {
        Map<String, String> accepted = new HashMap<>();
        response.successful().forEach(s -> accepted.put(s.id(), s.messageId()));
        Map<String, BatchResultErrorEntry> refused = new HashMap<>();
        response.failed().forEach(f -> refused.put(f.id(), f));
        List<EnrichmentSubmission.Entry> entries = new ArrayList<>();
        for (EnrichmentSubmission.Entry entry : submission.entries()) {
            String id = String.valueOf(entry.index());
            if (accepted.containsKey(id)) {
                entries.add(entry.accepted(accepted.get(id)));
            } else if (refused.containsKey(id)) {
                entries.add(entry.refused(refused.get(id).code(), refused.get(id).message()));
            } else {
                entries.add(entry);
            }
        }
        return new EnrichmentSubmission(entries);
    }

    /** A send that failed as a whole (SQS unreachable, throttled): every entry of it failed this attempt. */
    public SendMessageBatchResponse callFailed(SendMessageBatchRequest request, Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String message = cause == null ? "send failed" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return SendMessageBatchResponse.builder().failed(request.entries().stream()
                .map(e -> BatchResultErrorEntry.builder().id(e.id()).code("SendFailed").message(message)
                        .senderFault(false).build())
                .toList()).build();
    }

    /** The answer to {@code POST /api/enrichment/jobs}: 202 with the message id, or 503 when it was not queued. */
    public Map<String, Object> single(EnrichmentSubmission submission, Exchange exchange) {
        EnrichmentSubmission.Entry entry = submission.entries().get(0);
        if (!entry.queued()) {
            throw new ApiException("ENQUEUE_FAILED", 503,
                    "The job could not be queued (" + entry.failureCode() + "); please try again.");
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "queued");
        body.put("messageId", entry.messageId());
        return body;
    }

    /**
     * The answer to {@code POST /api/enrichment/jobs/batch}: 202 with {@code successful, failed, messageIds} (of the
     * queued jobs, in request order) and {@code failures} naming each job that was not queued and why.
     */
    public Map<String, Object> batch(EnrichmentSubmission submission, Exchange exchange) {
        List<String> ids = new ArrayList<>();
        List<Map<String, Object>> failures = new ArrayList<>();
        for (EnrichmentSubmission.Entry entry : submission.entries()) {
            if (entry.queued()) {
                ids.add(entry.messageId());
            } else {
                Map<String, Object> failure = new LinkedHashMap<>();
                failure.put("index", entry.index());
                failure.put("mangaId", entry.job().mangaId());
                failure.put("code", entry.failureCode());
                failure.put("error", entry.failureMessage());
                failures.add(failure);
            }
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("successful", ids.size());
        body.put("failed", failures.size());
        body.put("messageIds", ids);
        body.put("failures", failures);
        return body;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
