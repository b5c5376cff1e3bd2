package mangaassist.inventory;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.inventory.erp.ErpClientSettings;
import mangaassist.inventory.erp.ErpCxfClientFactory;
import mangaassist.inventory.erp.ErpRateLimiter;
import org.apache.camel.CamelContext;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The ERP client endpoint and the circuit breaker around it. */
@Configuration(proxyBeanMethods = false)
public class InventoryConfiguration {

    /** {@code cxf:bean:erpInventory}: Shift_JIS both ways, AuthToken header, HTTP/1.1, timeouts. */
    @Bean(ErpCxfClientFactory.BEAN_NAME)
    public CxfEndpoint erpInventory(CamelContext camelContext, InventoryProperties inventory) {
        InventoryProperties.Erp erp = inventory.erp();
        return new ErpCxfClientFactory(new ErpClientSettings(erp.endpoint(), erp.authToken(), erp.codepage(),
                erp.connectTimeout(), erp.timeout())).createEndpoint(camelContext);
    }

    /** {@code rate-limit} calls in any second as the ERP counts them (see ErpRateLimiter); used by inventory-erp-call. */
    @Bean
    public ErpRateLimiter erpRateLimiter(InventoryProperties inventory, MeterRegistry registry) {
        ErpRateLimiter limiter = new ErpRateLimiter(inventory.erp().rateLimit(), inventory.erp().arrivalAllowance());
        Gauge.builder("mangaassist.inventory.erp.permits.used", limiter, ErpRateLimiter::used)
                .description("ERP calls the ERP could count in the current second: not yet arrived (within the arrival "
                        + "allowance) or arrived less than 1 s ago")
                .tag("flow", "inventory").register(registry);
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
