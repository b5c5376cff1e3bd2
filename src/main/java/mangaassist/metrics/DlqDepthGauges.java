package mangaassist.metrics;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.platform.AsyncJobMetrics;
import mangaassist.platform.QueueUrls;
import mangaassist.platform.TopologyProperties;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The depth of every dead-letter queue of the topology (a queue another one's redrive policy names), as the gauge
 * {@code mangaassist.dlq.depth{queue}}: SQS's ApproximateNumberOfMessages (visible messages), read by the
 * {@code metrics-dlq-depth} timer route every {@code mangaassist.metrics.dlq-depth-period-ms}, never per message. A
 * gauge reads -1 until its first successful poll; a failed poll leaves the last value and counts
 * {@code mangaassist.errors{flow=metrics,code}}. Alarm threshold (the seed's): depth > 100, README "Metrics".
 */
@Component("metricsDlqDepth")
public class DlqDepthGauges {

    public static final String GAUGE = "mangaassist.dlq.depth";
    static final String FLOW = "metrics";
    static final long UNKNOWN = -1;

    private static final Logger LOG = LoggerFactory.getLogger(DlqDepthGauges.class);

    private final SqsClient sqs;
    private final AsyncJobMetrics metrics;
    private final List<String> queues;
    private final Map<String, AtomicLong> depths = new ConcurrentHashMap<>();
    private final QueueUrls urls;

    public DlqDepthGauges(SqsClient sqs, QueueUrls urls, TopologyProperties topology, MeterRegistry meters, AsyncJobMetrics metrics) {
        this.sqs = sqs;
        this.urls = urls;
        this.metrics = metrics;
        this.queues = deadLetterQueues(topology);
        for (String queue : queues) {
            AtomicLong depth = new AtomicLong(UNKNOWN);
            depths.put(queue, depth);
            Gauge.builder(GAUGE, depth, AtomicLong::doubleValue)
                    .description("Messages in a dead-letter queue (SQS ApproximateNumberOfMessages), polled")
                    .tag("queue", queue).register(meters);
        }
    }

    /** The dead-letter queues of the topology: every queue named by another queue's redrive policy, in topology order. */
    static List<String> deadLetterQueues(TopologyProperties topology) {
        return topology.queues().stream().map(TopologyProperties.Queue::deadLetterQueue).filter(Objects::nonNull)
                .distinct().toList();
    }

    /** The queues polled (the splitter's parts). */
    public List<String> queues() {
        return queues;
    }

    /** Reads one queue's depth into its gauge; returns it. */
    public long refresh(String queue) {
        String url = urls.of(queue);
        String value = sqs.getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
        long depth = value == null ? UNKNOWN : Long.parseLong(value);
        depths.get(queue).set(depth);
        return depth;
    }

    /** A poll that failed: the gauge keeps its last value; counted and logged without a stack trace. */
    public void failed(String queue, Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        metrics.error(FLOW, AsyncJobMetrics.errorCode(cause));
        LOG.warn("DLQ depth of {} not read: {}", queue, cause == null ? "unknown" : cause.getMessage());
    }

    /** The depth the gauge shows now (-1: never read). */
    public long depth(String queue) {
        AtomicLong depth = depths.get(queue);
        return depth == null ? UNKNOWN : depth.get();
    }
}
