package mangaassist.catalog.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.catalog.Product;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.core.MgetRequest;
import org.opensearch.client.opensearch.core.mget.MultiGetResponseItem;

/** The batch steps of catalog-cdc without Camel: one multi-get per batch, and each new text embedded once. */
class CatalogCdcStepsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DIMENSION = 4;
    private static final String A = "9784088725093";
    private static final String B = "9784088810027";

    final CatalogCdcSteps steps = new CatalogCdcSteps(new CatalogCdcProperties("manga-products", "manga-catalog",
            "manga-catalog-rejects", 100, Duration.ofDays(30), "amazon.titan-embed-text-v2:0", DIMENSION));

    @Test
    void theStoredRequestAsksOnceForEachUpsertedIsbn() {
        CatalogBatch batch = new CatalogBatch(List.of(upsert(A, "ワンピース 42", "1"), upsert(B, "ナルト 1", "2"),
                upsert(A, "ワンピース 42", "3"), delete("9784063842760", "4")));

        MgetRequest request = steps.storedRequest(batch).build();

        assertThat(request.index()).isEqualTo("manga-catalog");
        assertThat(request.ids()).containsExactly(A, B);
    }

    @Test
    void storedDocumentsSkipReplaysAndLendTheirVectorToUnchangedTexts() {
        CatalogBatch batch = new CatalogBatch(List.of(upsert(A, "ワンピース 42", "7"), upsert(B, "ナルト 1", "3"),
                upsert("9784063842760", "進撃の巨人 1", "8")));

        CatalogBatch prepared = steps.stored(batch, List.of(found(A, "ワンピース 42", "5"), found(B, "ナルト 1", "4"),
                notFound("9784063842760")));

        assertThat(prepared.changes().get(0).embedding()).as("unchanged text: the stored vector")
                .containsExactly(0.5f, 0.5f, 0.5f, 0.5f);
        assertThat(prepared.changes().get(0).reused()).isTrue();
        assertThat(prepared.changes().get(1).action()).as("sequence 3 ≤ the stored 4: a replay")
                .isEqualTo(CatalogChange.Action.SKIP);
        assertThat(prepared.changes().get(2).needsEmbedding()).isTrue();
        assertThat(prepared.needsEmbeddings()).isTrue();
    }

    @Test
    void aChangeTheStoredDocumentAlreadyShowsIsSkippedAndAnyOtherStockReusesTheVector() {
        // a re-index (no sequence) and a stream record whose document the other path wrote already
        CatalogChange reindex = new CatalogChange(A, CatalogChange.Action.UPSERT,
                new Product(A, "ワンピース 42", "", "", 5, "TK01", null, 500), null, null, null, Instant.now(),
                CatalogCdcSteps.REINDEX, null, false);
        CatalogChange stream = upsert(B, "ナルト 1", "9");
        CatalogChange restocked = upsert("9784063842760", "進撃の巨人 1", "8");

        CatalogBatch prepared = steps.stored(new CatalogBatch(List.of(reindex, stream, restocked)),
                List.of(showing(A, "ワンピース 42", 5, "low_stock"), showing(B, "ナルト 1", 5, "low_stock"),
                        showing("9784063842760", "進撃の巨人 1", 0, "out_of_stock")));

        assertThat(prepared.changes()).extracting(CatalogChange::action).containsExactly(CatalogChange.Action.SKIP,
                CatalogChange.Action.SKIP, CatalogChange.Action.UPSERT);
        assertThat(prepared.changes().get(2).reused()).as("only the stock differs").isTrue();
        assertThat(prepared.hasWrites()).isTrue();
    }

    @Test
    void aDocumentTheIndexCouldNotReadFailsTheBatch() {
        CatalogBatch batch = new CatalogBatch(List.of(upsert(A, "ワンピース 42", "7")));
        MultiGetResponseItem<ObjectNode> failed = MultiGetResponseItem.of(i -> i.failure(f -> f.index("manga-catalog")
                .id(A).error(e -> e.type("shard_not_available").reason("test"))));

        assertThatThrownBy(() -> steps.stored(batch, List.of(failed))).isInstanceOf(CatalogIndexException.class);
    }

    @Test
    void eachDistinctTextIsEmbeddedOnceAndItsVectorGoesToEveryChangeThatNeedsIt() {
        CatalogChange first = upsert(A, "ワンピース 42", "1");
        CatalogChange second = upsert(B, "ナルト 1", "2");
        CatalogChange again = upsert(A, "ワンピース 42", "3");
        CatalogBatch batch = new CatalogBatch(List.of(first, second, again, delete("9784063842760", "4")));

        List<CatalogChange> toEmbed = steps.toEmbed(batch);
        assertThat(toEmbed).containsExactly(first, second);

        // the replies in any order: matched by text
        CatalogBatch embedded = steps.embeddedAll(batch, List.of(second.withEmbedding(vector(0.2f), false),
                first.withEmbedding(vector(0.1f), false)));
        assertThat(embedded.changes()).extracting(CatalogChange::embedding).containsExactly(vector(0.1f),
                vector(0.2f), vector(0.1f), null);
        assertThat(embedded.needsEmbeddings()).isFalse();
    }

    @Test
    void aMissingEmbeddingFailsTheBatch() {
        CatalogBatch batch = new CatalogBatch(List.of(upsert(A, "ワンピース 42", "1")));
        assertThatThrownBy(() -> steps.embeddedAll(batch, List.of())).isInstanceOf(IllegalStateException.class);
    }

    private static CatalogChange upsert(String isbn, String title, String sequence) {
        Product product = new Product(isbn, title, "", "", 5, "TK01", null, 500);
        return new CatalogChange(isbn, CatalogChange.Action.UPSERT, product, null, null, sequence, Instant.now(),
                CatalogCdcSteps.STREAM, null, false);
    }

    private static CatalogChange delete(String isbn, String sequence) {
        return new CatalogChange(isbn, CatalogChange.Action.DELETE, null, null, null, sequence, Instant.now(),
                CatalogCdcSteps.STREAM, null, false);
    }

    private static MultiGetResponseItem<?> found(String isbn, String title, String sequence) {
        ObjectNode source = JSON.createObjectNode().put("title", title).put("author", "").put("genre", "")
                .put("cdc_sequence", sequence);
        vector(0.5f).forEach(source.putArray("embedding")::add);
        return MultiGetResponseItem.<ObjectNode>of(i -> i.result(r -> r.index("manga-catalog").id(isbn).found(true)
                .source(source)));
    }

    /** A document as catalog-cdc writes it (upsert's product: TK01, 500 yen), at an older stream position. */
    private static MultiGetResponseItem<?> showing(String isbn, String title, int quantity, String status) {
        ObjectNode source = JSON.createObjectNode().put("title", title).put("author", "").put("genre", "")
                .put("quantity_available", quantity).put("stock_status", status).put("price_jpy", 500)
                .put("warehouse_code", "TK01").put("cdc_sequence", "1");
        vector(0.5f).forEach(source.putArray("embedding")::add);
        return MultiGetResponseItem.<ObjectNode>of(i -> i.result(r -> r.index("manga-catalog").id(isbn).found(true)
                .source(source)));
    }

    private static MultiGetResponseItem<?> notFound(String isbn) {
        return MultiGetResponseItem.<ObjectNode>of(i -> i.result(r -> r.index("manga-catalog").id(isbn).found(false)));
    }

    private static List<Float> vector(float value) {
        return Collections.nCopies(DIMENSION, value);
    }
}
