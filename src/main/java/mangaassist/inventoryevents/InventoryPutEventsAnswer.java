package mangaassist.inventoryevents;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Folds a PutEvents call's answer into its batch: the batch (the enricher's original body) settled with the per-entry
 * results; a failed call (exception) counts as an attempt in which every entry was refused with that reason.
 */
@Component("inventoryPutEventsAnswer")
public class InventoryPutEventsAnswer implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange original, Exchange answer) {
        EventBatch batch = original.getMessage().getBody(EventBatch.class);
        Exception failure = answer == null ? null : answer.getException();
        if (answer == null || failure != null) {
            original.getMessage().setBody(batch.failed(failure == null ? "no answer" : failure.getClass().getSimpleName()
                    + ": " + failure.getMessage()));
        } else {
            PutEventsResponse response = answer.getMessage().getBody(PutEventsResponse.class);
            original.getMessage().setBody(response == null ? batch.failed("PutEvents gave no response")
                    : batch.settle(response));
        }
        return original;
    }
}
