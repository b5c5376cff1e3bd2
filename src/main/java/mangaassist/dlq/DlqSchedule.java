package mangaassist.dlq;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Starts the route {@code dlq-schedule} (declared with {@code autoStartup: false}) once the application has started,
 * when {@code mangaassist.dlq.schedule.enabled} is true: the YAML DSL takes no placeholder for autoStartup.
 */
@Component
public class DlqSchedule implements CamelContextConfiguration {

    static final String ROUTE = "dlq-schedule";
    private static final Logger LOG = LoggerFactory.getLogger(DlqSchedule.class);

    private final boolean enabled;

    public DlqSchedule(@Value("${mangaassist.dlq.schedule.enabled:false}") boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // nothing before: the route starts after the others
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        if (enabled && camelContext.getRoute(ROUTE) != null) {
            try {
                camelContext.getRouteController().startRoute(ROUTE);
                LOG.info("DLQ schedule on: route {} started (it runs on the leader of namespace dlq)", ROUTE);
            } catch (Exception e) {
                throw new IllegalStateException("Route " + ROUTE + " did not start", e);
            }
        }
    }
}
