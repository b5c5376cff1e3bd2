package mangaassist.dlq;

import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Classifies a dead-lettered message as the seed does (000 §5.1), in its order: received more than
 * {@code permanent-receive-count} (10) times → permanent; then its failure text: throttl / rate → throttle;
 * timeout / connection → transient; validation / malformed → permanent; else unknown.
 *
 * <p>The failure text is the message attribute {@code failureReason}, which our flows give a message they send to the
 * DLQ themselves (a permanent failure such as {@code INVALID_FIELDS: ...}), else the body's {@code _error} (the seed's
 * marker, for other producers). A message the queue's redrive moved has neither: it is classified by what is there,
 * its receive count, and is otherwise unknown.
 *
 * <p>Better than the seed: the patterns are regular expressions (properties), and "rate" counts as a word only, so
 * "generate" or "moderate" is not a rate limit; "invalid" is permanent too (our flows' reasons say INVALID_BODY / INVALID_FIELDS); a body that is not
 * JSON is read as having no {@code _error} (the seed's {@code json.loads} threw and stopped the whole run).
 */
@Component("dlqClassifier")
public class DlqClassifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String reasonAttribute;
    private final int permanentReceiveCount;
    private final Pattern throttle;
    private final Pattern transientFailure;
    private final Pattern permanent;

    @Autowired
    public DlqClassifier(DlqProperties properties) {
        this(properties.reasonAttribute(), properties.classification());
    }

    DlqClassifier(String reasonAttribute, DlqProperties.Classification classification) {
        this.reasonAttribute = reasonAttribute;
        this.permanentReceiveCount = classification.permanentReceiveCount();
        this.throttle = compile(classification.throttlePattern());
        this.transientFailure = compile(classification.transientPattern());
        this.permanent = compile(classification.permanentPattern());
    }

    public DlqMessage classify(DlqMessage message) {
        String failure = failureText(message);
        if (message.receiveCount() > permanentReceiveCount) {
            return message.classified(failure, FailureClass.PERMANENT,
                    "received " + message.receiveCount() + " times (more than " + permanentReceiveCount + ")");
        }
        if (failure.isEmpty()) {
            return message.classified(failure, FailureClass.UNKNOWN, "no failure reason"
                    + (message.systemAttributes().containsKey("DeadLetterQueueSourceArn") ? " (moved by the queue's redrive)" : ""));
        }
        if (throttle.matcher(failure).find()) {
            return message.classified(failure, FailureClass.THROTTLE, "the failure names throttling");
        }
        if (transientFailure.matcher(failure).find()) {
            return message.classified(failure, FailureClass.TRANSIENT, "the failure names a timeout or connection");
        }
        if (permanent.matcher(failure).find()) {
            return message.classified(failure, FailureClass.PERMANENT, "the failure names invalid input");
        }
        return message.classified(failure, FailureClass.UNKNOWN, "the failure matches no class");
    }

    /** The reason attribute, else the body's {@code _error} (a JSON string), else "". */
    String failureText(DlqMessage message) {
        MessageAttributeValue reason = message.message().messageAttributes().get(reasonAttribute);
        if (reason != null && reason.stringValue() != null && !reason.stringValue().isBlank()) {
            return reason.stringValue();
        }
        try {
            JsonNode body = message.message().body() == null ? null : JSON.readTree(message.message().body());
            JsonNode error = body == null ? null : body.get("_error");
            return error != null && error.isTextual() ? error.asText() : "";
        } catch (JsonProcessingException notJson) {
            return "";
        }
    }

    private static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }
}
