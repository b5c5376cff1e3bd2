package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mangaassist.inventory.erp.ErpBadResponseException;
import mangaassist.inventory.erp.generated.StockItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class InventoryAclTest {

    @Test
    void mapsTheLegacyFieldsToTheCleanItem() {
        StockItem stock = stock("9784088725420");
        stock.setTitle(" ワンピース 42 ");
        stock.setLastRestockDate(" ");
        stock.setRestockETADays(3);

        InventoryItem item = InventoryAcl.toItem(stock);

        assertThat(item).isEqualTo(new InventoryItem("9784088725420", "ワンピース 42", 87, "TK01", StockStatus.LOW_STOCK,
                null, 528, 3));
    }

    @Test
    void aHyphenatedOrIsbn10EchoIsBroughtToTheIsbn13TheLookupWaitsUnder() {
        assertThat(InventoryAcl.toItem(stock("978-4-08-872542-0")).isbn()).isEqualTo("9784088725420");
        assertThat(InventoryAcl.toItem(stock("4-08-872542-5")).isbn()).isEqualTo("9784088725420");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"9784088725421", "not an isbn"})
    void anItemWithoutAValidIsbnIsABadResponse(String isbn) {
        assertThatThrownBy(() -> InventoryAcl.toItem(stock(isbn)))
                .isInstanceOf(ErpBadResponseException.class)
                .hasMessageStartingWith("The ERP returned a stock item without a valid ISBN");
    }

    @Test
    void anItemWithoutAQuantityIsABadResponseNotZeroInStock() {
        StockItem stock = stock("9784088725420");
        stock.setQuantity(null);
        assertThatThrownBy(() -> InventoryAcl.toItem(stock))
                .isInstanceOf(ErpBadResponseException.class).hasMessageContaining("without a quantity");
    }

    static StockItem stock(String isbn) {
        StockItem item = new StockItem();
        item.setISBN(isbn);
        item.setTitle("ワンピース 42");
        item.setQuantity(87);
        item.setWarehouseCode("TK01");
        item.setStatusCode("02");
        item.setPriceJPY(528);
        return item;
    }
}
