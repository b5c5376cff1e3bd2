package mangaassist.dlq;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the DLQ reprocessor ({@code mangaassist.dlq.*}). The schedule's settings ({@code schedule.*}) are read by
 * its route as placeholders.
 *
 * @param queues             the queues it serves by short name (the {queue} of the API): each DLQ and its source queue
 * @param bucket             the S3 bucket of archives and flagged messages (from the topology)
 * @param archivePrefix      key prefix of an archived message: {@code <prefix>/<queue>/<yyyy-MM-dd>/<messageId>.json}
 * @param flaggedPrefix      key prefix of a flagged message: {@code <prefix>/<queue>/<messageId>.json}
 * @param reasonAttribute    the message attribute our flows give a message they dead-letter: why it failed
 * @param defaultMax         messages a run handles when the request names no {@code max} (seed: 100)
 * @param maxLimit           the most a request may ask for
 * @param receiveWaitSeconds long poll of each receive from the DLQ: an empty DLQ ends a run after this
 * @param receiveVisibility  how long a received message stays hidden from other readers; a flagged message, left in
 *                           the DLQ, is seen again after it (also by the next run)
 * @param throttleDelay      how long a throttled message waits on its source queue (standard queues; SQS allows 15 min)
 * @param flaggedLimit       the most flagged messages one listing returns
 * @param classification     how a failure is classified
 */
@ConfigurationProperties("mangaassist.dlq")
public record DlqProperties(Map<String, Queue> queues, String bucket, String archivePrefix, String flaggedPrefix,
                            String reasonAttribute, int defaultMax, int maxLimit, int receiveWaitSeconds,
                            Duration receiveVisibility, Duration throttleDelay, int flaggedLimit,
                            Classification classification) {

    public DlqProperties {
        queues = queues == null ? Map.of() : Map.copyOf(queues);
    }

    /**
     * @param deadLetterQueue the DLQ read
     * @param sourceQueue     where its transient and throttled messages go back to
     */
    public record Queue(String deadLetterQueue, String sourceQueue) {
    }

    /**
     * The seed's rules, in its order: received more than {@code permanentReceiveCount} times → permanent; then the
     * failure text (the reason attribute, else the body's {@code _error}) matched case-insensitively against the
     * throttle, transient and permanent patterns (regular expressions); else unknown.
     */
    public record Classification(int permanentReceiveCount, String throttlePattern, String transientPattern,
                                 String permanentPattern) {
    }
}
