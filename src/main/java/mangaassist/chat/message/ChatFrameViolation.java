package mangaassist.chat.message;

import java.util.Objects;
import java.util.Set;

import com.networknt.schema.JsonSchema;
import org.apache.camel.Exchange;
import org.apache.camel.component.jsonvalidator.JsonValidationException;

/**
 * A client frame refused by its schema (chat-request.v1), with chat's own code ({@link ChatFrameErrors}). A Camel
 * {@link org.apache.camel.ValidationException}: the json-validator endpoint passes those on as they are, where any
 * other exception from its error handler is caught and handed back to it as "not JSON" (INVALID_JSON). Answered as
 * every chat error (a {@link ChatClientError}): the code's HTTP status over REST, an error frame on the WebSocket.
 */
public class ChatFrameViolation extends JsonValidationException implements ChatClientError {

    private final ChatErrorCode code;
    private final String reason;

    public ChatFrameViolation(Exchange exchange, JsonSchema schema, ChatErrorCode code, String reason) {
        super(exchange, schema, Set.of());
        this.code = Objects.requireNonNull(code, "code");
        this.reason = reason;
    }

    @Override
    public ChatErrorCode errorCode() {
        return code;
    }

    @Override
    public String getMessage() {
        return code + ": " + reason;
    }

    // a refused frame is an answer, not a fault of ours: no stack trace to fill in
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
