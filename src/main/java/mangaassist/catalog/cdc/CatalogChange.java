package mangaassist.catalog.cdc;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import mangaassist.catalog.Product;
import mangaassist.catalog.QualityError;

/**
 * The catalog-cdc flow's message: one change of {@code manga-products} on its way to the index, from the stream or
 * from a re-index request.
 *
 * @param isbn      the document id (the canonical ISBN; as written when the item's ISBN is not valid)
 * @param action    what the change does to the index
 * @param product   the product to index (UPSERT), else null
 * @param errors    why the item was refused (REJECT), else empty
 * @param item      the refused item's plain values (REJECT), for the report
 * @param sequence  the stream record's sequence number; null for a re-index (no position in the stream)
 * @param changedAt when DynamoDB made the change (the record's approximate creation time), or when the re-index was
 *                  asked for
 * @param source    {@code stream} or {@code reindex}
 * @param embedding the document's vector once known (made or reused), else null
 * @param reused    true when the stored vector was reused (title, author and genre unchanged: no model call)
 */
public record CatalogChange(String isbn, Action action, Product product, List<QualityError> errors,
                            Map<String, Object> item, String sequence, Instant changedAt, String source,
                            List<Float> embedding, boolean reused) {

    public enum Action {
        /** index the product (INSERT, MODIFY, or an item re-read for a re-index) */
        UPSERT,
        /** delete the document (REMOVE, or a re-index of an item that is gone) */
        DELETE,
        /** refused by the quality gate: stored with its errors, never indexed */
        REJECT,
        /** a replayed record the index already reflects (after a restart): nothing to do */
        SKIP
    }

    public CatalogChange {
        errors = errors == null ? List.of() : List.copyOf(errors);
        item = item == null ? Map.of() : item;
    }

    public CatalogChange withEmbedding(List<Float> vector, boolean wasReused) {
        return new CatalogChange(isbn, action, product, errors, item, sequence, changedAt, source, vector, wasReused);
    }

    public CatalogChange skipped() {
        return new CatalogChange(isbn, Action.SKIP, product, errors, item, sequence, changedAt, source, null, false);
    }

    /** True when the document is to be (re)written and has no vector yet: the model is called. */
    public boolean needsEmbedding() {
        return action == Action.UPSERT && embedding == null;
    }

    public boolean upsert() {
        return action == Action.UPSERT;
    }

    public boolean rejected() {
        return action == Action.REJECT;
    }
}
