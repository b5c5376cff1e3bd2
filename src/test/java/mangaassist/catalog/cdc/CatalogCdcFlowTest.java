package mangaassist.catalog.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.catalog.Product;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.bedrock.EmulatorControl;
import mangaassist.devstack.bedrock.Fault;
import mangaassist.support.FlowTest;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opensearch.client.Request;
import org.opensearch.client.ResponseException;
import org.opensearch.client.RestClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * catalog-cdc end to end on the embedded stack: items written to DynamoDB Local's manga-products reach OpenSearch
 * through the stream (the Bedrock emulator's Titan answers the embeddings), rejects reach the quality report, and
 * the stream's changes survive a failing model and a stopped consumer.
 */
@FlowTest
class CatalogCdcFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TITAN = "amazon.titan-embed";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** ISBN-13s of this test: 979-12-… (none in the simulator's catalog), unique per test run. */
    private static final AtomicInteger NEXT = new AtomicInteger((int) (System.nanoTime() % 100_000) * 10);

    @Autowired
    DynamoDbClient dynamoDb;
    @Autowired
    RestClient openSearch;
    @Autowired
    TestRestTemplate http;
    @Autowired
    ProducerTemplate template;
    @Autowired
    CamelContext camel;
    @Autowired
    CatalogCdcProperties properties;
    EmulatorControl bedrock;

    @BeforeEach
    void reset() {
        bedrock = EmbeddedStack.shared().bedrock().control().reset();
        EmbeddedStack.shared().catalogSeeded().join(); // the seeder's items are indexed: only this test's changes follow
    }

    @AfterEach
    void clean() throws Exception {
        bedrock.reset();
        if (!camel.getRouteController().getRouteStatus("catalog-cdc-stream").isStarted()) {
            camel.getRouteController().startRoute("catalog-cdc-stream");
        }
    }

    @Test
    void insertModifyAndRemoveReachTheIndex() throws Exception {
        String isbn = newIsbn();
        put(new Product(isbn, "テスト漫画 1", "山田太郎", "少年漫画", 12, "TK01", null, 500));
        JsonNode doc = awaitDocument(isbn, d -> d.path("quantity_available").asInt() == 12);
        assertThat(doc.path("title").asText()).isEqualTo("テスト漫画 1");
        assertThat(doc.path("author").asText()).isEqualTo("山田太郎");
        assertThat(doc.path("stock_status").asText()).isEqualTo("in_stock");
        assertThat(doc.path("price_jpy").asInt()).isEqualTo(500);
        assertThat(doc.path("warehouse_code").asText()).isEqualTo("TK01");
        assertThat(doc.path("embedding")).hasSize(properties.dimension());
        assertThat(doc.path("cdc_sequence").asText()).isNotBlank();

        put(new Product(isbn, "テスト漫画 1", "山田太郎", "少年漫画", 3, "TK01", null, 500));
        awaitDocument(isbn, d -> d.path("quantity_available").asInt() == 3 && d.path("stock_status").asText().equals("low_stock"));

        dynamoDb.deleteItem(b -> b.tableName(properties.table()).key(Map.of("isbn", AttributeValue.fromS(isbn))));
        await().atMost(WAIT).until(() -> document(isbn) == null);
    }

    @Test
    void aModifyThatKeepsTitleAuthorAndGenreReusesTheStoredVector() throws Exception {
        String isbn = newIsbn();
        put(new Product(isbn, "再利用テスト", "作者", "青年漫画", 5, "TK01", null, null));
        JsonNode first = awaitDocument(isbn, d -> d.path("quantity_available").asInt() == 5);
        int calls = bedrock.invocationsFor(TITAN);
        assertThat(calls).isPositive();

        put(new Product(isbn, "再利用テスト", "作者", "青年漫画", 40, "OS02", null, 700));
        JsonNode restocked = awaitDocument(isbn, d -> d.path("quantity_available").asInt() == 40);
        assertThat(bedrock.invocationsFor(TITAN)).as("no model call for a stock change").isEqualTo(calls);
        assertThat(restocked.path("embedding")).isEqualTo(first.path("embedding"));
        assertThat(restocked.path("warehouse_code").asText()).isEqualTo("OS02");

        put(new Product(isbn, "再利用テスト 改題", "作者", "青年漫画", 40, "OS02", null, 700));
        JsonNode renamed = awaitDocument(isbn, d -> d.path("title").asText().endsWith("改題"));
        assertThat(bedrock.invocationsFor(TITAN)).isEqualTo(calls + 1);
        assertThat(renamed.path("embedding")).isNotEqualTo(first.path("embedding"));
    }

    @Test
    void rejectsAreNeverIndexedAndAreReportedWithTheirErrors() throws Exception {
        String isbn = newIsbn();
        String wrongCheckDigit = isbn.substring(0, 12) + ((isbn.charAt(12) - '0' + 1) % 10);
        dynamoDb.putItem(b -> b.tableName(properties.table()).item(Map.of(
                "isbn", AttributeValue.fromS(wrongCheckDigit),
                "title", AttributeValue.fromS("不良データ"),
                "quantity", AttributeValue.fromN("-2"))));
        await().atMost(WAIT).untilAsserted(() -> {
            ResponseEntity<String> report = http.getForEntity("/api/catalog/quality", String.class);
            assertThat(report.getStatusCode().value()).isEqualTo(200);
            JsonNode root = JSON.readTree(report.getBody());
            assertThat(root.path("totals").path("rejected").asLong()).isPositive();
            JsonNode reject = null;
            for (JsonNode r : root.path("rejects")) {
                if (r.path("isbn").asText().equals(wrongCheckDigit)) {
                    reject = r;
                }
            }
            assertThat(reject).as("reject of " + wrongCheckDigit).isNotNull();
            assertThat(reject.path("errors").findValuesAsText("field"))
                    .containsExactlyInAnyOrder("isbn", "quantity", "warehouse_code");
            assertThat(reject.path("item").path("title").asText()).isEqualTo("不良データ");
        });
        assertThat(document(wrongCheckDigit)).isNull();
    }

    @Test
    void aFailingModelIsRetriedAndTheChangeIsNotSkipped() throws Exception {
        // the route's stream-errors tries again (200 ms, 400 ms, 800 ms…) while the next change waits behind it
        bedrock.failNext(Fault.INTERNAL, 4, TITAN);
        String isbn = newIsbn();
        put(new Product(isbn, "リトライ", "", "", 1, "TK01", null, null));
        String after = newIsbn();
        put(new Product(after, "リトライの次", "", "", 2, "TK01", null, null));
        awaitDocument(isbn, d -> d.path("quantity_available").asInt() == 1);
        awaitDocument(after, d -> d.path("quantity_available").asInt() == 2);
        assertThat(bedrock.faultRules()).isEmpty();
    }

    @Test
    void changesMadeWhileTheConsumerIsStoppedAreIndexedWhenItStartsAgain() throws Exception {
        String kept = newIsbn();
        put(new Product(kept, "再起動前", "", "", 1, "TK01", null, null));
        awaitDocument(kept, d -> d.path("quantity_available").asInt() == 1);

        camel.getRouteController().stopRoute("catalog-cdc-stream");
        String added = newIsbn();
        put(new Product(added, "停止中に追加", "", "", 7, "TK01", null, null));
        put(new Product(kept, "再起動前", "", "", 9, "TK01", null, null));
        bedrock.reset();

        camel.getRouteController().startRoute("catalog-cdc-stream");
        awaitDocument(added, d -> d.path("quantity_available").asInt() == 7);
        awaitDocument(kept, d -> d.path("quantity_available").asInt() == 9);
        // the whole stream was read again, and what the index reflected was skipped: no model call for the seeded
        // catalog nor for the kept item (its stock change reused the vector); one for the item added meanwhile
        var texts = bedrock.requests().stream().filter(r -> r.modelId().startsWith(TITAN))
                .map(r -> r.body().path("inputText").asText()).toList();
        assertThat(texts).filteredOn(t -> t.startsWith("停止中に追加")).hasSize(1);
        assertThat(texts).noneMatch(t -> t.startsWith("再起動前") || t.startsWith("ワンピース"));
    }

    /**
     * Issue #22, OpenSearch down: the node stopped under the running application (its data kept). Changes made meanwhile
     * wait in the stream consumer (stream-errors: tried again with growing delays, the position not advanced), health
     * shows opensearch DOWN; once the node is back each change is in the index, none skipped.
     */
    @Test
    void changesMadeWhileOpenSearchIsDownAreIndexedWhenItIsBack() throws Exception {
        String kept = newIsbn();
        put(new Product(kept, "障害前", "", "", 1, "TK01", null, null));
        awaitDocument(kept, d -> d.path("quantity_available").asInt() == 1);

        String added = newIsbn();
        EmbeddedStack.shared().stopOpenSearch();
        try {
            NotifyBuilder received = new NotifyBuilder(camel).fromRoute("catalog-cdc-stream").whenReceived(1).create();
            put(new Product(added, "障害中に追加", "", "", 7, "TK01", null, null));
            put(new Product(kept, "障害前", "", "", 9, "TK01", null, null));
            // the consumer took the first change, and it waits for the index
            assertThat(received.matches(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
            await().atMost(WAIT).until(() -> "DOWN".equals(health("opensearch")));
        } finally {
            EmbeddedStack.shared().startOpenSearch();
        }
        await().atMost(WAIT).until(() -> "UP".equals(health("opensearch")));

        // the consumer's back-off grows to mangaassist.errors.stream.max-delay (30 s) while the node is down
        Duration backOff = Duration.ofSeconds(60);
        await().atMost(backOff).ignoreExceptions().until(() -> document(added), d -> d != null
                && d.path("quantity_available").asInt() == 7);
        await().atMost(backOff).ignoreExceptions().until(() -> document(kept), d -> d != null
                && d.path("quantity_available").asInt() == 9);
    }

    private String health(String component) {
        return http.getForEntity("/actuator/health", JsonNode.class).getBody()
                .path("components").path(component).path("status").asText();
    }

    @Test
    void reindexRereadsTheItemOrDeletesTheDocumentOfAGoneItem() throws Exception {
        String isbn = newIsbn();
        put(new Product(isbn, "再索引", "", "", 4, "TK01", null, null));
        awaitDocument(isbn, d -> d.path("quantity_available").asInt() == 4);
        openSearch.performRequest(new Request("DELETE", "/" + properties.index() + "/_doc/" + isbn));
        assertThat(document(isbn)).isNull();

        template.requestBody("direct:catalog-reindex", isbn);
        assertThat(document(isbn).path("title").asText()).isEqualTo("再索引");

        String gone = newIsbn();
        Request stray = new Request("PUT", "/" + properties.index() + "/_doc/" + gone);
        stray.setJsonEntity("{\"isbn\":\"" + gone + "\",\"title\":\"stray\"}");
        openSearch.performRequest(stray);
        template.requestBody("direct:catalog-reindex", gone);
        assertThat(document(gone)).isNull();
    }

    private void put(Product product) {
        dynamoDb.putItem(b -> b.tableName(properties.table()).item(product.toItem()));
    }

    private JsonNode awaitDocument(String isbn, java.util.function.Predicate<JsonNode> condition) {
        return await().atMost(WAIT).ignoreExceptions().until(() -> document(isbn), d -> d != null && condition.test(d));
    }

    /** The stored document (realtime GET: no refresh needed), or null. */
    private JsonNode document(String isbn) throws IOException {
        try {
            var response = openSearch.performRequest(new Request("GET", "/" + properties.index() + "/_doc/" + isbn));
            return JSON.readTree(response.getEntity().getContent()).path("_source");
        } catch (ResponseException e) {
            if (e.getResponse().getStatusLine().getStatusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** A fresh valid ISBN-13 (979-12 prefix, check digit computed). */
    static String newIsbn() {
        return isbn("97912", NEXT.incrementAndGet());
    }

    /** The valid ISBN-13 of a 5-digit prefix and a number (its last 7 digits). */
    static String isbn(String prefix5, int n) {
        String first12 = prefix5 + String.format("%07d", n % 10_000_000);
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (first12.charAt(i) - '0') * (i % 2 == 0 ? 1 : 3);
        }
        return first12 + (10 - sum % 10) % 10;
    }
}
