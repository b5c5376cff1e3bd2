package mangaassist.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import mangaassist.platform.contracts.Contracts;
import mangaassist.support.TestContracts;
import org.junit.jupiter.api.Test;

/** The reprocessing stats against dlq-reprocess-stats.v1. */
class DlqContractTest {

    @Test
    void theStatsOfARunKeepTheirSchema() {
        DlqRun run = new DlqRun(new DlqQueue("moderation", "manga-moderation-dlq", "manga-moderation-queue",
                "http://sqs/manga-moderation-dlq", "http://sqs/manga-moderation-queue"), 10);
        run.count(DlqMessage.Outcome.REQUEUED);
        run.count(DlqMessage.Outcome.FLAGGED);
        Contracts contracts = TestContracts.contracts();

        assertThat(run.stats()).containsEntry("requeued", 1).containsEntry("flagged", 1);
        assertThat(contracts.violations(run.stats(), "dlq-reprocess-stats.v1.json")).isEmpty();
        assertThat(contracts.violations(new DlqRun(run.queue(), 1).stats(), "dlq-reprocess-stats.v1.json")).isEmpty();
    }
}
