package mangaassist.inventory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import mangaassist.inventory.erp.ErpError;
import mangaassist.inventory.erp.ErpUnavailableException;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * Correlates coalesced lookups with their batch answers; the hops themselves are routes (InventoryRoutes): a
 * lookup {@link #join joins} the answer pending for its ISBN, or opens one and hands the ISBN to the
 * {@code inventory-coalesce} aggregator; the aggregator's batch goes through {@code inventory-erp-batch}, which
 * {@link #complete completes} (or {@link #fail fails}) every waiting lookup.
 *
 * <p>A lookup waits for its answer without a thread ({@link #answer} is a CompletionStage, which Camel's bean
 * component continues the route on when it completes): with a thousand lookups in flight, a thousand parked threads
 * cost more CPU, in their parking and waking, than the lookups themselves.
 *
 * <p>An answer is cached before its ISBN leaves the in-flight map: from its first ERP answer on, an ISBN is in
 * flight or in Redis (or both), so a lookup arriving in between joins the answer instead of fetching it again.
 */
@Component("inventoryCoalescer")
public class InventoryCoalescer {

    /** Exchange property: the answer this lookup waits for. */
    public static final String PENDING = "inventoryPending";
    /** Exchange property: true when this lookup opened its ISBN's answer (and hands the ISBN to the aggregator). */
    public static final String OPENED = "inventoryOpened";
    /** Exchange property of a batch: its ISBNs, whose lookups it answers whatever happens. */
    public static final String BATCH = "inventoryBatch";

    private final Map<String, CompletableFuture<InventoryItem>> inFlight = new ConcurrentHashMap<>();
    private final InventoryProperties inventory;
    private final InventoryCache cache;

    public InventoryCoalescer(InventoryProperties inventory, InventoryCache cache) {
        this.inventory = inventory;
        this.cache = cache;
    }

    /** Joins the answer pending for the ISBN if it is in flight, else opens it ({@link #OPENED}). */
    public void join(@ExchangeProperty(InventorySteps.ISBN) String isbn, Exchange exchange) {
        CompletableFuture<InventoryItem> mine = new CompletableFuture<>();
        CompletableFuture<InventoryItem> pending = inFlight.putIfAbsent(isbn, mine);
        exchange.setProperty(PENDING, pending != null ? pending : mine);
        exchange.setProperty(OPENED, pending == null);
    }

    /**
     * The ERP's item for the ISBN (already cached), or null when the ERP does not know it; fails with the batch's
     * failure, or after {@code lookup-timeout} (then the next lookup of the ISBN starts
     * afresh) with ErpUnavailableException. Completed by the thread that answers the batch.
     */
    public CompletionStage<InventoryItem> answer(@ExchangeProperty(PENDING) CompletableFuture<InventoryItem> pending,
                                                 @ExchangeProperty(InventorySteps.ISBN) String isbn) {
        // a future of this lookup's own, failed with the batch's failure itself (not wrapped in a CompletionException):
        // Camel hands what the stage failed with to the route's doCatch as it is
        CompletableFuture<InventoryItem> answer = new CompletableFuture<>();
        pending.whenComplete((item, failure) -> {
            if (failure == null) {
                answer.complete(item);
            } else {
                answer.completeExceptionally(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
            }
        });
        // no answer within lookup-timeout: the ERP is as good as unavailable (the stale fallback), and the next lookup
        // of the ISBN starts afresh
        CompletableFuture<InventoryItem> timeout = new CompletableFuture<>();
        answer.orTimeout(inventory.lookupTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((item, failure) -> {
            if (failure instanceof TimeoutException) {
                inFlight.remove(isbn, pending);
                timeout.completeExceptionally(new ErpUnavailableException(ErpError.TIMEOUT,
                        "No ERP answer for " + isbn + " within " + inventory.lookupTimeout(), failure));
            } else if (failure != null) {
                timeout.completeExceptionally(failure);
            } else {
                timeout.complete(item);
            }
        });
        return timeout;
    }

    /**
     * The first step of a batch: a lookup that missed the cache just before another batch cached its ISBN and let it
     * go can still open a new answer. What is cached by now is answered from the cache (one MGET per batch); the rest,
     * to be asked of the ERP, is returned and set as {@link InventorySteps#ISBNS}; null when nothing is left to ask.
     */
    public List<String> uncached(@Body Collection<String> isbns, Exchange exchange) {
        exchange.setProperty(BATCH, isbns);
        Map<String, InventoryItem> cached = cache.freshItems(isbns);
        List<String> ask = new ArrayList<>(isbns.size());
        for (String isbn : isbns) {
            if (cached.containsKey(isbn)) {
                answer(isbn, cached.get(isbn));
            } else {
                ask.add(isbn);
            }
        }
        if (ask.isEmpty()) {
            return null;
        }
        exchange.setProperty(InventorySteps.ISBNS, ask);
        return ask;
    }

    /**
     * Caches the ERP's answers to a batch, then completes its lookups: each ISBN gets its item, or null if the ERP did
     * not return it. Caching first closes the window in which a lookup would find the ISBN neither in flight nor cached.
     */
    public void complete(@ExchangeProperty(InventorySteps.ISBNS) Collection<String> isbns, @Body List<InventoryItem> items) {
        Map<String, InventoryItem> answers = new HashMap<>();
        for (InventoryItem item : items == null ? List.<InventoryItem>of() : items) {
            answers.putIfAbsent(item.isbn(), item);
        }
        List<InventoryItem> known = new ArrayList<>(answers.size());
        for (String isbn : isbns) {
            InventoryItem item = answers.get(isbn);
            if (item != null) {
                known.add(item);
            }
        }
        if (!known.isEmpty()) {
            cache.store(known);
        }
        for (String isbn : isbns) {
            answer(isbn, answers.get(isbn));
        }
    }

    /** Fails the lookups still waiting on a batch with the batch's failure. */
    public void fail(@ExchangeProperty(BATCH) Collection<String> isbns,
                     @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable failure) {
        for (String isbn : isbns) {
            CompletableFuture<InventoryItem> pending = inFlight.remove(isbn);
            if (pending != null) {
                pending.completeExceptionally(failure);
            }
        }
    }

    private void answer(String isbn, InventoryItem item) {
        CompletableFuture<InventoryItem> pending = inFlight.remove(isbn);
        if (pending != null) {
            pending.complete(item);
        }
    }

    /** Lookups waiting for an answer (for metrics and tests). */
    public int inFlight() {
        return inFlight.size();
    }
}
