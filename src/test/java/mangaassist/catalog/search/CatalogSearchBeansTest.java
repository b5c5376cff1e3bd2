package mangaassist.catalog.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.platform.ApiException;
import org.junit.jupiter.api.Test;

class CatalogSearchBeansTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final CatalogSearchSteps steps = new CatalogSearchSteps(
            new CatalogSearchProperties("manga-catalog", "embedding", "amazon.titan-embed-text-v2:0", 4, 10, 50, 20));

    @Test
    void theHybridQueryHasTheVectorAndTheTitleClausesAndNeverReturnsTheVector() throws Exception {
        JsonNode query = JSON.readTree(steps.query(new CatalogSearch("鬼滅の刃", 5, List.of(0.1f, 0.2f, 0.3f, 0.4f), null)));
        assertThat(query.path("size").asInt()).isEqualTo(5);
        assertThat(query.path("_source").toString()).doesNotContain("embedding");
        JsonNode should = query.path("query").path("bool").path("should");
        assertThat(should.get(0).path("knn").path("embedding").path("k").asInt()).isEqualTo(5);
        assertThat(should.get(0).path("knn").path("embedding").path("vector")).hasSize(4);
        assertThat(should.get(1).path("match_phrase").path("title").path("query").asText()).isEqualTo("鬼滅の刃");
        assertThat(should.get(1).path("match_phrase").path("title").path("boost").asDouble()).isGreaterThan(1);
        assertThat(should.get(2).path("match").path("title").path("query").asText()).isEqualTo("鬼滅の刃");
        assertThat(query.path("query").path("bool").path("minimum_should_match").asInt()).isEqualTo(1);
    }

    @Test
    void withoutAVectorItIsATitleSearch() throws Exception {
        JsonNode query = JSON.readTree(steps.query(new CatalogSearch("x\"}}", 3, null, null)));
        assertThat(query.path("query").path("bool").path("should")).hasSize(2);
        assertThat(query.path("query").path("bool").path("should").get(1).path("match").path("title").path("query")
                .asText()).isEqualTo("x\"}}");
    }

    @Test
    void thePreciseFormRequiresTheSeriesAsAPhraseAndTheVolumeAsAWord() throws Exception {
        JsonNode query = JSON.readTree(new CatalogSearchQuery("embedding").precise("ワンピース", 4));
        JsonNode must = query.path("query").path("bool").path("must");
        assertThat(must.get(0).path("match_phrase").path("title").asText()).isEqualTo("ワンピース");
        assertThat(must.get(1).path("match").path("title").asText()).isEqualTo("4");
        assertThat(query.path("size").asInt()).isEqualTo(1);
    }

    @Test
    void requestsAreChecked() {
        CatalogSearch search = steps.request("  ﾜﾝﾋﾟｰｽ  ", null);
        assertThat(search.k()).isEqualTo(10);
        assertThat(search.query()).isEqualTo("ﾜﾝﾋﾟｰｽ"); // NFC keeps half-width kana; the analyzer folds nothing more
        assertThat(steps.request("進撃", "50").k()).isEqualTo(50);
        assertThatThrownBy(() -> steps.request(null, null)).isInstanceOf(ApiException.class)
                .hasMessageContaining("q is required");
        assertThatThrownBy(() -> steps.request("a".repeat(21), null)).hasMessageContaining("at most 20");
        for (String k : List.of("0", "51", "ten", "-1")) {
            assertThatThrownBy(() -> steps.request("進撃", k)).as(k).isInstanceOf(ApiException.class)
                    .satisfies(e -> assertThat(((ApiException) e).httpStatus()).isEqualTo(400));
        }
        assertThat(steps.answer(search)).containsEntry("results", Collections.emptyList());
    }
}
