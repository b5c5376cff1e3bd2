package mangaassist.catalog.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.catalog.Product;
import mangaassist.catalog.cdc.CatalogCdcProperties;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.support.FlowTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * catalog-search on the embedded stack, over the simulator's catalog as catalog-cdc indexed it (and items this test
 * adds through manga-products): Japanese and English queries, title first, neighbours by vector, bad requests.
 */
@FlowTest
class CatalogSearchFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    TestRestTemplate http;
    @Autowired
    DynamoDbClient dynamoDb;
    @Autowired
    CatalogCdcProperties cdc;

    @BeforeEach
    void catalogIndexed() {
        EmbeddedStack.shared().catalogSeeded().join();
    }

    @Test
    void aJapaneseTitleComesFirstAndItsVolumeExactly() throws Exception {
        JsonNode results = search("鬼滅の刃", 5);
        assertThat(results).hasSize(5);
        assertThat(titles(results)).allMatch(t -> t.startsWith("鬼滅の刃"));
        JsonNode first = results.get(0);
        assertThat(first.path("isbn").asText()).hasSize(13);
        assertThat(first.path("author").asText()).isEqualTo("吾峠呼世晴");
        assertThat(first.path("stockStatus").asText()).isIn("in_stock", "low_stock", "out_of_stock", "preorder");
        assertThat(first.path("score").asDouble()).isPositive();

        JsonNode volume = search("ワンピース 42", 3);
        assertThat(volume.get(0).path("title").asText()).isEqualTo("ワンピース 42");
        assertThat(volume.get(0).path("stockStatus").asText()).isEqualTo("in_stock");
        assertThat(volume.get(0).path("score").asDouble()).isGreaterThan(volume.get(1).path("score").asDouble());
    }

    @Test
    void anEnglishTitleComesFirst() throws Exception {
        String isbn = "9781612620244"; // Attack on Titan 1, Kodansha USA (a valid ISBN-13)
        dynamoDb.putItem(b -> b.tableName(cdc.table()).item(new Product(isbn, "Attack on Titan Vol. 1 (English Edition)",
                "Hajime Isayama", "Shonen manga", 8, "TK01", null, 1320).toItem()));
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(search("attack on titan", 3).get(0).path("isbn").asText()).isEqualTo(isbn));
        JsonNode onePiece = search("One Piece", 3);
        assertThat(onePiece.get(0).path("title").asText()).startsWith("ONE PIECE");
    }

    @Test
    void theVectorFindsWhatNoTitleWordMatches() throws Exception {
        // the author is in the embedded text (title author genre), in no title
        JsonNode results = search("尾田栄一郎", 5);
        assertThat(results).isNotEmpty();
        assertThat(titles(results)).allMatch(t -> t.startsWith("ワンピース") || t.startsWith("ONE PIECE"));
    }

    @Test
    void badRequestsGetAJsonError() throws Exception {
        ResponseEntity<String> missing = http.getForEntity("/api/catalog/search", String.class);
        assertThat(missing.getStatusCode().value()).isEqualTo(400);
        assertThat(JSON.readTree(missing.getBody()).path("code").asText()).isEqualTo("INVALID_QUERY");
        ResponseEntity<String> badK = http.getForEntity("/api/catalog/search?q=test&k=0", String.class);
        assertThat(badK.getStatusCode().value()).isEqualTo(400);
        assertThat(JSON.readTree(badK.getBody()).path("code").asText()).isEqualTo("INVALID_K");
        assertThat(badK.getBody()).doesNotContain("Exception");
    }

    private JsonNode search(String q, int k) throws Exception {
        ResponseEntity<String> response = http.getForEntity("/api/catalog/search?q={q}&k={k}", String.class, q, k);
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(200);
        JsonNode root = JSON.readTree(response.getBody());
        assertThat(root.path("k").asInt()).isEqualTo(k);
        return root.path("results");
    }

    private static List<String> titles(JsonNode results) {
        return results.findValuesAsText("title");
    }
}
