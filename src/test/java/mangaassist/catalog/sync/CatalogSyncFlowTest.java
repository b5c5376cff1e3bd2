package mangaassist.catalog.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.erp.ErpExport;
import mangaassist.support.DevelopmentKey;
import mangaassist.support.FlowTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The catalog-sync flow end to end on the embedded stack: the ERP simulator's export in S3Proxy, the API, DynamoDB
 * Local (items, runs table), OpenSearch through catalog-cdc, and the reconciliation.
 *
 * <p>Every export holds the same synthetic items (the generator is deterministic), so the runs converge on one
 * catalog and the tests do not depend on their order.
 */
@FlowTest
class CatalogSyncFlowTest {

    private static final Duration RUN_WAIT = Duration.ofMinutes(6);
    /** Rows of an export: enough for a run of several files and batches, its counts, tolerance and sample. */
    private static final int SYNTHETIC = 600;
    /** Rows of the resumed run's export: its second file must go past its first checkpoint (checkpoint-every batches). */
    private static final int SYNTHETIC_RESUMED = 2000;
    private static final int INVALID = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The application's REST client, sending the development API key: this flow's API needs it. */
    TestRestTemplate http;
    @Autowired
    DynamoDbClient dynamoDb;
    @Autowired
    S3Client s3;
    @Autowired
    CatalogSyncProperties properties;

    @Autowired
    void apiClient(TestRestTemplate anonymous) {
        http = DevelopmentKey.sending(anonymous);
    }

    @Test
    void aGeneratedExportIsSyncedCountedAndReconciledWithinTolerance() throws Exception {
        ErpExport.Result export = export("flow-sync", SYNTHETIC, INVALID, 3);

        ResponseEntity<JsonNode> started = start(export.prefix());
        assertThat(started.getStatusCode().value()).isEqualTo(202);
        assertThat(started.getBody().path("runId").asText()).isEqualTo("flow-sync");

        JsonNode status = awaitEnd("flow-sync");
        assertThat(status.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(status.path("processed").asLong()).isEqualTo(export.rows());
        assertThat(status.path("accepted").asLong()).isEqualTo(export.valid());
        assertThat(status.path("rejected").asLong()).isEqualTo(INVALID);
        assertThat(status.path("total").asLong()).isEqualTo(export.rows());
        assertThat(status.path("percent").asDouble()).isEqualTo(100.0);

        assertThat(missingSynthetic(SYNTHETIC)).isEmpty();
        assertThat(rejectLines("flow-sync")).hasSize(INVALID)
                .allSatisfy(line -> assertThat(line.path("errors")).isNotEmpty());

        JsonNode reconciliation = status.path("reconciliation");
        assertThat(reconciliation.path("accepted").asLong()).isEqualTo(export.valid());
        assertThat(reconciliation.path("tolerance").asLong()).isEqualTo(Math.max(10, export.valid() / 100));
        assertThat(reconciliation.path("dynamoDbOff").asLong()).isLessThanOrEqualTo(reconciliation.path("tolerance").asLong());
        assertThat(reconciliation.path("openSearchOff").asLong()).isLessThanOrEqualTo(reconciliation.path("tolerance").asLong());
        assertThat(reconciliation.path("withinTolerance").asBoolean()).isTrue();
        assertThat(reconciliation.path("sampled").asInt()).isEqualTo(properties.reconciliation().sampleSize());
        assertThat(reconciliation.path("mismatches")).isEmpty();

        // the export was synced: starting it again is refused, not a second run
        assertThat(start(export.prefix()).getStatusCode().value()).isEqualTo(409);
    }

    @Test
    void aRunThatFailsMidFileResumesFromItsCheckpointWithoutMissingOrRecountingALine() throws Exception {
        ErpExport.Result export = export("flow-resume", SYNTHETIC_RESUMED, INVALID, 2);
        // a row DynamoDB refuses (an item over its 400 KB limit: the gate does not bound the author) in the middle of
        // the second file: its batch fails, and so does the run, after the file's first checkpoints
        String second = export.keys().get(1);
        List<String> lines = lines(second);
        // past the file's first checkpoint (checkpoint-every batches), so that the run fails mid-file after it
        int poisoned = properties.checkpointEvery() * properties.batchSize() + 50;
        assertThat(lines.size()).isGreaterThan(poisoned + 25);
        while (!lines.get(poisoned).contains("\"isbn\":\"97849")) {
            poisoned++;   // a synthetic valid row
        }
        JsonNode row = JSON.readTree(lines.get(poisoned));
        String original = lines.get(poisoned);
        ((ObjectNode) row).put("author", "著".repeat(150_000));
        lines.set(poisoned, row.toString());
        put(second, lines);

        start(export.prefix());
        JsonNode failed = awaitEnd("flow-resume");
        assertThat(failed.path("state").asText()).isEqualTo("FAILED");
        assertThat(failed.path("error").asText()).contains("size");
        long doneBefore = failed.path("processed").asLong();
        assertThat(doneBefore).isPositive().isLessThan(export.rows());

        // the row is fixed in place (same line, same size: padded with JSON whitespace), and the run resumed
        String fixed = original.substring(0, original.length() - 1);
        lines.set(poisoned, fixed + " ".repeat(row.toString().getBytes(StandardCharsets.UTF_8).length
                - original.getBytes(StandardCharsets.UTF_8).length) + "}");
        put(second, lines);
        ResponseEntity<JsonNode> resumed = start(export.prefix());
        assertThat(resumed.getStatusCode().value()).isEqualTo(202);

        JsonNode status = awaitEnd("flow-resume");
        assertThat(status.path("state").asText()).isEqualTo("COMPLETED");
        // resumed where its checkpoints were (another file may have checkpointed once more as the run failed)
        assertThat(status.path("resumedFrom").asLong()).isGreaterThanOrEqualTo(doneBefore).isLessThan(export.rows());
        // each line counted once over both executions, and every valid item is in the table
        assertThat(status.path("processed").asLong()).isEqualTo(export.rows());
        assertThat(status.path("accepted").asLong()).isEqualTo(export.valid());
        assertThat(status.path("rejected").asLong()).isEqualTo(INVALID);
        assertThat(missingSynthetic(SYNTHETIC_RESUMED)).isEmpty();
        assertThat(rejectLines("flow-resume")).hasSize(INVALID);
    }

    @Test
    void itemsTheExportDoesNotHaveAreADiscrepancyOutsideTolerance() throws Exception {
        // drift: products in the table that the ERP no longer has (more than max(10, 1 %) of them)
        List<String> strays = IntStream.range(0, 60).mapToObj(i -> ErpExport.syntheticIsbn(900_000 + i)).toList();
        try {
            for (String isbn : strays) {
                dynamoDb.putItem(b -> b.tableName(properties.productsTable()).item(Map.of(
                        "isbn", AttributeValue.fromS(isbn), "title", AttributeValue.fromS("廃盤 " + isbn),
                        "quantity", AttributeValue.fromN("1"), "warehouse_code", AttributeValue.fromS("TK01"))));
            }
            ErpExport.Result export = export("flow-drift", SYNTHETIC, 0, 2);
            start(export.prefix());
            JsonNode status = awaitEnd("flow-drift");

            assertThat(status.path("state").asText()).isEqualTo("COMPLETED");
            JsonNode reconciliation = status.path("reconciliation");
            assertThat(reconciliation.path("dynamoDb").asLong()).isGreaterThanOrEqualTo(export.valid() + strays.size());
            assertThat(reconciliation.path("dynamoDbOff").asLong())
                    .isGreaterThan(reconciliation.path("tolerance").asLong());
            assertThat(reconciliation.path("withinTolerance").asBoolean()).isFalse();
        } finally {
            strays.forEach(isbn -> dynamoDb.deleteItem(b -> b.tableName(properties.productsTable())
                    .key(Map.of("isbn", AttributeValue.fromS(isbn)))));
        }
    }

    @Test
    void badRequestsGetJsonErrors() {
        assertThat(start("not-an-export/").getStatusCode().value()).isEqualTo(400);
        ResponseEntity<JsonNode> missing = start("batch-sync/no-such-export/");
        assertThat(missing.getStatusCode().value()).isEqualTo(404);
        assertThat(missing.getBody().path("code").asText()).isEqualTo("EXPORT_NOT_FOUND");
        ResponseEntity<JsonNode> unknown = http.getForEntity("/api/catalog/sync/no-such-run", JsonNode.class);
        assertThat(unknown.getStatusCode().value()).isEqualTo(404);
        assertThat(unknown.getBody().path("code").asText()).isEqualTo("UNKNOWN_RUN");
    }

    // ------------------------------------------------------------------ helpers

    private ErpExport.Result export(String runId, int synthetic, int invalid, int files) {
        return EmbeddedStack.shared().erp().export(new ErpExport.Spec(runId, synthetic, invalid, files, true),
                properties.bucket(), properties.exportsPrefix());
    }

    private ResponseEntity<JsonNode> start(String prefix) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return http.postForEntity("/api/catalog/sync", new HttpEntity<>(Map.of("prefix", prefix), headers), JsonNode.class);
    }

