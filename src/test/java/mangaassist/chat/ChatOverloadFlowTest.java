package mangaassist.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.chat.overload.ChatWorkQueue;
import mangaassist.chat.websocket.ChatConnections;
import mangaassist.chat.websocket.ChatWebsocketComponent;
import org.apache.camel.component.vertx.websocket.VertxWebsocketEndpoint;
import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.bedrock.EmulatorControl;
import mangaassist.support.FlowTest;
import mangaassist.support.WebSocketTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The chat under overload, end to end on the embedded stack: the pressure comes from the Bedrock emulator's latency
 * and from the work queue's limits changed at run time (one worker, a short queue), never from a context of its own.
 * "At once" is asserted as an order of events: the refusal arrives while the answers ahead of it are still being
 * worked on.
 */
@FlowTest
class ChatOverloadFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** The model's time to first token: long enough that an answer is surely still in service while others arrive. */
    private static final Duration SLOW_MODEL = Duration.ofMillis(1000);

    @Autowired
    ChatWorkQueue queue;
    @Autowired
    TestRestTemplate http;
    @Autowired
    MeterRegistry meters;
    @Autowired
    CamelContext camel;
    @Autowired
    ChatConnections connections;
    @Value("${mangaassist.chat.websocket.port}")
    int websocketPort;
    @LocalServerPort
    int port;
    @Value("${mangaassist.chat.websocket.worker-threads}")
    int workerThreads;
    @Value("${mangaassist.chat.websocket.allowed-origins}")
    String allowedOrigins;
    @Value("${mangaassist.chat.overload.shutdown-retry-after}")
    Duration shutdownRetryAfter;

    EmulatorControl bedrock;
    final HttpClient rest = HttpClient.newHttpClient();
    final List<WebSocketTestClient> clients = new ArrayList<>();

    @BeforeEach
    void emulator() {
        bedrock = EmbeddedStack.shared().bedrock().control().reset();
    }

    @AfterEach
    void restore() {
        queue.start();
        bedrock.reset();
        clients.forEach(WebSocketTestClient::close);
        clients.clear();
        // nothing of this test left in the queue for the next one
        await().atMost(WAIT).until(() -> queue.busy() == 0);
        queue.restoreSettings();
    }

    @Test
    void aFullQueueRefusesAtOnceWithARetryHintAndTheAdmittedAreAnswered() throws Exception {
        queue.setWorkers(1);
        queue.setQueueCapacity(1);
        bedrock.latency(SLOW_MODEL, Duration.ZERO);
        double before = refusals("queue-full");

        WebSocketTestClient first = ws();
        first.send(message("Which shonen manga would you recommend first?"));
        await().atMost(WAIT).until(() -> queue.load().inService() == 1);
        WebSocketTestClient second = ws();
        second.send(message("Which seinen manga would you recommend first?"));
        await().atMost(WAIT).until(() -> queue.load().waiting() == 1);

        int open = connections.size();
        WebSocketTestClient third = ws();
        // its open event handled, so that only its message could add to chat-websocket's exchanges
        await().atMost(WAIT).until(() -> connections.size() == open + 1);
        long routed = websocketExchanges();
        third.send(message("Which shojo manga would you recommend first?"));
        JsonNode refused = third.next(WAIT);
        assertOverloaded(refused);
        // at once: the answers ahead of it are still being worked on
        assertThat(queue.load().inService()).isEqualTo(1);
        assertThat(queue.load().waiting()).isEqualTo(1);
        assertThat(refusals("queue-full")).isEqualTo(before + 1);
        // by the door, on the event loop: the frame never waited for a worker thread to run chat-websocket
        assertThat(websocketExchanges()).isEqualTo(routed);
        assertThat(queue.passedDoor()).isZero();

        // the same contract over REST: 503, the hint in the body and in Retry-After (whole seconds)
        Rest refusedRest = post(message("Which josei manga would you recommend first?"));
        assertThat(refusedRest.status()).isEqualTo(503);
        assertOverloaded(refusedRest.body());
        assertThat(refusedRest.retryAfter()).isEqualTo(
                String.valueOf((refusedRest.body().path("retryAfterMs").asLong() + 999) / 1000));

        assertSuccess(last(first.untilFinal(WAIT)));
        assertSuccess(last(second.untilFinal(WAIT)));
        assertThat(refusals("queue-full")).isEqualTo(before + 2);
    }

    @Test
    void aMessageWhoseExpectedWaitPassesTheBudgetIsRefusedBeforeTheQueueIsFull() throws Exception {
        queue.setWorkers(1);
        // as measured after slow answers: with one of them ahead, a new message would wait 2 s and take 2 s more
        queue.resetServiceTime(Duration.ofSeconds(2));
        bedrock.latency(SLOW_MODEL, Duration.ZERO);
        double before = refusals("expected-wait");

        WebSocketTestClient first = ws();
        first.send(message("Is there a manga about cooking you like?"));
        await().atMost(WAIT).until(() -> queue.load().inService() == 1);
        assertThat(queue.load().expectedWaitNanos()).isEqualTo(Duration.ofSeconds(2).toNanos());

        WebSocketTestClient second = ws();
        second.send(message("Is there a manga about baseball you like?"));
        JsonNode refused = second.next(WAIT);
        assertOverloaded(refused);
        assertThat(queue.load().inService()).isEqualTo(1);
        assertThat(queue.load().waiting()).isZero();
        assertThat(refusals("expected-wait")).isEqualTo(before + 1);
        // the hint: by about then the wait would fit (4 s expected less the 3 s budget)
        assertThat(refused.path("retryAfterMs").asLong()).isBetween(900L, 1100L);

        assertSuccess(last(first.untilFinal(WAIT)));
    }

    @Test
    void cacheHitsAreServedWhileFreshQuestionsAreRefused() throws Exception {
        String session = newSession();
        String question = "Could you recommend a manga for a long train ride?";
        WebSocketTestClient regular = ws();
        regular.send(message(session, question));
        JsonNode answer = last(regular.untilFinal(WAIT));
        assertSuccess(answer);

        // saturated: one worker busy with a slow answer and no room to wait
        queue.setWorkers(1);
        queue.setQueueCapacity(0);
        bedrock.latency(SLOW_MODEL, Duration.ZERO);
        WebSocketTestClient busy = ws();
        busy.send(message("Could you recommend a manga about space travel?"));
        await().atMost(WAIT).until(() -> queue.load().inService() == 1);
        WebSocketTestClient fresh = ws();
        fresh.send(message("Could you recommend a manga about mountain climbing?"));
        assertOverloaded(fresh.next(WAIT));
        int calls = bedrock.invocations();

        regular.send(message(session, question));
        JsonNode cached = last(regular.untilFinal(WAIT));
        assertSuccess(cached);
        assertThat(cached.path("metadata").path("cached").asBoolean()).isTrue();
        assertThat(cached.path("data").path("message").asText()).isEqualTo(answer.path("data").path("message").asText());
        // served while the worker was still busy, without the model
        assertThat(queue.load().inService()).isEqualTo(1);
        assertThat(bedrock.invocations()).isEqualTo(calls);

        assertSuccess(last(busy.untilFinal(WAIT)));
    }

    @Test
    void oneConnectionCannotHaveMoreThanItsCapInFlight() throws Exception {
        bedrock.latency(SLOW_MODEL, Duration.ZERO);
        double before = refusals("connection");
        WebSocketTestClient client = ws();
        String session = newSession();
        client.send(message(session, "Tell me about a classic sports manga."));
        client.send(message(session, "Tell me about a classic horror manga."));
        await().atMost(WAIT).until(() -> queue.load().inService() == 2);

        client.send(message(session, "Tell me about a classic romance manga."));
        // the refusal is the first final frame: the two before it are still being answered
        JsonNode refused = last(client.untilFinal(WAIT));
        assertOverloaded(refused);
        assertThat(queue.load().inService()).isEqualTo(2);
        assertThat(refusals("connection")).isEqualTo(before + 1);

        assertSuccess(last(client.untilFinal(WAIT)));
        assertSuccess(last(client.untilFinal(WAIT)));
        // and the connection is not held back once they are answered
        bedrock.latency(Duration.ZERO, Duration.ZERO);
        await().atMost(WAIT).until(() -> queue.busy() == 0);
        client.send(message(session, "Tell me about a classic mystery manga."));
        assertSuccess(last(client.untilFinal(WAIT)));
    }

    @Test
    void onShutdownNewMessagesAreRefusedWithAHintAndTheAdmittedAnswerFinishes() throws Exception {
        bedrock.latency(SLOW_MODEL, Duration.ZERO);
        double before = refusals("shutdown");
        WebSocketTestClient admitted = ws();
        admitted.send(message("What is a good manga about music?"));
        await().atMost(WAIT).until(() -> queue.load().inService() == 1);

        // what SIGTERM does first (the lifecycle is stopped before Tomcat and Camel): stop() returns once drained
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(queue::stop);
        await().atMost(WAIT).until(queue::isDraining);

        WebSocketTestClient late = ws();
        late.send(message("What is a good manga about painting?"));
        JsonNode refused = late.next(WAIT);
        assertOverloaded(refused);
        assertThat(refused.path("retryAfterMs").asLong()).isEqualTo(shutdownRetryAfter.toMillis());
        assertThat(post(message("What is a good manga about dancing?")).status()).isEqualTo(503);
        assertThat(refusals("shutdown")).isEqualTo(before + 2);
        assertThat(stopped).isNotDone();

        // the admitted answer finishes, then the stop returns with nothing in flight
        assertSuccess(last(admitted.untilFinal(WAIT)));
        stopped.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(queue.busy()).isZero();

        // started again (as a restarted instance would be): admitted again
        queue.start();
        bedrock.latency(Duration.ZERO, Duration.ZERO);
        late.send(message("What is a good manga about painting?"));
        assertSuccess(last(late.untilFinal(WAIT)));
    }

    @Test
    void theDoorsComponentIsCamelsVertxWebsocketWithItsSettings() {
        // the subclass keeps Camel's component name: its endpoint options and the camel.component.vertx-websocket.*
        // settings bind (a nameless subclass's lenient endpoint would drop them without a word)
        ChatWebsocketComponent component = camel.getComponent("vertx-websocket", ChatWebsocketComponent.class);
        assertThat(component.getVertxOptions().getWorkerPoolSize()).isEqualTo(workerThreads);
        VertxWebsocketEndpoint endpoint = (VertxWebsocketEndpoint) camel.getRoute("chat-websocket").getEndpoint();
        assertThat(endpoint.getConfiguration().isFireWebSocketConnectionEvents()).isTrue();
        assertThat(endpoint.getConfiguration().getAllowedOriginPattern()).isEqualTo(allowedOrigins);
    }

    @Test
    void thePressureIsInPrometheus() {
        String scrape = http.getForObject("/actuator/prometheus", String.class);
        assertThat(scrape.lines().filter(l -> l.startsWith("mangaassist_chat_queue_") || l.startsWith("mangaassist_chat_service_")
                || l.startsWith("mangaassist_chat_refusals_total")).map(l -> l.replace("application=\"mangaassist\",", "")))
                .anyMatch(l -> l.startsWith("mangaassist_chat_queue_length{flow=\"chat\"} "))
                .anyMatch(l -> l.startsWith("mangaassist_chat_queue_in_service{flow=\"chat\"} "))
                .anyMatch(l -> l.startsWith("mangaassist_chat_queue_expected_wait_seconds{flow=\"chat\"} "))
                .anyMatch(l -> l.startsWith("mangaassist_chat_service_time_seconds{flow=\"chat\"} "))
                .anyMatch(l -> l.startsWith("mangaassist_chat_refusals_total{flow=\"chat\",reason=\"expected-wait\"} "))
                .anyMatch(l -> l.startsWith("mangaassist_chat_refusals_total{flow=\"chat\",reason=\"queue-full\"} "))
                .anyMatch(l -> l.startsWith("mangaassist_chat_refusals_total{flow=\"chat\",reason=\"connection\"} "))
                .anyMatch(l -> l.startsWith("mangaassist_chat_refusals_total{flow=\"chat\",reason=\"shutdown\"} "));
        assertThat(meters.get(ChatWorkQueue.SERVICE_TIME).timeGauge().value(java.util.concurrent.TimeUnit.NANOSECONDS))
                .isEqualTo((double) queue.meanServiceTime().toNanos());
    }

    private static void assertOverloaded(JsonNode frame) {
        assertThat(frame.path("status").asText()).isEqualTo("error");
        assertThat(frame.path("code").asText()).isEqualTo("OVERLOADED");
        assertThat(frame.path("error").asText()).isNotBlank();
        assertThat(frame.path("requestId").asText()).isNotBlank();
        assertThat(frame.path("retryAfterMs").asLong()).isPositive();
    }

    private static void assertSuccess(JsonNode frame) {
        assertThat(frame.path("status").asText()).as(frame.toString()).isEqualTo("success");
    }

    private static JsonNode last(List<JsonNode> frames) {
        return frames.get(frames.size() - 1);
    }

    /** Exchanges chat-websocket has taken (frames and connection events). */
    private long websocketExchanges() throws Exception {
        return camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute("chat-websocket").getExchangesTotal();
    }

    private double refusals(String reason) {
        return meters.get(ChatWorkQueue.REFUSALS).tag("reason", reason).counter().count();
    }

    private WebSocketTestClient ws() {
        WebSocketTestClient client = WebSocketTestClient.connect("ws://127.0.0.1:" + websocketPort + "/chat");
        clients.add(client);
        return client;
    }

    /**
     * POST /api/chat with the JDK's client: TestRestTemplate's Apache client would quietly send a 503 again after its
     * Retry-After (its default retry strategy), which is right for a client but hides the single refusal here.
     */
    private Rest post(String body) throws Exception {
        HttpResponse<String> response = rest.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/chat"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Rest(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null),
                JSON.readTree(response.body()));
    }

    private record Rest(int status, String retryAfter, JsonNode body) {
    }

    private static String message(String text) {
        return message(newSession(), text);
    }

    private static String message(String session, String text) {
        return ChatFlowTest.message(session, text, "fast").toString();
    }

    private static String newSession() {
        return "overload-" + UUID.randomUUID();
    }
}
