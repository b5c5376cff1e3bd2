package mangaassist.dlq;

import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.platform.ApiException;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Starts and ends reprocessing runs: {@code POST /api/dlq/{queue}/reprocess?max=N} and the schedule start one; each
 * handled message is counted in it ({@code mangaassist.dlq.messages{queue,outcome}} too); its stats are the answer.
 */
@Component("dlqRuns")
public class DlqRuns {

    /** The exchange property holding the run while its messages are handled. */
    public static final String RUN = "dlqRun";

    private static final Logger LOG = LoggerFactory.getLogger(DlqRuns.class);

    private final DlqQueues queues;
    private final DlqProperties properties;
    private final MeterRegistry meters;

    public DlqRuns(DlqQueues queues, DlqProperties properties, MeterRegistry meters) {
        this.queues = queues;
        this.properties = properties;
        this.meters = meters;
    }

    /** A run of the API: the path's queue, {@code max} messages (default {@code default-max}); 400 INVALID_MAX. */
    public DlqRun start(@Header("queue") String queue, @Header("max") String max) {
        int count = properties.defaultMax();
        if (max != null && !max.isBlank()) {
            try {
                count = Integer.parseInt(max.strip());
            } catch (NumberFormatException e) {
                count = -1;
            }
            if (count < 1 || count > properties.maxLimit()) {
                throw new ApiException("INVALID_MAX", 400, "max must be a whole number from 1 to " + properties.maxLimit() + ".");
            }
        }
        return new DlqRun(queues.queue(queue), count);
    }

    /** A run of the schedule over one queue, {@code max} messages. */
    public DlqRun scheduled(@Body String queue, @Header("max") int max) {
        return new DlqRun(queues.queue(queue.strip()), max);
    }

    /** The queue of a path (404 UNKNOWN_QUEUE), for the flagged listing. */
    public DlqQueue queue(@Header("queue") String queue) {
        return queues.queue(queue);
    }

    public void record(@Body DlqMessage message, @ExchangeProperty(RUN) DlqRun run) {
        count(run, message.outcome());
        LOG.info("DLQ {} | msgId={} | {} ({}) | {}", run.queue().name(), message.messageId(),
                message.failureClass().wireName(), message.why(), message.outcome());
    }

    /** A message whose handling failed: left in the DLQ (it is received again after its visibility timeout). */
    public void failed(@Body DlqMessage message, @ExchangeProperty(RUN) DlqRun run, Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        count(run, DlqMessage.Outcome.FAILED);
        run.failed(message);
        LOG.warn("DLQ {} | msgId={} | {}: left in the DLQ ({})", run.queue().name(), message.messageId(),
                message.failureClass() == null ? "not classified" : message.failureClass().wireName(),
                cause == null ? "failed" : cause.toString());
    }

    public Map<String, Integer> stats(@Body DlqRun run) {
        Map<String, Integer> stats = run.stats();
        LOG.info("DLQ reprocessing of {} complete | stats={}", run.queue().name(), stats);
        return stats;
    }

    private void count(DlqRun run, DlqMessage.Outcome outcome) {
        run.count(outcome);
        meters.counter("mangaassist.dlq.messages", "queue", run.queue().name(), "outcome", outcome.name().toLowerCase())
                .increment();
    }
}
