package mangaassist.catalog.sync;

import java.util.concurrent.TimeUnit;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * The reconciliation's decisions: when OpenSearch's count has settled, and the verdict (tolerance, sample). The
 * counts and the sample are read by {@link CatalogSyncCounts}, each a step of the route.
 */
@Component("catalogSyncReconciler")
public class CatalogSyncReconciler {

    private final CatalogSyncProperties properties;

    public CatalogSyncReconciler(CatalogSyncProperties properties) {
        this.properties = properties;
    }

    public Reconciling begin(@ExchangeProperty(SyncRun.PROPERTY) SyncRun run) {
        return Reconciling.of(run);
    }

    /**
     * True while OpenSearch's count is worth taking again: it differs from DynamoDB's, it moved within settle-quiet,
     * and settle-timeout has not passed since the run's last write.
     */
    public boolean settling(@Body Reconciling r) {
        if (!r.openSearchCounted()) {
            return true;
        }
        if (r.openSearch() == r.dynamoDb()) {
            return false;
        }
        var settings = properties.reconciliation();
        long now = System.nanoTime();
        boolean quiet = now - r.movedNanos() >= settings.settleQuiet().toNanos();
        boolean timedOut = now - r.run().lastWriteNanos() >= settings.settleTimeout().toNanos();
        return !quiet && !timedOut;
    }

    /** Milliseconds between two counts of OpenSearch (none before the first). */
    public long pollDelay(@Body Reconciling r) {
        return r.openSearchCounted() ? properties.reconciliation().settlePoll().toMillis() : 0;
    }

    /** The verdict, kept in the run (and its record). */
    public SyncRun result(@Body Reconciling r) {
        SyncRun run = r.run();
        var settings = properties.reconciliation();
        long settled = TimeUnit.NANOSECONDS.toMillis(Math.max(0, r.countedNanos() - run.lastWriteNanos()));
        run.reconciliation(Reconciliation.of(run.processed(), run.accepted(), run.rejected(), r.dynamoDb(),
                r.openSearch(), settings.minTolerance(), settings.percentTolerance(), r.sampled(), r.mismatches(),
                settled));
        return run;
    }
}
