package mangaassist.dlq;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The reprocessor's transformations: a message back to its source queue, its archive or flagged document and key,
 * and the flagged listing.
 */
@Component("dlqSteps")
public class DlqSteps {

    /** Attributes our flows add when they dead-letter a message: they do not go back to the source with it. */
    static final String SOURCE_MESSAGE_ATTRIBUTE = "sourceMessageId";
    /** SQS's longest message delay. */
    static final int MAX_DELAY_SECONDS = 900;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DlqProperties properties;
    private final Clock clock;

    @Autowired
    public DlqSteps(DlqProperties properties) {
        this(properties, Clock.systemUTC());
    }

    DlqSteps(DlqProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * The message for its source queue: its body and message attributes (without the dead-letter reason), a throttled
     * one delayed by {@code throttle-delay}. To a FIFO queue with its message group and a fresh deduplication id (the
     * original one would be dropped as a duplicate within SQS's 5 minutes), derived from the DLQ message's id, so that
     * a requeue tried twice (sent, then the DLQ delete failed) is queued once. A FIFO queue takes no per-message delay.
     */
    public SendMessageBatchRequest requeueRequest(DlqMessage message) {
        Map<String, MessageAttributeValue> attributes = new TreeMap<>(message.message().messageAttributes());
        attributes.keySet().removeAll(Set.of(properties.reasonAttribute(), SOURCE_MESSAGE_ATTRIBUTE));
        SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder().id("0")
                .messageBody(message.message().body()).messageAttributes(attributes);
        if (message.queue().fifo()) {
            entry.messageGroupId(message.groupId() != null ? message.groupId() : "dlq-" + message.queue().name())
                    .messageDeduplicationId(sha256("dlq-requeue:" + message.messageId()));
        } else if (message.failureClass() == FailureClass.THROTTLE) {
            entry.delaySeconds((int) Math.min(MAX_DELAY_SECONDS, properties.throttleDelay().toSeconds()));
        }
        return SendMessageBatchRequest.builder().queueUrl(message.queue().sourceUrl()).entries(entry.build()).build();
    }

    /** Only a message its source queue took may be deleted from the DLQ: else fail, and it stays there. */
    public void sent(SendMessageBatchResponse response) {
        if (!response.failed().isEmpty()) {
            throw new IllegalStateException("The source queue refused the message: " + response.failed().get(0).code()
                    + " " + response.failed().get(0).message());
        }
    }

    public DlqMessage requeued(DlqMessage message) {
        return message.handled(DlqMessage.Outcome.REQUEUED);
    }

    public DlqMessage archived(DlqMessage message) {
        return message.handled(DlqMessage.Outcome.ARCHIVED);
    }

    public DlqMessage flagged(DlqMessage message) {
        return message.handled(DlqMessage.Outcome.FLAGGED);
    }

    /**
     * Where its document goes: a permanent failure to {@code <archive-prefix>/<queue>/<yyyy-MM-dd>/<messageId>.json}
     * (the day archived, UTC), an unknown one to {@code <flagged-prefix>/<queue>/<messageId>.json}.
     */
    public String documentKey(DlqMessage message) {
        return message.failureClass() == FailureClass.PERMANENT
                ? properties.archivePrefix() + "/" + message.queue().name() + "/" + DAY.format(clock.instant()) + "/"
                        + message.messageId() + ".json"
                : flaggedKey(message);
    }

    public String flaggedKey(DlqMessage message) {
        return flaggedPrefix(message.queue()) + message.messageId() + ".json";
    }

    public String flaggedPrefix(DlqQueue queue) {
        return properties.flaggedPrefix() + "/" + queue.name() + "/";
    }

    /** The message as archived or flagged: everything it carried, what it was classified as and why. */
    public String document(DlqMessage message) throws JsonProcessingException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("queue", message.queue().name());
        document.put("deadLetterQueue", message.queue().deadLetterQueue());
        document.put("sourceQueue", message.queue().sourceQueue());
        document.put("messageId", message.messageId());
        document.put("classification", message.failureClass().wireName());
        document.put("why", message.why());
        document.put("reason", message.failure());
        document.put("receiveCount", message.receiveCount());
        document.put("body", message.message().body());
        document.put("messageAttributes", new TreeMap<>(message.messageAttributes()));
        document.put("attributes", new TreeMap<>(message.systemAttributes()));
        document.put(message.failureClass() == FailureClass.PERMANENT ? "archivedAt" : "flaggedAt", clock.instant().toString());
        return JSON.writeValueAsString(document);
    }

    /** The flagged documents to read: their keys, oldest names first, at most {@code flagged-limit}. */
    public List<String> flaggedKeys(@Body List<S3Object> objects) {
        return objects.stream().map(S3Object::key).sorted().limit(properties.flaggedLimit()).toList();
    }

    /**
     * {@code GET /api/dlq/{queue}/flagged}: {@code {"queue","count","flagged":[document...]}}. A document deleted since
     * it was listed (a run has just handled its message) is left out.
     */
    public Map<String, Object> flaggedList(@Body List<?> documents, @Header("queue") String queue) throws JsonProcessingException {
        List<JsonNode> flagged = new ArrayList<>();
        for (Object document : documents) {
            if (document instanceof String text && !text.isBlank()) {
                flagged.add(JSON.readTree(text));
            } else if (document instanceof byte[] bytes && bytes.length > 0) {
                flagged.add(JSON.readTree(new String(bytes, StandardCharsets.UTF_8)));
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("queue", queue);
        answer.put("count", flagged.size());
        answer.put("flagged", flagged);
        return answer;
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
