package mangaassist.platform;

import org.apache.camel.LoggingLevel;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The beans the shared route configurations ({@code camel/error-handling.camel.yaml}) refer to: their numbers
 * come from {@link ErrorHandlingProperties}, not from the YAML (whose schema types them as literals).
 */
@Configuration(proxyBeanMethods = false)
public class ErrorHandlingConfiguration {

    /** {@code background-errors}: each try logged at WARN, the exhausted failure at ERROR (Camel's default). */
    @Bean
    public RedeliveryPolicy backgroundRedeliveryPolicy(ErrorHandlingProperties errors) {
        return new RedeliveryPolicy()
                .maximumRedeliveries(errors.background().redeliveries())
                .redeliveryDelay(errors.background().redeliveryDelay().toMillis())
                .retryAttemptedLogLevel(LoggingLevel.WARN);
    }

    /**
     * {@code stream-errors}: no limit of tries (a change of the stream is never skipped), exponential back-off, each try
     * logged at WARN.
     */
    @Bean
    public RedeliveryPolicy streamRedeliveryPolicy(ErrorHandlingProperties errors) {
        return new RedeliveryPolicy()
                .maximumRedeliveries(-1)
                .redeliveryDelay(errors.stream().redeliveryDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(2)
                .maximumRedeliveryDelay(errors.stream().maxDelay().toMillis())
                .retryAttemptedLogLevel(LoggingLevel.WARN);
    }
}
