package mangaassist.platform;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Queue URLs by queue name, each looked up once (GetQueueUrl). The queue flows send prebuilt SQS requests (a batch
 * whose entries each carry their own group and deduplication id, a dead letter with its reason), and such a request
 * names its queue by URL, not by the name the flow's settings give.
 */
@Component
public class QueueUrls {

    private final SqsClient sqs;
    private final Map<String, String> urls = new ConcurrentHashMap<>();

    public QueueUrls(SqsClient sqs) {
        this.sqs = sqs;
    }

    public String of(String queueName) {
        return urls.computeIfAbsent(queueName, n -> sqs.getQueueUrl(b -> b.queueName(n)).queueUrl());
    }
}
