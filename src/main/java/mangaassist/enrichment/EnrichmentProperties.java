package mangaassist.enrichment;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the enrichment flow ({@code mangaassist.enrichment.*}). The routes read the endpoint options
 * as placeholders; the beans read the rest from here.
 *
 * @param queue          the FIFO queue jobs go to (from the topology)
 * @param deadLetterQueue its FIFO dead-letter queue, where permanent failures go at once
 * @param model          model id of the enrichment calls (the fast model, Haiku, by default)
 * @param maxTokens      max_tokens of a Claude request (seed: 1024)
 * @param temperature    temperature of a Claude request (seed: 0.5)
 * @param maxBatchJobs   most jobs one batch request may carry
 * @param dedupWindow    deduplication window of the dedup id (seed: 5 minutes)
 * @param catalogTable   DynamoDB table the enrichment is written to
 * @param catalog        how the enrichment is written to it ({@link EnrichmentCatalog})
 */
@ConfigurationProperties("mangaassist.enrichment")
public record EnrichmentProperties(String queue, String deadLetterQueue, String model, int maxTokens, double temperature,
                                   int maxBatchJobs, Duration dedupWindow, String catalogTable, Catalog catalog) {

    public EnrichmentProperties {
        if (catalog == null) {
            throw new IllegalArgumentException("mangaassist.enrichment.catalog.known-maps is not set");
        }
    }

    /**
     * @param knownMaps mangaIds whose {@code enrichment} map this instance remembers having written or found (the least
     *                  recently used forgotten first): their next write is tried as the nested SET first. 0 remembers
     *                  none (every write tries to create the map first)
     */
    public record Catalog(int knownMaps) {
        public Catalog {
            if (knownMaps < 0) {
                throw new IllegalArgumentException("mangaassist.enrichment.catalog.known-maps must be 0 or more, was "
                        + knownMaps);
            }
        }
    }
}
