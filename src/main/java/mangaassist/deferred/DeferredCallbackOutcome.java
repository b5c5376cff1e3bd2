package mangaassist.deferred;

import java.io.IOException;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.springframework.stereotype.Component;

/**
 * The callback's outcome (enrich's aggregation, also called when it failed): the task stays the body; a failure is
 * translated here, at the callback's boundary, once its retries are spent. A target that refuses the result (3xx, 4xx
 * other than 408 and 429) will refuse it again: permanent ({@link DeferredRejectedException}, the message goes to the DLQ).
 * Anything else (5xx, 408, 429, a timeout, no connection) may pass later: {@link DeferredCallbackException}, the
 * message stays for redelivery. Neither message names more of the target than its scheme, host and port.
 */
@Component("deferredCallbackOutcome")
public class DeferredCallbackOutcome implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange original, Exchange callback) {
        Exception failure = callback.getException();
        if (failure != null) {
            DeferredTask task = original.getMessage().getBody(DeferredTask.class);
            original.setException(translate(failure, DeferredCallbacks.describe(task == null ? null : task.job().callbackUrl())));
        }
        return original;
    }

    static RuntimeException translate(Exception failure, String target) {
        HttpOperationFailedException http = find(failure, HttpOperationFailedException.class);
        if (http != null) {
            int status = http.getStatusCode();
            if (permanent(status)) {
                return new DeferredRejectedException("CALLBACK_REFUSED", "HTTP " + status + " from " + target);
            }
            return new DeferredCallbackException("CALLBACK_FAILED: HTTP " + status + " from " + target);
        }
        IOException io = find(failure, IOException.class);
        Throwable cause = io != null ? io : failure;
        return new DeferredCallbackException("CALLBACK_FAILED: " + cause.getClass().getSimpleName() + " calling " + target);
    }

    /**
     * 4xx but 408 (timeout) and 429 (too many requests): the target will answer the same again. A 3xx too: redirects
     * are not followed (the target a job names is the one called), so it would only be answered again.
     */
    static boolean permanent(int status) {
        return status >= 300 && status < 500 && status != 408 && status != 429;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
