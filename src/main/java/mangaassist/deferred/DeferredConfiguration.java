package mangaassist.deferred;

import org.apache.camel.LoggingLevel;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The deferred flow's configured Camel objects. */
@Configuration(proxyBeanMethods = false)
public class DeferredConfiguration {

    /**
     * The callback's retries ({@code deferred-callback-errors}): {@code mangaassist.deferred.callback.retries} tries
     * after the first, {@code retry-delay-ms} apart. Logged at DEBUG only (Camel's line names the URL with its query),
     * never as exhausted: the job logs the outcome.
     */
    @Bean("deferredCallbackRedelivery")
    public RedeliveryPolicy deferredCallbackRedelivery(DeferredProperties properties) {
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(properties.callback().retries());
        policy.setRedeliveryDelay(properties.callback().retryDelayMs());
        policy.setRetryAttemptedLogLevel(LoggingLevel.DEBUG);
        policy.setLogStackTrace(false);
        policy.setLogExhausted(false);
        return policy;
    }
}
