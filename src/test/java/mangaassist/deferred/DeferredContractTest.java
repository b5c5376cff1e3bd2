package mangaassist.deferred;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.platform.AsyncJobMetrics;
import mangaassist.platform.contracts.ContractViolation;
import mangaassist.platform.contracts.Contracts;
import mangaassist.support.TestContracts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.Mockito;

/** The deferred jobs we queue (both types) and their schema (deferred-job.v1) cannot drift apart. */
class DeferredContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-02T10:02:30Z");

    private final DeferredProperties properties = DeferredBeansTest.properties(false, List.of());
    private final DeferredJobs jobs = new DeferredJobs(properties);
    private final DeferredRequests requests = new DeferredRequests(jobs, Clock.fixed(NOW, ZoneOffset.UTC));
    private final DeferredSteps steps = new DeferredSteps(properties, jobs, Mockito.mock(DeferredQueues.class),
            new AsyncJobMetrics(new SimpleMeterRegistry()));
    private final Contracts contracts = TestContracts.contracts();

    @Test
    void theJobsWeQueueKeepTheirSchema() throws Exception {
        for (String request : List.of(
                "{\"jobType\":\"deferred_inference\",\"prompt\":\"おすすめは?\",\"callbackUrl\":\"https://client.example/cb\"}",
                "{\"jobType\":\"deferred_inference\",\"jobId\":\"j-1\",\"prompt\":\"hi\",\"modelId\":\"anthropic.claude-3-haiku-20240307-v1:0\"}",
                "{\"jobType\":\"batch_recommendation\",\"mangaIds\":[\"op-1\",\"nrt-2\"]}")) {
            // as DeferredSender writes the message body
            String body = JSON.writeValueAsString(requests.job(request));
            assertThat(contracts.violations(body, "deferred-job.v1.json")).as(body).isEmpty();
        }
    }

    /**
     * The consumer's edge is the schema (its route's json-validator): a body the schema accepts is read as a job (the
     * configuration's limits aside), with its type and id.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"jobType\":\"deferred_inference\",\"jobId\":\"j-1\",\"prompt\":\"hi\"}",
            "{\"jobType\":\"deferred_inference\",\"jobId\":null,\"prompt\":\"hi\",\"modelId\":null,\"callbackUrl\":null,\"requestedAt\":1764633600}",
            "{\"jobType\":\"batch_recommendation\",\"jobId\":\"j-2\",\"mangaIds\":[\"op-1\"],\"other\":true}"})
    void aBodyTheSchemaAcceptsIsReadAsAJob(String body) throws Exception {
        assertThat(contracts.violations(body, "deferred-job.v1.json")).isEmpty();
        DeferredTask task = steps.received(body, "m-1", "1");
        assertThat(task.rejected()).as(body).isFalse();
        assertThat(task.job().jobType()).isEqualTo(JSON.readTree(body).path("jobType").asText());
        assertThat(task.job().jobId()).isIn("j-1", "j-2", "m-1");
    }

    /** What the consumer's hand-written checks refused, the schema refuses, at the field's path. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"jobType\":\"deferred_inference\",\"jobId\":\"j-1\"}|prompt",
            "{\"jobType\":\"deferred_inference\",\"jobId\":\"j-1\",\"prompt\":\"  \"}|prompt",
            "{\"jobType\":\"batch_recommendation\",\"jobId\":\"j-2\",\"mangaIds\":[]}|mangaIds",
            "{\"jobType\":\"batch_recommendation\",\"jobId\":\"j-2\",\"mangaIds\":[\"a/b\"]}|mangaIds[0]",
            "{\"jobType\":\"deferred_translation\",\"jobId\":\"j-3\"}|jobType",
            "{\"jobType\":\"deferred_inference\",\"jobId\":\"bad id\",\"prompt\":\"hi\"}|jobId",
            "not json|''"})
    void aBodyTheConsumerRefusedBreaksTheSchemaAtItsField(String body, String field) {
        assertThat(contracts.violations(body, "deferred-job.v1.json")).extracting(ContractViolation::field).as(body)
                .contains(field);
    }
}
