package mangaassist.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.support.DevelopmentKey;
import mangaassist.support.ProfileProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * What each profile exposes, read from application.yaml as Spring Boot reads it (no application started): outside
 * embedded, actuator shows health (without details) and prometheus only, and Hawtio and Jolokia need a key.
 */
class SecurityProfilesTest {

    @Test
    void outsideEmbeddedActuatorExposesHealthWithoutDetailsAndPrometheusOnly() {
        for (String profile : List.of("localstack", "aws")) {
            assertThat(ProfileProperties.get(profile, "management.endpoints.web.exposure.include")).as(profile)
                    .isEqualTo("health,prometheus");
            assertThat(ProfileProperties.get(profile, "management.endpoint.health.show-details")).as(profile)
                    .isEqualTo("never");
            assertThat(ProfileProperties.get(profile, "hawtio.authenticationEnabled")).as(profile).isEqualTo("false");
        }
        assertThat(ProfileProperties.get("embedded", "management.endpoints.web.exposure.include"))
                .contains("hawtio", "jolokia");
        assertThat(ProfileProperties.get("embedded", "management.endpoint.health.show-details")).isEqualTo("always");
    }

    @Test
    void outsideEmbeddedHawtioAndJolokiaNeedAKeyWithTheOperationsScope() throws Exception {
        for (String profile : List.of("localstack", "aws")) {
            ApiSecurityProperties security = security(profile);
            assertThat(security.publicScopes()).as(profile).isEmpty();
            // no key in the configuration itself: it comes from the environment (MANGAASSIST_API_KEY)
            assertThat(security.keys().values()).as(profile)
                    .allSatisfy(key -> assertThat(key.value()).isNullOrEmpty());
            ApiKeyFilter filter = new ApiSecurityConfiguration().apiKeyFilter(security, new SimpleMeterRegistry())
                    .getFilter();
            for (String path : List.of("/actuator/hawtio/", "/actuator/jolokia/list", "/actuator/env")) {
                assertThat(status(filter, path, null)).as(profile + " " + path).isEqualTo(401);
            }
            // the development key is the embedded profile's only
            assertThat(status(filter, "/actuator/jolokia/list", DevelopmentKey.value())).isEqualTo(401);
            assertThat(status(filter, "/actuator/health", null)).isEqualTo(200);
            assertThat(status(filter, "/actuator/prometheus", null)).isEqualTo(200);
        }
    }

    @Test
    void embeddedHasItsDevelopmentKeyAndLeavesOperationsOpen() throws Exception {
        ApiSecurityProperties security = security("embedded");
        assertThat(security.keys().get("development").value()).isEqualTo(DevelopmentKey.value()).isNotBlank();
        assertThat(security.keys().get("development").scopes())
                .containsExactlyInAnyOrder("enqueue", "dlq", "cdc", "catalog-sync", "operations");
        ApiKeyFilter filter = new ApiSecurityConfiguration().apiKeyFilter(security, new SimpleMeterRegistry()).getFilter();
        assertThat(status(filter, "/actuator/jolokia/list", null)).isEqualTo(200);
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/dlq/enrichment/reprocess");
        request.setServletPath("/api");
        request.setPathInfo("/dlq/enrichment/reprocess");
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        assertThat(response.getStatus()).isEqualTo(401);
    }

    @Test
    void theChatsWebSocketOriginsAreAllowListedInEveryProfile() {
        String local = ProfileProperties.get("embedded", "mangaassist.chat.websocket.allowed-origins");
        assertThat("http://localhost:8080").matches(local);
        assertThat("http://127.0.0.1:8080").matches(local);
        assertThat("https://evil.example").doesNotMatch(local);
        assertThat("http://localhost.evil.example").doesNotMatch(local);
        assertThat(ProfileProperties.get("localstack", "mangaassist.chat.websocket.allowed-origins")).isEqualTo(local);
    }

    private static ApiSecurityProperties security(String profile) {
        StandardEnvironment environment = new StandardEnvironment();
        ConfigDataEnvironmentPostProcessor.applyTo(environment, new DefaultResourceLoader(), null, List.of(profile));
        return Binder.get(environment).bind("mangaassist.security", ApiSecurityProperties.class).get();
    }

    private static int status(ApiKeyFilter filter, String path, String key) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setServletPath(path);
        if (key != null) {
            request.addHeader(DevelopmentKey.HEADER, key);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response.getStatus();
    }
}
