package mangaassist.inventoryevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.devstack.erp.ErpCatalog;
import mangaassist.support.RouteTestSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * The inventory-events routes with EventBridge, the queues and the catalog's re-indexing replaced by mocks: batches of
 * at most 10 entries, each source exchange answered by its own entry's outcome, and the re-index hop.
 */
@TestPropertySource(properties = {
        // the YAML routes alone, and of those only this flow's (and the shared error handling)
        "camel.main.java-routes-exclude-pattern=routes/*",
        "camel.main.routes-include-pattern=classpath:camel/error-handling.camel.yaml,classpath:camel/inventory-events.camel.yaml",
        "mangaassist.inventory-events.publish.backoff=10ms"})
class InventoryEventsRouteTest extends RouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    MockEndpoint putEvents;
    MockEndpoint reindex;

    @Override
    protected void advise(CamelContext context) throws Exception {
        AdviceWith.adviceWith(context, "inventory-events-cdc", a -> a.replaceFromWith("direct:cdc-received"));
        AdviceWith.adviceWith(context, "inventory-events-product-sync", a -> a.replaceFromWith("direct:product-sync-received"));
        AdviceWith.adviceWith(context, "inventory-events-cache-invalidation",
                a -> a.replaceFromWith("direct:cache-invalidation-received"));
        AdviceWith.adviceWith(context, "inventory-events-reindex", a -> {
            a.replaceFromWith("direct:reindex-received");
            a.weaveByToUri("direct:catalog-reindex").replace().to("mock:catalog-reindex");
        });
        AdviceWith.adviceWith(context, "inventory-events-put", a -> a.weaveByToUri("aws2-eventbridge:*").replace()
                .to("mock:put-events"));
    }

    @BeforeEach
    void mocks() {
        putEvents = camelContext.getEndpoint("mock:put-events", MockEndpoint.class);
        reindex = camelContext.getEndpoint("mock:catalog-reindex", MockEndpoint.class);
    }

    @Test
    void concurrentChangesGoOutInBatchesOfAtMostTenAndEachSourceHearsItsOwnEntry() throws Exception {
        // the third entry of every call is refused once: it alone goes again
        putEvents.whenAnyExchangeReceived(e -> {
            PutEventsRequest request = e.getMessage().getBody(PutEventsRequest.class);
            List<PutEventsResultEntry> results = new ArrayList<>();
            for (int i = 0; i < request.entries().size(); i++) {
                boolean refuse = i == 2 && request.entries().size() > 2;
                results.add(refuse ? PutEventsResultEntry.builder().errorCode("ThrottlingException").build()
                        : PutEventsResultEntry.builder().eventId("id-" + JSON.readTree(request.entries().get(i).detail())
                        .path("correlation_id").asText()).build());
            }
            e.getMessage().setBody(PutEventsResponse.builder().entries(results)
                    .failedEntryCount((int) results.stream().filter(r -> r.errorCode() != null).count()).build());
        });

        List<CompletableFuture<Exchange>> sent = IntStream.range(0, 25).mapToObj(i -> template.asyncSend(
                "direct:cdc-received", e -> {
                    e.getMessage().setBody(InventoryEventsFlowTest.record("978408882" + String.format("%03d", i) + ErpCatalog.checkDigit("978408882" + String.format("%03d", i)), i, 0,
                            Instant.now()));
                    e.getMessage().setHeader("CamelAwsSqsMessageId", "msg-" + i);
                })).toList();

        for (int i = 0; i < sent.size(); i++) {
            Exchange done = sent.get(i).get();
            assertThat(done.getException()).isNull();
            assertThat(done.getMessage().getBody(InventoryChangeEvent.class).correlationId()).isEqualTo("msg-" + i);
        }
        List<Integer> sizes = putEvents.getReceivedExchanges().stream()
                .map(e -> e.getMessage().getBody(PutEventsRequest.class).entries().size()).toList();
        assertThat(sizes).allSatisfy(size -> assertThat(size).isBetween(1, 10));
        int firstSends = sizes.stream().mapToInt(Integer::intValue).sum();
        assertThat(firstSends).as("25 entries, plus one re-send per call of 3 or more").isGreaterThan(25);
        assertThat(putEvents.getReceivedExchanges().stream()
                .filter(e -> e.getMessage().getBody(PutEventsRequest.class).entries().size() == 10)).isNotEmpty();
    }

    @Test
    void aSourceWhoseEntryIsNeverAcceptedFailsSoItsMessageStays() {
        putEvents.whenAnyExchangeReceived(e -> e.getMessage().setBody(PutEventsResponse.builder().failedEntryCount(1)
                .entries(PutEventsResultEntry.builder().errorCode("InternalFailure").errorMessage("boom").build()).build()));

        Exchange done = template.send("direct:cdc-received", e -> e.getMessage().setBody(
                InventoryEventsFlowTest.record("9784088820002", 1, 2, Instant.now())));

        assertThat(done.getException()).isInstanceOf(InventoryEventPublishException.class)
                .hasMessageContaining("InternalFailure: boom").hasMessageContaining("4 attempts");
        assertThat(putEvents.getReceivedCounter()).isEqualTo(4);
    }

    @Test
    void aCallThatFailsAsAWholeIsTriedAgain() {
        int[] calls = {0};
        putEvents.whenAnyExchangeReceived(e -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("connection reset");
            }
            e.getMessage().setBody(PutEventsResponse.builder().failedEntryCount(0)
                    .entries(PutEventsResultEntry.builder().eventId("ok").build()).build());
        });
        Exchange done = template.send("direct:cdc-received", e -> e.getMessage().setBody(
                InventoryEventsFlowTest.record("9784088820002", 1, 2, Instant.now())));
        assertThat(done.getException()).isNull();
        assertThat(putEvents.getReceivedCounter()).isEqualTo(2);
    }

    @Test
    void theReindexConsumerHandsTheIsbnToTheCatalogsIndexing() throws Exception {
        reindex.expectedBodiesReceived("9784088820002");
        String detail = JSON.writeValueAsString(new InventoryChangeEvent("inventory.updated", "9784088820002", "t", 1, 2,
                "TK01", "erp_cdc", Instant.now().toString(), "c", Map.of()));
        template.sendBody("direct:reindex-received", "{\"version\":\"0\",\"detail-type\":\"inventory.updated\",\"detail\":"
                + detail + "}");
        reindex.assertIsSatisfied();
    }

}
