package mangaassist.inventory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * Clean domain object of the inventory ACL (seed 003 §1 {@code InventoryItem}). {@code stale} and
 * {@code ageSeconds} are set only on a cache fallback while the ERP is unavailable, and are
 * omitted from JSON otherwise; the other optional fields stay in the JSON as null (stable schema).
 */
@JsonPropertyOrder({"isbn", "title", "quantityAvailable", "warehouseLocation", "stockStatus",
        "lastRestockDate", "priceJpy", "estimatedRestockDays", "stale", "ageSeconds"})
public record InventoryItem(
        @JsonProperty("isbn") String isbn,
        @JsonProperty("title") String title,
        @JsonProperty("quantityAvailable") int quantityAvailable,
        @JsonProperty("warehouseLocation") String warehouseLocation,
        @JsonProperty("stockStatus") StockStatus stockStatus,
        @JsonProperty("lastRestockDate") String lastRestockDate,
        @JsonProperty("priceJpy") Integer priceJpy,
        @JsonProperty("estimatedRestockDays") Integer estimatedRestockDays,
        @JsonProperty("stale") @JsonInclude(JsonInclude.Include.NON_NULL) Boolean stale,
        @JsonProperty("ageSeconds") @JsonInclude(JsonInclude.Include.NON_NULL) Long ageSeconds) {

    public InventoryItem {
        Objects.requireNonNull(isbn, "isbn");
        title = title == null ? "" : title;                         // seed: row["title"] or ""
        warehouseLocation = warehouseLocation == null ? "" : warehouseLocation;
        stockStatus = stockStatus == null ? StockStatus.UNKNOWN : stockStatus;
        // "Not stale" has one representation (absent), so fresh items never carry an age.
        if (!Boolean.TRUE.equals(stale)) {
            stale = null;
            ageSeconds = null;
        }
    }

    /** A fresh item from the ERP. */
    public InventoryItem(String isbn, String title, int quantityAvailable, String warehouseLocation,
                         StockStatus stockStatus, String lastRestockDate, Integer priceJpy,
                         Integer estimatedRestockDays) {
        this(isbn, title, quantityAvailable, warehouseLocation, stockStatus, lastRestockDate, priceJpy,
                estimatedRestockDays, null, null);
    }

    /** This item served from cache: marked stale, with its age. */
    public InventoryItem asStale(long ageSeconds) {
        if (ageSeconds < 0) {
            throw new IllegalArgumentException("ageSeconds must be >= 0");
        }
        return new InventoryItem(isbn, title, quantityAvailable, warehouseLocation, stockStatus,
                lastRestockDate, priceJpy, estimatedRestockDays, Boolean.TRUE, ageSeconds);
    }

    public boolean isStale() {
        return Boolean.TRUE.equals(stale);
    }
}
