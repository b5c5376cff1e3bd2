package mangaassist.inventory;

import mangaassist.inventory.erp.generated.StockItem;

/**
 * The anti-corruption layer: the ERP's {@code StockItem} (legacy names, status codes 01–04, raw strings)
 * to the clean {@link InventoryItem}, as the seed maps it.
 */
public final class InventoryAcl {

    private InventoryAcl() {
    }

    public static InventoryItem toItem(StockItem stock) {
        return new InventoryItem(stock.getISBN(), clean(stock.getTitle()), stock.getQuantity(),
                clean(stock.getWarehouseCode()), StockStatus.fromCode(stock.getStatusCode()),
                blankToNull(stock.getLastRestockDate()), stock.getPriceJPY(), stock.getRestockETADays());
    }

    private static String clean(String value) {
        return value == null ? "" : value.strip();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
