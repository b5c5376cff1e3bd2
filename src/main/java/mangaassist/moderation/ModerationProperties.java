package mangaassist.moderation;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the moderation flow ({@code mangaassist.moderation.*}). The routes read the endpoint options as
 * placeholders; the beans read the rest from here.
 *
 * @param queue           the standard queue of moderation jobs (from the topology)
 * @param deadLetterQueue its dead-letter queue, where permanent failures go at once
 * @param bucket          the S3 bucket of the results (from the topology)
 * @param resultsPrefix   key prefix of a result: {@code <prefix>/<yyyy-MM-dd>/<contentId>.json}
 * @param model           model id of the moderation calls (the fast model, Haiku, by default)
 * @param maxTokens       max_tokens of a Claude request
 * @param temperature     temperature of a Claude request (0: the same text, the same verdict as far as the model allows)
 * @param maxTextChars    the longest text (in characters) a job may carry
 */
@ConfigurationProperties("mangaassist.moderation")
public record ModerationProperties(String queue, String deadLetterQueue, String bucket, String resultsPrefix, String model,
                                   int maxTokens, double temperature, int maxTextChars) {
}
