package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

import mangaassist.inventory.erp.ErpUnavailableException;
import mangaassist.inventory.erp.generated.StockItem;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The coalescer's correlation of waiting lookups with batch answers, without Camel routes or Redis. */
class InventoryCoalescerTest {

    static final String ISBN = "9784088725093";
    static final InventoryProperties PROPERTIES = new InventoryProperties("TK01", Duration.ofSeconds(300),
            Duration.ofHours(24), Duration.ofSeconds(5), 200,
            new InventoryProperties.Coalescing(20, Duration.ofMillis(10)), null);

    final InventoryCache cache = mock(InventoryCache.class);
    final InventoryCoalescer coalescer = new InventoryCoalescer(PROPERTIES, cache);
    final DefaultCamelContext camel = new DefaultCamelContext();

    @Test
    void theFirstLookupOfAnIsbnOpensItsAnswerAndLaterOnesJoinIt() {
        Exchange first = lookup(ISBN);
        Exchange second = lookup(ISBN);

        assertThat(first.getProperty(InventoryCoalescer.OPENED, Boolean.class)).isTrue();
        assertThat(second.getProperty(InventoryCoalescer.OPENED, Boolean.class)).as("joins, is not handed to the aggregator").isFalse();
        assertThat(second.getProperty(InventoryCoalescer.PENDING)).isSameAs(first.getProperty(InventoryCoalescer.PENDING));
        assertThat(coalescer.inFlight()).isOne();
    }

    @Test
    void whileAnAnswerIsCachedItsIsbnIsStillInFlightSoALookupJoinsItInsteadOfFetchingAgain() {
        Exchange first = lookup(ISBN);
        CompletionStage<InventoryItem> answer = await(first);
        List<Collection<InventoryItem>> stored = new ArrayList<>();
        List<Boolean> openedWhileCaching = new ArrayList<>();
        doAnswer(call -> {
            stored.add(List.copyOf(call.getArgument(0)));
            // a lookup of the same ISBN that missed the cache a moment ago arrives now
            openedWhileCaching.add(lookup(ISBN).getProperty(InventoryCoalescer.OPENED, Boolean.class));
            return null;
        }).when(cache).store(anyCollection());

        Exchange batch = batch(ISBN);
        coalescer.complete(coalescer.uncached(List.of(ISBN), batch), erpItems(stock(ISBN)));

        assertThat(stored).singleElement().satisfies(items -> assertThat(items).extracting(InventoryItem::isbn).containsExactly(ISBN));
        assertThat(openedWhileCaching).as("joined the answer in flight").containsExactly(false);
        assertThat(answer.toCompletableFuture()).isCompletedWithValueMatching(item -> ISBN.equals(item.isbn()) && "ワンピース 42".equals(item.title()));
        assertThat(coalescer.inFlight()).isZero();
    }

    @Test
    void anIsbnCachedByAnotherBatchSinceItsLookupMissedTheCacheIsAnsweredFromTheCacheNotTheErp() {
        String other = "9784088725109";
        InventoryItem cachedMeanwhile = InventoryAcl.toItem(stock(ISBN));
        CompletionStage<InventoryItem> late = await(lookup(ISBN));
        CompletionStage<InventoryItem> fresh = await(lookup(other));
        when(cache.freshItems(anyCollection())).thenReturn(java.util.Map.of(ISBN, cachedMeanwhile));
        Exchange batch = batch(ISBN, other);

        List<String> ask = coalescer.uncached(new LinkedHashSet<>(List.of(ISBN, other)), batch);

        assertThat(ask).as("ISBNs to ask of the ERP").containsExactly(other);
        assertThat(batch.getProperty(InventorySteps.ISBNS)).isEqualTo(List.of(other));
        assertThat(late.toCompletableFuture()).isCompletedWithValue(cachedMeanwhile);
        assertThat(fresh.toCompletableFuture()).isNotDone();
        coalescer.complete(ask, erpItems(stock(other)));
        assertThat(fresh.toCompletableFuture()).isCompletedWithValueMatching(item -> other.equals(item.isbn()));
    }

