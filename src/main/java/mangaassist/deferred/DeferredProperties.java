package mangaassist.deferred;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the deferred flow ({@code mangaassist.deferred.*}). The routes read the endpoint options (consumer,
 * callback timeouts and retries) as placeholders; the beans read the rest from here.
 *
 * @param queue           the standard queue of deferred jobs (from the topology: visibility 180 s, DLQ after 5)
 * @param deadLetterQueue its dead-letter queue, where permanent failures go at once
 * @param catalogTable    DynamoDB table batch recommendations read their titles from (the enrichment flow's table by
 *                        default: the recommendations are written through its {@code EnrichmentCatalog})
 * @param inference       deferred_inference jobs
 * @param recommendations batch_recommendation jobs
 * @param callback        where and how a job's result is sent
 */
@ConfigurationProperties("mangaassist.deferred")
public record DeferredProperties(String queue, String deadLetterQueue, String catalogTable, Inference inference,
                                 Recommendations recommendations, Callback callback) {

    /**
     * @param defaultModel   the model of a job that names none (the seed: Haiku)
     * @param models         the models a job may name (Claude 3 messages API)
     * @param maxTokens      max_tokens of the request (seed: 2048)
     * @param maxPromptChars the longest prompt a job may carry
     */
    public record Inference(String defaultModel, List<String> models, int maxTokens, int maxPromptChars) {
        public Inference {
            models = models == null ? List.of() : List.copyOf(models);
        }
    }

    /**
     * @param model       model of the recommendation calls
     * @param maxTokens   max_tokens of a recommendation call
     * @param temperature temperature of a recommendation call
     * @param maxMangaIds most manga a job may list (they run one after another within the queue's visibility timeout)
     */
    public record Recommendations(String model, int maxTokens, double temperature, int maxMangaIds) {
    }

    /**
     * @param connectTimeoutMs a try's connection timeout (ms)
     * @param timeoutMs        a try's response timeout (ms)
     * @param retries          tries after the first, on 5xx, 408, 429, timeouts and connection failures
     * @param retryDelayMs     pause before a retry (ms)
     * @param snsEnabled       whether {@code sns:<topic ARN>} callback targets are accepted (the aws profile)
     * @param allowedHosts     hosts an HTTP callback may name (empty: any)
     */
    public record Callback(long connectTimeoutMs, long timeoutMs, int retries, long retryDelayMs, boolean snsEnabled,
                           List<String> allowedHosts) {
        public Callback {
            allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        }

        /** The longest a callback holds a consumer thread: every try timing out, with the pauses between them. */
        public long worstCaseMs() {
            return (retries + 1) * (connectTimeoutMs + timeoutMs) + retries * retryDelayMs;
        }
    }
}