    private JsonNode status(String runId) {
        return http.getForObject("/api/catalog/sync/" + runId, JsonNode.class);
    }

    private JsonNode awaitEnd(String runId) {
        return await("run " + runId + " ends").atMost(RUN_WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> status(runId), s -> Set.of("COMPLETED", "FAILED").contains(s.path("state").asText()));
    }

    private List<String> missingSynthetic(int count) {
        List<String> missing = new ArrayList<>();
        for (int from = 0; from < count; from += 100) {
            List<String> isbns = IntStream.range(from, Math.min(count, from + 100)).mapToObj(ErpExport::syntheticIsbn).toList();
            Set<String> found = new HashSet<>();
            Map<String, KeysAndAttributes> request = Map.of(properties.productsTable(), KeysAndAttributes.builder()
                    .keys(isbns.stream().map(i -> Map.of("isbn", AttributeValue.fromS(i))).toList()).build());
            while (!request.isEmpty()) {
                Map<String, KeysAndAttributes> asked = request;
                var response = dynamoDb.batchGetItem(b -> b.requestItems(asked));
                response.responses().getOrDefault(properties.productsTable(), List.of())
                        .forEach(item -> found.add(item.get("isbn").s()));
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
            isbns.stream().filter(i -> !found.contains(i)).forEach(missing::add);
        }
        return missing;
    }

    private List<JsonNode> rejectLines(String runId) throws Exception {
        List<JsonNode> rejects = new ArrayList<>();
        for (S3Object object : s3.listObjects(b -> b.bucket(properties.bucket())
                .prefix(properties.rejectsPrefix() + "/" + runId + "/")).contents()) {
            for (String line : s3.getObjectAsBytes(b -> b.bucket(properties.bucket()).key(object.key())).asUtf8String()
                    .split("\n")) {
                if (!line.isBlank()) {
                    rejects.add(JSON.readTree(line));
                }
            }
        }
        return rejects;
    }

    private List<String> lines(String key) {
        return new ArrayList<>(List.of(s3.getObjectAsBytes(b -> b.bucket(properties.bucket()).key(key)).asUtf8String()
                .split("\n")));
    }

    private void put(String key, List<String> lines) {
        s3.putObject(b -> b.bucket(properties.bucket()).key(key), RequestBody.fromString(String.join("\n", lines) + "\n"));
    }
}