    @Test
    void aBatchWhoseIsbnsAreAllCachedByNowAsksTheErpNothing() {
        InventoryItem cached = InventoryAcl.toItem(stock(ISBN));
        CompletionStage<InventoryItem> answer = await(lookup(ISBN));
        when(cache.freshItems(anyCollection())).thenReturn(java.util.Map.of(ISBN, cached));

        assertThat(coalescer.uncached(List.of(ISBN), batch(ISBN))).as("nothing to ask").isNull();
        assertThat(answer.toCompletableFuture()).isCompletedWithValue(cached);
    }

    @Test
    void anIsbnTheErpDoesNotKnowIsAnsweredWithNoItemAndNothingIsCached() {
        CompletionStage<InventoryItem> answer = await(lookup(ISBN));

        coalescer.complete(coalescer.uncached(List.of(ISBN), batch(ISBN)), List.of());

        assertThat(answer.toCompletableFuture()).isCompletedWithValue(null);
        verify(cache, never()).store(anyCollection());
    }

    @Test
    void aFailedBatchFailsItsLookupsWithTheFailureItselfAndCachesNothing() {
        CompletionStage<InventoryItem> answer = await(lookup(ISBN));
        IllegalStateException down = new IllegalStateException("ERP down");

        coalescer.fail(List.of(ISBN), down);

        assertThat(answer.toCompletableFuture()).failsWithin(java.time.Duration.ZERO)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class).havingCause().isSameAs(down);
        assertThat(coalescer.inFlight()).isZero();
        verify(cache, never()).store(anyCollection());
    }

    @Test
    void aLookupThatWaitsLongerThanTheLookupTimeoutFailsAndTheNextLookupOfItsIsbnStartsAfresh() {
        InventoryProperties quick = new InventoryProperties("TK01", Duration.ofSeconds(300), Duration.ofHours(24),
                Duration.ofMillis(50), 200, new InventoryProperties.Coalescing(20, Duration.ofMillis(10)), null);
        InventoryCoalescer impatient = new InventoryCoalescer(quick, cache);
        Exchange first = new DefaultExchange(camel);
        first.setProperty(InventorySteps.ISBN, ISBN);
        impatient.join(ISBN, first);
        CompletionStage<InventoryItem> answer = impatient.answer(first.getProperty(InventoryCoalescer.PENDING, CompletableFuture.class), ISBN);

        assertThat(answer.toCompletableFuture()).failsWithin(java.time.Duration.ofSeconds(5))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class).havingCause()
                .isInstanceOfSatisfying(ErpUnavailableException.class, e -> assertThat(e.getCause()).isInstanceOf(TimeoutException.class));
        org.awaitility.Awaitility.await().until(() -> impatient.inFlight() == 0);
        Exchange next = new DefaultExchange(camel);
        impatient.join(ISBN, next);
        assertThat(next.getProperty(InventoryCoalescer.OPENED, Boolean.class)).isTrue();
    }

    Exchange lookup(String isbn) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(InventorySteps.ISBN, isbn);
        coalescer.join(isbn, exchange);
        return exchange;
    }

    @SuppressWarnings("unchecked")
    CompletionStage<InventoryItem> await(Exchange lookup) {
        return coalescer.answer(lookup.getProperty(InventoryCoalescer.PENDING, CompletableFuture.class),
                lookup.getProperty(InventorySteps.ISBN, String.class));
    }

    Exchange batch(String... isbns) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(new LinkedHashSet<>(List.of(isbns)));
        return exchange;
    }

    static List<InventoryItem> erpItems(StockItem... items) {
        return java.util.Arrays.stream(items).map(InventoryAcl::toItem).toList();
    }

    static StockItem stock(String isbn) {
        return InventoryAclTest.stock(isbn);
    }
}
