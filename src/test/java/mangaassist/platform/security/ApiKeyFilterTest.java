package mangaassist.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The API key filter on its own: who passes, who gets 401 or 403, and what the application sees of the key. */
class ApiKeyFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALL = "all-scopes-key-0001";
    private static final String ENQUEUE_ONLY = "enqueue-only-key-0002";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    static ApiKeyFilter filter(Set<String> publicScopes, SimpleMeterRegistry meters) {
        ApiKeys keys = new ApiKeys(Map.of(
                "ops", new ApiSecurityProperties.Key(ALL, Set.of("enqueue", "dlq", "cdc", "catalog-sync", "operations")),
                "producer", new ApiSecurityProperties.Key(ENQUEUE_ONLY, Set.of("enqueue")),
                "unset", new ApiSecurityProperties.Key("", Set.of("dlq"))));
        ProtectedPaths paths = new ProtectedPaths(List.of("/actuator/health", "/actuator/health/**", "/actuator/prometheus"),
                Map.of("enqueue", List.of("/api/enrichment/**", "/api/deferred/**", "/api/moderation/**"),
                        "dlq", List.of("/api/dlq/**"), "cdc", List.of("/api/cdc/**"),
                        "catalog-sync", List.of("/api/catalog/sync", "/api/catalog/sync/**"),
                        "operations", List.of("/actuator", "/actuator/**")), publicScopes);
        return new ApiKeyFilter(keys, paths, "X-API-Key", meters);
    }

    /** A request as Tomcat hands it over: Camel's REST servlet is mapped at /api/*, Spring's at /. */
    static MockHttpServletRequest request(String method, String path) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        if (path.startsWith("/api/")) {
            request.setServletPath("/api");
            request.setPathInfo(path.substring(4));
        } else {
            request.setServletPath(path);
        }
        return request;
    }

    record Outcome(MockHttpServletResponse response, HttpServletRequest passedOn) {
        JsonNode body() throws Exception {
            return JSON.readTree(response.getContentAsString(StandardCharsets.UTF_8));
        }
    }

    Outcome call(ApiKeyFilter filter, MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        return new Outcome(response, (HttpServletRequest) chain.getRequest());
    }

    @Test
    void everyProtectedApiAnswers401WithoutAKeyWithTheJsonErrorBody() throws Exception {
        ApiKeyFilter filter = filter(Set.of(), meters);
        for (String path : List.of("/api/enrichment/jobs", "/api/enrichment/jobs/batch", "/api/deferred/jobs",
                "/api/moderation/jobs", "/api/dlq/moderation/reprocess", "/api/cdc/inventory", "/api/catalog/sync")) {
            Outcome outcome = call(filter, request("POST", path));
            assertThat(outcome.passedOn()).as(path).isNull();
            assertThat(outcome.response().getStatus()).as(path).isEqualTo(401);
            assertThat(outcome.response().getContentType()).startsWith("application/json");
            assertThat(outcome.response().getHeader("WWW-Authenticate")).isEqualTo("ApiKey header=\"X-API-Key\"");
            JsonNode body = outcome.body();
            assertThat(body.path("status").asText()).isEqualTo("error");
            assertThat(body.path("code").asText()).isEqualTo("API_KEY_REQUIRED");
            assertThat(body.path("requestId").asText()).isNotBlank();
            assertThat(body.path("error").asText()).contains("X-API-Key");
        }
        // the reads of the DLQ and the sync too
        assertThat(call(filter, request("GET", "/api/dlq/moderation/flagged")).response().getStatus()).isEqualTo(401);
        assertThat(call(filter, request("GET", "/api/catalog/sync/run-1")).response().getStatus()).isEqualTo(401);
        assertThat(meters.counter("mangaassist.security.refused", "scope", "enqueue", "status", "401").count())
                .isEqualTo(4);
    }

    @Test
    void anUnknownKeyIs401AndAKeyWithoutTheScopeIs403() throws Exception {
        ApiKeyFilter filter = filter(Set.of(), meters);
        MockHttpServletRequest unknown = request("POST", "/api/dlq/moderation/reprocess");
        unknown.addHeader("X-API-Key", "not-a-key");
        Outcome refused = call(filter, unknown);
        assertThat(refused.response().getStatus()).isEqualTo(401);
        assertThat(refused.body().path("code").asText()).isEqualTo("API_KEY_INVALID");
        assertThat(refused.response().getContentAsString()).doesNotContain("not-a-key");

        MockHttpServletRequest wrongScope = request("POST", "/api/dlq/moderation/reprocess");
        wrongScope.addHeader("X-API-Key", ENQUEUE_ONLY);
        Outcome forbidden = call(filter, wrongScope);
        assertThat(forbidden.response().getStatus()).isEqualTo(403);
        assertThat(forbidden.body().path("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(forbidden.body().path("error").asText()).contains("dlq");
        assertThat(forbidden.response().getContentAsString()).doesNotContain(ENQUEUE_ONLY);
        assertThat(forbidden.passedOn()).isNull();

        // a key configured without a value is no key: an empty X-API-Key is no key either
        MockHttpServletRequest empty = request("POST", "/api/dlq/moderation/reprocess");
        empty.addHeader("X-API-Key", "");
        assertThat(call(filter, empty).body().path("code").asText()).isEqualTo("API_KEY_REQUIRED");
    }

    @Test
    void aKeyWithTheScopePassesAndTheApplicationNeverSeesIt() throws Exception {
        ApiKeyFilter filter = filter(Set.of(), meters);
        MockHttpServletRequest request = request("POST", "/api/enrichment/jobs");
        request.addHeader("X-API-Key", ENQUEUE_ONLY);
        request.addHeader("Authorization", "Bearer something");
        request.addHeader("Content-Type", "application/json");
        Outcome outcome = call(filter, request);
        assertThat(outcome.passedOn()).isNotNull();
        assertThat(outcome.response().getStatus()).isEqualTo(200);
        HttpServletRequest seen = outcome.passedOn();
        // Camel copies request headers into the exchange (and from there into SQS attributes): not these
        assertThat(seen.getHeader("X-API-Key")).isNull();
        assertThat(seen.getHeader("x-api-key")).isNull();
        assertThat(seen.getHeader("Authorization")).isNull();
        assertThat(Collections.list(seen.getHeaders("X-API-Key"))).isEmpty();
        assertThat(Collections.list(seen.getHeaderNames())).containsExactly("Content-Type");
        assertThat(seen.getAttribute(ApiKeyFilter.CALLER)).isEqualTo("producer");
    }

    @Test
    void pathsMatchWhateverTheCaseAndPublicPathsNeedNoKey() throws Exception {
        ApiKeyFilter filter = filter(Set.of(), meters);
        assertThat(call(filter, request("POST", "/api/DLQ/moderation/reprocess")).response().getStatus()).isEqualTo(401);
        assertThat(call(filter, request("POST", "/api/Cdc/inventory")).response().getStatus()).isEqualTo(401);
        for (String open : List.of("/api/chat", "/api/chat/config", "/api/inventory/9784088820132",
                "/api/catalog/search", "/actuator/health", "/actuator/health/readiness", "/actuator/prometheus", "/")) {
            Outcome outcome = call(filter, request("GET", open));
            assertThat(outcome.passedOn()).as(open).isNotNull();
        }
    }

    @Test
    void operationsAskABrowserForBasicWhosePasswordIsTheKey() throws Exception {
        ApiKeyFilter filter = filter(Set.of(), meters);
        for (String path : List.of("/actuator/hawtio/", "/actuator/jolokia/read/java.lang:type=Memory", "/actuator",
                "/actuator/env", "/actuator/metrics")) {
            Outcome outcome = call(filter, request("GET", path));
            assertThat(outcome.response().getStatus()).as(path).isEqualTo(401);
            assertThat(outcome.response().getHeader("WWW-Authenticate")).startsWith("Basic realm=");
        }
        MockHttpServletRequest basic = request("GET", "/actuator/jolokia/read/java.lang:type=Memory");
        basic.addHeader("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString(("operator:" + ALL).getBytes(StandardCharsets.UTF_8)));
        assertThat(call(filter, basic).passedOn()).isNotNull();

        MockHttpServletRequest producer = request("GET", "/actuator/hawtio/");
        producer.addHeader("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString(("operator:" + ENQUEUE_ONLY).getBytes(StandardCharsets.UTF_8)));
        assertThat(call(filter, producer).response().getStatus()).isEqualTo(403);

        MockHttpServletRequest garbage = request("GET", "/actuator/hawtio/");
        garbage.addHeader("Authorization", "Basic %%%");
        assertThat(call(filter, garbage).response().getStatus()).isEqualTo(401);
    }

    @Test
    void aPublicScopeNeedsNoKey() throws Exception {
        ApiKeyFilter filter = filter(Set.of("operations"), meters);
        assertThat(call(filter, request("GET", "/actuator/jolokia/list")).passedOn()).isNotNull();
        assertThat(call(filter, request("POST", "/api/dlq/moderation/reprocess")).response().getStatus()).isEqualTo(401);
    }

    @Test
    void keysAreNeverInTheirTextForm() {
        ApiSecurityProperties.Key key = new ApiSecurityProperties.Key(ALL, Set.of("dlq"));
        assertThat(key.toString()).doesNotContain(ALL).contains("dlq");
        ApiKeys keys = new ApiKeys(Map.of("ops", key));
        assertThat(keys.find(ALL)).map(ApiKeys.Caller::name).contains("ops");
        assertThat(keys.find(ALL + " ")).isEmpty();
        assertThat(keys.find(null)).isEmpty();
    }
}
