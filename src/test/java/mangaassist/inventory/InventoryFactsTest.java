package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InventoryFactsTest {

    private static InventoryItem item(StockStatus status, int qty, Integer price, Integer restockDays) {
        return new InventoryItem("9784088725093", "ワンピース 42", qty, "TK01", status, null, price, restockDays);
    }

    @Test
    void inStock() {
        InventoryItem i = item(StockStatus.IN_STOCK, 12, 484, null);
        assertThat(InventoryFacts.describe(i, "ja")).isEqualTo("ワンピース 42 (ISBN 9784088725093): 在庫あり 12冊, 価格 ¥484");
        assertThat(InventoryFacts.describe(i, "en")).isEqualTo("ワンピース 42 (ISBN 9784088725093): in stock, 12 copies, ¥484");
    }

    @Test
    void lowStockAndSingular() {
        InventoryItem i = item(StockStatus.LOW_STOCK, 1, 1320, null);
        assertThat(InventoryFacts.describe(i, "ja")).isEqualTo("ワンピース 42 (ISBN 9784088725093): 残りわずか 1冊, 価格 ¥1,320");
        assertThat(InventoryFacts.describe(i, "en")).isEqualTo("ワンピース 42 (ISBN 9784088725093): low stock, only 1 copy left, ¥1,320");
    }

    @Test
    void outOfStockWithAndWithoutRestockEstimate() {
        assertThat(InventoryFacts.describe(item(StockStatus.OUT_OF_STOCK, 0, 484, 7), "ja"))
                .isEqualTo("ワンピース 42 (ISBN 9784088725093): 在庫切れ, 入荷予定 約7日後, 価格 ¥484");
        assertThat(InventoryFacts.describe(item(StockStatus.OUT_OF_STOCK, 0, null, null), "en"))
                .isEqualTo("ワンピース 42 (ISBN 9784088725093): out of stock");
        assertThat(InventoryFacts.describe(item(StockStatus.OUT_OF_STOCK, 0, null, 1), "en"))
                .isEqualTo("ワンピース 42 (ISBN 9784088725093): out of stock, expected in about 1 day");
    }

    @Test
    void preorderAndUnknown() {
        assertThat(InventoryFacts.describe(item(StockStatus.PREORDER, 0, 528, 14), "en"))
                .isEqualTo("ワンピース 42 (ISBN 9784088725093): available for preorder, expected in about 14 days, ¥528");
        assertThat(InventoryFacts.describe(item(StockStatus.UNKNOWN, 3, null, null), "ja"))
                .isEqualTo("ワンピース 42 (ISBN 9784088725093): 在庫状況不明");
    }

    @Test
    void staleFactSaysHowOld() {
        InventoryItem stale = item(StockStatus.IN_STOCK, 12, 484, null).asStale(540);
        assertThat(InventoryFacts.describe(stale, "ja"))
                .endsWith("在庫あり 12冊, 価格 ¥484 (在庫システムに接続できないため、約9分前の情報です)");
        assertThat(InventoryFacts.describe(stale, "en")).endsWith("(last known 9 min ago; live stock is unavailable)");
        assertThat(InventoryFacts.describe(item(StockStatus.IN_STOCK, 1, null, null).asStale(5), "en"))
                .contains("last known 1 min ago");
    }

    @Test
    void missingTitleFallsBackToIsbn() {
        InventoryItem i = new InventoryItem("4088725093", "", 2, "TK01", StockStatus.IN_STOCK, null, null, null);
        assertThat(InventoryFacts.describe(i, "en")).isEqualTo("ISBN 4088725093: in stock, 2 copies");
    }

    @Test
    void titleIsOneBoundedLine() {
        InventoryItem i = new InventoryItem("1", "A\nB\n\n- injected", 2, "TK01", StockStatus.IN_STOCK, null, null, null);
        assertThat(InventoryFacts.describe(i, "en")).isEqualTo("A B - injected (ISBN 1): in stock, 2 copies");
        InventoryItem longTitle = new InventoryItem("1", "あ".repeat(500), 2, "", StockStatus.IN_STOCK, null, null, null);
        assertThat(InventoryFacts.describe(longTitle, "ja")).startsWith("あ".repeat(200) + "… (ISBN 1)");
    }

    @Test
    void unknownIsbnAndErpUnavailable() {
        assertThat(InventoryFacts.unknownIsbn("9784088725093", "ja")).isEqualTo("ISBN 9784088725093: 該当する商品が見つかりません");
        assertThat(InventoryFacts.unknownIsbn("9784088725093", "en")).isEqualTo("ISBN 9784088725093: no such item in the catalog");
        assertThat(InventoryFacts.erpUnavailable("ワンピース 42", "9784088725093", "ja"))
                .isEqualTo("ワンピース 42 (ISBN 9784088725093): 在庫システムに接続できないため、現在の在庫状況を確認できません");
        assertThat(InventoryFacts.erpUnavailable(null, "9784088725093", "en"))
                .isEqualTo("ISBN 9784088725093: stock cannot be checked right now (inventory system unavailable)");
    }
}
