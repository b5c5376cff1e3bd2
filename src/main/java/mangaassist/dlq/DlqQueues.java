package mangaassist.dlq;

import java.util.TreeSet;

import mangaassist.platform.ApiException;
import mangaassist.platform.QueueUrls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * The queues the reprocessor serves, by short name, and the receive from a DLQ: a bean, as the aws2-sqs component has
 * no receive operation for a producer (its consumer receives for ever; a run takes at most {@code max} messages).
 */
@Component("dlqQueues")
public class DlqQueues {

    private static final Logger LOG = LoggerFactory.getLogger(DlqQueues.class);
    private final SqsClient sqs;
    private final DlqProperties properties;
    private final QueueUrls urls;

    public DlqQueues(SqsClient sqs, QueueUrls urls, DlqProperties properties) {
        this.sqs = sqs;
        this.urls = urls;
        this.properties = properties;
    }

    /** The queue of a short name; 404 UNKNOWN_QUEUE for any other. */
    public DlqQueue queue(String name) {
        DlqProperties.Queue queue = name == null ? null : properties.queues().get(name);
        if (queue == null) {
            throw new ApiException("UNKNOWN_QUEUE", 404, "No dead-letter queue is named '" + name + "': one of "
                    + String.join(", ", new TreeSet<>(properties.queues().keySet())) + ".");
        }
        try {
            return new DlqQueue(name, queue.deadLetterQueue(), queue.sourceQueue(), url(queue.deadLetterQueue()),
                    url(queue.sourceQueue()));
        } catch (SdkException e) {
            throw new ApiException("QUEUE_UNAVAILABLE", 503, "The queues cannot be reached; try again later.", e);
        }
    }

    /**
     * Receives the next messages of the run's DLQ (all their attributes; hidden from others for the receive
     * visibility) and hands back those the run has not handled yet.
     */
    public java.util.List<DlqMessage> receive(DlqRun run) {
        ReceiveMessageRequest request = ReceiveMessageRequest.builder().queueUrl(run.queue().deadLetterUrl())
                .maxNumberOfMessages(run.nextReceiveSize()).waitTimeSeconds(properties.receiveWaitSeconds())
                .visibilityTimeout((int) properties.receiveVisibility().toSeconds())
                .messageSystemAttributeNamesWithStrings("All").messageAttributeNames("All").build();
        try {
            return run.accept(sqs.receiveMessage(request).messages());
        } catch (SdkException e) {
            throw new ApiException("QUEUE_UNAVAILABLE", 503, "The dead-letter queue cannot be read; try again later.", e);
        }
    }

    /**
     * The messages a run failed on (S3 down for their archive, the source queue refusing them) are given back to the
     * DLQ at the run's end (visibility 0), not hidden for the rest of the receive visibility: the next run, once the
     * cause is gone, takes them again. If the DLQ cannot be reached either, a message shows again after its
     * visibility, as it would have.
     */
    public void release(DlqRun run) {
        for (DlqMessage message : run.failedMessages()) {
            try {
                sqs.changeMessageVisibility(b -> b.queueUrl(run.queue().deadLetterUrl())
                        .receiptHandle(message.receiptHandle()).visibilityTimeout(0));
            } catch (SdkException e) {
                LOG.warn("DLQ {} | msgId={} | not released, shows again after its visibility: {}", run.queue().name(),
                        message.messageId(), e.toString());
            }
        }
    }

    private String url(String name) {
        return urls.of(name);
    }
}
