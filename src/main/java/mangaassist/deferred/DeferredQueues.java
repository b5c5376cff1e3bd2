package mangaassist.deferred;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.sqs.SqsClient;

/** The URLs of the flow's queues, looked up once by name (a prebuilt send request names its queue by URL). */
@Component("deferredQueues")
public class DeferredQueues {

    private final SqsClient sqs;
    private final DeferredProperties properties;
    private final Map<String, String> urls = new ConcurrentHashMap<>();

    public DeferredQueues(SqsClient sqs, DeferredProperties properties) {
        this.sqs = sqs;
        this.properties = properties;
    }

    public String jobs() {
        return url(properties.queue());
    }

    public String deadLetters() {
        return url(properties.deadLetterQueue());
    }

    private String url(String name) {
        return urls.computeIfAbsent(name, n -> sqs.getQueueUrl(b -> b.queueName(n)).queueUrl());
    }
}
