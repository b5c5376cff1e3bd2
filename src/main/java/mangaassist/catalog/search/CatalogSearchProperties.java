package mangaassist.catalog.search;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code mangaassist.catalog-search.*}: see application.yaml.
 *
 * @param index          the catalog index searched
 * @param vectorField    its knn_vector field
 * @param embeddingModel the model of the documents' vectors (Titan Text Embeddings V2), for the query's
 * @param dimension      the vectors' size
 * @param defaultK       hits when the request names no k
 * @param maxK           the most hits a request may ask for
 * @param maxQueryChars  the longest query
 */
@ConfigurationProperties("mangaassist.catalog-search")
public record CatalogSearchProperties(String index, String vectorField, String embeddingModel, int dimension,
                                      int defaultK, int maxK, int maxQueryChars) {
}
