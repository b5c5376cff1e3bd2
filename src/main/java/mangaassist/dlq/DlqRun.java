package mangaassist.dlq;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One reprocessing run over a DLQ: at most {@code max} messages, each handled once. It ends when {@code max} messages
 * were handled, when a receive finds the DLQ empty, or when it brings back only messages this run has handled already
 * (a flagged message stays in the DLQ and comes back once its visibility timeout is over).
 */
public final class DlqRun {

    /** The most messages one receive brings (SQS: 10). */
    static final int RECEIVE_BATCH = 10;

    private final DlqQueue queue;
    private final int max;
    private final Set<String> seen = new HashSet<>();
    private final List<DlqMessage> failed = new ArrayList<>();
    private final Map<DlqMessage.Outcome, Integer> outcomes = new EnumMap<>(DlqMessage.Outcome.class);
    private int handed;
    private boolean open = true;

    DlqRun(DlqQueue queue, int max) {
        this.queue = queue;
        this.max = max;
    }

    public DlqQueue queue() {
        return queue;
    }

    /** The most messages this run handles. */
    public int max() {
        return max;
    }

    public synchronized boolean isOpen() {
        return open;
    }

    /** How many messages the next receive may ask for. */
    synchronized int nextReceiveSize() {
        return Math.min(RECEIVE_BATCH, max - handed);
    }

    /** The received messages this run has not handled yet, to handle now; none closes the run, and so does reaching max. */
    synchronized List<DlqMessage> accept(List<Message> received) {
        List<DlqMessage> fresh = new ArrayList<>();
        for (Message message : received) {
            if (handed + fresh.size() < max && seen.add(message.messageId())) {
                fresh.add(DlqMessage.received(queue, message));
            }
        }
        handed += fresh.size();
        if (fresh.isEmpty() || handed >= max) {
            open = false;
        }
        return fresh;
    }

    synchronized void count(DlqMessage.Outcome outcome) {
        outcomes.merge(outcome, 1, Integer::sum);
    }

    /** A message whose handling failed: left in the DLQ, given back at the run's end (DlqQueues.release). */
    synchronized void failed(DlqMessage message) {
        failed.add(message);
    }

    public synchronized List<DlqMessage> failedMessages() {
        return List.copyOf(failed);
    }

    /** The seed's stats {@code {requeued, archived, flagged}}, and {@code failed}: left in the DLQ after an error. */
    public synchronized Map<String, Integer> stats() {
        Map<String, Integer> stats = new LinkedHashMap<>();
        stats.put("requeued", outcomes.getOrDefault(DlqMessage.Outcome.REQUEUED, 0));
        stats.put("archived", outcomes.getOrDefault(DlqMessage.Outcome.ARCHIVED, 0));
        stats.put("flagged", outcomes.getOrDefault(DlqMessage.Outcome.FLAGGED, 0));
        stats.put("failed", outcomes.getOrDefault(DlqMessage.Outcome.FAILED, 0));
        return stats;
    }
}
