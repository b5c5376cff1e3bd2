package mangaassist.inventoryevents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.platform.contracts.ContractViolationException;
import mangaassist.platform.contracts.Contracts;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The edge check of the rules' consumers (product sync, cache invalidation, re-index): the InventoryChangeEvent a
 * message carries (its EventBridge envelope's {@code detail}, or the bare event, as {@link InventoryChangeRecords#fromEnvelope}
 * reads it) against its schema: v2 when it says {@code schema_version} 2, else v1, so both versions are read during
 * a migration (README, "Versioning"). A library step ({@link Contracts}), not the json-validator: the JSON text is the
 * envelope, and the contract is of the event inside it.
 */
@Component("inventoryEventContract")
public class InventoryEventContract {

    static final String V1 = "inventory-change-event.v1.json";
    static final String V2 = "inventory-change-event.v2.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Contracts contracts;

    public InventoryEventContract(Contracts contracts) {
        this.contracts = contracts;
    }

    /** The message unchanged when its event keeps its version's schema; else a {@link ContractViolationException}. */
    public String check(@Body String body, Exchange exchange) throws ContractViolationException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // not JSON: the contract's own verdict ("is not a JSON document")
            contracts.check(body, V1, exchange);
            return body;
        }
        JsonNode event = root.has("isbn") ? root : root.path("detail");
        contracts.check(event, schemaOf(event), exchange);
        return body;
    }

    static String schemaOf(JsonNode event) {
        return event.path("schema_version").asInt(1) == 2 ? V2 : V1;
    }
}
