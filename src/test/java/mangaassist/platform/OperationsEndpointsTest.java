package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import mangaassist.support.FlowTest;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.support.cluster.ClusterServiceHelper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.HttpCodeStatusMapper;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** What an operator relies on: health per backend, readiness and liveness, Prometheus metrics, Hawtio and Jolokia, who leads. */
@FlowTest
class OperationsEndpointsTest {

    @Autowired
    TestRestTemplate http;
    @Autowired
    CamelContext camel;
    @Autowired
    HttpCodeStatusMapper healthStatusCodes;

    @Test
    void healthReportsEachBackendUp() {
        ResponseEntity<JsonNode> health = http.getForEntity("/actuator/health", JsonNode.class);
        assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
        JsonNode components = health.getBody().path("components");
        for (String backend : new String[] {"sqs", "dynamodb", "opensearch", "redis", "s3", "eventbridge"}) {
            assertThat(components.path(backend).path("status").asText()).as(backend).isEqualTo("UP");
        }
        assertThat(components.path("dynamodb").path("details").path("tables").toString())
                .contains("manga-assist-sessions", "manga-catalog", "manga-products");
        assertThat(components.path("s3").path("details").path("buckets").toString()).contains("manga-assist-async-results");
        assertThat(components.path("eventbridge").path("details").path("rules").path("manga-assist-inventory").asInt())
                .isEqualTo(5);
        assertThat(health.getBody().path("status").asText()).isEqualTo("UP");
    }

    @Test
    void readinessIsTheApplicationAndItsRoutesAndLivenessNoBackend() {
        ResponseEntity<JsonNode> readiness = http.getForEntity("/actuator/health/readiness", JsonNode.class);
        assertThat(readiness.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(readiness.getBody().path("components").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("readinessState", "camelRoutes");
        assertThat(readiness.getBody().path("components").path("camelRoutes").path("details").path("running").asInt())
                .isPositive();
        ResponseEntity<JsonNode> liveness = http.getForEntity("/actuator/health/liveness", JsonNode.class);
        assertThat(liveness.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(liveness.getBody().path("components").fieldNames()).toIterable().containsExactly("livenessState");
    }

    @Test
    void healthAnswers503WhenDownOrOutOfServiceAnd200WhenOnlyDegraded() {
        // a custom http-mapping replaces Spring's defaults: DOWN and OUT_OF_SERVICE must be listed with DEGRADED
        assertThat(healthStatusCodes.getStatusCode(Status.DOWN)).isEqualTo(503);
        assertThat(healthStatusCodes.getStatusCode(Status.OUT_OF_SERVICE)).isEqualTo(503);
        assertThat(healthStatusCodes.getStatusCode(new Status("DEGRADED"))).isEqualTo(200);
        assertThat(healthStatusCodes.getStatusCode(Status.UP)).isEqualTo(200);
    }

    @Test
    void prometheusExposesCamelAndJvmMetrics() {
        String metrics = http.getForObject("/actuator/prometheus", String.class);
        assertThat(metrics).contains("jvm_memory_used_bytes").contains("camel_");
    }

    @Test
    void hawtioIsServedAndJolokiaSeesTheCamelContext() {
        ResponseEntity<String> hawtio = http.getForEntity("/actuator/hawtio/", String.class);
        assertThat(hawtio.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(hawtio.getBody()).containsIgnoringCase("hawtio");
        JsonNode search = http.getForObject("/actuator/jolokia/search/org.apache.camel:type=context,*", JsonNode.class);
        assertThat(search.path("value").toString()).contains("mangaassist");
    }

    @Test
    void masterRoutesLeadThroughTheFileLockClusterServiceSeenInJolokia() {
        CamelClusterService cluster = ClusterServiceHelper.mandatoryLookupService(camel);
        assertThat(cluster).isInstanceOf(FileLockClusterService.class);
        assertThat(cluster.getId()).endsWith("-" + ProcessHandle.current().pid());
        JsonNode search = http.getForObject("/actuator/jolokia/search/org.apache.camel:type=clusterservices,*", JsonNode.class);
        assertThat(search.path("value").toString()).contains("FileLockClusterService");
    }
}
