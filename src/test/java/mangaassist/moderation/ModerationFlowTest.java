package mangaassist.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.bedrock.EmulatorControl;
import mangaassist.devstack.bedrock.Fault;
import mangaassist.platform.TopologyProperties;
import mangaassist.support.DeadLetters;
import mangaassist.support.DevelopmentKey;
import mangaassist.support.FlowTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The moderation flow end to end on the embedded stack: the API, ElasticMQ's standard queue and its redrive policy, the
 * Bedrock emulator (its moderation answers, injected faults), S3Proxy, where the results are read back.
 *
 * <p>As EnrichmentFlowTest does, this class sets the queue's VisibilityTimeout to 2 s through SQS while it runs (the
 * topology's 120 s would make 3 receives take 6 minutes) and puts it back after each test.
 */
@FlowTest
class ModerationFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration TEST_VISIBILITY = Duration.ofSeconds(2);
    private static final String HAIKU = "anthropic.claude-3-haiku";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The application's REST client, sending the development API key: this flow's API needs it. */
    TestRestTemplate http;
    @Autowired
    SqsClient sqs;
    @Autowired
    S3Client s3;
    @Autowired
    ModerationProperties properties;
    @Autowired
    TopologyProperties topology;
    EmulatorControl bedrock;

    String queueUrl;
    String dlqUrl;

    @Autowired
    void apiClient(TestRestTemplate anonymous) {
        http = DevelopmentKey.sending(anonymous);
    }

    @BeforeEach
    void shortVisibility() {
        queueUrl = sqs.getQueueUrl(b -> b.queueName(properties.queue())).queueUrl();
        dlqUrl = sqs.getQueueUrl(b -> b.queueName(properties.deadLetterQueue())).queueUrl();
        visibility(TEST_VISIBILITY);
        bedrock = EmbeddedStack.shared().bedrock().control().reset();
    }

    @AfterEach
    void topologyVisibility() {
        bedrock.reset();
        visibility(topology.queues().stream().filter(q -> q.name().equals(properties.queue())).findFirst()
                .orElseThrow().visibilityTimeout());
    }

    @Test
    void aJobThroughTheApiEndsAsItsVerdictInS3UnderTheDayItWasSent() throws Exception {
        String contentId = id("review");
        Instant before = Instant.now();
        ResponseEntity<JsonNode> answer = post(Map.of("contentId", contentId, "contentType", "review",
                "text", "ネタバレですが、最後に主人公が勝ちます。"));

        assertThat(answer.getStatusCode().value()).isEqualTo(202);
        String messageId = answer.getBody().path("messageId").asText();
        assertThat(messageId).isNotBlank();
        S3Object stored = awaitResult(contentId);
        JsonNode result = read(stored.key());

        assertThat(result.path("verdict").asText()).isEqualTo("review");
        assertThat(result.path("reasons").toString()).contains("possible unmarked spoiler");
        assertThat(result.path("contentType").asText()).isEqualTo("review");
        assertThat(result.path("messageId").asText()).isEqualTo(messageId);
        assertThat(result.path("model").asText()).isEqualTo(properties.model());
        Instant sentAt = Instant.parse(result.path("sentAt").asText());
        assertThat(sentAt).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(stored.key()).isEqualTo(properties.resultsPrefix() + "/" + sentAt.atZone(ZoneOffset.UTC).toLocalDate()
                + "/" + contentId + ".json");
        JsonNode request = requestsAbout(contentId).get(0);
        assertThat(request.path("system").asText()).contains("content moderator");
        assertThat(request.path("temperature").asDouble()).isZero();
        assertThat(request.path("messages").path(0).path("content").asText())
                .contains("Content type: review").contains("<content>\nネタバレですが");
        assertThat(bedrock.invocationsFor(HAIKU)).isEqualTo(1);
    }

    @Test
    void anotherProducersMessageIsModeratedTheSameWay() throws Exception {
        String blocked = id("threat");
        String allowed = id("praise");
        send("{\"contentId\":\"" + blocked + "\",\"contentType\":\"comment\",\"text\":\"I will kill you\",\"extra\":1}");
        send("{\"contentId\":\"" + allowed + "\",\"contentType\":\"chat_message\",\"text\":\"最高の漫画です\"}");

        JsonNode block = read(awaitResult(blocked).key());
        JsonNode allow = read(awaitResult(allowed).key());

        assertThat(block.path("verdict").asText()).isEqualTo("block");
        assertThat(block.path("reasons").toString()).contains("threat of violence");
        assertThat(allow.path("verdict").asText()).isEqualTo("allow");
        assertThat(allow.path("reasons")).isEmpty();
    }

    @Test
    void aPermanentFailureGoesToTheDlqAtOnceWithItsReason() {
        String marker = id("poison");
        send("not json " + marker);
        send("{\"contentId\":\"../" + marker + "\",\"text\":\"  \"}");

        Message unreadable = awaitDeadLetter(m -> m.body().equals("not json " + marker));
        Message invalid = awaitDeadLetter(m -> m.body().contains("../" + marker));

        // the consumer's edge (json-validator, moderation-job.v1): the reason names each failing field path
        assertThat(reason(unreadable)).isEqualTo("INVALID_BODY: not a JSON object; [moderation-job.v1.json]");
        assertThat(reason(invalid)).isEqualTo("INVALID_FIELDS: contentId does not match the regex pattern"
                + " ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$; text does not match the regex pattern \\S; contentType is required;"
                + " [moderation-job.v1.json]");
        // received once, deleted by the flow: not moved by the redrive after 3 receives
        assertThat(unreadable.attributes()).doesNotContainKey(MessageSystemAttributeName.DEAD_LETTER_QUEUE_SOURCE_ARN);
        assertThat(invalid.attributes()).doesNotContainKey(MessageSystemAttributeName.DEAD_LETTER_QUEUE_SOURCE_ARN);
        assertThat(invalid.messageAttributes().get(ModerationSteps.ATTRIBUTE_SOURCE_MESSAGE).stringValue()).isNotBlank();
        assertThat(bedrock.invocations()).isZero();
    }

    @Test
    void aTransientFailureIsRedeliveredAndThenSucceeds() throws Exception {
        String contentId = id("retried");
        bedrock.failNext(Fault.THROTTLING, 1, HAIKU);
        post(Map.of("contentId", contentId, "contentType", "review", "text", "Good volume " + contentId));

        JsonNode result = read(awaitResult(contentId).key());

        assertThat(result.path("verdict").asText()).isEqualTo("allow");
        assertThat(requestsAbout(contentId)).hasSize(2);
    }

    @Test
    void aFailureOnEveryReceiveIsMovedToTheDlqByTheRedriveAfterExactlyThree() {
        String contentId = id("throttled");
        bedrock.failNext(Fault.MODEL_TIMEOUT, 3, HAIKU);
        post(Map.of("contentId", contentId, "contentType", "review", "text", "Slow " + contentId));

        Message dead = awaitDeadLetter(m -> m.body().contains(contentId));

        assertThat(requestsAbout(contentId)).hasSize(3);
        assertThat(dead.attributes().get(MessageSystemAttributeName.DEAD_LETTER_QUEUE_SOURCE_ARN)).endsWith(properties.queue());
        // the queue's redrive gives no reason
        assertThat(dead.messageAttributes()).doesNotContainKey(ModerationSteps.ATTRIBUTE_REASON);
        assertThat(results(contentId)).isEmpty();
    }

    /**
     * Issue #22, S3 down: S3Proxy stopped under the running application. The job's verdict cannot be written, the
     * message stays on the queue (received again after the visibility timeout, 15 s here: S3Proxy, which starts in a few
     * seconds, has two of them to come back before the redrive's 3rd receive), health shows s3 DOWN; once S3 is back the next receive writes it.
     */
    @Test
    void aVerdictIsWrittenOnceS3IsBackAfterAnOutage() throws Exception {
        Duration visibility = Duration.ofSeconds(15);
        visibility(visibility);
        String contentId = id("s3down");
        EmbeddedStack.shared().stopS3();
        try {
            assertThat(post(Map.of("contentId", contentId, "contentType", "review", "text", "During the outage " + contentId))
                    .getStatusCode().value()).isEqualTo(202);
            // the model answered, the write failed: the message waits on the queue for its next receive
            await().atMost(WAIT).until(() -> requestsAbout(contentId).size() == 1);
            await().atMost(WAIT).until(() -> "DOWN".equals(health("s3")));
        } finally {
            EmbeddedStack.shared().startS3();
        }
        await().atMost(WAIT).until(() -> "UP".equals(health("s3")));

        S3Object written = await().atMost(visibility.multipliedBy(3)).until(() -> results(contentId), r -> r.size() == 1).get(0);
        JsonNode result = read(written.key());

        assertThat(result.path("verdict").asText()).isEqualTo("allow");
        // the failed receive and the next (2); 3 only where S3Proxy took longer than a visibility timeout to start
        assertThat(requestsAbout(contentId).size()).as("receives").isBetween(2, 3);
    }

    @Test
    void badFieldsAreRefusedWithAnErrorPerField() {
        ResponseEntity<JsonNode> answer = post(Map.of("contentId", "a/b", "contentType", "Review!", "text", 42));

        assertThat(answer.getStatusCode().value()).isEqualTo(400);
        assertThat(answer.getBody().path("code").asText()).isEqualTo("INVALID_JOB");
        List<String> fields = new ArrayList<>();
        answer.getBody().path("errors").forEach(e -> fields.add(e.path("field").asText()));
        assertThat(fields).containsExactly("contentId", "contentType", "text");
        assertThat(bedrock.invocations()).isZero();
    }

    // --- helpers

    private static String id(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void send(String body) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
    }

    private ResponseEntity<JsonNode> post(Object body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        try {
            return http.postForEntity("/api/moderation/jobs", new HttpEntity<>(JSON.writeValueAsString(body), headers),
                    JsonNode.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A backend's status in /actuator/health (public in the embedded profile). */
    private String health(String component) {
        return http.getForEntity("/actuator/health", JsonNode.class).getBody()
                .path("components").path(component).path("status").asText();
    }

    private List<S3Object> results(String contentId) {
        return s3.listObjectsV2(b -> b.bucket(properties.bucket()).prefix(properties.resultsPrefix() + "/")).contents()
                .stream().filter(o -> o.key().endsWith("/" + contentId + ".json")).toList();
    }

    private S3Object awaitResult(String contentId) {
        return await().atMost(WAIT).until(() -> results(contentId), r -> r.size() == 1).get(0);
    }

    private JsonNode read(String key) throws Exception {
        return JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(properties.bucket()).key(key)).asUtf8String());
    }

    /** The model requests whose content names the id. */
    private List<JsonNode> requestsAbout(String contentId) {
        return bedrock.requests().stream().map(EmulatorControl.RecordedRequest::body)
                .filter(b -> b != null && b.path("messages").path(0).path("content").asText().contains(contentId)).toList();
    }

    /** Takes the first DLQ message that matches off the DLQ; others stay visible for their own tests. */
    private Message awaitDeadLetter(Predicate<Message> matches) {
        return DeadLetters.await(sqs, dlqUrl, matches, WAIT);
    }

    private static String reason(Message message) {
        MessageAttributeValue value = message.messageAttributes().get(ModerationSteps.ATTRIBUTE_REASON);
        return value == null ? "" : value.stringValue();
    }

    private void visibility(Duration timeout) {
        sqs.setQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(timeout.toSeconds()))));
    }
}
