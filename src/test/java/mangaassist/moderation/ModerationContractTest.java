package mangaassist.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.platform.contracts.ContractViolation;
import mangaassist.platform.contracts.Contracts;
import mangaassist.support.TestContracts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.Mockito;

/** The moderation job we queue and its schema (moderation-job.v1) cannot drift apart. */
class ModerationContractTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:02:30Z");
    private static final ModerationProperties PROPERTIES = new ModerationProperties("manga-moderation-queue",
            "manga-moderation-dlq", "manga-assist-async-results", "moderation-results",
            "anthropic.claude-3-haiku-20240307-v1:0", 512, 0, 50);

    private final Contracts contracts = TestContracts.contracts();
    private final ModerationRequests requests = new ModerationRequests(PROPERTIES, Clock.fixed(NOW, ZoneOffset.UTC));
    private final ModerationSteps steps = new ModerationSteps(PROPERTIES, Mockito.mock(ModerationQueues.class),
            new SimpleMeterRegistry(), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void theJobWeQueueKeepsItsSchema() {
        String body = requests.job("{\"contentId\":\"rev-42\",\"contentType\":\"review\",\"text\":\"面白い\"}");
        assertThat(contracts.violations(body, "moderation-job.v1.json")).as(body).isEmpty();
    }

    /** The consumer's edge is the schema (its route's json-validator): a body it accepts is read as the content. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"contentId\":\"rev-42\",\"contentType\":\"review\",\"text\":\"面白い\"}",
            "{\"contentId\":\"rev-42\",\"contentType\":\"chat_message\",\"text\":\"x\",\"extra\":1}"})
    void aBodyTheSchemaAcceptsIsReadAsItsContent(String body) throws Exception {
        assertThat(contracts.violations(body, "moderation-job.v1.json")).isEmpty();
        ModerationTask task = steps.received(body, "m-1", "1", "1764669750000");
        assertThat(task.rejected()).as(body).isFalse();
        assertThat(task.content().contentId()).isEqualTo("rev-42");
    }

    /** What the consumer's hand-written checks refused, the schema refuses, at the field's path. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"contentId\":\"a/b\",\"contentType\":\"review\",\"text\":\"x\"}|contentId",
            "{\"contentId\":\"../etc\",\"contentType\":\"review\",\"text\":\"x\"}|contentId",
            "{\"contentId\":\"rev-42\",\"contentType\":\"Review!\",\"text\":\"x\"}|contentType",
            "{\"contentId\":\"rev-42\",\"contentType\":\"review\",\"text\":\"   \"}|text",
            "{\"contentId\":\"rev-42\",\"contentType\":\"review\",\"text\":42}|text",
            "{\"contentType\":\"review\",\"text\":\"x\"}|contentId",
            "[\"rev-42\"]|''",
            "not json|''"})
    void aBodyTheConsumerRefusedBreaksTheSchemaAtItsField(String body, String field) {
        assertThat(contracts.violations(body, "moderation-job.v1.json")).extracting(ContractViolation::field).as(body)
                .contains(field);
    }
}
