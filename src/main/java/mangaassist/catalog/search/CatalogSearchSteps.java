package mangaassist.catalog.search;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.catalog.TitanEmbeddings;
import mangaassist.platform.ApiException;
import org.apache.camel.Header;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.core.search.HitsMetadata;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;

/**
 * The catalog-search flow's steps, each one transformation of the {@link CatalogSearch} in the body: the request
 * checked, the query embedded (the same model and settings as the documents), the hybrid query, the hits.
 */
@Component("catalogSearchSteps")
public class CatalogSearchSteps {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CatalogSearchProperties properties;
    private final CatalogSearchQuery queries;

    public CatalogSearchSteps(CatalogSearchProperties properties) {
        this.properties = properties;
        this.queries = new CatalogSearchQuery(properties.vectorField());
    }

    /** GET /api/catalog/search?q=…&k=…: q required (1–max-query-chars), k 1–max-k (default-k); else 400. */
    public CatalogSearch request(@Header("q") String q, @Header("k") String k) {
        String query = q == null ? "" : Normalizer.normalize(q, Normalizer.Form.NFC).strip();
        if (query.isEmpty()) {
            throw new ApiException("INVALID_QUERY", 400, "q is required: the text to search for.");
        }
        if (query.codePointCount(0, query.length()) > properties.maxQueryChars()) {
            throw new ApiException("INVALID_QUERY", 400, "q must be at most " + properties.maxQueryChars()
                    + " characters.");
        }
        int hits = properties.defaultK();
        if (k != null && !k.isBlank()) {
            try {
                hits = Integer.parseInt(k.strip());
            } catch (NumberFormatException e) {
                hits = -1;
            }
            if (hits < 1 || hits > properties.maxK()) {
                throw new ApiException("INVALID_K", 400, "k must be a whole number from 1 to " + properties.maxK() + ".");
            }
        }
        return new CatalogSearch(query, hits, null, null);
    }

    public InvokeModelRequest embeddingRequest(CatalogSearch search) {
        return TitanEmbeddings.request(properties.embeddingModel(), search.query(), properties.dimension());
    }

    public CatalogSearch embedded(CatalogSearch search, InvokeModelResponse response) {
        return search.withVector(TitanEmbeddings.vector(response, properties.dimension()));
    }

    /** The hybrid search body: k-NN on the vector and title matches. */
    public String query(CatalogSearch search) {
        return queries.hybrid(search.query(), search.vector(), search.k());
    }

    /** The search with its hits, best first. */
    public CatalogSearch found(CatalogSearch search, HitsMetadata<?> hits) {
        List<CatalogSearch.CatalogHit> found = new ArrayList<>();
        if (hits != null) {
            for (Hit<?> hit : hits.hits()) {
                JsonNode source = JSON.valueToTree(hit.source());
                found.add(new CatalogSearch.CatalogHit(source.path("title").asText(""), source.path("isbn").asText(""),
                        source.path("author").asText(""), source.path("stock_status").asText("unknown"),
                        hit.score() == null ? 0 : hit.score()));
            }
        }
        return search.withHits(found);
    }

    /** The API's answer: the query, k and the hits. */
    public Map<String, Object> answer(CatalogSearch search) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("query", search.query());
        answer.put("k", search.k());
        answer.put("results", search.hits());
        return answer;
    }
}
