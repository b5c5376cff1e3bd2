package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** camelRoutes: ready once the context and every route that starts with it run; a leader-only route is not waited for. */
class CamelRoutesHealthIndicatorTest {

    @Test
    void outOfServiceUntilEveryAutoStartedRouteRunsAndAgainWhenOneStops() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:api").routeId("test-api").log("api");
                    from("direct:worker").routeId("test-worker").log("worker");
                    // as a clustered (master) route policy leaves the routes only the leader runs
                    from("direct:leader-only").routeId("test-leader-only").autoStartup(false).log("leader");
                }
            });
            CamelRoutesHealthIndicator indicator = new CamelRoutesHealthIndicator(camel);
            assertThat(indicator.health().getStatus()).as("before the context starts").isEqualTo(Status.OUT_OF_SERVICE);

            camel.start();
            Health started = indicator.health();
            assertThat(started.getStatus()).isEqualTo(Status.UP);
            assertThat(started.getDetails()).containsEntry("running", 2);

            camel.getRouteController().stopRoute("test-worker");
            Health oneStopped = indicator.health();
            assertThat(oneStopped.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(oneStopped.getDetails()).containsEntry("notRunning", Map.of("test-worker", "Stopped"));
        }
    }
}
