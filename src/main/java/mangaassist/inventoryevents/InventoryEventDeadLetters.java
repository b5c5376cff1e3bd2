package mangaassist.inventoryevents;

import java.util.Map;

import mangaassist.platform.QueueUrls;
import mangaassist.platform.contracts.ContractViolation;
import mangaassist.platform.contracts.ContractViolationException;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * A consumer's message that breaks its contract (a CDC record, or the event of a rules' queue): no redelivery can fix
 * it, so it goes to its queue's DLQ at once with the reason (attribute {@code failureReason}, as the job flows' dead
 * letters carry it, and the DLQ reprocessor reads), rather than being received 5 times before the queue's redrive
 * moves it there without one.
 */
@Component("inventoryEventDeadLetters")
public class InventoryEventDeadLetters {

    /** Message attributes of a dead-lettered message (the job flows' names). */
    public static final String ATTRIBUTE_REASON = "failureReason";
    public static final String ATTRIBUTE_SOURCE_MESSAGE = "sourceMessageId";
    /** Exchange property: the DLQ's name, set by the consumer route (mangaassist.inventory-events.*-dead-letter-queue). */
    public static final String DEAD_LETTER_QUEUE = "deadLetterQueue";

    private static final Logger LOG = LoggerFactory.getLogger(InventoryEventDeadLetters.class);

    private final QueueUrls urls;

    public InventoryEventDeadLetters(QueueUrls urls) {
        this.urls = urls;
    }

    /** The message for its DLQ: its body as received, the contract's reason and its source message id as attributes. */
    public SendMessageBatchRequest request(@Body String body,
                                           @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception violation,
                                           @ExchangeProperty(DEAD_LETTER_QUEUE) String queue,
                                           @Header(Sqs2Constants.MESSAGE_ID) String messageId) {
        String reason = reason(violation);
        LOG.warn("Inventory event message {} breaks its contract, sent to {}: {}", messageId, queue, reason);
        return SendMessageBatchRequest.builder().queueUrl(urls.of(queue)).entries(SendMessageBatchRequestEntry.builder()
                .id("0").messageBody(body == null || body.isEmpty() ? "(empty)" : body)
                .messageAttributes(Map.of(ATTRIBUTE_REASON, text(reason), ATTRIBUTE_SOURCE_MESSAGE, text(messageId)))
                .build()).build();
    }

    /**
     * The schema's reason ({@link ContractViolationException#deadLetterReason}); for a CDC record the reader refused
     * past its schema (an ISBN's check digit), the same INVALID_FIELDS form without a schema.
     */
    static String reason(Exception violation) {
        if (violation instanceof InventoryEventRequestException refused) {
            if (refused.errors().isEmpty()) {
                return refused.code() + ": " + refused.userMessage("en");
            }
            return ContractViolationException.invalidFields(refused.errors().stream()
                    .map(e -> new ContractViolation(e.get("field"), "reader", e.get("message"))).toList());
        }
        return ((ContractViolationException) violation).deadLetterReason();
    }

    /** Only a message the DLQ took may be deleted from the source: else fail, and it is received again. */
    public void sent(SendMessageBatchResponse response) {
        if (!response.failed().isEmpty()) {
            throw new IllegalStateException("The DLQ refused the message: " + response.failed().get(0).message());
        }
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
