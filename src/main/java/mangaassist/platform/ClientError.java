package mangaassist.platform;

/**
 * A failure a client should hear about: a stable code, the HTTP status it maps to, and a message fit
 * for users (never internals). The shared {@code sync-errors} route configuration turns it into the JSON
 * error body; anything else becomes INTERNAL.
 */
public interface ClientError {

    String code();

    int httpStatus();

    /** The text for the client, in the client's language ("ja" or "en") where the flow knows it. */
    String userMessage(String language);

    /** What exactly was wrong, e.g. one entry per invalid field; null when the message says it all. */
    default Object details() {
        return null;
    }

    /** How long the client should wait before trying again (ms): the body's retryAfterMs and HTTP Retry-After; null for none. */
    default Long retryAfterMs() {
        return null;
    }
}
