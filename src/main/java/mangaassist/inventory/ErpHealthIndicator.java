package mangaassist.inventory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * "erp" in /actuator/health: the ERP's own health probe (not a SOAP call: it costs none of the 50 calls
 * a second) and the circuit breaker's state. An unreachable ERP or an open breaker is DEGRADED, not
 * DOWN: the application still answers, with stale stock or a clear 503.
 */
@Component("erpHealthIndicator")
public class ErpHealthIndicator extends AbstractHealthIndicator {

    public static final Status DEGRADED = new Status("DEGRADED", "The legacy ERP is unreachable or its circuit breaker is open");

    private static final String PROBE_UP = "UP";

    private final InventoryProperties inventory;
    private final CircuitBreaker breaker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public ErpHealthIndicator(InventoryProperties inventory, CircuitBreaker erpCircuitBreaker) {
        super("ERP health check failed");
        this.inventory = inventory;
        this.breaker = erpCircuitBreaker;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        String probe = probe();
        CircuitBreaker.State state = breaker.getState();
        boolean healthy = PROBE_UP.equals(probe) && state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.FORCED_OPEN;
        builder.status(healthy ? Status.UP : DEGRADED)
                .withDetail("probe", probe)
                .withDetail("breaker", state.name())
                .withDetail("failureRate", breaker.getMetrics().getFailureRate());
        // not the endpoint's URL: it names an internal host (and health is what load balancers may read)
    }

    /** "UP", "HTTP nnn", or "unreachable (cause)". */
    private String probe() {
        try {
            int status = http.send(HttpRequest.newBuilder(URI.create(inventory.erp().healthUrl()))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 200 ? PROBE_UP : "HTTP " + status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unreachable (interrupted)";
        } catch (Exception e) {
            // the exception's class says enough (refused, timed out, unknown host); its message may hold the URL
            return "unreachable (" + e.getClass().getSimpleName() + ")";
        }
    }
}
