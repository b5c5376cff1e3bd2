package mangaassist.inventory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

import mangaassist.inventory.erp.generated.StockItem;
import mangaassist.platform.ApiException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * Correlates coalesced lookups with their batch answers. A lookup of an ISBN already in flight joins
 * the pending answer (one ERP call for all of them); a new ISBN is handed to the
 * {@code inventory-coalesce} route, whose aggregator packs distinct ISBNs into GetBatchStockLevels
 * calls; the batch route then completes every waiting lookup with its StockItem (or none).
 *
 * <p>The batching, throttling, retries and circuit breaker are Camel EIPs in the routes; only the
 * correlation of many waiting callers with one answer is here.
 */
@Component
public class InventoryCoalescer {

    public static final String REQUESTS = "seda:inventory-requests";
    static final String ERP = "direct:inventory-erp";

    private final Map<String, CompletableFuture<StockItem>> inFlight = new ConcurrentHashMap<>();
    private final ProducerTemplate producer;
    private final InventoryProperties inventory;

    public InventoryCoalescer(ProducerTemplate producer, InventoryProperties inventory) {
        this.producer = producer;
        this.inventory = inventory;
    }

    /** The ERP's StockItem for the ISBN, or null when the ERP does not know it. */
    public StockItem lookup(String isbn) throws Exception {
        if (!inventory.coalescing().enabled()) {
            return lookupAlone(isbn);
        }
        CompletableFuture<StockItem> mine = new CompletableFuture<>();
        CompletableFuture<StockItem> pending = inFlight.putIfAbsent(isbn, mine);
        if (pending == null) {
            pending = mine;
            producer.sendBody(REQUESTS, isbn);
        }
        try {
            return pending.get(inventory.lookupTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            inFlight.remove(isbn, pending);
            throw new ApiException("ERP_UNAVAILABLE", 503, "The stock system did not answer in time.", e);
        }
    }

    /**
     * The seed's way, kept as the benchmark's baseline: one GetStockLevel call per lookup, through the same
     * throttled, retried and guarded route (as a new exchange, so no caller's doTry switches its retries off).
     */
    private StockItem lookupAlone(String isbn) throws Exception {
        Exchange answer = producer.send(ERP, e -> e.setProperty(InventorySteps.ISBNS, List.of(isbn)));
        if (answer.getException() != null) {
            throw answer.getException();
        }
        @SuppressWarnings("unchecked")
        List<StockItem> items = answer.getMessage().getBody(List.class);
        return items == null || items.isEmpty() ? null : items.get(0);
    }

    /**
     * Calls the ERP for one coalesced batch (the aggregator's output) and answers every lookup waiting
     * for one of its ISBNs. The call is a new exchange: a failure is answered here, never lost in the
     * aggregator, and no caller's doTry switches the retries of the ERP route off.
     */
    public void dispatch(Collection<String> isbns) {
        Exchange answer = producer.send(ERP, e -> e.setProperty(InventorySteps.ISBNS, List.copyOf(isbns)));
        if (answer.getException() != null) {
            fail(isbns, answer.getException());
        } else {
            @SuppressWarnings("unchecked")
            List<StockItem> items = answer.getMessage().getBody(List.class);
            complete(isbns, items);
        }
    }

    /** Completes the lookups of a batch: each ISBN gets its item, or null if the ERP did not return it. */
    public void complete(Collection<String> isbns, List<StockItem> items) {
        Map<String, StockItem> byIsbn = items == null ? Map.of()
                : items.stream().collect(Collectors.toMap(StockItem::getISBN, Function.identity(), (a, b) -> a));
        for (String isbn : isbns) {
            CompletableFuture<StockItem> pending = inFlight.remove(isbn);
            if (pending != null) {
                pending.complete(byIsbn.get(isbn));
            }
        }
    }

    /** Fails the lookups of a batch with the batch's failure. */
    public void fail(Collection<String> isbns, Throwable failure) {
        for (String isbn : isbns) {
            CompletableFuture<StockItem> pending = inFlight.remove(isbn);
            if (pending != null) {
                pending.completeExceptionally(failure);
            }
        }
    }

    /** Lookups waiting for an answer (for metrics and tests). */
    public int inFlight() {
        return inFlight.size();
    }
}
