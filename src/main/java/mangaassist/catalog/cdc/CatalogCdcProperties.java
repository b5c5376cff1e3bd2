package mangaassist.catalog.cdc;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code mangaassist.catalog-cdc.*}: see application.yaml.
 *
 * @param table          the products table whose stream is read
 * @param index          the search index written
 * @param rejectsTable   where refused items are kept with their errors
 * @param rejectsLimit   the rejects GET /api/catalog/quality lists (newest first)
 * @param rejectsTtl     how long a stored reject is kept
 * @param embeddingModel Titan Text Embeddings V2
 * @param dimension      the vector's size (mangaassist.search.dimension)
 */
@ConfigurationProperties("mangaassist.catalog-cdc")
public record CatalogCdcProperties(String table, String index, String rejectsTable, int rejectsLimit,
                                   Duration rejectsTtl, String embeddingModel, int dimension) {
}
