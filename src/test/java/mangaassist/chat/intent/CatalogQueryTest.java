package mangaassist.chat.intent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class CatalogQueryTest {

    private final CatalogQuery catalog = new CatalogQuery();

    @Test
    void theSeriesIsAPhraseAndTheVolumeAWordOfTheTitle() throws Exception {
        JsonNode query = new ObjectMapper().readTree(catalog.query("進撃の巨人", 7));
        assertThat(query.path("size").asInt()).isEqualTo(1);
        JsonNode bool = query.path("query").path("bool");
        assertThat(bool.path("must").get(0).path("match_phrase").path("title").asText()).isEqualTo("進撃の巨人");
        assertThat(bool.path("must").get(1).path("match").path("title").asText()).isEqualTo("7");
        assertThat(bool.path("filter").get(0).path("exists").path("field").asText()).isEqualTo("isbn");
    }

    @Test
    void aTitleCannotBreakOutOfTheQuery() throws Exception {
        JsonNode query = new ObjectMapper().readTree(catalog.query("x\"}},{\"match_all\":{}}", 1));
        assertThat(query.path("query").path("bool").path("must").get(0).path("match_phrase").path("title").asText())
                .isEqualTo("x\"}},{\"match_all\":{}}");
        assertThatNullPointerException().isThrownBy(() -> catalog.query(null, 1));
    }

    @Test
    void theBestHitsIsbn() {
        assertThat(catalog.isbn(List.of(Map.of("isbn", "9784088825429", "title", "ワンピース 42"), Map.of("isbn", "1"))))
                .isEqualTo("9784088825429");
        assertThat(catalog.isbn(List.of(new ObjectMapper().createObjectNode().put("isbn", " 9784088825429 "))))
                .isEqualTo("9784088825429");
    }

    @Test
    void noHitOrNoIsbnIsNoAnswer() {
        assertThat(catalog.isbn(List.of())).isNull();
        assertThat(catalog.isbn(null)).isNull();
        assertThat(catalog.isbn(Arrays.asList((Object) null))).isNull();
        assertThat(catalog.isbn(List.of(Map.of("title", "ワンピース 42")))).isNull();
        assertThat(catalog.isbn(List.of(Map.of("isbn", "  ")))).isNull();
    }
}
