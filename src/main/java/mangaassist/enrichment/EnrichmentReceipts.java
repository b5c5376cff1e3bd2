package mangaassist.enrichment;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.camel.BatchConsumer;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Header;
import org.apache.camel.Route;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import mangaassist.platform.AsyncJobMetrics;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;

/**
 * Deletes a poll's finished messages with one DeleteMessageBatch instead of one DeleteMessage each (what aws2-sqs's
 * {@code deleteAfterRead} does; its producer has no batch delete, hence a bean on the SqsClient, as
 * {@link EnrichmentCatalog} is on DynamoDB's).
 *
 * <p>A message is finished when the consumer route completed it: stored, or sent to the DLQ as a permanent failure. A
 * failed message is never noted, so it stays on the queue for redelivery and the redrive. Its group is safe: the queue
 * holds a FIFO group while any of its messages is in flight, so the poll's notes are deleted before another
 * consumer can receive the group's next message.
 *
 * <p>Per thread, as {@link EnrichmentGroupOrder}: aws2-sqs processes a poll's messages one after another on its poll
 * thread. The poll's notes are deleted after its last message, after the last one a stopping consumer processes, or
 * once the oldest has waited {@code mangaassist.enrichment.consumer.delete-max-delay-ms}.
 * Notes a crash loses only mean a redelivery after the visibility timeout: the catalog write is idempotent.
 */
@Component("enrichmentReceipts")
public class EnrichmentReceipts {

    /** SQS's limit per DeleteMessageBatch. */
    static final int MAX_ENTRIES = 10;

    private static final Logger LOG = LoggerFactory.getLogger(EnrichmentReceipts.class);

    private final ThreadLocal<List<String>> finished = ThreadLocal.withInitial(ArrayList::new);
    /** When this thread's oldest finished message was noted ({@link System#nanoTime()}). */
    private final ThreadLocal<long[]> oldest = ThreadLocal.withInitial(() -> new long[1]);
    private final SqsClient sqs;
    private final EnrichmentQueues queues;
    private final AsyncJobMetrics metrics;
    private final long maxDelayNanos;

    @Autowired
    public EnrichmentReceipts(SqsClient sqs, EnrichmentQueues queues, AsyncJobMetrics metrics,
                              @Value("${mangaassist.enrichment.consumer.delete-max-delay-ms}") long maxDelayMs) {
        this.sqs = sqs;
        this.queues = queues;
        this.metrics = metrics;
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(maxDelayMs);
    }

    /** The message is finished: deleted with the rest of its poll. */
    public void finished(@Header(Sqs2Constants.RECEIPT_HANDLE) String receiptHandle) {
        if (receiptHandle != null) {
            List<String> handles = finished.get();
            if (handles.isEmpty()) {
                oldest.get()[0] = System.nanoTime();
            }
            handles.add(receiptHandle);
        }
    }

    /**
     * True after the poll's last message, when the consumer stops before it (it processes no more of the poll), or when
     * a finished message has waited {@code delete-max-delay-ms} for the rest of its poll: a slow poll (a slow model)
     * would otherwise keep its first messages in flight, and past the visibility timeout they would be received again.
     */
    public boolean pollDone(Exchange exchange) {
        if (exchange.getProperty(ExchangePropertyKey.BATCH_COMPLETE, false, Boolean.class)) {
            return true;
        }
        if (!finished.get().isEmpty() && System.nanoTime() - oldest.get()[0] >= maxDelayNanos) {
            return true;
        }
        Route route = exchange.getFromRouteId() == null ? null : exchange.getContext().getRoute(exchange.getFromRouteId());
        Consumer consumer = route == null ? null : route.getConsumer();
        return consumer instanceof BatchConsumer batch && !batch.isBatchAllowed();
    }

    /** This thread's finished messages as DeleteMessageBatch requests of ≤ 10 (none when there are none). */
    public List<DeleteMessageBatchRequest> deleteRequests() {
        List<String> handles = finished.get();
        List<DeleteMessageBatchRequest> requests = new ArrayList<>();
        for (int from = 0; from < handles.size(); from += MAX_ENTRIES) {
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(handles.size(), from + MAX_ENTRIES); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(i - from)).receiptHandle(handles.get(i)).build());
            }
            requests.add(DeleteMessageBatchRequest.builder().queueUrl(queues.jobs()).entries(entries).build());
        }
        handles.clear();
        return requests;
    }

    /**
     * One DeleteMessageBatch. What SQS does not delete (an entry refused, or the call failed) is logged and counted, not
     * thrown: those messages come back after the visibility timeout and are stored again, to the same effect.
     */
    public void delete(DeleteMessageBatchRequest request) {
        try {
            DeleteMessageBatchResponse response = sqs.deleteMessageBatch(request);
            for (BatchResultErrorEntry failed : response.failed()) {
                metrics.error(EnrichmentSteps.FLOW, "DELETE_FAILED");
                LOG.warn("Enrichment message not deleted ({} {}): it will be received and stored again", failed.code(),
                        failed.message());
            }
        } catch (SdkException e) {
            metrics.error(EnrichmentSteps.FLOW, "DELETE_FAILED");
            LOG.warn("Enrichment messages not deleted ({}): {} will be received and stored again", e.getMessage(),
                    request.entries().size());
        }
    }
}
