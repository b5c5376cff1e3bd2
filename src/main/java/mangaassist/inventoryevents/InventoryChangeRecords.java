package mangaassist.inventoryevents;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import mangaassist.inventory.InvalidIsbnException;
import mangaassist.inventory.Isbn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * DMS-style change records ({@code {"data":{ISBN,QTY,OLD_QTY,TITLE,WAREHOUSE_CD},"metadata":{operation,timestamp,
 * table-name}}}) to {@link InventoryChangeEvent}s, and the events back from their EventBridge envelope.
 *
 * <p>Stricter than the seed, which made an event of any record (an ISBN of "" and a quantity of 0 for missing fields:
 * an item "depleted" by a broken record): here a record without an ISBN, or with a quantity that is not a whole
 * number ≥ 0, is refused with the reason.
 */
@Component("inventoryChangeRecords")
public class InventoryChangeRecords {

    static final String ERP_CDC = "erp_cdc";
    static final String MANUAL = "manual_adjustment";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InventoryEventsProperties properties;
    private final Clock clock;

    @Autowired
    public InventoryChangeRecords(InventoryEventsProperties properties) {
        this(properties, Clock.systemUTC());
    }

    InventoryChangeRecords(InventoryEventsProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /** A record from the CDC queue; the SQS message id is its correlation id (a redelivery keeps it). */
    public InventoryChangeEvent fromQueue(@Body String body, @Header(Sqs2Constants.MESSAGE_ID) String messageId) {
        return read(body, ERP_CDC, messageId == null ? UUID.randomUUID().toString() : messageId);
    }

    /** A record from POST /api/cdc/inventory (a manual adjustment); 400 with an error per invalid field. */
    public InventoryChangeEvent fromApi(@Body String body) {
        return read(body, MANUAL, UUID.randomUUID().toString());
    }

    InventoryChangeEvent read(String body, String changeSource, String correlationId) {
        JsonNode record;
        try {
            record = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InventoryEventRequestException("INVALID_JSON", "The body is not valid JSON.", List.of());
        }
        if (record == null || !record.isObject() || !record.path("data").isObject()) {
            throw new InventoryEventRequestException("INVALID_RECORD",
                    "The body must be a change record {\"data\":{\"ISBN\",\"QTY\",...},\"metadata\":{...}}.", List.of());
        }
        JsonNode data = record.path("data");
        JsonNode meta = record.path("metadata");
        List<Map<String, String>> errors = new ArrayList<>();
        // the same ISBN rule as every other entry point: check digit verified, hyphens and full-width digits folded
        String isbn = null;
        JsonNode isbnNode = data.path("ISBN");
        if (!isbnNode.isTextual() && !isbnNode.isIntegralNumber()) {
            errors.add(error("data.ISBN", "required: an ISBN-10 or ISBN-13"));
        } else {
            try {
                isbn = Isbn.normalize(isbnNode.asText());
            } catch (InvalidIsbnException e) {
                errors.add(error("data.ISBN", e.getMessage()));
            }
        }
        Integer quantity = quantity(data, "QTY", true, errors);
        Integer previous = quantity(data, "OLD_QTY", false, errors);
        if (!errors.isEmpty()) {
            throw new InventoryEventRequestException("INVALID_RECORD", errors.size() == 1 ? "One field is invalid."
                    : errors.size() + " fields are invalid.", errors);
        }
        int old = previous == null ? 0 : previous;
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("cdc_operation", meta.path("operation").asText("unknown"));
        metadata.put("cdc_timestamp", meta.path("timestamp").asText(""));
        metadata.put("table_name", meta.path("table-name").asText(""));
        String warehouse = data.path("WAREHOUSE_CD").asText("");
        return new InventoryChangeEvent(InventoryChangeEvent.typeOf(old, quantity), isbn, data.path("TITLE").asText(""),
                old, quantity, warehouse.isBlank() ? properties.warehouse() : warehouse, changeSource,
                clock.instant().toString(), correlationId, metadata);
    }

    private static Integer quantity(JsonNode data, String field, boolean required, List<Map<String, String>> errors) {
        JsonNode value = data.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                errors.add(error("data." + field, "required: a whole number >= 0"));
            }
            return null;
        }
        // DMS sends numbers as JSON numbers or as strings, depending on the column type and its settings
        String text = value.asText().strip();
        if (!text.matches("\\d{1,9}")) {
            errors.add(error("data." + field, "must be a whole number >= 0"));
            return null;
        }
        return Integer.parseInt(text);
    }

    private static Map<String, String> error(String field, String message) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("field", field);
        error.put("message", message);
        return error;
    }

    /** 202 {@code {"status":"published","correlationId","eventType","isbn"}}. */
    public Map<String, Object> published(@Body InventoryChangeEvent event, Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "published");
        answer.put("correlationId", event.correlationId());
        answer.put("eventType", event.eventType());
        answer.put("isbn", event.isbn());
        return answer;
    }

    /**
     * The event from what a rule's queue target received: the EventBridge envelope (its detail is the event). Reads
     * inventory-change-event v1 and v2 side by side (README "Contracts": a consumer accepts both during a migration).
     */
    public InventoryChangeEvent fromEnvelope(@Body String body) throws JsonProcessingException {
        JsonNode root = JSON.readTree(body);
        JsonNode detail = v1(root.has("isbn") ? root : root.path("detail"));
        InventoryChangeEvent event = JSON.treeToValue(detail, InventoryChangeEvent.class);
        if (event == null || event.isbn() == null || event.isbn().isBlank()) {
            throw new IllegalArgumentException("not an inventory change event: " + body);
        }
        return event;
    }

    /** A v2 event ({@code schema_version} 2: {@code quantity {previous, new}}) as v1; a v1 event as it is. */
    static JsonNode v1(JsonNode detail) {
        if (!(detail instanceof ObjectNode v2) || !v2.path("quantity").isObject()) {
            return detail;
        }
        ObjectNode event = v2.deepCopy();
        JsonNode quantity = event.remove("quantity");
        event.remove("schema_version");
        event.set("previous_quantity", quantity.path("previous"));
        event.set("new_quantity", quantity.path("new"));
        return event;
    }
}
