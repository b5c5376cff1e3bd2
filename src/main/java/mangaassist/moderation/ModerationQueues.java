package mangaassist.moderation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.sqs.SqsClient;

/** The URL of the flow's dead-letter queue, looked up once by name: a prebuilt send request names its queue by URL. */
@Component("moderationQueues")
public class ModerationQueues {

    private final SqsClient sqs;
    private final ModerationProperties properties;
    private final Map<String, String> urls = new ConcurrentHashMap<>();

    public ModerationQueues(SqsClient sqs, ModerationProperties properties) {
        this.sqs = sqs;
        this.properties = properties;
    }

    public String deadLetters() {
        return urls.computeIfAbsent(properties.deadLetterQueue(), n -> sqs.getQueueUrl(b -> b.queueName(n)).queueUrl());
    }
}
