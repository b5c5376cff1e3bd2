package mangaassist.devstack;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import mangaassist.platform.TopologyProvisioner;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the embedded stack before the application context is built and publishes its ports as
 * {@code mangaassist.stack.*-port}, from which the {@code embedded} profile derives every endpoint.
 *
 * <p>Tests use the no-argument form: one stack per JVM on ephemeral ports, shared by every context.
 * The run command ({@link DevApplication}) uses the configured fixed ports.
 */
public class EmbeddedStackInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStackInitializer.class);
    private static final Duration CATALOG_WAIT = Duration.ofSeconds(60);

    private final boolean ephemeralPorts;
    private EmbeddedStack stack;

    public EmbeddedStackInitializer() {
        this(true);
    }

    public EmbeddedStackInitializer(boolean ephemeralPorts) {
        this.ephemeralPorts = ephemeralPorts;
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment environment = context.getEnvironment();
        stack = ephemeralPorts
                ? EmbeddedStack.shared()
                : EmbeddedStack.start(property -> environment.getRequiredProperty(property, Integer.class));
        Map<String, Object> properties = new HashMap<>(stack.properties());
        if (ephemeralPorts) {
            // flow tests run the application as it runs, with JMX (Hawtio's Camel tab): the Camel test
            // listener switches it off globally for tests, and does not see it through @FlowTest
            DefaultCamelContext.setDisableJmx(false);
            // each test context gets its own WebSocket port (vertx-websocket runs its own server)
            properties.put("mangaassist.chat.websocket.port", StackPorts.free());
        }
        environment.getPropertySources().addFirst(new MapPropertySource("embeddedStack", properties));
        stack.stopsAfter(context::isActive);
        // an application that provisions created the catalog's table and index while starting; its catalog-cdc flow
        // indexes the seeded items once the Camel routes run (in tests: when the first test starts them), so that is
        // when the application waits for the catalog (the stack alone, --stack-only, has nothing to wait for)
        context.getBeanFactory().registerSingleton("embeddedCatalogReady", new CatalogReady(stack));
    }

    /** Waits for the catalog in the thread that started the Camel context, before it reports the start. */
    private static final class CatalogReady extends EventNotifierSupport {

        private final EmbeddedStack stack;

        CatalogReady(EmbeddedStack stack) {
            this.stack = stack;
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.CamelContextStartedEvent;
        }

        @Override
        public void notify(CamelEvent event) {
            CamelContext camel = ((CamelEvent.CamelContextStartedEvent) event).getContext();
            if (!camel.getRegistry().findByType(TopologyProvisioner.class).isEmpty()) {
                awaitCatalog(stack);
            }
        }
    }

    private static void awaitCatalog(EmbeddedStack stack) {
        try {
            stack.catalogSeeded().get(CATALOG_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The chat cannot resolve titles to ISBNs: the catalog index was not seeded ({})", e.toString());
        }
    }

    public EmbeddedStack stack() {
        return stack;
    }
}
