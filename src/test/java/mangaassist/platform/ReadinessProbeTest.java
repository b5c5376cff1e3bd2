package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.MangaAssistApplication;
import mangaassist.devstack.EmbeddedStackInitializer;
import mangaassist.devstack.StackPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.HttpCodeStatusMapper;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Healthy means ready, watched from outside as a load balancer would: an application of its own (the shared flow-test
 * context has finished starting before any test sees it) starts on a background thread on the embedded stack, while
 * this test polls health, readiness, a REST route and the WebSocket. Whenever health or readiness answered 200, the
 * REST route and the WebSocket must answer too. Then it closes the application: readiness must drop before any route
 * stops, while the consumers still answer.
 */
class ReadinessProbeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_WAIT = Duration.ofMinutes(3);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    /** An ISBN with a bad check digit: the inventory route itself answers it (400), without the ERP or the cache. */
    private static final String BAD_ISBN = "9784088725094";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final ExecutorService starter = Executors.newSingleThreadExecutor(r -> new Thread(r, "readiness-test-app"));
    private final AtomicReference<ConfigurableApplicationContext> app = new AtomicReference<>();
    private final List<String> events = new ArrayList<>();

    private int httpPort;
    private volatile boolean closing;

    @AfterEach
    void closeApplication() throws InterruptedException {
        ConfigurableApplicationContext context = app.get();
        if (context != null && context.isActive()) {
            context.close();
        }
        starter.shutdownNow();
        starter.awaitTermination(1, TimeUnit.MINUTES);
    }

    @Test
    void healthIsNeverUpBeforeTheRoutesAnswerAndReadinessDropsBeforeTheRoutesStop() throws Exception {
        httpPort = StackPorts.free();
        SpringApplicationBuilder builder = new SpringApplicationBuilder(MangaAssistApplication.class)
                .profiles("embedded")
                .initializers(new EmbeddedStackInitializer(), context -> {
                    app.set(context);
                    context.addApplicationListener(new ShutdownWatcher());
                });
        // arguments, not the builder's properties: those are defaults, beneath application.yaml's server.port
        String[] args = {"--server.port=" + httpPort, "--server.address=" + StackPorts.LOOPBACK};
        CompletableFuture<ConfigurableApplicationContext> started = CompletableFuture.supplyAsync(() -> builder.run(args),
                starter);

        List<Sample> samples = new ArrayList<>();
        await().atMost(START_WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (app.get() != null) {
                samples.add(sample());
            }
            return started.isDone();
        });
        ConfigurableApplicationContext context = started.join();
        samples.add(sample());

        String seen = timeline(samples);
        assertThat(samples.stream().filter(s -> (s.health == 200 || s.readiness == 200)
                && !(s.restAnswers() && s.websocketAnswers)).count())
                .as("samples where health or readiness answered 200 while a route did not answer:" + seen).isZero();
        assertThat(samples.stream().anyMatch(s -> s.readiness == 503 && s.health == 503))
                .as("the server answered 503 before it was ready (else this test proved nothing):" + seen).isTrue();
        assertThat(samples.get(samples.size() - 1)).as("once started:" + seen)
                .isEqualTo(new Sample(200, 200, 400, true));
        JsonNode liveness = JSON.readTree(get("/actuator/health/liveness").body());
        assertThat(liveness.path("status").asText()).isEqualTo("UP");

        // shutdown: record Spring's readiness change and Camel's stopping events, in the order they happen
        CamelContext camel = context.getBean(CamelContext.class);
        EventNotifierSupport camelEvents = new CamelStopWatcher(context);
        camel.getManagementStrategy().addEventNotifier(camelEvents);
        ServiceHelper.startService(camelEvents);
        closing = true;
        context.close();

        synchronized (events) {
            assertThat(events).as("shutdown events in order").startsWith(
                    "readiness REFUSING_TRAFFIC: every route Started, WebSocket answers",
                    "camel stopping: readinessState OUT_OF_SERVICE (HTTP 503), every route Started, WebSocket answers");
            assertThat(events).anyMatch(e -> e.startsWith("route stopping"));
        }
    }

    /** One look from outside, in the order a load balancer relies on: health first, then the routes it vouches for. */
    private Sample sample() {
        int readiness = status("/actuator/health/readiness");
        int health = status("/actuator/health");
        int rest = status("/api/inventory/" + BAD_ISBN);
        return new Sample(readiness, health, rest, websocketAnswers());
    }

    private int status(String path) {
        try {
            return get(path).statusCode();
        } catch (Exception e) {
            return -1;   // refused (not listening yet) or timed out
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + StackPorts.LOOPBACK + ":" + httpPort + path))
                .timeout(CALL_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The WebSocket handshake succeeds: the server listens and the chat route's consumer is on its path. */
    private boolean websocketAnswers() {
        String port = app.get().getEnvironment().getProperty("mangaassist.chat.websocket.port");
        try {
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(1))
                    .buildAsync(URI.create("ws://" + StackPorts.LOOPBACK + ":" + port + "/chat"), new WebSocket.Listener() { })
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private String routesAndWebSocket() {
        CamelContext camel = app.get().getBean(CamelContext.class);
        // not the routes that do not start with the application (autoStartup false, e.g. dlq-schedule unless switched on)
        boolean allStarted = camel.getRoutes().stream().filter(Route::isAutoStartup).map(Route::getId)
                .allMatch(id -> camel.getRouteController().getRouteStatus(id) == ServiceStatus.Started);
        return (allStarted ? "every route Started" : "a route not Started")
                + (websocketAnswers() ? ", WebSocket answers" : ", WebSocket does not answer");
    }

    private void record(String event) {
        synchronized (events) {
            events.add(event);
        }
    }

    /** HTTP statuses (-1: refused or timed out) and whether the WebSocket handshake succeeded. */
    private record Sample(int readiness, int health, int rest, boolean websocketAnswers) {
        boolean restAnswers() {
            return rest == 400;
        }

        @Override
        public String toString() {
            return "readiness " + readiness + ", health " + health + ", REST " + rest + ", WebSocket "
                    + (websocketAnswers ? "answers" : "does not answer");
        }
    }

    /** The samples in order, repeats counted: a few lines instead of hundreds. */
    private static String timeline(List<Sample> samples) {
        StringBuilder timeline = new StringBuilder();
        for (int i = 0; i < samples.size(); ) {
            int j = i;
            while (j < samples.size() && samples.get(j).equals(samples.get(i))) {
                j++;
            }
            timeline.append(String.format("%n  %4d x %s", j - i, samples.get(i)));
            i = j;
        }
        return timeline.toString();
    }

    /** Spring Boot publishes REFUSING_TRAFFIC as the context starts closing. */
    private final class ShutdownWatcher implements ApplicationListener<AvailabilityChangeEvent<?>> {
        @Override
        public void onApplicationEvent(AvailabilityChangeEvent<?> event) {
            if (closing && event.getState() == ReadinessState.REFUSING_TRAFFIC) {
                record("readiness REFUSING_TRAFFIC: " + routesAndWebSocket());
            }
        }
    }

    /**
     * Camel's first stopping event and each route's. Tomcat has stopped by then (it stops before Camel), so readiness
     * is read in-process, the HTTP status it maps to included. Its readinessState member, not the whole group:
     * camelRoutes drops anyway once Camel stops; this shows that readiness had dropped before, on its own.
     */
    private final class CamelStopWatcher extends EventNotifierSupport {
        private final ConfigurableApplicationContext context;

        CamelStopWatcher(ConfigurableApplicationContext context) {
            this.context = context;
        }

        @Override
        public void notify(CamelEvent event) {
            if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                Status readiness = context.getBean(HealthEndpoint.class).healthForPath("readiness", "readinessState")
                        .getStatus();
                int code = context.getBean(HttpCodeStatusMapper.class).getStatusCode(readiness);
                record("camel stopping: readinessState " + readiness.getCode() + " (HTTP " + code + "), "
                        + routesAndWebSocket());
            } else if (event instanceof CamelEvent.RouteStoppingEvent stopping) {
                record("route stopping " + stopping.getRoute().getId());
            }
        }
    }
}
