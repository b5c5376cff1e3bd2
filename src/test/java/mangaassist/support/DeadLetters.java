package mangaassist.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What the flow tests take off a dead-letter queue: the matching messages, with their system and message attributes
 * (the failure reason), deleted once taken; the others stay visible for their own tests.
 */
public final class DeadLetters {

    private DeadLetters() {
    }

    /** Waits (at most {@code wait}) for the first message that matches and takes it off the queue. */
    public static Message await(SqsClient sqs, String queueUrl, Predicate<Message> matches, Duration wait) {
        return org.awaitility.Awaitility.await().atMost(wait).until(() -> {
            List<Message> taken = take(sqs, queueUrl, matches, 1);
            return taken.isEmpty() ? null : taken.get(0);
        }, m -> m != null);
    }

    /** One receive of up to 10: takes at most {@code max} of the messages that match off the queue. */
    public static List<Message> take(SqsClient sqs, String queueUrl, Predicate<Message> matches, int max) {
        List<Message> taken = new ArrayList<>();
        for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).visibilityTimeout(0)
                .messageSystemAttributeNamesWithStrings("All").messageAttributeNames("All")).messages()) {
            if (taken.size() < max && matches.test(m)) {
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                taken.add(m);
            }
        }
        return taken;
    }
}
