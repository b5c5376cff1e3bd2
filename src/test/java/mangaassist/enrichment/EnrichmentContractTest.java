package mangaassist.enrichment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.platform.AsyncJobMetrics;
import mangaassist.platform.contracts.ContractViolation;
import mangaassist.platform.contracts.Contracts;
import mangaassist.support.TestContracts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/** The enrichment job on the queue and its schema (enrichment-job.v1) cannot drift apart. */
class EnrichmentContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-02T10:02:30Z");
    private static final EnrichmentProperties PROPERTIES = new EnrichmentProperties("manga-enrichment-queue.fifo",
            "manga-enrichment-dlq.fifo", "anthropic.claude-3-haiku-20240307-v1:0", 1024, 0.5, 500, Duration.ofMinutes(5),
            "manga-catalog", new EnrichmentProperties.Catalog(10000));

    private final Contracts contracts = TestContracts.contracts();
    private final EnrichmentRequests requests = new EnrichmentRequests(PROPERTIES, Clock.fixed(NOW, ZoneOffset.UTC));
    private final EnrichmentSteps steps = new EnrichmentSteps(PROPERTIES, Mockito.mock(EnrichmentQueues.class),
            new EnrichmentGroupOrder(), new AsyncJobMetrics(new SimpleMeterRegistry()));

    @Test
    void theJobsWeQueueKeepTheirSchema() throws Exception {
        EnrichmentSubmission one = requests.one("{\"mangaId\":\"op-1042\",\"title\":\"One Piece\",\"titleJp\":\"ワンピース\"}");
        EnrichmentSubmission batch = requests.batch("{\"jobs\":[{\"id\":\"nrt-1\",\"title\":\"Naruto\"},"
                + "{\"mangaId\":\"bl-2\",\"title\":\"Bleach\",\"priority\":\"high\"}],\"enrichmentType\":\"tags\"}");

        for (EnrichmentSubmission submission : java.util.List.of(one, batch)) {
            submission.entries().forEach(entry -> {
                // as EnrichmentSender writes the message body
                String body = write(entry.job());
                assertThat(contracts.violations(body, "enrichment-job.v1.json")).as(body).isEmpty();
            });
        }
        assertThat(contracts.violations("{\"mangaId\":\"op-1042\",\"title\":\"One Piece\"}", "enrichment-request.v1.json"))
                .isEmpty();
    }

    /**
     * The consumer's edge is the schema (its route's json-validator). Both shapes on the queue are accepted and read as
     * the same job: ours (EnrichmentSender, every field) and the seed's, written by another producer (issue #18: one
     * job, or a batch item as "manga" with fields of its own, no priority, a null Japanese title).
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"jobType\":\"catalog_enrichment\",\"enrichmentType\":\"synopsis\",\"manga\":{\"id\":\"op-1\",\"title\":\"One Piece\",\"titleJp\":\"ワンピース\"},\"priority\":\"normal\",\"requestedAt\":1700000000}",
            "{\"jobType\":\"catalog_enrichment\",\"enrichmentType\":\"synopsis\",\"manga\":{\"id\":\"op-1\",\"title\":\"One Piece\",\"titleJp\":null,\"volumes\":107},\"requestedAt\":1700000000}",
            "{\"manga\":{\"id\":\"op-1\"}}",
            "{\"manga\":{\"id\":\"op-1\",\"title\":null},\"enrichmentType\":null,\"priority\":null}"})
    void bothShapesTheSchemaAcceptsAreReadAsAJob(String body) throws Exception {
        assertThat(contracts.violations(body, "enrichment-job.v1.json")).isEmpty();
        EnrichmentTask task = steps.received(body, "m-1", "manga-op-1", "1");
        assertThat(task.rejected()).as(body).isFalse();
        assertThat(task.job().mangaId()).isEqualTo("op-1");
        assertThat(task.job().type()).isEqualTo(EnrichmentType.SYNOPSIS);
        assertThat(task.job().priority()).isEqualTo("normal");
    }

    /** What the consumer's hand-written checks refused, the schema refuses, at the field's path. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"manga\":{\"title\":\"no id\"}}|manga.id",
            "{\"manga\":{\"id\":\"op-1\"},\"enrichmentType\":\"summary\"}|enrichmentType",
            "{\"manga\":{\"id\":\"op-1\"},\"priority\":\"urgent\"}|priority",
            "{\"jobType\":\"other\",\"manga\":{\"id\":\"op-1\"}}|jobType",
            "{\"manga\":{\"id\":\"a/b\"}}|manga.id",
            "{\"manga\":{\"id\":\"op-1\",\"titleJp\":42}}|manga.titleJp",
            "{\"manga\":{\"id\":\"op-1\",\"title\":\"  \"}}|manga.title",
            "{\"manga\":\"op-1\"}|manga",
            "{}|manga",
            "[1,2]|''",
            "not json|''"})
    void aBodyTheConsumerRefusedBreaksTheSchemaAtItsField(String body, String field) {
        assertThat(contracts.violations(body, "enrichment-job.v1.json")).extracting(ContractViolation::field).as(body)
                .contains(field);
    }

    private static String write(Object job) {
        try {
            return JSON.writeValueAsString(job);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
