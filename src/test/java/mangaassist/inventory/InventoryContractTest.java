package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.platform.contracts.Contracts;
import mangaassist.support.TestContracts;
import org.junit.jupiter.api.Test;

/** The inventory API's answers against their schemas (inventory-item.v1, inventory-batch-*.v1). */
class InventoryContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Contracts contracts = TestContracts.contracts();

    @Test
    void freshAndStaleItemsKeepTheirSchema() {
        InventoryItem fresh = new InventoryItem("9784088820000", "ワンピース 42", 12, "TK01", StockStatus.IN_STOCK,
                "2026-11-30", 484, null);
        InventoryItem unknown = new InventoryItem("408882000X", null, 0, null, null, null, null, 14);
        for (InventoryItem item : List.of(fresh, unknown, fresh.asStale(42))) {
            assertThat(contracts.violations(JSON.valueToTree(item), "inventory-item.v1.json")).as(item.toString()).isEmpty();
        }
        // stale without its age is not an answer we give
        assertThat(contracts.violations("{\"isbn\":\"9784088820000\",\"title\":\"\",\"quantityAvailable\":1,"
                + "\"warehouseLocation\":\"\",\"stockStatus\":\"unknown\",\"stale\":true}", "inventory-item.v1.json")).isNotEmpty();
    }

    @Test
    void theBatchRequestAndAnswerKeepTheirSchemas() {
        assertThat(contracts.violations("[\"9784088820000\",\"4-08-882000-0\"]", "inventory-batch-request.v1.json")).isEmpty();
        assertThat(contracts.violations("{\"isbns\":[\"9784088820000\"]}", "inventory-batch-request.v1.json")).isEmpty();
        assertThat(contracts.violations("[]", "inventory-batch-request.v1.json")).isNotEmpty();
        assertThat(contracts.violations("{\"isbn\":\"9784088820000\"}", "inventory-batch-request.v1.json")).isNotEmpty();

        Map<String, Object> answer = Map.of(
                "items", List.of(JSON.valueToTree(new InventoryItem("9784088820000", "t", 1, "TK01", StockStatus.LOW_STOCK,
                        null, null, null))),
                "errors", List.of(Map.of("isbn", "not-an-isbn", "code", "INVALID_ISBN", "error", "invalid ISBN")));
        assertThat(contracts.violations(JSON.valueToTree(answer), "inventory-batch-response.v1.json")).isEmpty();
    }
}
