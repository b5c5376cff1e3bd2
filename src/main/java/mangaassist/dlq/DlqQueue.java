package mangaassist.dlq;

/**
 * One queue the reprocessor serves.
 *
 * @param name            its short name, as in the API path (enrichment, deferred, moderation)
 * @param deadLetterQueue the DLQ's name
 * @param sourceQueue     the source queue's name
 * @param deadLetterUrl   the DLQ's URL
 * @param sourceUrl       the source queue's URL
 */
public record DlqQueue(String name, String deadLetterQueue, String sourceQueue, String deadLetterUrl, String sourceUrl) {

    /** A FIFO source: requeues keep the message group and take a fresh deduplication id, and no per-message delay. */
    public boolean fifo() {
        return sourceQueue.endsWith(".fifo");
    }
}
