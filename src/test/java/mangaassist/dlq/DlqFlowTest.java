package mangaassist.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.bedrock.EmulatorControl;
import mangaassist.devstack.bedrock.Fault;
import mangaassist.enrichment.EnrichmentProperties;
import mangaassist.moderation.ModerationProperties;
import mangaassist.platform.TopologyProperties;
import mangaassist.support.DevelopmentKey;
import mangaassist.support.FlowTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The DLQ reprocessor end to end on the embedded stack: messages put on the real DLQs (or sent there by the flows),
 * the API, the source queues' consumers that take the requeued messages, S3Proxy for archives and flagged documents.
 *
 * <p>Each test starts from empty DLQs (purged) and no flagged documents, so that counts are exact. The moderation
 * queue's visibility is 2 s while a test runs (as in ModerationFlowTest) and the topology's 120 s after it.
 */
@FlowTest
class DlqFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String HAIKU = "anthropic.claude-3-haiku";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The application's REST client, sending the development API key: this flow's API needs it. */
    TestRestTemplate http;
    @Autowired
    SqsClient sqs;
    @Autowired
    S3Client s3;
    @Autowired
    DlqProperties properties;
    @Autowired
    ModerationProperties moderation;
    @Autowired
    EnrichmentProperties enrichment;
    @Autowired
    TopologyProperties topology;
    EmulatorControl bedrock;

    String moderationDlq;
    String moderationQueue;
    String enrichmentDlq;
    String enrichmentQueue;

    @Autowired
    void apiClient(TestRestTemplate anonymous) {
        http = DevelopmentKey.sending(anonymous);
    }

    @BeforeEach
    void emptyDeadLetterQueues() {
        moderationDlq = url(moderation.deadLetterQueue());
        moderationQueue = url(moderation.queue());
        enrichmentDlq = url(enrichment.deadLetterQueue());
        enrichmentQueue = url(enrichment.queue());
        sqs.purgeQueue(b -> b.queueUrl(moderationDlq));
        sqs.purgeQueue(b -> b.queueUrl(enrichmentDlq));
        for (String queue : List.of("moderation", "enrichment")) {
            documents(properties.flaggedPrefix() + "/" + queue + "/")
                    .forEach(o -> s3.deleteObject(b -> b.bucket(properties.bucket()).key(o.key())));
        }
        visibility(moderationQueue, Duration.ofSeconds(2));
        bedrock = EmbeddedStack.shared().bedrock().control().reset();
    }

    @AfterEach
    void topologyVisibility() {
        bedrock.reset();
        visibility(moderationQueue, topology.queues().stream().filter(q -> q.name().equals(moderation.queue()))
                .findFirst().orElseThrow().visibilityTimeout());
    }

    @Test
    void aRunRequeuesArchivesAndFlagsByTheSeedsClassesAndAnswersItsStats() throws Exception {
        // received 10 times already (peeked here while alone in the DLQ): the run's receive is its 11th
        String worn = send(moderationDlq, job("worn"), null);
        for (int i = 0; i < 10; i++) {
            assertThat(sqs.receiveMessage(b -> b.queueUrl(moderationDlq).visibilityTimeout(0)).messages()).hasSize(1);
        }
        String reset = id("reset");
        String timedOut = id("timeout");
        send(moderationDlq, job(reset), "SdkClientException: Unable to execute HTTP request: Connection reset");
        send(moderationDlq, "{\"contentId\":\"" + timedOut + "\",\"contentType\":\"review\",\"text\":\"ok\","
                + "\"_error\":\"Read timed out\"}", null);
        // not a valid job: when its delay is over, the moderation flow sends it to the DLQ without a model call
        String throttled = send(moderationDlq, "{\"contentId\":\"throttled\"}", "ThrottlingException: Rate exceeded");
        String unreadable = send(moderationDlq, "not json", "INVALID_BODY: not a JSON object");
        String invalid = send(moderationDlq, "{\"_error\":\"Validation failed: text is required\"}", null);
        Set<String> unknown = Set.of(
                send(moderationDlq, job("redriven"), null),
                send(moderationDlq, job("odd"), "Something odd happened"),
                // the seed's substring match would read "generate" as a rate limit
                send(moderationDlq, job("generate"), "could not generate the summary"));

        ResponseEntity<JsonNode> answer = http.postForEntity("/api/dlq/moderation/reprocess?max=100", null, JsonNode.class);

        assertThat(answer.getStatusCode().value()).isEqualTo(200);
        assertThat(answer.getBody()).isEqualTo(JSON.readTree("{\"requeued\":3,\"archived\":3,\"flagged\":3,\"failed\":0}"));
        // the transient ones went back and were moderated this time
        assertThat(read(awaitResult(reset).key()).path("verdict").asText()).isEqualTo("allow");
        assertThat(read(awaitResult(timedOut).key()).path("verdict").asText()).isEqualTo("allow");
        // the throttled one waits on the source queue
        assertThat(attribute(moderationQueue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).isEqualTo(1);
        // the permanent ones: archived with their reason, gone from the DLQ
        Map<String, JsonNode> archived = new java.util.HashMap<>();
        for (S3Object o : documents(properties.archivePrefix() + "/moderation/")) {
            JsonNode document = read(o.key());
            archived.put(document.path("messageId").asText(), document);
        }
        assertThat(archived).containsKeys(worn, unreadable, invalid);
        assertThat(archived.get(worn).path("why").asText()).isEqualTo("received 11 times (more than 10)");
        assertThat(archived.get(unreadable).path("reason").asText()).isEqualTo("INVALID_BODY: not a JSON object");
        assertThat(archived.get(unreadable).path("body").asText()).isEqualTo("not json");
        assertThat(archived.get(unreadable).path("messageAttributes").path("failureReason").asText()).startsWith("INVALID_BODY");
        assertThat(archived.get(invalid).path("reason").asText()).isEqualTo("Validation failed: text is required");
        assertThat(archived.get(invalid).path("classification").asText()).isEqualTo("permanent");
        // the unknown ones: kept in the DLQ (hidden for the receive visibility) and listed
        assertThat(attribute(moderationDlq, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)
                + attribute(moderationDlq, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).isEqualTo(3);
        JsonNode flagged = http.getForObject("/api/dlq/moderation/flagged", JsonNode.class);
        assertThat(flagged.path("count").asInt()).isEqualTo(3);
        Set<String> listed = new HashSet<>();
        flagged.path("flagged").forEach(f -> listed.add(f.path("messageId").asText()));
        assertThat(listed).isEqualTo(unknown);
        assertThat(flagged.path("flagged").findValuesAsText("classification")).containsOnly("unknown");
        assertThat(throttled).isNotIn(archived.keySet());
    }

    @Test
    void maxBoundsARunAndAFlaggedMessageIsNotHandledTwiceInOne() {
        for (int i = 0; i < 5; i++) {
            send(moderationDlq, job("unknown-" + i), null);
        }

        JsonNode first = http.postForObject("/api/dlq/moderation/reprocess?max=2", null, JsonNode.class);
        JsonNode second = http.postForObject("/api/dlq/moderation/reprocess", null, JsonNode.class);

        assertThat(first.path("flagged").asInt()).isEqualTo(2);
        // the first run's two are hidden for the receive visibility: the second run handles the other three, once each
        assertThat(second.path("flagged").asInt()).isEqualTo(3);
        assertThat(http.getForObject("/api/dlq/moderation/flagged", JsonNode.class).path("count").asInt()).isEqualTo(5);
    }

    @Test
    void aFlowsOwnDeadLetterIsArchivedByItsReasonAndARedrivenOneIsFlagged() {
        String poison = id("poison");
        String exhausted = id("exhausted");
        sqs.sendMessage(b -> b.queueUrl(moderationQueue).messageBody("{\"contentId\":\"" + poison + "\"}"));
        bedrock.failNext(Fault.MODEL_TIMEOUT, 3, HAIKU);
        sqs.sendMessage(b -> b.queueUrl(moderationQueue).messageBody(job(exhausted)));
        await().atMost(WAIT).until(() -> attribute(moderationDlq, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES) == 2);

        JsonNode stats = http.postForObject("/api/dlq/moderation/reprocess", null, JsonNode.class);

        assertThat(stats.path("archived").asInt()).isEqualTo(1);
        assertThat(stats.path("flagged").asInt()).isEqualTo(1);
        JsonNode flagged = http.getForObject("/api/dlq/moderation/flagged", JsonNode.class).path("flagged").get(0);
        assertThat(flagged.path("body").asText()).contains(exhausted);
        assertThat(flagged.path("why").asText()).isEqualTo("no failure reason (moved by the queue's redrive)");
        // the source queue's 3 receives go with it to the DLQ, and the run's receive counts too
        assertThat(flagged.path("receiveCount").asInt()).isEqualTo(4);
        assertThat(documents(properties.archivePrefix() + "/moderation/").stream().map(o -> read(o.key()))
                .filter(d -> d.path("body").asText().contains(poison)).findFirst().orElseThrow()
                .path("reason").asText()).startsWith("INVALID_FIELDS: contentType is required;");
    }

    @Test
    void aFifoRequeueKeepsItsGroupAndOrder() {
        String group = "manga-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> bodies = List.of("not a job " + id("first"), "not a job " + id("second"));
        for (String body : bodies) {
            sqs.sendMessage(b -> b.queueUrl(enrichmentDlq).messageBody(body).messageGroupId(group)
                    .messageDeduplicationId(UUID.randomUUID().toString())
                    .messageAttributes(Map.of("failureReason", text("ModelTimeoutException: Model has timed out"))));
        }

        // max=2: the run ends with these two, so the copies the consumer sends back are left in the DLQ for this test
        JsonNode stats = http.postForObject("/api/dlq/enrichment/reprocess?max=2", null, JsonNode.class);

        assertThat(stats.path("requeued").asInt()).isEqualTo(2);
        // the enrichment consumer takes them off its queue and, unreadable, dead-letters them in their group: the group
        // they were requeued with
        List<Message> back = new ArrayList<>();
        for (String body : bodies) {
            back.add(awaitMessage(enrichmentDlq, m -> m.body().equals(body)));
        }
        assertThat(back).extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).containsOnly(group);
        assertThat(back).extracting(m -> m.messageAttributes().get("failureReason").stringValue()).allMatch(r -> r.startsWith("INVALID_BODY"));
        assertThat(Long.parseLong(back.get(0).attributes().get(MessageSystemAttributeName.SEQUENCE_NUMBER)))
                .isLessThan(Long.parseLong(back.get(1).attributes().get(MessageSystemAttributeName.SEQUENCE_NUMBER)));
    }

    @Test
    void aFifoRequeueIsTakenAgainThoughItsJobsOwnDeduplicationIdWasJustUsed() {
        String mangaId = id("again");
        String group = "manga-" + mangaId.substring(0, 8);
        String job = "{\"jobType\":\"catalog_enrichment\",\"enrichmentType\":\"synopsis\",\"manga\":{\"id\":\"" + mangaId
                + "\",\"title\":\"Again " + mangaId + "\"},\"priority\":\"normal\",\"requestedAt\":1700000000}";
        String dedup = UUID.randomUUID().toString();
        sqs.sendMessage(b -> b.queueUrl(enrichmentQueue).messageBody(job).messageGroupId(group).messageDeduplicationId(dedup));
        await().atMost(WAIT).until(() -> requestsAbout(mangaId) == 1);
        // as if it had failed: the same job in the DLQ with a transient reason
        sqs.sendMessage(b -> b.queueUrl(enrichmentDlq).messageBody(job).messageGroupId(group).messageDeduplicationId(dedup)
                .messageAttributes(Map.of("failureReason", text("Connection refused"))));

        JsonNode stats = http.postForObject("/api/dlq/enrichment/reprocess", null, JsonNode.class);

        assertThat(stats.path("requeued").asInt()).isEqualTo(1);
        // with the job's own dedup id SQS would have dropped it as a duplicate (within 5 minutes)
        await().atMost(WAIT).until(() -> requestsAbout(mangaId) == 2);
    }

    /**
     * Issue #22, S3 down: a permanent message cannot be archived while S3Proxy is stopped. The run counts it failed and
     * leaves it in the DLQ (not deleted: its copy is not safe), given back at once; once S3 is back the next run
     * archives it and takes it off the DLQ.
     */
    @Test
    void anArchiveThatFailsWhileS3IsDownIsMadeByTheNextRunOnceItIsBack() throws Exception {
        String marker = id("s3down");
        String messageId = send(moderationDlq, "not json " + marker, "INVALID_BODY: not a JSON object");
        EmbeddedStack.shared().stopS3();
        JsonNode during;
        try {
            during = http.postForObject("/api/dlq/moderation/reprocess", null, JsonNode.class);
        } finally {
            EmbeddedStack.shared().startS3();
        }

        assertThat(during).isEqualTo(JSON.readTree("{\"requeued\":0,\"archived\":0,\"flagged\":0,\"failed\":1}"));
        // still in the DLQ (given back at once: the next run, below, finds it within the receive visibility, 60 s)
        assertThat(attribute(moderationDlq, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)
                + attribute(moderationDlq, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).isEqualTo(1);
        await().atMost(WAIT).until(() -> "UP".equals(http.getForObject("/actuator/health", JsonNode.class)
                .path("components").path("s3").path("status").asText()));

        JsonNode after = http.postForObject("/api/dlq/moderation/reprocess", null, JsonNode.class);

        assertThat(after).isEqualTo(JSON.readTree("{\"requeued\":0,\"archived\":1,\"flagged\":0,\"failed\":0}"));
        List<JsonNode> archived = documents(properties.archivePrefix() + "/moderation/").stream().map(o -> read(o.key()))
                .filter(d -> d.path("messageId").asText().equals(messageId)).toList();
        assertThat(archived).hasSize(1);
        assertThat(archived.get(0).path("body").asText()).isEqualTo("not json " + marker);
        assertThat(archived.get(0).path("reason").asText()).isEqualTo("INVALID_BODY: not a JSON object");
        assertThat(attribute(moderationDlq, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)
                + attribute(moderationDlq, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).isZero();
    }

    @Test
    void anUnknownQueueIs404AndABadMax400() {
        ResponseEntity<JsonNode> unknown = http.postForEntity("/api/dlq/orders/reprocess", null, JsonNode.class);
        ResponseEntity<JsonNode> flagged = http.getForEntity("/api/dlq/orders/flagged", JsonNode.class);
        ResponseEntity<JsonNode> badMax = http.postForEntity("/api/dlq/moderation/reprocess?max=0", null, JsonNode.class);
        ResponseEntity<JsonNode> tooMany = http.postForEntity("/api/dlq/moderation/reprocess?max=100000", null, JsonNode.class);

        assertThat(unknown.getStatusCode().value()).isEqualTo(404);
        assertThat(unknown.getBody().path("code").asText()).isEqualTo("UNKNOWN_QUEUE");
        assertThat(unknown.getBody().path("error").asText()).contains("deferred, enrichment, moderation");
        assertThat(flagged.getStatusCode().value()).isEqualTo(404);
        assertThat(badMax.getStatusCode().value()).isEqualTo(400);
        assertThat(badMax.getBody().path("code").asText()).isEqualTo("INVALID_MAX");
        assertThat(tooMany.getStatusCode().value()).isEqualTo(400);
    }

    // --- helpers

    private static String id(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String job(String contentId) {
        return "{\"contentId\":\"" + contentId + "\",\"contentType\":\"review\",\"text\":\"A fine volume.\"}";
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    /** Sends to a standard queue, with a failureReason attribute unless null; returns the message id. */
    private String send(String queueUrl, String body, String reason) {
        return sqs.sendMessage(b -> {
            b.queueUrl(queueUrl).messageBody(body);
            if (reason != null) {
                b.messageAttributes(Map.of("failureReason", text(reason)));
            }
        }).messageId();
    }

    private String url(String queue) {
        return sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
    }

    private int attribute(String queueUrl, QueueAttributeName name) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(name)).attributes().get(name));
    }

    private void visibility(String queueUrl, Duration timeout) {
        sqs.setQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(timeout.toSeconds()))));
    }

    private List<S3Object> documents(String prefix) {
        return s3.listObjectsV2(b -> b.bucket(properties.bucket()).prefix(prefix)).contents();
    }

    private JsonNode read(String key) {
        try {
            return JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(properties.bucket()).key(key)).asUtf8String());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private S3Object awaitResult(String contentId) {
        return await().atMost(WAIT).until(() -> documents(moderation.resultsPrefix() + "/").stream()
                .filter(o -> o.key().endsWith("/" + contentId + ".json")).toList(), r -> r.size() == 1).get(0);
    }

    /** Model requests whose prompt names the id. */
    private long requestsAbout(String id) {
        return bedrock.requests().stream().map(EmulatorControl.RecordedRequest::body)
                .filter(b -> b != null && b.path("messages").path(0).path("content").asText().contains(id)).count();
    }

    /** Takes the first message that matches off the queue. */
    private Message awaitMessage(String queueUrl, Predicate<Message> matches) {
        return await().atMost(WAIT).until(() -> {
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).visibilityTimeout(0)
                    .messageSystemAttributeNamesWithStrings("All").messageAttributeNames("All")).messages()) {
                if (matches.test(m)) {
                    sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                    return m;
                }
            }
            return null;
        }, m -> m != null);
    }
}
