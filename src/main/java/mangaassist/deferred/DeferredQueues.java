package mangaassist.deferred;

import mangaassist.platform.QueueUrls;
import org.springframework.stereotype.Component;

/** The URLs of the flow's queues, looked up once by name (a prebuilt send request names its queue by URL). */
@Component("deferredQueues")
public class DeferredQueues {

    private final QueueUrls urls;
    private final DeferredProperties properties;

    public DeferredQueues(QueueUrls urls, DeferredProperties properties) {
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
