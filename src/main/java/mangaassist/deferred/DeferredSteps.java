package mangaassist.deferred;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Body;
import org.apache.camel.CamelExchangeException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import mangaassist.enrichment.FieldError;
import mangaassist.platform.AsyncJobMetrics;
import mangaassist.platform.contracts.ContractViolationException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The consumer's steps (seed 000 §4.2), each one transformation of the {@link DeferredTask} in the body: read the
 * message, build the inference request, read its answer, and account for the outcome.
 *
 * <p>Metrics ({@link AsyncJobMetrics}): {@code mangaassist.async.job.duration{flow=deferred,type,status}} and
 * {@code mangaassist.errors{flow=deferred,code}}.
 */
@Component("deferredSteps")
public class DeferredSteps {

    static final String FLOW = "deferred";
    /** Message attributes of a dead-lettered message. */
    public static final String ATTRIBUTE_REASON = "failureReason";
    public static final String ATTRIBUTE_SOURCE_MESSAGE = "sourceMessageId";
    static final String CONTENT_TYPE = "application/json";
    static final String ANTHROPIC_VERSION = "bedrock-2023-05-31";

    private static final Logger LOG = LoggerFactory.getLogger(DeferredSteps.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeferredProperties properties;
    private final DeferredJobs jobs;
    private final DeferredQueues queues;
    private final AsyncJobMetrics metrics;

    public DeferredSteps(DeferredProperties properties, DeferredJobs jobs, DeferredQueues queues, AsyncJobMetrics metrics) {
        this.properties = properties;
        this.jobs = jobs;
        this.queues = queues;
        this.metrics = metrics;
    }

    /**
     * The message as a task: the job of a body that keeps its schema (deferred-job.v1, checked before this step by the
     * consumer route's json-validator), else the rejection for what the schema leaves to the configuration
     * ({@code INVALID_FIELDS}: prompt length, models, callback targets, how many manga). A job without {@code jobId}
     * takes the message id, the same on every receive.
     */
    public DeferredTask received(@Body String body, @Header(Sqs2Constants.MESSAGE_ID) String messageId,
                                 @Header("ApproximateReceiveCount") String receiveCount) throws JsonProcessingException {
        long start = System.nanoTime();
        DeferredJobs.Read read = jobs.read(JSON.readTree(body));
        if (!read.valid()) {
            StringBuilder reason = new StringBuilder("INVALID_FIELDS:");
            for (FieldError e : read.errors()) {
                reason.append(' ').append(e.field()).append(' ').append(e.error()).append(';');
            }
            return new DeferredTask(messageId, count(receiveCount), body, null, reason.toString(), start, null);
        }
        DeferredJob job = read.job().jobId() == null ? read.job().withJobId(messageId) : read.job();
        return new DeferredTask(messageId, count(receiveCount), body, job, null, start, null);
    }

    /**
     * A message that breaks its schema (the json-validator's {@link ContractViolationException}, caught by the route):
     * the rejection, a permanent failure, with the failing field paths as its reason; {@code UNKNOWN_JOB_TYPE} when
     * the jobType is the fault (the flow's code for it, as before the schema).
     */
    public DeferredTask violated(@Body String body, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) ContractViolationException violation,
                                 @Header(Sqs2Constants.MESSAGE_ID) String messageId,
                                 @Header("ApproximateReceiveCount") String receiveCount) {
        boolean unknownType = violation.violations().stream().anyMatch(v -> v.field().equals("jobType"));
        String reason = unknownType ? "UNKNOWN_JOB_TYPE: jobType " + jobTypeOf(body) + " (known: " + DeferredJob.TYPES + ") ["
                + violation.schemaName() + "]" : violation.deadLetterReason();
        return new DeferredTask(messageId, count(receiveCount), body, null, reason, System.nanoTime(), null);
    }

    private static String jobTypeOf(String body) {
        try {
            JsonNode type = JSON.readTree(body).get("jobType");
            return type == null || type.isNull() ? "none" : "'" + type.asText() + "'";
        } catch (JsonProcessingException e) {
            return "none";
        }
    }

    private static int count(String receiveCount) {
        return receiveCount == null ? 1 : Integer.parseInt(receiveCount);
    }

    /** The seed's request: the job's prompt to its model (default Haiku), max_tokens 2048. */
    public InvokeModelRequest inferenceRequest(DeferredTask task) {
        ObjectNode body = JSON.createObjectNode();
        body.put("anthropic_version", ANTHROPIC_VERSION);
        body.put("max_tokens", properties.inference().maxTokens());
        body.putArray("messages").addObject().put("role", "user").put("content", task.job().prompt());
        String model = task.job().modelId() != null ? task.job().modelId() : properties.inference().defaultModel();
        return InvokeModelRequest.builder().modelId(model).contentType(CONTENT_TYPE).accept(CONTENT_TYPE)
                .body(SdkBytes.fromUtf8String(body.toString())).build();
    }

    public void succeeded(DeferredTask task) {
        long nanos = metrics.finished(FLOW, task.typeTag(), true, task.startNanos());
        LOG.info("Deferred job complete | jobId={} | type={} | msgId={} | {} ms", task.job().jobId(), task.typeTag(),
                task.messageId(), TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    /**
     * A transient failure: counted and thrown again, so that the message stays on the queue (the queue's redrive moves
     * it to the DLQ after its last receive).
     */
    public void failed(DeferredTask task, Exchange exchange) throws Exception {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        // a part of a batch_recommendation fails inside the splitter, which wraps it
        Throwable reported = cause instanceof CamelExchangeException && cause.getCause() != null ? cause.getCause() : cause;
        metrics.finished(FLOW, task.typeTag(), false, task.startNanos());
        metrics.error(FLOW, reported instanceof DeferredCallbackException ? "CALLBACK_FAILED" : AsyncJobMetrics.errorCode(reported));
        LOG.debug("Deferred job {} ({}) failed on receive {}", task.job().jobId(), task.typeTag(), task.receiveCount(), reported);
        throw cause != null ? cause : new IllegalStateException("deferred job failed");
    }

    /** A permanent failure found while processing (the caught {@link DeferredRejectedException}): the task's reason. */
    public DeferredTask permanent(DeferredTask task, Exchange exchange) {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        DeferredRejectedException rejection = find(caught);
        return task.rejectedFor(rejection != null ? rejection.getMessage() : "REJECTED: " + AsyncJobMetrics.errorCode(caught));
    }

    /** A permanent failure, on its way to the DLQ: counted once. */
    public void rejected(DeferredTask task) {
        metrics.finished(FLOW, task.typeTag(), false, task.startNanos());
        int colon = task.rejection().indexOf(':');
        metrics.error(FLOW, colon > 0 ? task.rejection().substring(0, colon) : "REJECTED");
        LOG.warn("Deferred message {} rejected, sent to the DLQ: {}", task.messageId(), task.rejection());
    }

    /** The rejected message for the DLQ: its body as received, the reason and the source message id as attributes. */
    public SendMessageBatchRequest deadLetterRequest(DeferredTask task) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        attributes.put(ATTRIBUTE_REASON, text(task.rejection()));
        attributes.put(ATTRIBUTE_SOURCE_MESSAGE, text(task.messageId()));
        if (task.jobType() != null) {
            attributes.put(DeferredSender.ATTRIBUTE_JOB_TYPE, text(task.jobType()));
        }
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

    static DeferredRejectedException find(Throwable caught) {
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (t instanceof DeferredRejectedException rejected) {
                return rejected;
            }
        }
        return null;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
