package mangaassist.catalog.sync;

import java.util.List;

/**
 * A run's reconciliation (the seed's validate_sync_results, with exact counts): the items the export should leave in
 * the catalog (its accepted lines) against DynamoDB's count (Scan, Select=COUNT, every page) and OpenSearch's
 * ({@code _count}), each within the tolerance max(min, percent % of the source); and a sample of the items compared
 * field by field in both stores.
 *
 * @param source           lines of the export that carry a record
 * @param accepted         of them, the items that passed the quality gate: what both stores should hold
 * @param rejected         the lines the gate refused
 * @param dynamoDb         items in the products table
 * @param openSearch       documents in the search index
 * @param tolerance        the largest discrepancy accepted
 * @param dynamoDbOff      |accepted − dynamoDb|
 * @param openSearchOff    |accepted − openSearch|
 * @param withinTolerance  both discrepancies within the tolerance
 * @param sampled          items compared field by field
 * @param sampleMatches    no sampled item differs in either store
 * @param mismatches       the differences found (at most {@link #MAX_MISMATCHES})
 * @param settledMs        how long OpenSearch's count was awaited after the last write
 */
public record Reconciliation(long source, long accepted, long rejected, long dynamoDb, long openSearch, long tolerance,
                             long dynamoDbOff, long openSearchOff, boolean withinTolerance, int sampled,
                             boolean sampleMatches, List<Mismatch> mismatches, long settledMs) {

    static final int MAX_MISMATCHES = 20;

    /** Counts within the tolerance and the sample alike in both stores. */
    public boolean ok() {
        return withinTolerance && sampleMatches;
    }

    /** A field of a sampled item that differs (actual null: the item is missing from that store). */
    public record Mismatch(String isbn, String store, String field, Object expected, Object actual) {
    }

    /** The seed's threshold: max(10, 1 % of the source) by default. */
    static long tolerance(long source, long min, double percent) {
        return Math.max(min, (long) Math.floor(source * percent / 100.0));
    }

    static Reconciliation of(long source, long accepted, long rejected, long dynamoDb, long openSearch, long min,
                             double percent, int sampled, List<Mismatch> mismatches, long settledMs) {
        long tolerance = tolerance(accepted, min, percent);
        long dynamoDbOff = Math.abs(accepted - dynamoDb);
        long openSearchOff = Math.abs(accepted - openSearch);
        boolean within = dynamoDbOff <= tolerance && openSearchOff <= tolerance;
        List<Mismatch> kept = mismatches.size() > MAX_MISMATCHES ? mismatches.subList(0, MAX_MISMATCHES) : mismatches;
        return new Reconciliation(source, accepted, rejected, dynamoDb, openSearch, tolerance, dynamoDbOff, openSearchOff,
                within, sampled, mismatches.isEmpty(), List.copyOf(kept), settledMs);
    }
}
