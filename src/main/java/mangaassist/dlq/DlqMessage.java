package mangaassist.dlq;

import java.util.Map;
import java.util.stream.Collectors;

import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * One message read off a DLQ on its way through the reprocessor.
 *
 * @param queue         the queue it belongs to
 * @param message       the message as received (body, attributes, receipt handle)
 * @param failure       the failure text it carries (the reason attribute, else the body's {@code _error}), "" if none
 * @param failureClass  its class, once classified
 * @param why           what decided the class, for logs, archives and the flagged listing
 * @param outcome       what was done with it, once handled
 */
public record DlqMessage(DlqQueue queue, Message message, String failure, FailureClass failureClass, String why,
                         Outcome outcome) {

    /** What the reprocessor did with a message; the run's stats count them. */
    public enum Outcome { REQUEUED, ARCHIVED, FLAGGED, FAILED }

    static DlqMessage received(DlqQueue queue, Message message) {
        return new DlqMessage(queue, message, null, null, null, null);
    }

    DlqMessage classified(String failureText, FailureClass value, String reason) {
        return new DlqMessage(queue, message, failureText, value, reason, outcome);
    }

    DlqMessage handled(Outcome value) {
        return new DlqMessage(queue, message, failure, failureClass, why, value);
    }

    public String messageId() {
        return message.messageId();
    }

    public String receiptHandle() {
        return message.receiptHandle();
    }

    public int receiveCount() {
        String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        return count == null ? 0 : Integer.parseInt(count);
    }

    public String groupId() {
        return message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
    }

    /** Its system attributes by name (SentTimestamp, ApproximateReceiveCount, DeadLetterQueueSourceArn, ...). */
    public Map<String, String> systemAttributes() {
        return message.attributesAsStrings();
    }

    /** Its message attributes' values as text. */
    public Map<String, String> messageAttributes() {
        return message.messageAttributes().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().stringValue() != null ? e.getValue().stringValue() : String.valueOf(e.getValue().binaryValue())));
    }
}
