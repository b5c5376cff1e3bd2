package mangaassist.inventory;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.inventory.erp.ArrivalAllowance;
import mangaassist.inventory.erp.ErpClientSettings;
import mangaassist.inventory.erp.ErpCxfClientFactory;
import mangaassist.inventory.erp.ErpRateLimiter;
import mangaassist.inventory.erp.LocalErpRateLimiter;
import mangaassist.inventory.erp.SharedErpRateLimiter;
import org.apache.camel.CamelContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Predicate;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** The ERP client endpoint, the ERP's rate budget, the circuit breaker around it and its retries. */
@Configuration(proxyBeanMethods = false)
public class InventoryConfiguration {

    /**
     * Route configuration {@code erp-retries} (camel/error-handling.camel.yaml): a failed ERP call is retried this often,
     * with exponential back-off from retry-delay, while {@link #erpRetryable} says so. Each try is logged at WARN; the
     * exhausted failure is not (the lookup answers it), nor the typed exception the call translated it into.
     */
    @Bean
    public RedeliveryPolicy erpRedeliveryPolicy(InventoryProperties inventory) {
        return new RedeliveryPolicy()
                .maximumRedeliveries(inventory.erp().retries())
                .redeliveryDelay(inventory.erp().retryDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(2)
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logExhausted(false)
                .logNewException(false);
    }

    /**
     * {@code erp-retries}, a call the ERP refused for its rate: it arrived later than the arrival allowance assumed, and
     * goes again on the next free permit (the permit is the wait), not as a failure retry with back-off.
     */
    @Bean
    public RedeliveryPolicy erpRefusalRedeliveryPolicy(InventoryProperties inventory) {
        return new RedeliveryPolicy()
                .maximumRedeliveries(inventory.erp().budget().refusalRetries())
                .redeliveryDelay(0)
                .retryAttemptedLogLevel(LoggingLevel.DEBUG)
                .logExhausted(false)
                .logNewException(false);
    }

    /** {@code erp-retries}: which failures are worth another call (InventorySteps#retryable). */
    @Bean
    public Predicate erpRetryable(InventorySteps steps) {
        return steps::retryable;
    }

    /** {@code cxf:bean:erpInventory}: Shift_JIS both ways, AuthToken header, HTTP/1.1, timeouts. */
    @Bean(ErpCxfClientFactory.BEAN_NAME)
    public CxfEndpoint erpInventory(CamelContext camelContext, InventoryProperties inventory) {
        InventoryProperties.Erp erp = inventory.erp();
        return new ErpCxfClientFactory(new ErpClientSettings(erp.endpoint(), erp.authToken(), erp.codepage(),
                erp.connectTimeout(), erp.timeout())).createEndpoint(camelContext);
    }

    /**
     * {@code rate-limit} calls in any second as the ERP counts them (see ErpRateLimiter), for every instance together
     * (permits in Redis) unless {@code budget.shared} is false; used by inventory-erp-call.
     */
    @Bean
    public ErpRateLimiter erpRateLimiter(InventoryProperties inventory, ReactiveStringRedisTemplate redis, MeterRegistry registry) {
        InventoryProperties.Erp erp = inventory.erp();
        InventoryProperties.Budget budget = erp.budget();
        ArrivalAllowance allowance = erp.rateMode() == InventoryProperties.RateMode.STRICT
                ? ArrivalAllowance.fixed(erp.strictAllowance())
                : ArrivalAllowance.adaptive(erp.arrivalAllowance(), budget.allowanceFloor(), erp.strictAllowance(),
                        budget.allowanceQuiet(), erp.rateLimit());
        ErpRateLimiter limiter;
        if (budget.shared()) {
            SharedErpRateLimiter shared = new SharedErpRateLimiter(redis, new SharedErpRateLimiter.Settings(budget.redisKey(),
                    erp.rateLimit(), erp.expectedInstances(), Duration.ofSeconds(1),
                    erp.strictAllowance().plus(Duration.ofSeconds(1)), budget.redisTimeout(), budget.pollInterval(),
                    budget.recheckInterval()), allowance);
            Gauge.builder("mangaassist.inventory.erp.budget.shared", shared, s -> s.isShared() ? 1 : 0)
                    .description("1 while the ERP budget is shared through Redis, 0 while this instance uses its local share")
                    .tag("flow", "inventory").register(registry);
            FunctionCounter.builder("mangaassist.inventory.erp.budget.fallbacks", shared, SharedErpRateLimiter::fallbacks)
                    .description("Times this instance fell back to its local share of the ERP budget (Redis unreachable)")
                    .tag("flow", "inventory").register(registry);
            limiter = shared;
        } else {
            limiter = new LocalErpRateLimiter(erp.rateLimit(), allowance);
        }
        Gauge.builder("mangaassist.inventory.erp.permits.used", limiter, ErpRateLimiter::used)
                .description("ERP calls the ERP could count in the current second: not yet arrived (within the arrival "
                        + "allowance) or arrived less than 1 s ago")
                .tag("flow", "inventory").register(registry);
        Gauge.builder("mangaassist.inventory.erp.arrival.allowance", limiter, l -> l.arrivalAllowance().toNanos() / 1e9)
                .description("How long after its permit a call is assumed to reach the ERP (adaptive: learnt from refusals)")
                .baseUnit("seconds").tag("flow", "inventory").register(registry);
        return limiter;
    }

    /**
     * The breaker is a bean (not created inside the EIP) so that health and metrics can read its state.
     * It opens when all of the last {@code failureThreshold} calls failed, and half-opens after waitInOpen.
     */
    @Bean
    public CircuitBreaker erpCircuitBreaker(InventoryProperties inventory, MeterRegistry registry) {
        InventoryProperties.Breaker breaker = inventory.erp().breaker();
        CircuitBreaker circuitBreaker = CircuitBreaker.of("erp", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(breaker.failureThreshold())
                .minimumNumberOfCalls(breaker.failureThreshold())
                .failureRateThreshold(100)
                .waitDurationInOpenState(breaker.waitInOpen())
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build());
        Gauge.builder("mangaassist.inventory.erp.breaker.state", circuitBreaker, cb -> switch (cb.getState()) {
                    case CLOSED -> 0;
                    case HALF_OPEN -> 1;
                    default -> 2;
                }).description("ERP circuit breaker: 0 closed, 1 half-open, 2 open").tag("flow", "inventory")
                .register(registry);
        return circuitBreaker;
    }
}
