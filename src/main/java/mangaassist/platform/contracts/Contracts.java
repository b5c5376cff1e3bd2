package mangaassist.platform.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The schemas of {@code classpath:schemas/} as a library step, for what is not JSON text yet: an event record before
 * PutEvents ({@code check}), and the tests that hold every outgoing message to its contract ({@code violations}).
 * Edges that receive JSON text use the json-validator component with {@link ContractErrors} instead.
 */
@Component("contracts")
public class Contracts {

    public static final String LOCATION = "schemas/";

    // the records' own Jackson annotations (snake_case events, NON_NULL jobs) decide their JSON, as on the wire
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();
    private final ContractsProperties properties;
    private final ContractViolationCounter counter;

    public Contracts(ContractsProperties properties, ContractViolationCounter counter) {
        this.properties = properties;
        this.counter = counter;
    }

    /** The message unchanged when it keeps its schema; else a {@link ContractViolationException} with the reasons. */
    public Object check(Object message, String schemaName, Exchange exchange) throws ContractViolationException {
        List<ContractViolation> violations = violations(message, schemaName);
        if (!violations.isEmpty()) {
            counter.count(exchange, schemaName);
            throw new ContractViolationException(exchange, schema(schemaName), schemaName,
                    properties.errorCode(schemaName), violations);
        }
        return message;
    }

    /** How a message (JSON text, a JsonNode, or a record as Jackson writes it) breaks its schema; empty when it keeps it. */
    public List<ContractViolation> violations(Object message, String schemaName) {
        JsonNode node;
        try {
            node = message instanceof JsonNode json ? json
                    : message instanceof String text ? JSON.readTree(text)
                    : JSON.valueToTree(message);
        } catch (IOException e) {
            return List.of(new ContractViolation("", "json", "is not a JSON document"));
        }
        return ContractViolations.of(schema(schemaName).validate(node));
    }

    public JsonSchema schema(String schemaName) {
        return schemas.computeIfAbsent(schemaName, Contracts::load);
    }

    private static JsonSchema load(String schemaName) {
        try (InputStream in = Contracts.class.getClassLoader().getResourceAsStream(LOCATION + schemaName)) {
            if (in == null) {
                throw new IllegalArgumentException("No schema " + LOCATION + schemaName);
            }
            return FACTORY.getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
