package mangaassist.platform.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.support.DevelopmentKey;
import mangaassist.support.FlowTest;
import mangaassist.support.TestContracts;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The published contracts on the running application: the OpenAPI 3.1 document of every REST route with every error
 * code, its Swagger UI page, the schemas and the AsyncAPI document; and the schema checks at the REST edges.
 */
@FlowTest
class ContractsFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    TestRestTemplate http;
    @Autowired
    CamelContext camelContext;

    /** A REST route without its description, or without its entry in contracts/rest-api.yaml, fails here. */
    @Test
    void everyRestRouteIsDescribedWithItsAnswersAndErrorCodes() {
        Map<String, RestApiContracts.Entry> catalogue = RestApiContracts.load();
        List<VerbDefinition> verbs = new ArrayList<>();
        for (RestDefinition rest : camelContext.getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions()) {
            verbs.addAll(rest.getVerbs());
        }
        assertThat(verbs).hasSize(catalogue.size());
        Set<String> routeIds = new TreeSet<>();
        for (VerbDefinition verb : verbs) {
            routeIds.add(verb.getRouteId());
            assertThat(verb.getDescriptionText()).as("description of " + verb.getRouteId()).isNotBlank();
            assertThat(catalogue).as("contracts/rest-api.yaml entry of " + verb.getRouteId()).containsKey(verb.getRouteId());
            RestApiContracts.Entry entry = catalogue.get(verb.getRouteId());
            assertThat(entry.responses().keySet()).as(verb.getRouteId()).anyMatch(s -> s.startsWith("2"));
            entry.responses().forEach((status, answer) -> {
                if (status.startsWith("4") || status.startsWith("5")) {
                    assertThat(answer.codes()).as(verb.getRouteId() + " " + status + " codes").isNotEmpty();
                    assertThat(answer.schema()).as(verb.getRouteId() + " " + status).isNotNull();
                }
            });
        }
        // no entry for a route that does not exist
        assertThat(routeIds).containsAll(catalogue.keySet());
    }

    /**
     * A queue the running routes read or write exists in the AsyncAPI document with its description (AsyncApiContractsTest
     * holds the topology's queues to it; this holds the routes' own endpoints, whatever their properties name).
     */
    @Test
    void everyQueueTheRoutesUseIsDescribedInTheAsyncApi() throws Exception {
        JsonNode asyncApi = JSON.valueToTree(new org.yaml.snakeyaml.Yaml().load(http.getForObject("/asyncapi.yaml", String.class)));
        Map<String, JsonNode> channels = new java.util.HashMap<>();
        asyncApi.path("channels").forEach(c -> channels.put(c.path("address").asText(), c));
        Set<String> queues = new TreeSet<>();
        // the queues the application's routes (each in its flow's group) consume: not those other tests of this
        // context send to or consume with routes of their own (PlatformBackendsTest); the topology test covers the rest
        camelContext.getRoutes().stream().filter(r -> r.getGroup() != null).map(org.apache.camel.Route::getEndpoint)
                .map(e -> e.getEndpointUri()).filter(u -> u.startsWith("aws2-sqs:"))
                .map(u -> u.replaceFirst("^aws2-sqs:(//)?", "").replaceFirst("\\?.*$", "")).forEach(queues::add);
        assertThat(queues).as("the routes' queues").contains("manga-enrichment-queue.fifo", "manga-deferred-queue",
                "manga-moderation-queue", "manga-inventory-cdc", "manga-inventory-product-sync");
        for (String queue : queues) {
            assertThat(channels).as("an AsyncAPI channel for queue " + queue).containsKey(queue);
            assertThat(channels.get(queue).path("description").asText()).as("description of " + queue).isNotBlank();
        }
    }

    @Test
    void theOpenApiDocumentIs31AndListsEveryRouteWithItsErrorCodes() throws Exception {
        ResponseEntity<String> answer = http.getForEntity("/api/api-doc", String.class);
        assertThat(answer.getStatusCode().value()).isEqualTo(200);
        JsonNode doc = JSON.readTree(answer.getBody());
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(doc.path("info").path("title").asText()).isNotBlank();
        // Swagger UI's "Try it out" calls the REST servlet of the server the document came from
        assertThat(doc.path("servers").path(0).path("url").asText()).isEqualTo("/api");

        JsonNode enrichment = doc.path("paths").path("/enrichment/jobs").path("post");
        assertThat(enrichment.path("summary").asText() + enrichment.path("description").asText()).isNotBlank();
        assertThat(enrichment.path("responses").path("400").path("description").asText())
                .contains("INVALID_JOB", "/schemas/error-body.v1.json");
        assertThat(enrichment.path("responses").path("500").path("description").asText()).contains("INTERNAL");
        assertThat(enrichment.path("requestBody").path("description").asText()
                + enrichment.path("requestBody").toString()).contains("/schemas/enrichment-request.v1.json");
        JsonNode chat = doc.path("paths").path("/chat").path("post");
        assertThat(chat.path("responses").path("413").path("description").asText()).contains("MESSAGE_TOO_LONG");
        // the API keys of ApiKeyFilter: a scheme, and on each protected route its scope and its 401/403 answers
        JsonNode apiKey = doc.path("components").path("securitySchemes").path(RestApiContracts.API_KEY);
        assertThat(apiKey.path("type").asText()).isEqualTo("apiKey");
        assertThat(apiKey.path("in").asText()).isEqualTo("header");
        assertThat(apiKey.path("name").asText()).isEqualTo(DevelopmentKey.HEADER);
        assertThat(enrichment.path("security").findValues(RestApiContracts.API_KEY)).singleElement()
                .satisfies(scopes -> assertThat(scopes.toString()).isEqualTo("[\"enqueue\"]"));
        assertThat(enrichment.path("responses").path("401").path("description").asText()).contains("API_KEY_REQUIRED");
        assertThat(enrichment.path("responses").path("403").path("description").asText()).contains("FORBIDDEN");
        JsonNode reprocess = doc.path("paths").path("/dlq/{queue}/reprocess").path("post");
        assertThat(reprocess.path("security").toString()).contains("dlq");
        assertThat(doc.path("paths").path("/inventory/{isbn}").path("get").has("security")).as("a public read").isFalse();
        assertThat(chat.has("security")).as("a public read").isFalse();
        // every operation has responses beyond its success, each with a description
        doc.path("paths").forEach(path -> path.forEach(operation -> {
            assertThat(operation.path("responses").size()).as(operation.path("operationId").asText()).isGreaterThan(1);
            operation.path("responses").forEach(r -> assertThat(r.path("description").asText()).isNotBlank());
        }));
    }

    /** Camel generates the document's route: it has a group and a description like every route (ApiDocRouteConvention). */
    @Test
    void theDocumentsRouteIsGroupedAndDescribed() {
        org.apache.camel.Route route = camelContext.getRoute("contracts-api-doc");
        assertThat(route).isNotNull();
        assertThat(route.getGroup()).isEqualTo(ApiDocRouteConvention.GROUP);
        assertThat(route.getDescription()).contains("OpenAPI");
    }

    @Test
    void theContractsArePublishedBesideTheApi() {
        ResponseEntity<String> redirect = http.getForEntity("/api-doc", String.class);
        assertThat(redirect.getStatusCode().value()).as("/api-doc redirects to the document").isIn(200, 302);
        assertThat(http.getForEntity("/api-docs.html", String.class).getBody()).contains("swagger-ui");
        assertThat(http.getForEntity("/webjars/swagger-ui/swagger-ui-bundle.js", String.class).getStatusCode().value())
                .as("Swagger UI from its WebJar").isEqualTo(200);
        assertThat(http.getForEntity("/schemas/chat-request.v1.json", String.class).getBody())
                .contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"");
        assertThat(http.getForEntity("/asyncapi.yaml", String.class).getBody()).startsWith("#").contains("asyncapi: 3.0.0");
    }

    @Test
    void aBodyThatBreaksItsSchemaIsA400WithItsFieldPaths() {
        ResponseEntity<JsonNode> batch = post("/api/enrichment/jobs/batch", "{\"jobs\":[],\"priority\":\"urgent\"}");
        assertThat(batch.getStatusCode().value()).isEqualTo(400);
        assertThat(batch.getBody().path("code").asText()).isEqualTo("INVALID_JOB");
        assertThat(batch.getBody().path("errors").findValuesAsText("field")).containsExactlyInAnyOrder("jobs", "priority");
        assertThat(batch.getBody().toString()).doesNotContain("Exception").doesNotContain("networknt");

        ResponseEntity<JsonNode> isbns = post("/api/inventory/batch", "[]");
        assertThat(isbns.getStatusCode().value()).isEqualTo(400);
        assertThat(isbns.getBody().path("code").asText()).isEqualTo("INVALID_JSON");

        ResponseEntity<JsonNode> notJson = post("/api/moderation/jobs", "{not json");
        assertThat(notJson.getStatusCode().value()).isEqualTo(400);
        assertThat(notJson.getBody().path("code").asText()).isEqualTo("INVALID_JSON");
        // every error answer keeps the published error body
        Contracts contracts = TestContracts.contracts();
        for (ResponseEntity<JsonNode> answer : List.of(batch, isbns, notJson)) {
            assertThat(contracts.violations(answer.getBody(), "error-body.v1.json")).as(answer.getBody().toString()).isEmpty();
        }
    }

    private ResponseEntity<JsonNode> post(String path, String body) {
        // enrichment and moderation need the enqueue scope: the schema check is behind the key check
        HttpHeaders headers = DevelopmentKey.headers();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return http.postForEntity(path, new HttpEntity<>(body, headers), JsonNode.class);
    }
}
