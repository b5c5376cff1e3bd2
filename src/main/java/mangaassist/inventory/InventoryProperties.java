package mangaassist.inventory;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the inventory flow ({@code mangaassist.inventory.*}).
 *
 * @param warehouse      warehouse code asked of the ERP
 * @param cacheTtl       how long a fresh stock level is served from Redis
 * @param lastKnownTtl   how long the last known stock level is kept for the stale fallback
 * @param lookupTimeout  how long a lookup waits for its (coalesced) ERP answer, retries included
 * @param maxBatchIsbns  most ISBNs accepted by POST /api/inventory/batch
 * @param coalescing     request coalescing into GetBatchStockLevels calls
 * @param erp            the legacy ERP and the limits of talking to it
 */
@ConfigurationProperties("mangaassist.inventory")
public record InventoryProperties(String warehouse, Duration cacheTtl, Duration lastKnownTtl, Duration lookupTimeout,
                                  int maxBatchIsbns, Coalescing coalescing, Erp erp) {

    /**
     * @param enabled   false: one GetStockLevel call per lookup (the seed's way, the benchmark's baseline)
     * @param batchSize most ISBNs per GetBatchStockLevels call (the ERP's limit is 20)
     * @param window    how long a batch waits for another ISBN before it goes (longer while no ERP permit is free)
     */
    public record Coalescing(boolean enabled, int batchSize, Duration window) {
    }

    /**
     * @param endpoint           SOAP endpoint URL
     * @param healthUrl          the ERP's health probe URL
     * @param authToken          AuthToken SOAP header value (never logged)
     * @param codepage           charset for responses labelled Shift_JIS or unlabelled (Windows-31J: vendor chars)
     * @param connectTimeout     connection timeout
     * @param timeout            receive timeout of one call
     * @param rateLimit          most calls in any one second, as the ERP counts them (on arrival; it refuses more):
     *                           a call holds a permit from before it is sent until one second after it ended
     *                           (ErpRateLimiter), so no delay on the way can push more into one of the ERP's seconds
     * @param maxConcurrentCalls calls in flight at once
     * @param retries            retries after a failed call
     * @param retryDelay         first retry delay, doubled for each further retry
     * @param breaker            circuit breaker settings
     */
    public record Erp(String endpoint, String healthUrl, String authToken, String codepage, Duration connectTimeout,
                      Duration timeout, int rateLimit, int maxConcurrentCalls, int retries, Duration retryDelay,
                      Breaker breaker) {

        @Override
        public String toString() {
            return "Erp[endpoint=" + endpoint + ", rateLimit=" + rateLimit + ", authToken=****]";
        }
    }

    /**
     * @param failureThreshold  consecutive failed calls (of the last this many) that open the breaker
     * @param waitInOpen        how long it stays open before letting a trial call through (half-open)
     */
    public record Breaker(int failureThreshold, Duration waitInOpen) {
    }
}
