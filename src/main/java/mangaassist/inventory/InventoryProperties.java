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
     * @param batchSize most ISBNs per GetBatchStockLevels call (the ERP's limit is 20); 1 turns coalescing off: one
     *                  GetStockLevel call per lookup (the seed's way, the benchmark's baseline)
     * @param window    how long a batch waits for another ISBN before it goes (longer while no ERP permit is free)
     */
    public record Coalescing(int batchSize, Duration window) {

        public Coalescing {
            if (batchSize < 1 || batchSize > ErpContract.MAX_BATCH) {
                throw new IllegalArgumentException("mangaassist.inventory.coalescing.batch-size must be 1 to "
                        + ErpContract.MAX_BATCH + " (the ERP's GetBatchStockLevels limit), was " + batchSize);
            }
        }

        /** Distinct ISBNs are packed into batch calls; off (batch-size 1), every lookup is a GetStockLevel call. */
        public boolean enabled() {
            return batchSize > 1;
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
     * @param rateLimit          most calls in any one second, as the ERP counts them (on arrival; it refuses more), for
     *                           every instance together; also the most calls in flight at once (ErpRateLimiter)
     * @param rateMode           strict: the arrival allowance is the longest call (timeout + connect-timeout), valid
     *                           whatever the delays; adaptive: it starts at arrival-allowance and learns from refusals
     * @param arrivalAllowance   how long after taking its permit a call is assumed to reach the ERP: a permit counts
     *                           until one second after min(call end, taken + allowance) (ErpRateLimiter); the starting
     *                           value in adaptive mode
     * @param expectedInstances  instances sharing the budget: without Redis each falls back to rate-limit / this
     * @param budget             how the budget is kept: shared through Redis, the adaptive allowance, refusals
     * @param maxConcurrentCalls threads sending coalesced batch calls (the rate limiter caps calls in flight too)
     * @param retries            retries after a failed call
     * @param retryDelay         first retry delay, doubled for each further retry
     * @param breaker            circuit breaker settings
     */
    public record Erp(String endpoint, String healthUrl, String authToken, String codepage, Duration connectTimeout,
                      Duration timeout, int rateLimit, RateMode rateMode, Duration arrivalAllowance, int expectedInstances,
                      Budget budget, int maxConcurrentCalls, int retries, Duration retryDelay, Breaker breaker) {

        public Erp {
            requireSet(endpoint, "endpoint", "MANGAASSIST_INVENTORY_ERP_ENDPOINT");
            requireSet(authToken, "auth-token", "MANGAASSIST_INVENTORY_ERP_AUTH_TOKEN");
            if (healthUrl == null || healthUrl.isBlank()) {
                healthUrl = healthUrlOf(endpoint);
            }
            if (rateMode == null) {
                rateMode = RateMode.ADAPTIVE;
            }
        }

        /** The allowance that holds whatever the delays: a call cannot reach the ERP after it has ended. */
        public Duration strictAllowance() {
            return timeout.plus(connectTimeout);
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
            return "Erp[endpoint=" + endpoint + ", rateLimit=" + rateLimit + ", rateMode=" + rateMode + ", arrivalAllowance="
                    + arrivalAllowance + ", expectedInstances=" + expectedInstances + ", authToken=****]";
        }
    }

    /** How the arrival allowance is chosen (see ArrivalAllowance). */
    public enum RateMode {
        /** Learns from the ERP's refusals, between allowance-floor and the strict value. */
        ADAPTIVE,
        /** The longest call: the limit holds whatever the delays. */
        STRICT
    }

    /**
     * @param shared          permits kept in Redis for every instance (SharedErpRateLimiter); false: in this instance's
     *                        memory, the whole rate-limit for it alone
     * @param redisKey        prefix of the budget's Redis keys
     * @param redisTimeout    a budget command taking longer than this falls back to the local share
     * @param pollInterval    the longest an instance waits before asking Redis again for a permit
     * @param recheckInterval how often an instance on its local share asks whether Redis is back
     * @param allowanceFloor  adaptive mode: the narrowest arrival allowance
     * @param allowanceQuiet  adaptive mode: the allowance narrows by a tenth after each such period without a refusal
     * @param refusalFault    text of the ERP's SOAP fault when it refuses a call for its rate
     * @param refusalRetries  how often a call refused for the rate is sent again (each after a new permit)
     */
    public record Budget(boolean shared, String redisKey, Duration redisTimeout, Duration pollInterval,
                         Duration recheckInterval, Duration allowanceFloor, Duration allowanceQuiet, String refusalFault,
                         int refusalRetries) {
    }

    /**
     * @param failureThreshold  consecutive failed calls (of the last this many) that open the breaker
     * @param waitInOpen        how long it stays open before letting a trial call through (half-open)
     */
    public record Breaker(int failureThreshold, Duration waitInOpen) {
    }
}
