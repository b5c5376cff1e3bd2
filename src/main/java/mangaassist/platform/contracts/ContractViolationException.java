package mangaassist.platform.contracts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.networknt.schema.JsonSchema;
import mangaassist.platform.ClientError;
import org.apache.camel.Exchange;
import org.apache.camel.component.jsonvalidator.JsonValidationException;

/**
 * A message refused by its schema at an edge (json-validator). A {@link ClientError}: the shared {@code sync-errors}
 * configuration answers it as a 400 with one {@code errors[]} entry per invalid field; on a queue, its message is the
 * dead-letter reason. Still a {@link JsonValidationException}, so Camel's own handling of validation failures applies.
 */
public class ContractViolationException extends JsonValidationException implements ClientError {

    private final String schemaName;
    private final String code;
    private final List<ContractViolation> violations;

    public ContractViolationException(Exchange exchange, JsonSchema schema, String schemaName, String code,
                                      List<ContractViolation> violations) {
        super(exchange, schema, java.util.Set.of());
        this.schemaName = schemaName;
        this.code = code;
        this.violations = List.copyOf(violations);
    }

    /** The schema's file name, e.g. {@code enrichment-job.v1.json}. */
    public String schemaName() {
        return schemaName;
    }

    public List<ContractViolation> violations() {
        return violations;
    }

    /** The reason as one line: {@code INVALID_JOB (enrichment-job.v1.json): manga.id is required; ...}. */
    public String reason() {
        return fields(new StringBuilder(code).append(" (").append(schemaName).append("):"), violations).toString();
    }

    /**
     * The reason a queue consumer gives a message it dead-letters for breaking its schema, in the queue flows' codes
     * (the DLQ classifier and the error metrics know them): {@code INVALID_BODY: not a JSON object [schema]} when the
     * message is no JSON object at all, else {@code INVALID_FIELDS: manga.id is required; ... [schema]}, one entry per
     * field path.
     */
    public String deadLetterReason() {
        boolean notAnObject = ContractErrors.NOT_JSON.equals(code) || violations.stream()
                .anyMatch(v -> v.field().isEmpty() && ("type".equals(v.keyword()) || "json".equals(v.keyword())));
        String reason = notAnObject ? "INVALID_BODY: not a JSON object;" : invalidFields(violations);
        return reason + " [" + schemaName + "]";
    }

    /**
     * {@code INVALID_FIELDS: manga.id is required; ...}: the dead-letter reason of field faults, also of those a flow's
     * reader finds past its schema (a wrong ISBN check digit).
     */
    public static String invalidFields(List<ContractViolation> violations) {
        return fields(new StringBuilder("INVALID_FIELDS:"), violations).toString();
    }

    private static StringBuilder fields(StringBuilder reason, List<ContractViolation> violations) {
        violations.forEach(v -> reason.append(' ').append(v.field().isEmpty() ? "body" : v.field()).append(' ')
                .append(v.error()).append(';'));
        return reason;
    }

    @Override
    public String getMessage() {
        return reason();
    }

    @Override
    public String code() {
        return code;
    }

    @Override
    public int httpStatus() {
        return 400;
    }

    @Override
    public String userMessage(String language) {
        return violations.size() == 1 ? "One field is invalid." : violations.size() + " fields are invalid.";
    }

    @Override
    public Object details() {
        // the same entries as the flows' own field errors: {field, error}
        return violations.stream().map(v -> {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("field", v.field());
            entry.put("error", v.error());
            return entry;
        }).toList();
    }

    // a refusal is an answer, as common as an acceptance: no stack trace to fill in
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
