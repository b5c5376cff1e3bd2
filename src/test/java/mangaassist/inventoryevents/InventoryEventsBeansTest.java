package mangaassist.inventoryevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/** The flow's beans without Camel: the seed's cases for event types and stock status, batches, records. */
class InventoryEventsBeansTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final InventoryEventsProperties PROPERTIES = new InventoryEventsProperties("manga-assist-inventory",
            "manga-assist.inventory", "TK01", "manga-products",
            new InventoryEventsProperties.Publish(3, Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(5)));
    private final InventoryChangeRecords records = new InventoryChangeRecords(PROPERTIES, Clock.fixed(NOW, ZoneOffset.UTC));

    @ParameterizedTest
    @CsvSource({"10,0,inventory.depleted", "0,0,inventory.depleted", "0,5,inventory.restocked", "3,8,inventory.updated",
            "8,3,inventory.updated"})
    void eventTypesAsTheSeed(int previous, int quantity, String type) {
        assertThat(InventoryChangeEvent.typeOf(previous, quantity)).isEqualTo(type);
    }

    @ParameterizedTest
    @CsvSource({"0,out_of_stock", "1,low_stock", "5,low_stock", "6,in_stock", "250,in_stock"})
    void stockStatusThresholdsAsTheSeed(int quantity, String status) {
        assertThat(InventoryProductSync.stockStatus(quantity)).isEqualTo(status);
    }

    @Test
    void aDmsRecordBecomesTheSeedsEvent() {
        InventoryChangeEvent event = records.read("{\"data\":{\"ISBN\":\"9784088820002\",\"QTY\":\"0\",\"OLD_QTY\":4,"
                + "\"TITLE\":\"ワンピース 42\"},\"metadata\":{\"operation\":\"update\",\"timestamp\":\"2026-12-02T09:59:58.123456Z\","
                + "\"table-name\":\"INVENTORY\"}}", InventoryChangeRecords.ERP_CDC, "corr-1");
        assertThat(event.eventType()).isEqualTo("inventory.depleted");
        assertThat(event.isbn()).isEqualTo("9784088820002");
        assertThat(event.previousQuantity()).isEqualTo(4);
        assertThat(event.newQuantity()).isZero();
        assertThat(event.warehouseCode()).as("the seed's default").isEqualTo("TK01");
        assertThat(event.changeSource()).isEqualTo("erp_cdc");
        assertThat(event.timestampUtc()).isEqualTo(NOW.toString());
        assertThat(event.correlationId()).isEqualTo("corr-1");
        assertThat(event.metadata()).containsEntry("cdc_operation", "update").containsEntry("table_name", "INVENTORY");
        assertThat(event.changedAt()).as("ordered by the source's commit time").isEqualTo("2026-12-02T09:59:58.123456Z");

        JsonNode detail = JSON.valueToTree(event);
        assertThat(detail.fieldNames()).toIterable().containsExactly("event_type", "isbn", "title", "previous_quantity",
                "new_quantity", "warehouse_code", "change_source", "timestamp_utc", "correlation_id", "metadata");
    }

    @Test
    void aRecordWithoutCommitTimeIsOrderedByTheEventsTime() {
        InventoryChangeEvent event = records.read("{\"data\":{\"ISBN\":\"9784088820002\",\"QTY\":3}}",
                InventoryChangeRecords.MANUAL, "c");
        assertThat(event.changedAt()).isEqualTo(NOW);
        assertThat(event.eventType()).isEqualTo("inventory.restocked");
    }

    @Test
    void aBrokenRecordIsRefusedWithAnErrorPerFieldWhereTheSeedMadeADepletedEvent() {
        assertThatThrownBy(() -> records.read("{\"data\":{\"QTY\":\"many\",\"OLD_QTY\":-2},\"metadata\":{}}", "erp_cdc", "c"))
                .isInstanceOfSatisfying(InventoryEventRequestException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.errors()).extracting(m -> m.get("field")).containsExactly("data.ISBN", "data.QTY", "data.OLD_QTY");
                });
        assertThatThrownBy(() -> records.read("not json", "erp_cdc", "c")).isInstanceOfSatisfying(
                InventoryEventRequestException.class, e -> assertThat(e.code()).isEqualTo("INVALID_JSON"));
        assertThatThrownBy(() -> records.read("{\"ISBN\":\"9784088820002\"}", "erp_cdc", "c")).isInstanceOfSatisfying(
                InventoryEventRequestException.class, e -> assertThat(e.code()).isEqualTo("INVALID_RECORD"));
    }

    @Test
    void anEventComesBackFromItsEnvelopeUnchanged() throws Exception {
        InventoryChangeEvent event = records.read("{\"data\":{\"ISBN\":\"9784088820002\",\"QTY\":7,\"OLD_QTY\":0}}", "erp_cdc", "c");
        String envelope = "{\"version\":\"0\",\"id\":\"x\",\"detail-type\":\"inventory.restocked\",\"source\":\"s\","
                + "\"detail\":" + JSON.writeValueAsString(event) + "}";
        assertThat(records.fromEnvelope(envelope)).isEqualTo(event);
        assertThat(records.fromEnvelope(JSON.writeValueAsString(event))).as("a bare detail, as the seed also accepted")
                .isEqualTo(event);
    }

    @Test
    void onlyTheRefusedEntriesStayInTheBatchAndTheAcceptedOnesAreAnswered() throws Exception {
        InventoryEventPublisher publisher = new InventoryEventPublisher(PROPERTIES, new SimpleMeterRegistry());
        List<PendingEvent> pending = List.of(pending("a", 1), pending("b", 2), pending("c", 3));
        EventBatch batch = publisher.batch(pending);
        assertThat(batch.isRetrying()).isTrue();
        assertThat(batch.getBackoffMillis()).as("the first call goes at once").isZero();

        PutEventsRequest request = publisher.request(batch);
        assertThat(request.entries()).hasSize(3);
        assertThat(request.entries().get(1).eventBusName()).isEqualTo("manga-assist-inventory");
        assertThat(request.entries().get(1).source()).isEqualTo("manga-assist.inventory");
        assertThat(request.entries().get(1).detailType()).isEqualTo("inventory.updated");
        assertThat(JSON.readTree(request.entries().get(1).detail()).path("correlation_id").asText()).isEqualTo("b");

        EventBatch after = batch.settle(PutEventsResponse.builder().failedEntryCount(1).entries(
                PutEventsResultEntry.builder().eventId("e1").build(),
                PutEventsResultEntry.builder().errorCode("ThrottlingException").errorMessage("Rate exceeded.").build(),
                PutEventsResultEntry.builder().eventId("e3").build()).build());
        assertThat(after.unsettled()).extracting(p -> p.event().correlationId()).containsExactly("b");
        assertThat(after.reasons()).containsEntry("b", "ThrottlingException: Rate exceeded.");
        assertThat(pending.get(0).outcome()).isCompletedWithValue("e1");
        assertThat(pending.get(2).outcome()).isCompletedWithValue("e3");
        assertThat(pending.get(1).outcome()).isNotDone();
        assertThat(after.getBackoffMillis()).isEqualTo(100);

        EventBatch third = after.failed("SdkClientException: refused").failed("SdkClientException: refused");
        assertThat(third.getBackoffMillis()).as("doubled, at most max-backoff").isEqualTo(250);
        assertThat(third.isRetrying()).as("3 attempts made").isFalse();
        publisher.giveUp(third);
        assertThatThrownBy(() -> pending.get(1).outcome().join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(InventoryEventPublishException.class).hasMessageContaining("SdkClientException: refused");
    }

    @Test
    void aResponseThatDoesNotAnswerEveryEntryCountsAsAFailedCall() {
        EventBatch batch = EventBatch.of(List.of(pending("a", 1), pending("b", 2)), 3, 100, 1000);
        EventBatch after = batch.settle(PutEventsResponse.builder().entries(
                PutEventsResultEntry.builder().eventId("e1").build()).build());
        assertThat(after.unsettled()).hasSize(2);
        assertThat(after.attempts()).isEqualTo(1);
        assertThat(batch.unsettled().get(0).outcome()).isNotDone();
    }

    private PendingEvent pending(String correlationId, int quantity) {
        return PendingEvent.of(new InventoryChangeEvent(InventoryChangeEvent.typeOf(1, quantity), "978408882000" + quantity,
                "t", 1, quantity, "TK01", "erp_cdc", NOW.toString(), correlationId, Map.of()));
    }
}
