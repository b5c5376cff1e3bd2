package mangaassist.inventoryevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.platform.contracts.ContractViolation;
import mangaassist.platform.contracts.ContractViolationException;
import mangaassist.platform.contracts.Contracts;
import mangaassist.support.TestContracts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The DMS record and the InventoryChangeEvent against their schemas; and the versioning rule shown on the event: v1
 * and v2 side by side, each its own schema's, both read by the consumers into the same event.
 */
class InventoryEventsContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final InventoryEventsProperties PROPERTIES = new InventoryEventsProperties("manga-assist-inventory",
            "manga-assist.inventory", "TK01", "manga-products",
            new InventoryEventsProperties.Publish(3, Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(5)));
    private static final String RECORD = "{\"data\":{\"ISBN\":\"9784088820002\",\"TITLE\":\"ワンピース 42\",\"QTY\":\"0\","
            + "\"OLD_QTY\":3,\"WAREHOUSE_CD\":\"TK02\"},\"metadata\":{\"operation\":\"update\","
            + "\"timestamp\":\"2026-12-02T09:59:59Z\",\"table-name\":\"INVENTORY\"}}";

    private final InventoryChangeRecords records = new InventoryChangeRecords(PROPERTIES, Clock.fixed(NOW, ZoneOffset.UTC));
    private final Contracts contracts = TestContracts.contracts();

    @Test
    void theEventWePublishKeepsItsSchema() {
        assertThat(contracts.violations(RECORD, "dms-inventory-record.v1.json")).isEmpty();
        for (String record : new String[] {RECORD, RECORD.replace("\"QTY\":\"0\"", "\"QTY\":12"),
                RECORD.replace("\"OLD_QTY\":3,", "\"OLD_QTY\":0,").replace("\"QTY\":\"0\"", "\"QTY\":5")}) {
            InventoryChangeEvent event = records.fromQueue(record, "msg-1");
            // as the bus gets it: the record in snake_case (InventoryEventPublisher)
            assertThat(contracts.violations(JSON.valueToTree(event), "inventory-change-event.v1.json")).as(record).isEmpty();
        }
    }

    /** The API and the queue accept exactly the records the schema accepts. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"data\":{\"ISBN\":\"9784088820002\",\"QTY\":3}}",
            "{\"data\":{\"ISBN\":\" 4088820002 \",\"QTY\":\" 7 \"},\"metadata\":{}}",
            "{\"data\":{\"ISBN\":\"12\",\"QTY\":-1},\"metadata\":{}}",
            "{\"data\":{\"ISBN\":\"9784088820002\"}}",
            "{\"data\":{\"ISBN\":\"9784088820002\",\"QTY\":\"many\"}}",
            "{\"data\":{\"ISBN\":\"9784088820002\",\"QTY\":1,\"OLD_QTY\":-2}}",
            "{\"metadata\":{}}",
            "[]"})
    void theRecordReaderAndTheSchemaAgree(String record) {
        boolean schemaAccepts = contracts.violations(record, "dms-inventory-record.v1.json").isEmpty();
        boolean readerAccepts;
        try {
            records.fromApi(record);
            readerAccepts = true;
        } catch (InventoryEventRequestException refused) {
            readerAccepts = false;
        }
        assertThat(readerAccepts).as(record).isEqualTo(schemaAccepts);
    }

    /** The rules' consumers' edge check: the event in its envelope (or bare) against its version's schema. */
    @Test
    void theConsumersCheckTheEventAgainstItsVersionsSchema() throws Exception {
        InventoryEventContract edge = new InventoryEventContract(contracts);
        ObjectNode v1 = JSON.valueToTree(records.fromQueue(RECORD, "msg-1"));
        ObjectNode v2 = v1.deepCopy();
        v2.remove("previous_quantity");
        v2.remove("new_quantity");
        v2.put("schema_version", 2);
        v2.putObject("quantity").put("previous", 3).put("new", 0);

        for (ObjectNode detail : new ObjectNode[] {v1, v2}) {
            String envelope = JSON.writeValueAsString(Map.of("detail-type", "inventory.depleted", "detail", detail));
            assertThat(edge.check(envelope, null)).isSameAs(envelope);
            assertThat(edge.check(detail.toString(), null)).isEqualTo(detail.toString());
        }
        // each version by its own schema: a v2 event missing its quantity is refused by v2, not read as a broken v1
        ObjectNode brokenV2 = v2.deepCopy();
        brokenV2.remove("quantity");
        assertThatThrownBy(() -> edge.check(JSON.writeValueAsString(Map.of("detail", brokenV2)), null))
                .isInstanceOfSatisfying(ContractViolationException.class, e -> assertThat(e.deadLetterReason())
                        .isEqualTo("INVALID_FIELDS: quantity is required; [inventory-change-event.v2.json]"));
        assertThatThrownBy(() -> edge.check("{\"detail-type\":\"inventory.updated\"}", null))
                .isInstanceOfSatisfying(ContractViolationException.class, e -> assertThat(e.deadLetterReason())
                        .isEqualTo("INVALID_BODY: not a JSON object; [inventory-change-event.v1.json]"));
        assertThatThrownBy(() -> edge.check("not json", null))
                .isInstanceOfSatisfying(ContractViolationException.class, e -> assertThat(e.deadLetterReason())
                        .isEqualTo("INVALID_BODY: not a JSON object; [inventory-change-event.v1.json]"));
    }

    @Test
    void versionOneAndVersionTwoSideBySide() throws Exception {
        InventoryChangeEvent published = records.fromQueue(RECORD, "msg-1");
        ObjectNode v1 = JSON.valueToTree(published);
        ObjectNode v2 = v1.deepCopy();
        v2.remove("previous_quantity");
        v2.remove("new_quantity");
        v2.put("schema_version", 2);
        v2.putObject("quantity").put("previous", 3).put("new", 0);

        // each is its own version's, and not the other's: a breaking change is a new version
        assertThat(contracts.violations(v1, "inventory-change-event.v1.json")).isEmpty();
        assertThat(contracts.violations(v2, "inventory-change-event.v2.json")).isEmpty();
        assertThat(contracts.violations(v2, "inventory-change-event.v1.json")).extracting(ContractViolation::field)
                .contains("previous_quantity", "new_quantity");
        assertThat(contracts.violations(v1, "inventory-change-event.v2.json")).extracting(ContractViolation::field)
                .contains("schema_version", "quantity");

        // the consumers (product sync, cache invalidation, re-index) read both, in an envelope or bare
        for (ObjectNode detail : new ObjectNode[] {v1, v2}) {
            String envelope = JSON.writeValueAsString(Map.of("detail-type", published.eventType(),
                    "source", "manga-assist.inventory", "detail", detail));
            assertThat(records.fromEnvelope(envelope)).isEqualTo(published);
            assertThat(records.fromEnvelope(detail.toString())).isEqualTo(published);
        }
    }
}
