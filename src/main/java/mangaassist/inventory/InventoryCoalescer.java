package mangaassist.inventory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import mangaassist.platform.ApiException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * Correlates coalesced lookups with their batch answers. A lookup of an ISBN already in flight joins
 * the pending answer (one ERP call for all of them); a new ISBN is handed to the
 * {@code inventory-coalesce} route, whose aggregator packs distinct ISBNs into GetBatchStockLevels
 * calls; the batch route then completes every waiting lookup with its item (or none).
 *
 * <p>An answer is cached before its ISBN leaves the in-flight map: from its first ERP answer on, an ISBN is in
 * flight or in Redis (or both), so a lookup arriving in between joins the answer instead of fetching it again.
 *
 * <p>The batching, throttling, retries and circuit breaker are Camel EIPs in the routes; only the
 * correlation of many waiting callers with one answer is here.
 */
@Component
public class InventoryCoalescer {

    public static final String REQUESTS = "seda:inventory-requests";
    static final String ERP = "direct:inventory-erp";

    private final Map<String, CompletableFuture<InventoryItem>> inFlight = new ConcurrentHashMap<>();
    private final ProducerTemplate producer;
    private final InventoryProperties inventory;
    private final InventoryCache cache;

    public InventoryCoalescer(ProducerTemplate producer, InventoryProperties inventory, InventoryCache cache) {
        this.producer = producer;
        this.inventory = inventory;
        this.cache = cache;
    }

    /** The ERP's item for the ISBN (already cached), or null when the ERP does not know it. */
    public InventoryItem lookup(@ExchangeProperty(InventorySteps.ISBN) String isbn) throws Exception {
        if (!inventory.coalescing().enabled()) {
            return lookupAlone(isbn);
        }
        CompletableFuture<InventoryItem> pending = join(isbn);
        try {
            return pending.get(inventory.lookupTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            inFlight.remove(isbn, pending);
            throw new ApiException("ERP_UNAVAILABLE", 503, "The stock system did not answer in time.", e);
        }
    }

    /** The answer pending for the ISBN: joined if it is in flight, else a new one handed to the aggregator. */
    CompletableFuture<InventoryItem> join(String isbn) {
        CompletableFuture<InventoryItem> mine = new CompletableFuture<>();
        CompletableFuture<InventoryItem> pending = inFlight.putIfAbsent(isbn, mine);
        if (pending != null) {
            return pending;
        }
        producer.sendBody(REQUESTS, isbn);
        return mine;
    }

    /**
     * The seed's way, kept as the benchmark's baseline: one GetStockLevel call per lookup, through the same
     * throttled, retried and guarded route (as a new exchange, so no caller's doTry switches its retries off).
     */
    private InventoryItem lookupAlone(String isbn) throws Exception {
        Map<String, InventoryItem> answers = call(List.of(isbn));
        cache.store(answers.values());
        return answers.get(isbn);
    }

    /**
     * Calls the ERP for one coalesced batch (the aggregator's output) and answers every lookup waiting
     * for one of its ISBNs. The call is a new exchange: a failure is answered here, never lost in the
     * aggregator, and no caller's doTry switches the retries of the ERP route off.
     */
    public void dispatch(Collection<String> isbns) {
        // a lookup that missed the cache just before another batch cached its ISBN and let it go can still start a
        // new one: what is cached by now is answered from the cache (one MGET per batch), the rest asked of the ERP
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
            return;
        }
        Map<String, InventoryItem> answers;
        try {
            answers = call(ask);
        } catch (Exception e) {
            fail(ask, e);
            return;
        }
        complete(ask, answers);
    }

    /** The ERP's items of these ISBNs through the anti-corruption layer, by ISBN (an unknown ISBN has none). */
    private Map<String, InventoryItem> call(Collection<String> isbns) throws Exception {
        Exchange answer = producer.send(ERP, e -> e.setProperty(InventorySteps.ISBNS, List.copyOf(isbns)));
        if (answer.getException() != null) {
            throw answer.getException();
        }
        @SuppressWarnings("unchecked")
        List<InventoryItem> items = answer.getMessage().getBody(List.class);
        Map<String, InventoryItem> byIsbn = new HashMap<>();
        for (InventoryItem item : items == null ? List.<InventoryItem>of() : items) {
            byIsbn.putIfAbsent(item.isbn(), item);
        }
        return byIsbn;
    }

    /**
     * Caches the answers of a batch, then completes its lookups: each ISBN gets its item, or null if the ERP did not
     * return it. Caching first closes the window in which a lookup would find the ISBN neither in flight nor cached.
     */
    void complete(Collection<String> isbns, Map<String, InventoryItem> answers) {
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

    private void answer(String isbn, InventoryItem item) {
        CompletableFuture<InventoryItem> pending = inFlight.remove(isbn);
        if (pending != null) {
            pending.complete(item);
        }
    }

    /** Fails the lookups of a batch with the batch's failure. */
    void fail(Collection<String> isbns, Throwable failure) {
        for (String isbn : isbns) {
            CompletableFuture<InventoryItem> pending = inFlight.remove(isbn);
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
