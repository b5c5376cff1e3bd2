package mangaassist.enrichment;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import mangaassist.platform.AsyncJobMetrics;
import mangaassist.platform.contracts.ContractViolationException;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The consumer's steps (seed 000 §2.3), each one transformation of the {@link EnrichmentTask} in the body: read the
 * message, build the model request, read the answer, and account for the outcome.
 *
 * <p>Metrics ({@link AsyncJobMetrics}): {@code mangaassist.async.job.duration{flow=enrichment,type,status}} (the seed's
 * AsyncJobDuration; status success|failure) and {@code mangaassist.errors{flow=enrichment,code}}.
 */
@Component("enrichmentSteps")
public class EnrichmentSteps {

    /** Message attribute of a dead-lettered message: why it can never succeed. */
    public static final String ATTRIBUTE_REASON = "failureReason";
    public static final String ATTRIBUTE_SOURCE_MESSAGE = "sourceMessageId";
    static final String CONTENT_TYPE = "application/json";
    static final String ANTHROPIC_VERSION = "bedrock-2023-05-31";
    /** The group of a rejected message that came without one (it cannot have: FIFO; kept for safety). */
    static final String NO_GROUP = "enrichment-rejected";

    static final String FLOW = "enrichment";

    private static final Logger LOG = LoggerFactory.getLogger(EnrichmentSteps.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EnrichmentProperties properties;
    private final EnrichmentQueues queues;
    private final EnrichmentGroupOrder groupOrder;
    private final AsyncJobMetrics metrics;

    public EnrichmentSteps(EnrichmentProperties properties, EnrichmentQueues queues, EnrichmentGroupOrder groupOrder,
                           AsyncJobMetrics metrics) {
        this.properties = properties;
        this.queues = queues;
        this.groupOrder = groupOrder;
        this.metrics = metrics;
    }

    /**
     * The message as a task: its job, read from a body that keeps its schema (enrichment-job.v1, checked before this
     * step by the consumer route's json-validator). Defaults as the seed: synopsis, normal priority; titles may be
     * missing.
     */
    public EnrichmentTask received(@Body String body, @Header(Sqs2Constants.MESSAGE_ID) String messageId,
                                   @Header("MessageGroupId") String groupId,
                                   @Header("ApproximateReceiveCount") String receiveCount) throws JsonProcessingException {
        long start = System.nanoTime();
        JsonNode root = JSON.readTree(body);
        JsonNode manga = root.path("manga");
        JsonNode type = root.get("enrichmentType");
        JsonNode priority = root.get("priority");
        EnrichmentJob job = EnrichmentJob.of(manga.get("id").asText(), text(manga.get("title")), text(manga.get("titleJp")),
                EnrichmentJobFields.absent(type) ? EnrichmentType.DEFAULT : EnrichmentType.fromWire(type.asText()).orElseThrow(),
                EnrichmentJobFields.absent(priority) ? EnrichmentPriority.DEFAULT : priority.asText(),
                root.path("requestedAt").asLong(0));
        return new EnrichmentTask(messageId, groupId, count(receiveCount), body, job, null, start, null);
    }

    /**
     * A message that breaks its schema (the json-validator's {@link ContractViolationException}, caught by the route):
     * the rejection, a permanent failure no redelivery can fix, with the failing field paths as its reason.
     */
    public EnrichmentTask violated(@Body String body, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) ContractViolationException violation,
                                   @Header(Sqs2Constants.MESSAGE_ID) String messageId, @Header("MessageGroupId") String groupId,
                                   @Header("ApproximateReceiveCount") String receiveCount) {
        return new EnrichmentTask(messageId, groupId, count(receiveCount), body, null, violation.deadLetterReason(),
                System.nanoTime(), null);
    }

