package mangaassist.platform;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the shared route configurations in {@code camel/error-handling.camel.yaml} ({@code mangaassist.errors.*}).
 *
 * @param background {@code background-errors}: work off a reply's path (e.g. chat-remember)
 * @param stream     {@code stream-errors}: a change stream's consumer (catalog-cdc)
 */
@ConfigurationProperties("mangaassist.errors")
public record ErrorHandlingProperties(Background background, Stream stream) {

    /**
     * @param redeliveries     how many times a failed step is tried again before the failure is logged
     * @param redeliveryDelay  the wait before each try
     */
    public record Background(int redeliveries, Duration redeliveryDelay) {
    }

    /**
     * @param redeliveryDelay the wait before the first new try; doubled at each try up to maxDelay
     * @param maxDelay        the longest wait between two tries
     */
    public record Stream(Duration redeliveryDelay, Duration maxDelay) {
    }
}
