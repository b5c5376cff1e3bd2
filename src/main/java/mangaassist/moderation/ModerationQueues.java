package mangaassist.moderation;

import mangaassist.platform.QueueUrls;
import org.springframework.stereotype.Component;

/** The URL of the flow's dead-letter queue, looked up once by name: a prebuilt send request names its queue by URL. */
@Component("moderationQueues")
public class ModerationQueues {

    private final QueueUrls urls;
    private final ModerationProperties properties;

    public ModerationQueues(QueueUrls urls, ModerationProperties properties) {
        this.urls = urls;
        this.properties = properties;
    }

    public String deadLetters() {
        return urls.of(properties.deadLetterQueue());
    }
}