    /** The seed's request: its prompt for the type, Haiku, max_tokens 1024, temperature 0.5. */
    public InvokeModelRequest modelRequest(EnrichmentTask task) {
        ObjectNode body = JSON.createObjectNode();
        body.put("anthropic_version", ANTHROPIC_VERSION);
        body.put("max_tokens", properties.maxTokens());
        body.put("temperature", properties.temperature());
        body.putArray("messages").addObject().put("role", "user")
                .put("content", task.job().type().prompt(task.job().manga().title(), task.job().manga().titleJp()));
        return InvokeModelRequest.builder().modelId(properties.model()).contentType(CONTENT_TYPE).accept(CONTENT_TYPE)
                .body(SdkBytes.fromUtf8String(body.toString())).build();
    }

    /** Aggregation of the model's answer into the task: its text parsed as JSON, else {@code {"raw_text": text}}. */
    public EnrichmentTask withAnswer(EnrichmentTask task, JsonNode answer) {
        JsonNode text = answer == null ? null : answer.path("content").path(0).path("text");
        if (text == null || !text.isTextual()) {
            throw new IllegalStateException("The model's answer has no text");
        }
        return task.withEnrichment(EnrichmentAnswer.parse(text.asText()));
    }

    public void succeeded(EnrichmentTask task) {
        long nanos = record(task, "success");
        LOG.info("Enrichment complete | manga={} | type={} | msgId={} | {} ms", task.job().mangaId(),
                task.job().enrichmentType(), task.messageId(), TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    /**
     * A transient failure: counted, its group's later messages in this poll held back, and thrown again, so that the
     * message stays on the queue (the queue's redrive moves it to the DLQ after its last receive).
     */
    public void failed(EnrichmentTask task, Exchange exchange) throws Exception {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        groupOrder.failed(task);
        record(task, "failure");
        metrics.error(FLOW, AsyncJobMetrics.errorCode(cause));
        throw cause != null ? cause : new IllegalStateException("enrichment failed");
    }

    /** A permanent failure, on its way to the DLQ: counted once. */
    public void rejected(EnrichmentTask task) {
        record(task, "failure");
        String code = task.rejection().substring(0, Math.max(0, task.rejection().indexOf(':')));
        metrics.error(FLOW, code.isEmpty() ? "REJECTED" : code);
        LOG.warn("Enrichment message {} rejected, sent to the DLQ: {}", task.messageId(), task.rejection());
    }

    /**
     * The rejected message for the FIFO DLQ: its body as received, its group (the DLQ keeps the order too), its
     * message id as deduplication id (a second try of the same message is queued once), the reason as an attribute.
     */
    public SendMessageBatchRequest deadLetterRequest(EnrichmentTask task) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        attributes.put(ATTRIBUTE_REASON, text(task.rejection()));
        attributes.put(ATTRIBUTE_SOURCE_MESSAGE, text(task.messageId()));
        return SendMessageBatchRequest.builder().queueUrl(queues.deadLetters()).entries(SendMessageBatchRequestEntry.builder()
                .id("0").messageBody(task.body() == null || task.body().isEmpty() ? "(empty)" : task.body())
                .messageGroupId(task.groupId() != null ? task.groupId() : NO_GROUP)
                .messageDeduplicationId(task.messageId()).messageAttributes(attributes).build()).build();
    }

    /** Only a message the DLQ took may be deleted from the source: else fail, and it is received again. */
    public void deadLettered(SendMessageBatchResponse response) {
        if (!response.failed().isEmpty()) {
            throw new IllegalStateException("The DLQ refused the message: " + response.failed().get(0).message());
        }
    }

    private long record(EnrichmentTask task, String status) {
        return metrics.finished(FLOW, task.typeTag(), AsyncJobMetrics.SUCCESS.equals(status), task.startNanos());
    }

    private static int count(String receiveCount) {
        return receiveCount == null ? 1 : Integer.parseInt(receiveCount);
    }

    private static String text(JsonNode node) {
        return EnrichmentJobFields.absent(node) ? null : node.asText();
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
