package mangaassist.chat.intent;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Resolves a series title and volume to an ISBN through the OpenSearch catalog ({@code manga-catalog},
 * one document per ISBN: {@code isbn}, {@code title} as the ERP spells it, e.g. 「ワンピース 42」).
 * The series must appear as a phrase in the title and the volume as a word of its own, so
 * 「ワンピース 4」 never answers for volume 42.
 */
public final class CatalogQuery {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The search body for the series (its catalog spelling) and volume. */
    public String query(String series, int volume) {
        Objects.requireNonNull(series, "series");
        ObjectNode body = JSON.createObjectNode();
        body.put("size", 1);
        body.putArray("_source").add("isbn").add("title");
        ObjectNode bool = body.putObject("query").putObject("bool");
        ArrayNode must = bool.putArray("must");
        must.addObject().putObject("match_phrase").put("title", series);
        must.addObject().putObject("match").put("title", Integer.toString(volume));
        // documents without an ISBN cannot be looked up (half-synced or foreign documents)
        bool.putArray("filter").addObject().putObject("exists").put("field", "isbn");
        return body.toString();
    }

    /** The ISBN of the best hit, or null when the catalog has no match. */
    public String isbn(List<?> hitSources) {
        if (hitSources == null || hitSources.isEmpty() || hitSources.get(0) == null) {
            return null;
        }
        JsonNode source = JSON.valueToTree(hitSources.get(0));
        String isbn = source.path("isbn").asText("");
        return isbn.isBlank() ? null : isbn.strip();
    }
}
