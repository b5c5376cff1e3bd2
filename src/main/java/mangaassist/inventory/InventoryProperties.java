package mangaassist.inventory;

import java.net.URI;
import java.time.Duration;

import mangaassist.inventory.erp.ErpContract;
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

        public Coalescing {
            if (batchSize < 1 || batchSize > ErpContract.MAX_BATCH) {
                throw new IllegalArgumentException("mangaassist.inventory.coalescing.batch-size must be 1 to "
                        + ErpContract.MAX_BATCH + " (the ERP's GetBatchStockLevels limit), was " + batchSize);
            }
        }
    }

    /**
     * @param endpoint           SOAP endpoint URL
     * @param healthUrl          the ERP's health probe URL; unset, derived from the endpoint as the seed does
     *                           ({@code /soap/inventory} → {@code /health}), so it follows an endpoint override
     * @param authToken          AuthToken SOAP header value (never logged)
     * @param codepage           charset for responses labelled Shift_JIS or unlabelled (Windows-31J: vendor chars)
     * @param connectTimeout     connection timeout
     * @param timeout            receive timeout of one call
     * @param rateLimit          most calls in any one second, as the ERP counts them (on arrival; it refuses more);
     *                           also the most calls in flight at once (ErpRateLimiter)
     * @param arrivalAllowance   how long after taking its permit a call is assumed to reach the ERP: a permit counts
     *                           until one second after min(call end, taken + allowance) (ErpRateLimiter); at least the
     *                           longest call (timeout, plus connect-timeout) gives the strict rule, whatever the delays
     * @param maxConcurrentCalls threads sending coalesced batch calls (the rate limiter caps calls in flight too)
     * @param retries            retries after a failed call
     * @param retryDelay         first retry delay, doubled for each further retry
     * @param breaker            circuit breaker settings
     */
    public record Erp(String endpoint, String healthUrl, String authToken, String codepage, Duration connectTimeout,
                      Duration timeout, int rateLimit, Duration arrivalAllowance, int maxConcurrentCalls, int retries,
                      Duration retryDelay, Breaker breaker) {

        public Erp {
            requireSet(endpoint, "endpoint", "MANGAASSIST_INVENTORY_ERP_ENDPOINT");
            requireSet(authToken, "auth-token", "MANGAASSIST_INVENTORY_ERP_AUTH_TOKEN");
            if (healthUrl == null || healthUrl.isBlank()) {
                healthUrl = healthUrlOf(endpoint);
            }
        }

        /** Unset, or a placeholder left unresolved (Spring's binder keeps "${VAR}" when VAR is not defined). */
        private static void requireSet(String value, String property, String environment) {
            if (value == null || value.isBlank() || value.startsWith("${")) {
                throw new IllegalArgumentException("mangaassist.inventory.erp." + property + " is not set (environment "
                        + environment + ")");
            }
        }

        static String healthUrlOf(String endpoint) {
            return endpoint.contains("/soap/inventory") ? endpoint.replace("/soap/inventory", "/health")
                    : URI.create(endpoint).resolve("/health").toString();
        }

        @Override
        public String toString() {
            return "Erp[endpoint=" + endpoint + ", rateLimit=" + rateLimit + ", arrivalAllowance=" + arrivalAllowance
                    + ", authToken=****]";
        }
    }

    /**
     * @param failureThreshold  consecutive failed calls (of the last this many) that open the breaker
     * @param waitInOpen        how long it stays open before letting a trial call through (half-open)
     */
    public record Breaker(int failureThreshold, Duration waitInOpen) {
    }
}
