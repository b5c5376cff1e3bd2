package mangaassist.enrichment;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The URLs of the flow's queues, looked up once by name. The sends carry prebuilt batch requests (each entry with
 * its own group and deduplication id, which the aws2-sqs endpoint options cannot give per entry), and such a request
 * names its queue by URL.
 */
@Component("enrichmentQueues")
public class EnrichmentQueues {

    private final SqsClient sqs;
    private final EnrichmentProperties properties;
    private final Map<String, String> urls = new ConcurrentHashMap<>();

    public EnrichmentQueues(SqsClient sqs, EnrichmentProperties properties) {
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
