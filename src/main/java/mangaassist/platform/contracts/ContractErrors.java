package mangaassist.platform.contracts;

import java.util.List;
import java.util.Set;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import org.apache.camel.Exchange;
import org.apache.camel.ValidationException;
import org.apache.camel.component.jsonvalidator.JsonValidatorErrorHandler;
import org.springframework.stereotype.Component;

/**
 * The json-validator error handler of the REST and queue edges ({@code json-validator:schemas/<format>.v<n>.json
 * ?errorHandler=#contractErrors}): a violation becomes a {@link ContractViolationException} with the format's error
 * code (mangaassist.contracts.error-codes, e.g. INVALID_JOB) and one entry per invalid field; a body that is not JSON
 * at all becomes INVALID_JSON, the code every flow already gave it.
 */
@Component("contractErrors")
public class ContractErrors implements JsonValidatorErrorHandler {

    static final String NOT_JSON = "INVALID_JSON";

    private final ContractsProperties properties;
    private final ContractViolationCounter violations;

    public ContractErrors(ContractsProperties properties, ContractViolationCounter violations) {
        this.properties = properties;
        this.violations = violations;
    }

    @Override
    public void handleErrors(Exchange exchange, JsonSchema schema, Set<ValidationMessage> errors)
            throws ValidationException {
        String name = schemaName(schema);
        violations.count(exchange, name);
        throw new ContractViolationException(exchange, schema, name, properties.errorCode(name),
                ContractViolations.of(errors));
    }

    @Override
    public void handleErrors(Exchange exchange, JsonSchema schema, Exception e) throws ValidationException {
        String name = schemaName(schema);
        violations.count(exchange, name);
        throw new ContractViolationException(exchange, schema, name, NOT_JSON,
                List.of(new ContractViolation("", "json", "is not a JSON document")));
    }

    /** The schema's file name, the last segment of its {@code $id} ({@code enrichment-job.v1.json}). */
    public static String schemaName(JsonSchema schema) {
        if (schema == null || schema.getSchemaLocation() == null) {
            return "unknown";
        }
        String iri = String.valueOf(schema.getSchemaLocation().getAbsoluteIri());
        int slash = Math.max(iri.lastIndexOf('/'), iri.lastIndexOf(':'));
        return iri.substring(slash + 1);
    }
}
