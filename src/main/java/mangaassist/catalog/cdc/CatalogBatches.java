package mangaassist.catalog.cdc;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Gathers the changes of one poll of the stream into one {@link CatalogBatch} (the aggregator completes it with the
 * poll: completionFromBatchConsumer), so that changes arriving faster than one at a time go in one bulk request.
 */
@Component("catalogBatches")
public class CatalogBatches implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange batch, Exchange change) {
        CatalogChange next = change.getMessage().getBody(CatalogChange.class);
        if (batch == null) {
            change.getMessage().setBody(new CatalogBatch(List.of(next)));
            return change;
        }
        List<CatalogChange> changes = new ArrayList<>(batch.getMessage().getBody(CatalogBatch.class).changes());
        changes.add(next);
        batch.getMessage().setBody(new CatalogBatch(changes));
        return batch;
    }

    /** A batch of one change: a re-index. */
    public CatalogBatch single(CatalogChange change) {
        return new CatalogBatch(List.of(change));
    }
}
