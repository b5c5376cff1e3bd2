package mangaassist.platform.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.platform.ErrorResponses;
import mangaassist.support.TestContracts;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The schemas themselves, and how a violation becomes field errors and an error code. */
class ContractsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCHEMAS = Path.of("src/main/resources/schemas");
    private static final ContractsProperties PROPERTIES = new ContractsProperties(
            Map.of("moderation-job.v1.json", "INVALID_JOB", "enrichment-batch-request.v1.json", "INVALID_JOB"), null);
    private final Contracts contracts = new Contracts(PROPERTIES, TestContracts.counter());

    static Stream<String> schemaNames() throws IOException {
        try (Stream<Path> files = Files.list(SCHEMAS)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("schemaNames")
    void everySchemaIsDraft202012NamedByFormatAndVersionAndKeepsItsOwnExamples(String name) throws IOException {
        assertThat(name).matches("[a-z][a-z0-9-]*\\.v[1-9][0-9]*\\.json");
        JsonNode schema = JSON.readTree(SCHEMAS.resolve(name).toFile());
        assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.path("$id").asText()).endsWith("/schemas/" + name);
        assertThat(schema.path("description").asText()).as("what the format is, for a producer").isNotBlank();
        // the schema is itself valid draft 2020-12 (against the meta-schema)
        JsonSchema meta = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        assertThat(meta.validate(schema)).isEmpty();
        for (JsonNode example : schema.path("examples")) {
            assertThat(contracts.violations(example, name)).as(example.toString()).isEmpty();
        }
    }

    @Test
    void aViolationIsOneEntryPerFieldWithThePathAClientWrites() {
        List<ContractViolation> violations = contracts.violations(
                "{\"contentId\":\"a/b\",\"contentType\":\"Review!\",\"text\":42}", "moderation-job.v1.json");
        assertThat(violations).extracting(ContractViolation::field).containsExactly("contentId", "contentType", "text");
        assertThat(violations).extracting(ContractViolation::keyword).containsExactly("pattern", "pattern", "type");

        // a missing field at its own path, nested fields with their parents
        assertThat(contracts.violations("{\"data\":{\"ISBN\":\"12\"}}", "dms-inventory-record.v1.json"))
                .extracting(ContractViolation::field, ContractViolation::error)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("data.ISBN", "does not match the regex pattern ^[\\s0-9０-９Xx\\-‐-―−ー]{10,40}$"),
                        org.assertj.core.groups.Tuple.tuple("data.QTY", "is required"));
        assertThat(contracts.violations("{\"jobs\":[]}", "enrichment-batch-request.v1.json"))
                .extracting(ContractViolation::field).containsExactly("jobs");
        assertThat(contracts.violations("not json", "moderation-job.v1.json"))
                .extracting(ContractViolation::keyword).containsExactly("json");
    }

    /** Camel's json-validator loads schemas its own way (its paths are JSON Pointers): the field paths are the same. */
    @Test
    void theFieldPathsAreTheSameWithCamelsSchemaLoader() throws Exception {
        JsonSchema camels = new org.apache.camel.component.jsonvalidator.DefaultJsonUriSchemaLoader()
                .createSchema(new DefaultCamelContext(), "schemas/enrichment-batch-request.v1.json");
        Set<ValidationMessage> errors = camels.validate(JSON.readTree("{\"jobs\":[],\"priority\":\"urgent\"}"));
        assertThat(ContractViolations.of(errors)).extracting(ContractViolation::field, ContractViolation::keyword)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("jobs", "minItems"),
                        org.assertj.core.groups.Tuple.tuple("priority", "enum"));
        JsonSchema chat = new org.apache.camel.component.jsonvalidator.DefaultJsonUriSchemaLoader()
                .createSchema(new DefaultCamelContext(), "schemas/chat-request.v1.json");
        assertThat(ContractViolations.of(chat.validate(JSON.readTree("{\"data\":{\"message\":\"" + "x".repeat(4001) + "\"}}"))))
                .extracting(ContractViolation::field, ContractViolation::keyword)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("data.message", "maxLength"));
    }

    @Test
    void theValidatorsHandlerAnswersWithTheFormatsCodeAndFieldErrors() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        JsonSchema schema = contracts.schema("moderation-job.v1.json");
        Set<ValidationMessage> errors = schema.validate(JSON.createObjectNode().put("contentId", "ok"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ContractErrors handler = new ContractErrors(PROPERTIES, new ContractViolationCounter(meters));

        assertThatThrownBy(() -> handler.handleErrors(exchange, schema, errors))
                .isInstanceOfSatisfying(ContractViolationException.class, e -> {
                    assertThat(e.schemaName()).isEqualTo("moderation-job.v1.json");
                    assertThat(e.code()).isEqualTo("INVALID_JOB");
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.reason()).isEqualTo("INVALID_JOB (moderation-job.v1.json): contentType is required; text is required;");
                    assertThat(e.details()).isEqualTo(List.of(Map.of("field", "contentType", "error", "is required"),
                            Map.of("field", "text", "error", "is required")));
                });
        assertThatThrownBy(() -> handler.handleErrors(exchange, schema, new IOException("Unexpected character")))
                .isInstanceOfSatisfying(ContractViolationException.class, e -> assertThat(e.code()).isEqualTo("INVALID_JSON"));
        assertThat(PROPERTIES.errorCode("unknown.v1.json")).isEqualTo("INVALID_REQUEST");
        // both counted, under the schema's name (outside a route: flow "unknown")
        assertThat(meters.get(ContractViolationCounter.METRIC).tag("schema", "moderation-job.v1").tag("flow", "unknown")
                .counter().count()).isEqualTo(2.0);
    }

    @Test
    void aCheckedRecordPassesUnchangedOrFailsWithItsReason() throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        Map<String, Object> job = Map.of("contentId", "c-1", "contentType", "review", "text", "よかった");
        assertThat(contracts.check(job, "moderation-job.v1.json", exchange)).isSameAs(job);
        assertThatThrownBy(() -> contracts.check(Map.of("contentId", "c-1"), "moderation-job.v1.json", exchange))
                .isInstanceOf(ContractViolationException.class).hasMessageContaining("text is required");
    }

    /** A queue consumer's reason for a message that breaks its schema: the queue flows' codes, the field paths, the schema. */
    @Test
    void aQueueMessagesReasonNamesEveryFailingFieldInTheQueueFlowsCodes() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        assertThatThrownBy(() -> contracts.check("{\"manga\":{\"title\":\" \"},\"priority\":\"urgent\"}",
                "enrichment-job.v1.json", exchange)).isInstanceOfSatisfying(ContractViolationException.class,
                e -> assertThat(e.deadLetterReason()).isEqualTo("INVALID_FIELDS: manga.title does not match the regex pattern \\S;"
                        + " manga.id is required;"
                        + " priority does not have a value in the enumeration [\"low\", \"normal\", \"high\", null];"
                        + " [enrichment-job.v1.json]"));
        for (String notAnObject : List.of("not json", "[1,2]", "\"text\"")) {
            assertThatThrownBy(() -> contracts.check(notAnObject, "moderation-job.v1.json", exchange)).as(notAnObject)
                    .isInstanceOfSatisfying(ContractViolationException.class, e -> assertThat(e.deadLetterReason())
                            .isEqualTo("INVALID_BODY: not a JSON object; [moderation-job.v1.json]"));
        }
    }

    /** What sync-errors answers for a violation is the published error body, with one entry per field. */
    @Test
    void theErrorBodyOfAViolationKeepsItsSchema() throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        JsonSchema schema = contracts.schema("moderation-job.v1.json");
        try {
            new ContractErrors(PROPERTIES, TestContracts.counter()).handleErrors(exchange, schema, schema.validate(JSON.createObjectNode()));
        } catch (ContractViolationException e) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, e);
        }
        Map<String, Object> body = new ErrorResponses(new SimpleMeterRegistry()).toResponse(exchange);

        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        assertThat(body).containsEntry("code", "INVALID_JOB");
        assertThat(contracts.violations(JSON.valueToTree(body), "error-body.v1.json")).isEmpty();
        assertThat(JSON.valueToTree(body).path("errors").findValuesAsText("field"))
                .containsExactly("contentId", "contentType", "text");
    }
}
