package mangaassist.chat.model;

/**
 * The time one answer spent waiting for the model, every call added up (a fallback included), each from
 * handing the request to the SDK to its last streamed byte: what the overhead metric leaves out.
 *
 * <p>The one mutable part of a {@link mangaassist.chat.message.ChatMessage}: every copy of a message shares its
 * clock, so a call ended on the SDK's thread, or in an enricher's copy of the exchange, counts for the answer.
 */
public final class ModelTime {

    private long sentAt = -1;
    private long total;

    /** A call was handed to the SDK now. */
    public synchronized void sent() {
        sentAt = System.nanoTime();
    }

    /** The call in progress ended now, answered or failed; nothing when none is in progress. */
    public synchronized void ended() {
        if (sentAt >= 0) {
            total += System.nanoTime() - sentAt;
            sentAt = -1;
        }
    }

    /** Nanoseconds spent in the calls ended so far. */
    public synchronized long nanos() {
        return total;
    }
}
