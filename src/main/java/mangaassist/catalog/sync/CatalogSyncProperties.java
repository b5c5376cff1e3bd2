package mangaassist.catalog.sync;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the catalog-sync flow ({@code mangaassist.catalog-sync.*}). The routes read the endpoint options as
 * placeholders; the beans read the rest from here.
 *
 * @param bucket          the staging bucket of the ERP's exports (from the topology)
 * @param exportsPrefix   an export is every object under {@code <exportsPrefix>/<runId>/}
 * @param rejectsPrefix   rejected lines go to {@code <rejectsPrefix>/<runId>/}
 * @param productsTable   the DynamoDB table the sync writes (catalog-cdc indexes its changes)
 * @param runsTable       the runs' records and checkpoints
 * @param searchIndex     the OpenSearch index reconciled against
 * @param batchSize       items per BatchWriteItem (at most 25)
 * @param checkpointEvery a file's checkpoint every this many batches (and at its end)
 * @param writeAttempts   BatchWriteItem calls of one batch while items stay unprocessed
 * @param writeBackoff    first wait between two of them, doubled each time
 * @param writeBackoffMax longest wait between two of them
 * @param logEvery        progress logged every this many lines
 * @param staleAfter      a RUNNING record not updated for this long belongs to a crashed instance
 * @param reconciliation  tolerance, settling and sample of the reconciliation
 */
@ConfigurationProperties("mangaassist.catalog-sync")
public record CatalogSyncProperties(String bucket, String exportsPrefix, String rejectsPrefix, String productsTable,
                                    String runsTable, String searchIndex, int batchSize, int checkpointEvery,
                                    int writeAttempts, Duration writeBackoff, Duration writeBackoffMax, int logEvery,
                                    Duration staleAfter, Reconciliation reconciliation) {

    public CatalogSyncProperties {
        if (batchSize < 1 || batchSize > 25) {
            throw new IllegalArgumentException("mangaassist.catalog-sync.batch-size must be 1 to 25 (BatchWriteItem)");
        }
    }

    /**
     * @param minTolerance     the tolerance is at least this many items
     * @param percentTolerance and at least this percentage of the source's count
     * @param settleTimeout    OpenSearch is counted at most this long after the last write
     * @param settleQuiet      or until its count stopped moving for this long
     * @param settlePoll       between two counts
     * @param sampleSize       items compared field by field
     */
    public record Reconciliation(long minTolerance, double percentTolerance, Duration settleTimeout, Duration settleQuiet,
                                 Duration settlePoll, int sampleSize) {
    }
}
