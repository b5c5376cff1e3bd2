package mangaassist.inventory;

import static mangaassist.inventory.InventorySteps.ISBN;

import java.util.LinkedHashSet;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.springframework.stereotype.Component;

/**
 * The coalescing aggregator's strategy (route inventory-coalesce): a batch's ISBNs in a LinkedHashSet, once each, in
 * arrival order, on an exchange of its own, so the batch carries none of the HTTP headers and properties of the
 * lookup that opened it into the ERP call. Not {@code AggregationStrategies.flexible().accumulateInCollection(...)}:
 * that creates every batch's collection through Camel's injector, here Spring's bean factory, which resolves
 * LinkedHashSet's constructor arguments as beans and raises a no-such-bean failure doing so, per batch (about 4 % of
 * the CPU samples of the distinct benchmark, JFR).
 */
@Component("inventoryBatchStrategy")
public class InventoryBatchStrategy implements AggregationStrategy {

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange batch, Exchange next) {
        String isbn = next.getProperty(ISBN, String.class);
        if (batch == null) {
            LinkedHashSet<String> isbns = new LinkedHashSet<>();
            isbns.add(isbn);
            Exchange opened = new DefaultExchange(next.getContext());
            opened.getMessage().setBody(isbns);
            return opened;
        }
        batch.getMessage().getBody(LinkedHashSet.class).add(isbn);
        return batch;
    }
}
