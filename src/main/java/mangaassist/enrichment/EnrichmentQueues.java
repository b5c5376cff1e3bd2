package mangaassist.enrichment;

import mangaassist.platform.QueueUrls;
import org.springframework.stereotype.Component;

/**
 * The URLs of the flow's queues, looked up once by name. The sends carry prebuilt batch requests (each entry with
 * its own group and deduplication id, which the aws2-sqs endpoint options cannot give per entry), and such a request
 * names its queue by URL.
 */
@Component("enrichmentQueues")
public class EnrichmentQueues {

    private final QueueUrls urls;
    private final EnrichmentProperties properties;

    public EnrichmentQueues(QueueUrls urls, EnrichmentProperties properties) {
        this.urls = urls;
        this.properties = properties;
    }

    public String jobs() {
        return urls.of(properties.queue());
    }

    public String deadLetters() {
        return urls.of(properties.deadLetterQueue());
    }
}
