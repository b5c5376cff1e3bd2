package mangaassist.inventory;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Stock status of the domain (seed 003 §1 {@code StockStatus}); JSON values as the seed's enum values. */
public enum StockStatus {
    IN_STOCK("in_stock"),
    LOW_STOCK("low_stock"),
    OUT_OF_STOCK("out_of_stock"),
    PREORDER("preorder"),
    UNKNOWN("unknown");

    private final String value;

    StockStatus(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    /**
     * Legacy ERP StatusCode → status, exactly as the seed's {@code _map_status_code}: 01–04, anything
     * else (including "1", null) UNKNOWN. Surrounding whitespace is ignored, as the seed's {@code _text} strips it.
     */
    public static StockStatus fromCode(String code) {
        if (code == null) {
            return UNKNOWN;
        }
        return switch (code.strip()) {
            case "01" -> IN_STOCK;
            case "02" -> LOW_STOCK;
            case "03" -> OUT_OF_STOCK;
            case "04" -> PREORDER;
            default -> UNKNOWN;
        };
    }

    /** JSON value → status; an unknown value (e.g. from a newer writer) reads as UNKNOWN, not an error. */
    @JsonCreator
    public static StockStatus fromValue(String value) {
        for (StockStatus s : values()) {
            if (s.value.equals(value)) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
