package mangaassist.chat.intent;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.catalog.search.CatalogSearchQuery;

/**
 * Resolves a series title and volume to an ISBN through the OpenSearch catalog ({@code manga-catalog},
 * one document per ISBN: {@code isbn}, {@code title} as the ERP spells it, e.g. 「ワンピース 42」).
 * The series must appear as a phrase in the title and the volume as a word of its own, so
 * 「ワンピース 4」 never answers for volume 42: the catalog search's precise form ({@link CatalogSearchQuery#precise}).
 */
public final class CatalogQuery {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The catalog search's precise form (catalog-search): series as a phrase, volume as a word. */
    private final CatalogSearchQuery search = new CatalogSearchQuery("embedding");

    /** The search body for the series (its catalog spelling) and volume. */
    public String query(String series, int volume) {
        return search.precise(series, volume);
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
