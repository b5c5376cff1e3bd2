package mangaassist.catalog.search;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The catalog's search body over {@code manga-catalog}, for the search API and for the chat's title → ISBN resolution.
 *
 * <p>Hybrid: a k-NN clause on the query's vector (semantic neighbours) and text clauses on the title, all in one bool
 * {@code should}. A title match scores in BM25's range (several points) while k-NN's cosine score is at most 1, so
 * a query that names a title ranks that title first, and the vector orders the rest and finds what no title word
 * matches. Required clauses ({@code must}) narrow it: the chat's precise form requires the series as a phrase and
 * the volume as a word of its own, so 「ワンピース 4」 never answers for volume 42.
 */
public final class CatalogSearchQuery {

    /** What a hit returns: never the vector. */
    public static final List<String> FIELDS = List.of("isbn", "title", "author", "stock_status");
    static final double PHRASE_BOOST = 3.0;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String vectorField;

    public CatalogSearchQuery(String vectorField) {
        this.vectorField = vectorField;
    }

    /** The API's hybrid search: the text against titles, the vector (when known) against the embeddings. */
    public String hybrid(String text, List<Float> vector, int k) {
        Objects.requireNonNull(text, "text");
        ObjectNode body = body(k);
        ObjectNode bool = body.putObject("query").putObject("bool");
        ArrayNode should = bool.putArray("should");
        if (vector != null && !vector.isEmpty()) {
            ObjectNode knn = should.addObject().putObject("knn").putObject(vectorField);
            ArrayNode values = knn.putArray("vector");
            vector.forEach(values::add);
            knn.put("k", k);
        }
        should.addObject().putObject("match_phrase").putObject("title").put("query", text).put("boost", PHRASE_BOOST);
        should.addObject().putObject("match").putObject("title").put("query", text);
        bool.put("minimum_should_match", 1);
        // documents without an ISBN cannot be looked up (half-synced or foreign documents)
        bool.putArray("filter").addObject().putObject("exists").put("field", "isbn");
        return body.toString();
    }

    /**
     * The chat's precise form: the series (its catalog spelling) as a phrase and the volume as a word of the title,
     * the best hit only. No vector: the required clauses decide, and the chat keeps its model calls and latency.
     */
    public String precise(String series, int volume) {
        Objects.requireNonNull(series, "series");
        ObjectNode body = body(1);
        body.putArray("_source").add("isbn").add("title");
        ObjectNode bool = body.putObject("query").putObject("bool");
        ArrayNode must = bool.putArray("must");
        must.addObject().putObject("match_phrase").put("title", series);
        must.addObject().putObject("match").put("title", Integer.toString(volume));
        bool.putArray("filter").addObject().putObject("exists").put("field", "isbn");
        return body.toString();
    }

    private static ObjectNode body(int k) {
        ObjectNode body = JSON.createObjectNode();
        body.put("size", k);
        ArrayNode source = body.putArray("_source");
        FIELDS.forEach(source::add);
        return body;
    }
}
