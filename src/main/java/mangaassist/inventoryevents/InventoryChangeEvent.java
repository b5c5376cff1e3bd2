package mangaassist.inventoryevents;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The seed's canonical inventory event (003 §2), published to EventBridge with the event type as its detail type and
 * itself, in snake_case, as its detail.
 *
 * @param eventType        inventory.depleted (new quantity 0), inventory.restocked (from 0 to more), else
 *                         inventory.updated
 * @param changeSource     erp_cdc (a DMS record), manual_adjustment (POST /api/cdc/inventory)
 * @param timestampUtc     when the event was made (ISO-8601)
 * @param correlationId    follows the change through the bus and its consumers
 * @param metadata         cdc_operation, cdc_timestamp (the source database's commit time), table_name
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record InventoryChangeEvent(String eventType, String isbn, String title, int previousQuantity, int newQuantity,
                                   String warehouseCode, String changeSource, String timestampUtc, String correlationId,
                                   Map<String, String> metadata) {

    public static final String DEPLETED = "inventory.depleted";
    public static final String RESTOCKED = "inventory.restocked";
    public static final String UPDATED = "inventory.updated";

    public InventoryChangeEvent {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** The seed's rule: 0 → depleted; from 0 to more → restocked; anything else → updated. */
    public static String typeOf(int previousQuantity, int newQuantity) {
        if (newQuantity == 0) {
            return DEPLETED;
        }
        return previousQuantity == 0 ? RESTOCKED : UPDATED;
    }

    /**
     * When the change happened at its source: the CDC record's commit time when it has one, else when the event was
     * made. Consumers order by it: a change older than the one an item already shows is ignored. (The seed orders
     * by nothing, and its events carry only the time they were made, so a redelivered old change restored old stock.)
     */
    @JsonIgnore
    public Instant changedAt() {
        String cdc = metadata.get("cdc_timestamp");
        if (cdc != null && !cdc.isBlank()) {
            try {
                return Instant.parse(cdc);
            } catch (DateTimeParseException notIso) {
                // DMS can be set to other formats: fall back to the event's own time
            }
        }
        return Instant.parse(timestampUtc);
    }
}
