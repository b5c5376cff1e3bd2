package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.erp.ErpCatalog;
import mangaassist.support.FlowTest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;

/**
 * Reliability suite, Redis down: chat and inventory keep answering without their cache, health shows the outage while
 * readiness stays UP (an outage of a shared cache must not take every instance out of the load balancer), and the cache
 * works again once Redis is back.
 */
@FlowTest
class RedisOutageFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The JDK client: TestRestTemplate's would send a request again by itself after a 503 and blur what happened. */
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @Autowired
    TestRestTemplate http;

    private final String session = "redis-outage-" + UUID.randomUUID();

    @AfterEach
    void redisBack() throws Exception {
        if (status("/actuator/health/readiness") != null && !redisUp()) {
            EmbeddedStack.shared().startRedis();
        }
        await().atMost(WAIT).until(this::redisUp);
    }

    @Test
    void chatAndInventoryAnswerUncachedWhileRedisIsDownAndCacheAgainWhenItIsBack() throws Exception {
        ErpCatalog catalog = EmbeddedStack.shared().erp().catalog();
        String question = "Redis outage test: which shojo manga would you recommend? " + UUID.randomUUID();
        assertThat(chat(question).path("metadata").path("cached").asBoolean()).isFalse();
        assertThat(chat(question).path("metadata").path("cached").asBoolean()).as("a repeat, Redis up").isTrue();

        EmbeddedStack.shared().stopRedis();

        // chat: answered, from the model (the cache cannot answer), and the rate limit fails open
        JsonNode answer = chat(question);
        assertThat(answer.path("status").asText()).isEqualTo("success");
        assertThat(answer.path("metadata").path("cached").asBoolean()).isFalse();
        // inventory: answered from the ERP (the shared ERP budget falls back to the instance's local share)
        String isbn = catalog.isbnOf("ワンピース", 7).orElseThrow();
        HttpResponse<String> stock = get("/api/inventory/" + isbn);
        assertThat(stock.statusCode()).as(stock.body()).isEqualTo(200);
        assertThat(JSON.readTree(stock.body()).path("isbn").asText()).isEqualTo(isbn);
        // health shows it; readiness does not follow a backend
        assertThat(redisStatus()).isEqualTo("DOWN");
        assertThat(get("/actuator/health").statusCode()).isEqualTo(503);
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);

        EmbeddedStack.shared().startRedis();

        await().atMost(WAIT).until(this::redisUp);
        String after = "Redis outage test: and after it? " + UUID.randomUUID();
        assertThat(chat(after).path("metadata").path("cached").asBoolean()).isFalse();
        assertThat(chat(after).path("metadata").path("cached").asBoolean()).as("a repeat, Redis back").isTrue();
        assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
    }

    /** One message of this test's session (answers are cached per session and message). */
    private JsonNode chat(String text) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("data").put("sessionId", session).put("message", text)
                .put("modelPreference", "fast");
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(http.getRootUri() + "/api/chat"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private boolean redisUp() throws Exception {
        return "UP".equals(redisStatus());
    }

    private String redisStatus() throws Exception {
        return JSON.readTree(get("/actuator/health").body()).path("components").path("redis").path("status").asText();
    }

    private String status(String path) throws Exception {
        return JSON.readTree(get(path).body()).path("status").asText(null);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(http.getRootUri() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
