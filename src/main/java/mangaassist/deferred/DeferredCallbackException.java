package mangaassist.deferred;

/**
 * A callback that failed for now (5xx, 408, 429, a timeout, no connection) after its retries: the message stays on the
 * queue and is tried again after its visibility timeout. The message names the target by scheme, host and port only
 * (its path and query may carry a token).
 */
public class DeferredCallbackException extends RuntimeException {

    public DeferredCallbackException(String message) {
        super(message, null, false, false);
    }
}
