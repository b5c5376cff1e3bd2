package mangaassist.chat.message;

import java.util.List;
import java.util.Set;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import mangaassist.platform.contracts.ContractErrors;
import mangaassist.platform.contracts.ContractViolation;
import mangaassist.platform.contracts.ContractViolationCounter;
import mangaassist.platform.contracts.ContractViolations;
import org.apache.camel.Exchange;
import org.apache.camel.ValidationException;
import org.apache.camel.component.jsonvalidator.JsonValidatorErrorHandler;
import org.springframework.stereotype.Component;

/**
 * The json-validator error handler of chat's edge (schemas/chat-request.v1.json): a frame that breaks the schema gets
 * chat's own error codes, as before the schema: no message → MESSAGE_REQUIRED (400), a message past the schema's
 * maxLength → MESSAGE_TOO_LONG (413), anything else (not JSON, no data object, a bad sessionId, a message that is not
 * text) → INVALID_JSON (400). A fault outside the message wins, as the parser checks the sessionId first.
 */
@Component("chatFrameErrors")
public class ChatFrameErrors implements JsonValidatorErrorHandler {

    static final String MESSAGE = "data.message";

    private final ContractViolationCounter counter;

    public ChatFrameErrors(ContractViolationCounter counter) {
        this.counter = counter;
    }

    @Override
    public void handleErrors(Exchange exchange, JsonSchema schema, Set<ValidationMessage> errors)
            throws ValidationException {
        counter.count(exchange, ContractErrors.schemaName(schema));
        List<ContractViolation> violations = ContractViolations.of(errors);
        // a ValidationException: anything else thrown here, the endpoint would catch and hand back as "not JSON"
        throw new ChatFrameViolation(exchange, schema, code(violations, nullMessage(errors)),
                "frame breaks chat-request.v1: " + violations);
    }

    @Override
    public void handleErrors(Exchange exchange, JsonSchema schema, Exception e) throws ValidationException {
        counter.count(exchange, ContractErrors.schemaName(schema));
        throw new ChatFrameViolation(exchange, schema, ChatErrorCode.INVALID_JSON, "not JSON");
    }

    static ChatErrorCode code(List<ContractViolation> violations, boolean messageIsNull) {
        ChatErrorCode code = ChatErrorCode.INVALID_JSON;
        for (ContractViolation violation : violations) {
            if (!MESSAGE.equals(violation.field())) {
                return ChatErrorCode.INVALID_JSON;
            }
            code = switch (violation.keyword()) {
                case "required" -> ChatErrorCode.MESSAGE_REQUIRED;
                case "maxLength" -> ChatErrorCode.MESSAGE_TOO_LONG;
                // "message": null is no message; a number or an object is not a valid frame
                case "type" -> messageIsNull ? ChatErrorCode.MESSAGE_REQUIRED : ChatErrorCode.INVALID_JSON;
                default -> ChatErrorCode.INVALID_JSON;
            };
        }
        return code;
    }

    private static boolean nullMessage(Set<ValidationMessage> errors) {
        return errors.stream().anyMatch(e -> e.getInstanceNode() != null && e.getInstanceNode().isNull()
                && MESSAGE.equals(ContractViolations.path(e.getInstanceLocation())));
    }
}
