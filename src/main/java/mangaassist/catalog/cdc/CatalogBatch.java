package mangaassist.catalog.cdc;

import java.util.List;

/**
 * The changes written to the index in one bulk request: those of one poll of the stream (in stream order), or the
 * one change of a re-index. Rejected and skipped changes ride along (the aggregator counts every change of a poll)
 * but write nothing.
 */
public record CatalogBatch(List<CatalogChange> changes) {

    public CatalogBatch {
        changes = List.copyOf(changes);
    }

    /** The changes that write to the index: upserts and deletes. */
    public List<CatalogChange> writes() {
        return changes.stream()
                .filter(c -> c.action() == CatalogChange.Action.UPSERT || c.action() == CatalogChange.Action.DELETE)
                .toList();
    }

    public boolean hasWrites() {
        return !writes().isEmpty();
    }

    /** True when a change would index a document: its stored document is read first. */
    public boolean hasUpserts() {
        return changes.stream().anyMatch(CatalogChange::upsert);
    }

    /** True when a change still has no vector: the model is called. */
    public boolean needsEmbeddings() {
        return changes.stream().anyMatch(CatalogChange::needsEmbedding);
    }
}
