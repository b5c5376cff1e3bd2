package mangaassist.catalog.search;

import java.util.List;

/**
 * The catalog-search flow's message: the query, how many hits, the query's vector once embedded, then the hits.
 *
 * @param query  the text searched (NFC, trimmed)
 * @param k      hits wanted
 * @param vector the query's embedding, null until known
 * @param hits   best first; empty until searched
 */
public record CatalogSearch(String query, int k, List<Float> vector, List<CatalogHit> hits) {

    public CatalogSearch {
        hits = hits == null ? List.of() : List.copyOf(hits);
    }

    public CatalogSearch withVector(List<Float> embedding) {
        return new CatalogSearch(query, k, embedding, hits);
    }

    public CatalogSearch withHits(List<CatalogHit> found) {
        return new CatalogSearch(query, k, vector, found);
    }

    /**
     * One hit.
     *
     * @param stockStatus in_stock, low_stock, out_of_stock, preorder or unknown (as indexed)
     * @param score       OpenSearch's relevance score: title matches score several points, k-NN similarity ≤ 1
     */
    public record CatalogHit(String title, String isbn, String author, String stockStatus, double score) {
    }
}
