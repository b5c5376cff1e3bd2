package mangaassist.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.platform.contracts.Contracts;
import mangaassist.platform.contracts.ContractsProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.Mockito;

/** The moderation job we queue and its schema (moderation-job.v1) cannot drift apart. */
class ModerationContractTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:02:30Z");
    private static final ModerationProperties PROPERTIES = new ModerationProperties("manga-moderation-queue",
            "manga-moderation-dlq", "manga-assist-async-results", "moderation-results",
            "anthropic.claude-3-haiku-20240307-v1:0", 512, 0, 50);

    private final Contracts contracts = new Contracts(new ContractsProperties(null, null));
    private final ModerationRequests requests = new ModerationRequests(PROPERTIES, Clock.fixed(NOW, ZoneOffset.UTC));
    private final ModerationSteps steps = new ModerationSteps(PROPERTIES, Mockito.mock(ModerationQueues.class),
            new SimpleMeterRegistry(), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void theJobWeQueueKeepsItsSchema() {
        String body = requests.job("{\"contentId\":\"rev-42\",\"contentType\":\"review\",\"text\":\"面白い\"}");
        assertThat(contracts.violations(body, "moderation-job.v1.json")).as(body).isEmpty();
    }

    /** The consumer accepts exactly the bodies the schema accepts (text limits of the configuration aside). */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"contentId\":\"rev-42\",\"contentType\":\"review\",\"text\":\"面白い\"}",
            "{\"contentId\":\"rev-42\",\"contentType\":\"chat_message\",\"text\":\"x\",\"extra\":1}",
            "{\"contentId\":\"a/b\",\"contentType\":\"review\",\"text\":\"x\"}",
            "{\"contentId\":\"rev-42\",\"contentType\":\"Review!\",\"text\":\"x\"}",
            "{\"contentId\":\"rev-42\",\"contentType\":\"review\",\"text\":\"   \"}",
            "{\"contentId\":\"rev-42\",\"contentType\":\"review\",\"text\":42}",
            "{\"contentType\":\"review\",\"text\":\"x\"}",
            "[\"rev-42\"]",
            "not json"})
    void theConsumerAndTheSchemaAgree(String body) {
        boolean schemaAccepts = contracts.violations(body, "moderation-job.v1.json").isEmpty();
        boolean consumerAccepts = !steps.received(body, "m-1", "1", "1764669750000").rejected();
        assertThat(consumerAccepts).as(body).isEqualTo(schemaAccepts);
    }
}
