package mangaassist.deferred;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import mangaassist.platform.ApiException;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The producer's steps: a job becomes a send request (its body the job's JSON, its attribute {@code jobType}), the
 * queue's answer gives its message id, and the API answers 202 with it. A prebuilt request, not the endpoint's headers:
 * the REST request's headers would otherwise travel as message attributes.
 */
@Component("deferredSender")
public class DeferredSender {

    public static final String ATTRIBUTE_JOB_TYPE = "jobType";

    /** A job the queue accepted, and its message id. */
    public record Queued(DeferredJob job, String messageId) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeferredQueues queues;

    public DeferredSender(DeferredQueues queues) {
        this.queues = queues;
    }

    /** One entry to the job queue. */
    public SendMessageBatchRequest request(DeferredJob job) throws JsonProcessingException {
        return SendMessageBatchRequest.builder().queueUrl(queues.jobs()).entries(SendMessageBatchRequestEntry.builder()
                .id("0").messageBody(JSON.writeValueAsString(job))
                .messageAttributes(Map.of(ATTRIBUTE_JOB_TYPE, MessageAttributeValue.builder().dataType("String")
                        .stringValue(job.jobType()).build()))
                .build()).build();
    }

    /** Aggregation of the send into the job: its message id, or 503 when SQS refused it. */
    public Queued accept(DeferredJob job, SendMessageBatchResponse response) {
        if (response == null || response.successful().isEmpty()) {
            String code = response == null || response.failed().isEmpty() ? "NoAnswer" : response.failed().get(0).code();
            throw new ApiException("ENQUEUE_FAILED", 503, "The job could not be queued (" + code + "); please try again.");
        }
        return new Queued(job, response.successful().get(0).messageId());
    }

    /** The answer to {@code POST /api/deferred/jobs}: 202 {@code {status, messageId, jobId, jobType}}. */
    public Map<String, Object> answer(Queued queued, Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "queued");
        body.put("messageId", queued.messageId());
        body.put("jobId", queued.job().jobId());
        body.put("jobType", queued.job().jobType());
        return body;
    }

    /** A send that failed as a whole (SQS unreachable, throttled): 503, the cause kept for the log. */
    public void sendFailed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        throw new ApiException("ENQUEUE_FAILED", 503, "The job could not be queued; please try again.", cause);
    }
}
