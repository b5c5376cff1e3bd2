package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import mangaassist.inventory.erp.generated.StockItem;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The coalescer's correlation of waiting lookups with batch answers, without Camel routes or Redis. */
class InventoryCoalescerTest {

    static final String ISBN = "9784088725093";
    static final InventoryProperties PROPERTIES = new InventoryProperties("TK01", Duration.ofSeconds(300),
            Duration.ofHours(24), Duration.ofSeconds(5), 200,
            new InventoryProperties.Coalescing(true, 20, Duration.ofMillis(10)), null);

    final ProducerTemplate producer = mock(ProducerTemplate.class);
    final InventoryCache cache = mock(InventoryCache.class);
    final InventoryCoalescer coalescer = new InventoryCoalescer(producer, PROPERTIES, cache);

    @Test
    void whileAnAnswerIsCachedItsIsbnIsStillInFlightSoALookupJoinsItInsteadOfFetchingAgain() {
        CompletableFuture<InventoryItem> first = coalescer.join(ISBN);
        verify(producer).sendBody(InventoryCoalescer.REQUESTS, ISBN);
        when(producer.send(eq(InventoryCoalescer.ERP), any(Processor.class))).thenReturn(answer(List.of(stock(ISBN))));
        List<Collection<InventoryItem>> stored = new ArrayList<>();
        List<CompletableFuture<InventoryItem>> joinedWhileCaching = new ArrayList<>();
        doAnswer(call -> {
            stored.add(List.copyOf(call.getArgument(0)));
            // a lookup of the same ISBN that missed the cache a moment ago arrives now
            joinedWhileCaching.add(coalescer.join(ISBN));
            return null;
        }).when(cache).store(anyCollection());

        coalescer.dispatch(List.of(ISBN));

        assertThat(stored).singleElement().satisfies(items -> assertThat(items).extracting(InventoryItem::isbn).containsExactly(ISBN));
        assertThat(joinedWhileCaching).as("joined the answer in flight").containsExactly(first);
        verify(producer, times(1)).sendBody(InventoryCoalescer.REQUESTS, ISBN);
        assertThat(first).isCompletedWithValueMatching(item -> ISBN.equals(item.isbn()) && "ワンピース 42".equals(item.title()));
        assertThat(coalescer.inFlight()).isZero();
    }

    @Test
    void anIsbnCachedByAnotherBatchSinceItsLookupMissedTheCacheIsAnsweredFromTheCacheNotTheErp() {
        String other = "9784088725109";
        InventoryItem cachedMeanwhile = InventoryAcl.toItem(stock(ISBN));
        CompletableFuture<InventoryItem> late = coalescer.join(ISBN);
        CompletableFuture<InventoryItem> fresh = coalescer.join(other);
        when(cache.freshItems(anyCollection())).thenReturn(java.util.Map.of(ISBN, cachedMeanwhile));
        List<List<String>> asked = new ArrayList<>();
        when(producer.send(eq(InventoryCoalescer.ERP), any(Processor.class))).thenAnswer(call -> {
            Exchange request = answer(List.of(stock(other)));
            call.<Processor>getArgument(1).process(request);
            asked.add(List.copyOf(request.getProperty(InventorySteps.ISBNS, List.class)));
            return request;
        });

        coalescer.dispatch(List.of(ISBN, other));

        assertThat(asked).as("ISBNs asked of the ERP").containsExactly(List.of(other));
        assertThat(late).isCompletedWithValue(cachedMeanwhile);
        assertThat(fresh).isCompletedWithValueMatching(item -> other.equals(item.isbn()));
    }

    @Test
    void anIsbnTheErpDoesNotKnowIsAnsweredWithNoItemAndNothingIsCached() {
        CompletableFuture<InventoryItem> pending = coalescer.join(ISBN);
        when(producer.send(eq(InventoryCoalescer.ERP), any(Processor.class))).thenReturn(answer(List.of()));

        coalescer.dispatch(List.of(ISBN));

        assertThat(pending).isCompletedWithValue(null);
        verify(cache, never()).store(anyCollection());
    }

    @Test
    void aFailedBatchFailsItsLookupsAndCachesNothing() {
        CompletableFuture<InventoryItem> pending = coalescer.join(ISBN);
        Exchange failed = answer(null);
        failed.setException(new IllegalStateException("ERP down"));
        when(producer.send(eq(InventoryCoalescer.ERP), any(Processor.class))).thenReturn(failed);

        coalescer.dispatch(List.of(ISBN));

        assertThat(pending).isCompletedExceptionally();
        assertThat(coalescer.inFlight()).isZero();
        verify(cache, never()).store(anyCollection());
    }

    /** What inventory-erp answers: the ERP's items through the anti-corruption layer. */
    static Exchange answer(List<StockItem> items) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(items == null ? null : items.stream().map(InventoryAcl::toItem).toList());
        return exchange;
    }

    static StockItem stock(String isbn) {
        return InventoryAclTest.stock(isbn);
    }
}
