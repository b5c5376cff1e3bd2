package mangaassist.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.support.DevelopmentKey;
import mangaassist.support.FlowTest;
import mangaassist.support.LeakWatch;
import mangaassist.support.WebSocketTestClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The application's doors on the embedded stack (README "Security"): the protected APIs want a key with their scope,
 * the public ones none; a browser page of another site cannot open the chat's WebSocket; and no configured secret
 * shows in the logs, the error bodies, health or the metrics.
 */
@FlowTest
class SecurityFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** FlowTest's key with the enqueue scope only. */
    private static final String ENQUEUE_ONLY = "flow-test-enqueue-only-key";
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Without any key. */
    @Autowired
    TestRestTemplate http;
    @Value("${mangaassist.chat.websocket.port}")
    int websocketPort;

    /** Method, path, body of each protected API (bodies valid enough to reach the flow if the door opened). */
    record Call(HttpMethod method, String path, String body) {
    }

    static final List<Call> PROTECTED = List.of(
            new Call(HttpMethod.POST, "/api/enrichment/jobs", "{}"),
            new Call(HttpMethod.POST, "/api/enrichment/jobs/batch", "{}"),
            new Call(HttpMethod.POST, "/api/deferred/jobs", "{}"),
            new Call(HttpMethod.POST, "/api/moderation/jobs", "{}"),
            new Call(HttpMethod.POST, "/api/dlq/moderation/reprocess", null),
            new Call(HttpMethod.GET, "/api/dlq/moderation/flagged", null),
            new Call(HttpMethod.POST, "/api/cdc/inventory", "{}"),
            new Call(HttpMethod.POST, "/api/catalog/sync", "{}"),
            new Call(HttpMethod.GET, "/api/catalog/sync/no-such-run", null));

    ResponseEntity<JsonNode> call(Call call, String key) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (key != null) {
            headers.set(DevelopmentKey.HEADER, key);
        }
        return http.exchange(call.path(), call.method(), new HttpEntity<>(call.body(), headers), JsonNode.class);
    }

    @Test
    void everyProtectedApiAnswers401WithoutAKeyOrWithAWrongOne() {
        for (Call call : PROTECTED) {
            for (String key : new String[] {null, "wrong-key-" + UUID.randomUUID()}) {
                ResponseEntity<JsonNode> answer = call(call, key);
                assertThat(answer.getStatusCode().value()).as(call + " key " + key).isEqualTo(401);
                assertThat(answer.getHeaders().getFirst("WWW-Authenticate")).isEqualTo("ApiKey header=\"X-API-Key\"");
                JsonNode body = answer.getBody();
                assertThat(body.path("status").asText()).isEqualTo("error");
                assertThat(body.path("code").asText()).isEqualTo(key == null ? "API_KEY_REQUIRED" : "API_KEY_INVALID");
                assertThat(body.path("requestId").asText()).isNotBlank();
            }
        }
    }

    @Test
    void aKeyWithoutTheScopeIs403AndWithItTheRequestReachesTheFlow() {
        for (Call call : PROTECTED) {
            ResponseEntity<JsonNode> answer = call(call, ENQUEUE_ONLY);
            if (call.path().startsWith("/api/enrichment") || call.path().startsWith("/api/deferred")
                    || call.path().startsWith("/api/moderation")) {
                // the flow's own validation answers: the key opened the door
                assertThat(answer.getStatusCode().value()).as(call.toString()).isEqualTo(400);
            } else {
                assertThat(answer.getStatusCode().value()).as(call.toString()).isEqualTo(403);
                assertThat(answer.getBody().path("code").asText()).isEqualTo("FORBIDDEN");
                assertThat(answer.getBody().path("status").asText()).isEqualTo("error");
            }
        }
        // the development key has every scope: the flows answer (an unknown run, an unknown queue)
        assertThat(call(new Call(HttpMethod.GET, "/api/catalog/sync/no-such-run", null), DevelopmentKey.value())
                .getStatusCode().value()).isEqualTo(404);
        assertThat(call(new Call(HttpMethod.GET, "/api/dlq/orders/flagged", null), DevelopmentKey.value())
                .getStatusCode().value()).isEqualTo(404);
    }

    @Test
    void chatInventoryAndSearchAreReadWithoutAKey() {
        String isbn = EmbeddedStack.shared().erp().catalog().isbnOf("ワンピース", 3).orElseThrow();
        assertThat(http.getForEntity("/api/inventory/{isbn}", JsonNode.class, isbn).getStatusCode().value())
                .isEqualTo(200);
        assertThat(http.getForEntity("/api/chat/config", JsonNode.class).getStatusCode().value()).isEqualTo(200);
        assertThat(http.getForEntity("/api/catalog/search?q=ワンピース", JsonNode.class).getStatusCode().value())
                .isEqualTo(200);
        assertThat(http.getForEntity("/actuator/health", JsonNode.class).getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void aBrowserPageOfAnotherSiteCannotOpenTheChatWebSocket() throws Exception {
        String uri = "ws://127.0.0.1:" + websocketPort + "/chat";
        for (String foreign : List.of("https://evil.example", "http://localhost.evil.example")) {
            assertThatThrownBy(() -> WebSocketTestClient.connect(uri, foreign)).as(foreign)
                    .satisfies(e -> assertThat(handshake(e).getResponse().statusCode()).isEqualTo(403));
        }
        // the store's own page (the development one is served from localhost) talks as before
        try (WebSocketTestClient page = WebSocketTestClient.connect(uri, "http://localhost:8080")) {
            ObjectNode message = JSON.createObjectNode();
            message.putObject("data").put("sessionId", UUID.randomUUID().toString()).put("message", "こんにちは")
                    .put("preferredLanguage", "auto").put("modelPreference", "fast");
            page.send(message.toString());
            List<JsonNode> frames = page.untilFinal(WAIT);
            // partial frames first, then the one final reply
            assertThat(frames.get(frames.size() - 1).path("status").asText()).isEqualTo("success");
        }
    }

    @Test
    void noConfiguredSecretShowsInLogsErrorBodiesHealthOrMetrics() {
        String presented = "presented-wrong-key-" + UUID.randomUUID();
        LeakWatch.watch(presented);
        assertThat(LeakWatch.secrets()).contains("dev-erp-token", "AKIAFLOWTESTWATCHED01",
                "flow-test-aws-secret-key-watched", DevelopmentKey.value(), ENQUEUE_ONLY, presented);

        List<String> answers = new ArrayList<>();
        for (Call call : PROTECTED) {
            answers.add(String.valueOf(call(call, presented).getBody()));
            answers.add(String.valueOf(call(call, ENQUEUE_ONLY).getBody()));
            answers.add(String.valueOf(call(call, DevelopmentKey.value()).getBody()));
        }
        // the ERP is called with its token, and a failing flow logs and answers its error
        String isbn = EmbeddedStack.shared().erp().catalog().isbnOf("ワンピース", 5).orElseThrow();
        answers.add(http.getForObject("/api/inventory/{isbn}", String.class, isbn));
        answers.add(http.getForObject("/api/inventory/{isbn}", String.class, "not-an-isbn"));
        answers.add(http.postForObject("/api/chat", new HttpEntity<>("{\"data\":", jsonHeaders()), String.class));
        // what operators and scrapers read
        String health = http.getForObject("/actuator/health", String.class);
        String prometheus = http.getForObject("/actuator/prometheus", String.class);
        assertThat(health).contains("\"erp\"").doesNotContain("/soap/inventory");
        assertThat(prometheus).contains("mangaassist_security_refused_total");
        assertThat(http.getForEntity("/actuator/env", String.class).getStatusCode().value()).isEqualTo(404);

        for (String text : answers) {
            assertThat(LeakWatch.findIn(text)).as("secret in an answer: %s", text).isNull();
        }
        assertThat(LeakWatch.findIn(health)).as("secret in health").isNull();
        assertThat(LeakWatch.findIn(prometheus)).as("secret in a metric").isNull();
        assertThat(LeakWatch.events()).as("log events watched").isPositive();
        assertThat(LeakWatch.hits()).as("log events holding a secret").isEmpty();
    }

    private static HttpHeaders jsonHeaders() {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return headers;
    }

    /** The refused handshake in the client's exception. */
    private static WebSocketHandshakeException handshake(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof WebSocketHandshakeException refused) {
                return refused;
            }
        }
        throw new AssertionError("not a refused handshake", thrown);
    }
}
