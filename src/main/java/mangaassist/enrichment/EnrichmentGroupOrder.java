package mangaassist.enrichment;

import java.util.HashSet;
import java.util.Set;

import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Keeps a group's order when one of its messages fails. A FIFO receive may hand out several messages of one group;
 * if the first fails and the next ones succeed, they would be deleted while the first comes back later: overtaken.
 * So once a message of a group fails, the group's later messages in the same poll are left on the queue unprocessed
 * (they come back after it, as the queue holds the group while it is in flight).
 *
 * <p>Per poll, per thread: the aws2-sqs consumer processes a poll's messages one after another on its poll thread
 * (the enrichment routes are synchronous), and a poll starts with batch index 0.
 */
@Component("enrichmentGroupOrder")
public class EnrichmentGroupOrder {

    private final ThreadLocal<Set<String>> failedGroups = ThreadLocal.withInitial(HashSet::new);

    /** True when an earlier message of the task's group failed in this poll. */
    public boolean heldBack(EnrichmentTask task, Exchange exchange) {
        Integer index = exchange.getProperty(ExchangePropertyKey.BATCH_INDEX, Integer.class);
        Set<String> failed = failedGroups.get();
        if (index == null || index == 0) {
            failed.clear();
        }
        return task.groupId() != null && failed.contains(task.groupId());
    }

    /** The task failed: its group's later messages in this poll wait for it. */
    public void failed(EnrichmentTask task) {
        if (task.groupId() != null) {
            failedGroups.get().add(task.groupId());
        }
    }
}
