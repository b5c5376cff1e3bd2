package mangaassist.inventory;

import mangaassist.inventory.erp.ErpBadResponseException;
import mangaassist.inventory.erp.generated.StockItem;

/**
 * The anti-corruption layer: the ERP's {@code StockItem} (legacy names, status codes 01–04, raw strings)
 * to the clean {@link InventoryItem}, as the seed maps it. The ERP's ISBN is trusted no more than a client's: it is
 * validated and brought to the ISBN-13 the lookups wait under (the WSDL notes it sometimes comes hyphenated).
 */
public final class InventoryAcl {

    private InventoryAcl() {
    }

    /**
     * @throws ErpBadResponseException when the item has no valid ISBN (it could be matched to no lookup) or no
     *                                 quantity (the schema requires it; it is the answer)
     */
    public static InventoryItem toItem(StockItem stock) {
        String isbn;
        try {
            isbn = Isbn.toIsbn13(stock.getISBN());
        } catch (InvalidIsbnException e) {
            throw new ErpBadResponseException("The ERP returned a stock item without a valid ISBN (" + e.getMessage() + ")");
        }
        if (stock.getQuantity() == null) {
            // not 0: a stock level the ERP did not give must not be told to a customer as "none left"
            throw new ErpBadResponseException("The ERP returned stock item " + isbn + " without a quantity");
        }
        return new InventoryItem(isbn, clean(stock.getTitle()), stock.getQuantity(),
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
