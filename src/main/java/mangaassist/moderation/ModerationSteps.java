package mangaassist.moderation;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import mangaassist.platform.contracts.ContractViolationException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The consumer's steps, each one transformation of the {@link ModerationTask} in the body: read the message, build the
 * model request, read the verdict, write the result, and account for the outcome.
 *
 * <p>Metrics: {@code mangaassist.moderation.job.duration{type,status}} (the seed's AsyncJobDuration; type the content
 * type, status success|failure), {@code mangaassist.moderation.verdicts{verdict}} and
 * {@code mangaassist.errors{flow=moderation,code}}.
 */
@Component("moderationSteps")
public class ModerationSteps {

    /** Message attribute of a dead-lettered message: why it can never succeed (the DLQ reprocessor reads it). */
    public static final String ATTRIBUTE_REASON = "failureReason";
    public static final String ATTRIBUTE_SOURCE_MESSAGE = "sourceMessageId";
    static final String CONTENT_TYPE = "application/json";
    static final String ANTHROPIC_VERSION = "bedrock-2023-05-31";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private static final Logger LOG = LoggerFactory.getLogger(ModerationSteps.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModerationProperties properties;
    private final ModerationQueues queues;
    private final MeterRegistry meters;
    private final Clock clock;

    @Autowired
    public ModerationSteps(ModerationProperties properties, ModerationQueues queues, MeterRegistry meters) {
        this(properties, queues, meters, Clock.systemUTC());
    }

    ModerationSteps(ModerationProperties properties, ModerationQueues queues, MeterRegistry meters, Clock clock) {
        this.properties = properties;
        this.queues = queues;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * The message as a task: its content, read from a body that keeps its schema (moderation-job.v1, checked before
     * this step by the consumer route's json-validator); rejected only for a text over the configured limit.
     */
    public ModerationTask received(@Body String body, @Header(Sqs2Constants.MESSAGE_ID) String messageId,
                                   @Header("ApproximateReceiveCount") String receiveCount,
                                   @Header("SentTimestamp") String sentTimestamp) throws JsonProcessingException {
        long start = System.nanoTime();
        ModerationContent.Result read = ModerationContent.read(JSON.readTree(body), properties.maxTextChars());
        return read.content() == null
                ? new ModerationTask(messageId, count(receiveCount), sentAt(sentTimestamp), body, null, read.reason(), start, null)
                : new ModerationTask(messageId, count(receiveCount), sentAt(sentTimestamp), body, read.content(), null, start, null);
    }

    /**
     * A message that breaks its schema (the json-validator's {@link ContractViolationException}, caught by the route):
     * the rejection, a permanent failure no redelivery can fix, with the failing field paths as its reason.
     */
    public ModerationTask violated(@Body String body, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) ContractViolationException violation,
                                   @Header(Sqs2Constants.MESSAGE_ID) String messageId,
                                   @Header("ApproximateReceiveCount") String receiveCount,
                                   @Header("SentTimestamp") String sentTimestamp) {
        return new ModerationTask(messageId, count(receiveCount), sentAt(sentTimestamp), body, null,
                violation.deadLetterReason(), System.nanoTime(), null);
    }

    private static int count(String receiveCount) {
        return receiveCount == null ? 1 : Integer.parseInt(receiveCount);
    }

    private Instant sentAt(String sentTimestamp) {
        return sentTimestamp == null ? clock.instant() : Instant.ofEpochMilli(Long.parseLong(sentTimestamp));
    }

    /** The moderation prompt to the model: the policy as system prompt, the content as the user's message. */
    public InvokeModelRequest modelRequest(ModerationTask task) {
        ObjectNode body = JSON.createObjectNode();
        body.put("anthropic_version", ANTHROPIC_VERSION);
        body.put("max_tokens", properties.maxTokens());
        body.put("temperature", properties.temperature());
        body.put("system", ModerationPrompt.SYSTEM);
        body.putArray("messages").addObject().put("role", "user").put("content", ModerationPrompt.user(task.content()));
        return InvokeModelRequest.builder().modelId(properties.model()).contentType(CONTENT_TYPE).accept(CONTENT_TYPE)
                .body(SdkBytes.fromUtf8String(body.toString())).build();
    }

    /** Aggregation of the model's answer into the task: its verdict (review when the text is not one). */
    public ModerationTask withAnswer(ModerationTask task, JsonNode answer) {
        JsonNode text = answer == null ? null : answer.path("content").path(0).path("text");
        if (text == null || !text.isTextual()) {
            throw new IllegalStateException("The model's answer has no text");
        }
        return task.withVerdict(ModerationVerdict.parse(text.asText()));
    }

    /** {@code <results-prefix>/<yyyy-MM-dd>/<contentId>.json}, the day the job was sent (UTC): a redelivery overwrites it. */
    public String resultKey(ModerationTask task) {
        return properties.resultsPrefix() + "/" + DAY.format(task.sentAt()) + "/" + task.content().contentId() + ".json";
    }

    /** The result document written to S3. */
    public String result(ModerationTask task) throws JsonProcessingException {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("contentId", task.content().contentId());
        result.put("contentType", task.content().contentType());
        result.put("verdict", task.verdict().verdict());
        result.put("reasons", task.verdict().reasons());
        if (task.verdict().modelAnswer() != null) {
            result.put("modelAnswer", task.verdict().modelAnswer());
        }
        result.put("model", properties.model());
        result.put("messageId", task.messageId());
        result.put("sentAt", task.sentAt().toString());
        result.put("moderatedAt", clock.instant().toString());
        return JSON.writeValueAsString(result);
    }

    public void succeeded(ModerationTask task) {
        long nanos = record(task, "success");
        meters.counter("mangaassist.moderation.verdicts", "verdict", task.verdict().verdict()).increment();
        LOG.info("Moderation complete | content={} | type={} | verdict={} | msgId={} | {} ms", task.content().contentId(),
                task.content().contentType(), task.verdict().verdict(), task.messageId(), TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    /** A transient failure: counted and thrown again, so that the message stays on the queue for redelivery. */
    public void failed(ModerationTask task, Exchange exchange) throws Exception {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        record(task, "failure");
        meters.counter("mangaassist.errors", "flow", "moderation", "code", errorCode(cause)).increment();
        throw cause != null ? cause : new IllegalStateException("moderation failed");
    }

    /** A permanent failure, on its way to the DLQ: counted once. */
    public void rejected(ModerationTask task) {
        record(task, "failure");
        String code = task.rejection().substring(0, Math.max(0, task.rejection().indexOf(':')));
        meters.counter("mangaassist.errors", "flow", "moderation", "code", code.isEmpty() ? "REJECTED" : code).increment();
        LOG.warn("Moderation message {} rejected, sent to the DLQ: {}", task.messageId(), task.rejection());
    }

    /** The rejected message for the DLQ: its body as received, the reason and its source message id as attributes. */
    public SendMessageBatchRequest deadLetterRequest(ModerationTask task) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        attributes.put(ATTRIBUTE_REASON, text(task.rejection()));
        attributes.put(ATTRIBUTE_SOURCE_MESSAGE, text(task.messageId()));
        return SendMessageBatchRequest.builder().queueUrl(queues.deadLetters()).entries(SendMessageBatchRequestEntry.builder()
                .id("0").messageBody(task.body() == null || task.body().isEmpty() ? "(empty)" : task.body())
                .messageAttributes(attributes).build()).build();
    }

    /** Only a message the DLQ took may be deleted from the source: else fail, and it is received again. */
    public void deadLettered(SendMessageBatchResponse response) {
        if (!response.failed().isEmpty()) {
            throw new IllegalStateException("The DLQ refused the message: " + response.failed().get(0).message());
        }
    }

    private long record(ModerationTask task, String status) {
        long nanos = System.nanoTime() - task.startNanos();
        Timer.builder("mangaassist.moderation.job.duration").description("Moderation job duration (the seed's AsyncJobDuration)")
                .tag("type", task.typeTag()).tag("status", status).register(meters).record(nanos, TimeUnit.NANOSECONDS);
        return nanos;
    }

    static String errorCode(Throwable cause) {
        if (cause == null) {
            return "UNKNOWN";
        }
        String name = cause.getClass().getSimpleName();
        return name.endsWith("Exception") ? name.substring(0, name.length() - "Exception".length()) : name;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
