package mangaassist.catalog;

import java.util.LinkedHashMap;
import java.util.Map;

import mangaassist.inventory.Isbn;
import mangaassist.inventory.StockStatus;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A product of the {@code manga-products} table as plain values: the record the catalog flows (catalog-cdc,
 * catalog-sync, and the re-index of inventory-events) read, check and index.
 *
 * <p>The table's attributes (the seed's names): {@code isbn} (the key: the canonical ISBN, digits only),
 * {@code title}, {@code author}, {@code genre}, {@code quantity}, {@code warehouse_code}, {@code stock_status}
 * ({@link StockStatus} values, optional: derived from the quantity when absent) and {@code price_jpy}.
 * Build one with {@link #from(Map)} only after {@link ProductQualityGate#check(Map)} found no error.
 *
 * @param isbn          canonical ISBN (10 or 13 characters, see {@link Isbn#normalize}): the document id
 * @param title         1–500 characters
 * @param author        empty when unknown
 * @param genre         empty when unknown
 * @param quantity      ≥ 0
 * @param warehouseCode e.g. TK01
 * @param stockStatus   as stored, or from the quantity
 * @param priceJpy      null when unknown
 */
public record Product(String isbn, String title, String author, String genre, int quantity, String warehouseCode,
                      StockStatus stockStatus, Integer priceJpy) {

    public static final String ISBN = "isbn";
    public static final String TITLE = "title";
    public static final String AUTHOR = "author";
    public static final String GENRE = "genre";
    public static final String QUANTITY = "quantity";
    public static final String WAREHOUSE_CODE = "warehouse_code";
    public static final String STOCK_STATUS = "stock_status";
    public static final String PRICE_JPY = "price_jpy";

    /** The seed's thresholds (inventory consumer): 0 out of stock, up to this many low stock, above in stock. */
    public static final int LOW_STOCK_MAX = 5;

    public Product {
        author = author == null ? "" : author;
        genre = genre == null ? "" : genre;
        stockStatus = stockStatus == null ? stockStatusFor(quantity) : stockStatus;
    }

    /** The status of a quantity when none is stored: the seed's 0 / ≤ 5 / else. */
    public static StockStatus stockStatusFor(int quantity) {
        return quantity <= 0 ? StockStatus.OUT_OF_STOCK
                : quantity <= LOW_STOCK_MAX ? StockStatus.LOW_STOCK : StockStatus.IN_STOCK;
    }

    /**
     * The product of an item's plain values ({@link TypedAttributes#plain}) that passed the quality gate.
     *
     * @throws IllegalArgumentException when the item does not pass {@link ProductQualityGate} (with its errors)
     */
    public static Product from(Map<String, Object> item) {
        var errors = new ProductQualityGate().check(item);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("not a valid product: " + errors);
        }
        Object status = item.get(STOCK_STATUS);
        StockStatus stockStatus = status instanceof String s && !s.isBlank() ? StockStatus.fromValue(s.strip()) : null;
        int quantity = ((Number) item.get(QUANTITY)).intValue();
        if (stockStatus == StockStatus.UNKNOWN) {
            stockStatus = null; // a value this version does not know: the quantity tells more than "unknown"
        }
        Object price = item.get(PRICE_JPY);
        return new Product(Isbn.normalize((String) item.get(ISBN)), ((String) item.get(TITLE)).strip(),
                text(item.get(AUTHOR)), text(item.get(GENRE)), quantity, ((String) item.get(WAREHOUSE_CODE)).strip(),
                stockStatus, price instanceof Number n ? Integer.valueOf(n.intValue()) : null);
    }

    /** The product from a table item's typed attributes (a stream image, a GetItem answer); see {@link #from(Map)}. */
    public static Product fromItem(Map<String, AttributeValue> item) {
        return from(TypedAttributes.plain(item));
    }

    /** The table item (PutItem / BatchWriteItem) of this product; empty author and genre are left out. */
    public Map<String, AttributeValue> toItem() {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(ISBN, AttributeValue.fromS(isbn));
        item.put(TITLE, AttributeValue.fromS(title));
        if (!author.isEmpty()) {
            item.put(AUTHOR, AttributeValue.fromS(author));
        }
        if (!genre.isEmpty()) {
            item.put(GENRE, AttributeValue.fromS(genre));
        }
        item.put(QUANTITY, AttributeValue.fromN(Integer.toString(quantity)));
        item.put(WAREHOUSE_CODE, AttributeValue.fromS(warehouseCode));
        item.put(STOCK_STATUS, AttributeValue.fromS(stockStatus.value()));
        if (priceJpy != null) {
            item.put(PRICE_JPY, AttributeValue.fromN(priceJpy.toString()));
        }
        return item;
    }

    /** True when the text the embedding is made of (title, author, genre) is the same in both. */
    public boolean sameEmbeddingText(Product other) {
        return other != null && title.equals(other.title) && author.equals(other.author) && genre.equals(other.genre);
    }

    /** The text embedded for vector search: the seed's {@code f"{title} {author} {genre}"}. */
    public String embeddingText() {
        return (title + " " + author + " " + genre).strip();
    }

    private static String text(Object value) {
        return value instanceof String s ? s.strip() : "";
    }
}
