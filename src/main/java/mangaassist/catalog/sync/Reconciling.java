package mangaassist.catalog.sync;

import java.util.List;

/**
 * A reconciliation under way: the run, DynamoDB's count, OpenSearch's latest count and since when it has not moved,
 * and the sample's differences. OpenSearch follows DynamoDB through catalog-cdc, so its count is taken again until it
 * equals DynamoDB's, stops moving for settle-quiet, or settle-timeout has passed since the run's last write.
 */
public record Reconciling(SyncRun run, long dynamoDb, long openSearch, long countedNanos, long movedNanos,
                          boolean openSearchCounted, int sampled, List<Reconciliation.Mismatch> mismatches) {

    static Reconciling of(SyncRun run) {
        long now = System.nanoTime();
        return new Reconciling(run, -1, -1, now, now, false, 0, List.of());
    }

    Reconciling withDynamoDb(long count) {
        return new Reconciling(run, count, openSearch, countedNanos, movedNanos, openSearchCounted, sampled, mismatches);
    }

    Reconciling withOpenSearch(long count, long now) {
        boolean moved = !openSearchCounted || count != openSearch;
        return new Reconciling(run, dynamoDb, count, now, moved ? now : movedNanos, true, sampled, mismatches);
    }

    Reconciling withSample(int sampled, List<Reconciliation.Mismatch> mismatches) {
        return new Reconciling(run, dynamoDb, openSearch, countedNanos, movedNanos, openSearchCounted, sampled,
                List.copyOf(mismatches));
    }
}
