package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class InventoryItemTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final InventoryItem ITEM = new InventoryItem("9784088725093", "ワンピース 42", 12, "TK01",
            StockStatus.IN_STOCK, "2024-03-01", 484, null);

    @Test
    void freshItemJsonHasExactlyTheContractNamesAndNoStaleFields() throws Exception {
        assertThat(MAPPER.writeValueAsString(ITEM)).isEqualTo(
                "{\"isbn\":\"9784088725093\",\"title\":\"ワンピース 42\",\"quantityAvailable\":12,"
                        + "\"warehouseLocation\":\"TK01\",\"stockStatus\":\"in_stock\",\"lastRestockDate\":\"2024-03-01\","
                        + "\"priceJpy\":484,\"estimatedRestockDays\":null}");
    }

    @Test
    void staleItemCarriesStaleAndAge() throws Exception {
        String json = MAPPER.writeValueAsString(ITEM.asStale(540));
        assertThat(json).endsWith(",\"estimatedRestockDays\":null,\"stale\":true,\"ageSeconds\":540}");
        assertThat(ITEM.asStale(540).isStale()).isTrue();
        assertThat(ITEM.isStale()).isFalse();
    }

    @Test
    void roundTrips() throws Exception {
        for (InventoryItem item : new InventoryItem[] {ITEM, ITEM.asStale(60)}) {
            assertThat(MAPPER.readValue(MAPPER.writeValueAsString(item), InventoryItem.class)).isEqualTo(item);
        }
    }

    @Test
    void readsJsonWithoutStaleFields() throws Exception {
        InventoryItem item = MAPPER.readValue("{\"isbn\":\"4088725093\",\"quantityAvailable\":0,"
                + "\"stockStatus\":\"preorder\",\"estimatedRestockDays\":14}", InventoryItem.class);
        assertThat(item.stockStatus()).isEqualTo(StockStatus.PREORDER);
        assertThat(item.title()).isEmpty();
        assertThat(item.warehouseLocation()).isEmpty();
        assertThat(item.stale()).isNull();
    }

    @Test
    void notStaleHasOneRepresentation() {
        InventoryItem explicitFalse = new InventoryItem("1", "t", 1, "w", StockStatus.IN_STOCK, null, null, null,
                Boolean.FALSE, 99L);
        assertThat(explicitFalse.stale()).isNull();
        assertThat(explicitFalse.ageSeconds()).isNull();
    }

    @Test
    void nullsDefaultAsTheSeed() {
        InventoryItem item = new InventoryItem("1", null, 0, null, null, null, null, null);
        assertThat(item.title()).isEmpty();
        assertThat(item.warehouseLocation()).isEmpty();
        assertThat(item.stockStatus()).isEqualTo(StockStatus.UNKNOWN);
        assertThatNullPointerException().isThrownBy(() -> new InventoryItem(null, "t", 0, "w", null, null, null, null));
    }

    @Test
    void ageCannotBeNegative() {
        assertThatIllegalArgumentException().isThrownBy(() -> ITEM.asStale(-1));
    }
}
