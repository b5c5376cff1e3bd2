package mangaassist.platform;

import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.StatefulService;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * "camelRoutes" in /actuator/health and in its readiness group: OUT_OF_SERVICE (HTTP 503) until the Camel context has
 * started and every route that starts with it runs with its consumer started. Tomcat answers health a second before
 * Camel starts its routes: without this, health said UP while the REST routes answered Spring's 404 and the WebSocket
 * port refused connections.
 *
 * <p>Generic on purpose: a started consumer is the WebSocket server listening, an SQS or stream consumer polling.
 * Routes that do not start with the context are not waited for: {@code autoStartup: false}, which a clustered (master)
 * route policy sets on the routes only the leader runs, so that a standby instance is ready too.
 */
@Component
public class CamelRoutesHealthIndicator implements HealthIndicator {

    private final CamelContext camel;

    public CamelRoutesHealthIndicator(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public Health health() {
        if (!camel.isStarted()) {
            return Health.outOfService().withDetail("context", camel.getStatus().name()).build();
        }
        Map<String, String> notRunning = new TreeMap<>();
        int running = 0;
        for (Route route : camel.getRoutes()) {
            if (!Boolean.TRUE.equals(route.isAutoStartup())) {
                continue;
            }
            ServiceStatus status = camel.getRouteController().getRouteStatus(route.getId());
            if (status != ServiceStatus.Started) {
                notRunning.put(route.getId(), String.valueOf(status));
            } else if (!started(route.getConsumer())) {
                notRunning.put(route.getId(), "consumer not started");
            } else {
                running++;
            }
        }
        Health.Builder health = notRunning.isEmpty() ? Health.up() : Health.outOfService().withDetail("notRunning", notRunning);
        return health.withDetail("context", camel.getStatus().name()).withDetail("running", running).build();
    }

    private static boolean started(Consumer consumer) {
        return !(consumer instanceof StatefulService service) || service.isStarted();
    }
}
