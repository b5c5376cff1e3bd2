package mangaassist.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The enrichment flow end to end on the embedded stack: the API, ElasticMQ's FIFO queue and its redrive policy, the
 * Bedrock emulator (with injected faults), DynamoDB Local.
 *
 * <p>Redelivery waits for the queue's visibility timeout, 300 s in the topology (3 receives: 15 minutes). This class
 * sets the queue's VisibilityTimeout attribute to 2 s through SQS itself while it runs and puts the topology's value
 * back after each test: the shared application and its configuration stay as they are, and the redrive path is the
 * queue's own.
 */
@FlowTest
class EnrichmentFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration TEST_VISIBILITY = Duration.ofSeconds(2);
    private static final String HAIKU = "anthropic.claude-3-haiku";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The application's REST client, sending the development API key: this flow's API needs it. */
    TestRestTemplate http;
    @Autowired
    SqsClient sqs;
    @Autowired
    DynamoDbClient dynamoDb;
    EmulatorControl bedrock;
    @Autowired
    EnrichmentProperties properties;
    @Autowired
    TopologyProperties topology;
    @Autowired
    org.apache.camel.CamelContext camel;
    @Autowired
    org.apache.camel.ProducerTemplate template;

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
    void aJobThroughTheApiEndsInTheCatalogThoughItsItemDidNotExist() throws Exception {
        String mangaId = id("new");
        ResponseEntity<JsonNode> answer = post("/api/enrichment/jobs", Map.of("mangaId", mangaId,
                "title", "One Piece " + mangaId, "titleJp", "ワンピース", "enrichmentType", "tags", "priority", "high"));

        assertThat(answer.getStatusCode().value()).isEqualTo(202);
        assertThat(answer.getBody().path("messageId").asText()).isNotBlank();
        Map<String, AttributeValue> enrichment = awaitEnrichment(mangaId, "tags");
        // the emulator answers in prose, not JSON: stored as the seed does
        assertThat(enrichment.get("tags").m().get("raw_text").s()).isNotBlank();
        assertThat(Long.parseLong(enrichment.get("lastUpdated").n())).isPositive();
        JsonNode request = requestsAbout(mangaId).get(0);
        assertThat(request.path("max_tokens").asInt()).isEqualTo(1024);
        assertThat(request.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(request.path("messages").path(0).path("content").asText())
                .startsWith("Generate relevant tags/genres for this manga title.")
                .contains("Japanese Title: ワンピース");
        assertThat(bedrock.invocationsFor(HAIKU)).isEqualTo(1);
    }

    @Test
    void anItemWithoutAnEnrichmentMapGetsOneAndKeepsItsAttributesWhereTheSeedsUpdateFails() {
        String mangaId = id("old");
        dynamoDb.putItem(b -> b.tableName(properties.catalogTable()).item(Map.of(
                "mangaId", AttributeValue.fromS(mangaId), "title", AttributeValue.fromS("Kept"))));
        // the seed's update expression on this item: the document path does not exist
        assertThatThrownBy(() -> dynamoDb.updateItem(b -> b.tableName(properties.catalogTable())
                .key(Map.of("mangaId", AttributeValue.fromS(mangaId)))
                .updateExpression("SET #enrichment.#etype = :data, #enrichment.#updated = :ts")
                .expressionAttributeNames(Map.of("#enrichment", "enrichment", "#etype", "synopsis", "#updated", "lastUpdated"))
                .expressionAttributeValues(Map.of(":data", AttributeValue.fromS("x"), ":ts", AttributeValue.fromN("1")))))
                .isInstanceOf(DynamoDbException.class).hasMessageContaining("document path");

        post("/api/enrichment/jobs", Map.of("mangaId", mangaId, "title", "Title " + mangaId));
        awaitEnrichment(mangaId, "synopsis");
        post("/api/enrichment/jobs", Map.of("mangaId", mangaId, "title", "Title " + mangaId, "enrichmentType", "recommendations"));
        Map<String, AttributeValue> enrichment = awaitEnrichment(mangaId, "recommendations");

        assertThat(enrichment).containsKeys("synopsis", "recommendations", "lastUpdated");
        assertThat(item(mangaId).get("title").s()).isEqualTo("Kept");
    }

    @Test
    void aRedeliveredJobLeavesTheSameItem() {
        String mangaId = id("again");
        String body = seedBody(mangaId, "Again " + mangaId, "synopsis");
        sendRaw(body, EnrichmentIds.groupId(mangaId));
        Map<String, AttributeValue> first = awaitEnrichment(mangaId, "synopsis");
        // the same job again (another dedup id: as a redelivery would be received)
        sendRaw(body, EnrichmentIds.groupId(mangaId));
        await().atMost(WAIT).until(() -> requestsAbout(mangaId).size() == 2 && !queueHolds(mangaId));

        await().atMost(WAIT).untilAsserted(() -> assertThat(item(mangaId).get("enrichment").m().get("synopsis"))
                .isEqualTo(first.get("synopsis")));
        assertThat(item(mangaId).keySet()).containsExactlyInAnyOrder("mangaId", "enrichment");
    }

    @Test
    void aBatchQueuesEveryEntryWithItsOwnDeduplicationId() {
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String mangaId = id("b" + i);
            jobs.add(Map.of("mangaId", mangaId, "title", "Batch " + mangaId));
        }
        ResponseEntity<JsonNode> answer = post("/api/enrichment/jobs/batch", Map.of("jobs", jobs, "enrichmentType", "synopsis"));

        assertThat(answer.getStatusCode().value()).isEqualTo(202);
        assertThat(answer.getBody().path("successful").asInt()).isEqualTo(12);
        assertThat(answer.getBody().path("failed").asInt()).isZero();
        // entries sharing a dedup id would have been queued once, all with the first one's message id
        List<String> ids = new ArrayList<>();
        answer.getBody().path("messageIds").forEach(n -> ids.add(n.asText()));
        assertThat(new HashSet<>(ids)).hasSize(12);
        jobs.forEach(job -> awaitEnrichment((String) job.get("mangaId"), "synopsis"));
    }

    @Test
    void aTransientFailureIsReceivedExactlyThreeTimesThenTheRedriveMovesItToTheDlq() {
        String mangaId = id("throttled");
        bedrock.failNext(Fault.THROTTLING, 3, HAIKU);
        post("/api/enrichment/jobs", Map.of("mangaId", mangaId, "title", "Throttled " + mangaId));

        Message dead = awaitDeadLetter(m -> m.body().contains(mangaId));

        assertThat(requestsAbout(mangaId)).hasSize(3);
        assertThat(dead.attributes().get(software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.DEAD_LETTER_QUEUE_SOURCE_ARN))
                .endsWith(properties.queue());
        assertThat(item(mangaId)).isEmpty();
    }

    @Test
    void aPermanentFailureGoesToTheDlqAtOnceWithItsReasonAndDoesNotHoldItsGroup() {
        String mangaId = id("poison");
        String group = EnrichmentIds.groupId(mangaId);
        sendRaw("not json at all " + mangaId, group);
        sendRaw("{\"jobType\":\"catalog_enrichment\",\"enrichmentType\":\"summary\",\"manga\":{\"title\":\"" + mangaId + "\"}}", group);
        sendRaw(seedBody(mangaId, "After the poison " + mangaId, "synopsis"), group);

        Message unreadable = awaitDeadLetter(m -> m.body().equals("not json at all " + mangaId));
        Message invalid = awaitDeadLetter(m -> m.body().contains("\"summary\"") && m.body().contains(mangaId));
        awaitEnrichment(mangaId, "synopsis");

        // the consumer's edge (json-validator, enrichment-job.v1): the reason names each failing field path
        assertThat(reason(unreadable)).isEqualTo("INVALID_BODY: not a JSON object; [enrichment-job.v1.json]");
        assertThat(reason(invalid)).isEqualTo("INVALID_FIELDS: enrichmentType does not have a value in the enumeration"
                + " [\"synopsis\", \"tags\", \"recommendations\", null]; manga.id is required; [enrichment-job.v1.json]");
        // received once each: deleted from the source by us, not moved by the redrive after 3 receives
        assertThat(unreadable.attributes()).doesNotContainKey(
                software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.DEAD_LETTER_QUEUE_SOURCE_ARN);
        assertThat(requestsAbout(mangaId)).hasSize(1);
    }

    @Test
    void onlyTheFailedMessageOfAPollIsProcessedAgain() {
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String mangaId = id("p" + i);
            jobs.add(Map.of("mangaId", mangaId, "title", "Partial " + mangaId));
        }
        bedrock.failNext(Fault.THROTTLING, 1, HAIKU);
        post("/api/enrichment/jobs/batch", jobs);

        jobs.forEach(job -> awaitEnrichment((String) job.get("mangaId"), "synopsis"));
        int calls = jobs.stream().mapToInt(job -> requestsAbout((String) job.get("mangaId")).size()).sum();
        assertThat(calls).as("3 jobs, one failed once").isEqualTo(4);
    }

    @Test
    void aGroupsMessagesAreProcessedInOrderEvenWhenTheFirstFails() {
        String series = UUID.randomUUID().toString().substring(0, 8);
        List<String> mangaIds = List.of(series + "-vol1", series + "-vol2", series + "-vol3");
        bedrock.failNext(Fault.THROTTLING, 1, HAIKU);
        post("/api/enrichment/jobs/batch", mangaIds.stream().map(m -> Map.of("mangaId", m, "title", "Order " + m)).toList());

        mangaIds.forEach(m -> awaitEnrichment(m, "synopsis"));
        List<String> order = new ArrayList<>();
        for (EmulatorControl.RecordedRequest request : bedrock.requests()) {
            String prompt = request.body().path("messages").path(0).path("content").asText();
            mangaIds.stream().filter(prompt::contains).findFirst().ifPresent(order::add);
        }
        // vol1 failed once; vol2 and vol3 waited for it
        assertThat(order).containsExactly(mangaIds.get(0), mangaIds.get(0), mangaIds.get(1), mangaIds.get(2));
    }

    /**
     * Issue #22, poison: 1,000 jobs in 100 groups of 10, one poison message (permanent: unreadable or invalid) in each of
     * 50 groups at a different place. 950 are done once each, the 50 are in the DLQ with their reason, received once
     * (dead-lettered by the flow, not by the redrive after 3 receives), no message after a poison one waits for it, and
     * each group's jobs reach the model in the order they were queued. The model answers at once.
     */
    @Test
    void fiftyPoisonMessagesAmongAThousandGoToTheDlqAndHoldNoGroup() {
        // nothing here is redelivered on purpose: the topology's visibility timeout, not this class's 2 s, so that a
        // slow machine does not see a message again while its poll is still at work (and count it twice)
        visibility(Duration.ofSeconds(300));
        bedrock.historyLimit(5_000);
        String run = UUID.randomUUID().toString().substring(0, 4);
        List<String> good = new ArrayList<>();
        Map<String, List<String>> goodByGroup = new java.util.LinkedHashMap<>();
        List<String> poison = new ArrayList<>();
        for (int g = 0; g < 100; g++) {
            // the group id is "manga-" + the id's first 8 characters: one series prefix per group
            String series = String.format("p%s%03d", run, g);
            String group = EnrichmentIds.groupId(series);
            List<software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int v = 0; v < 10; v++) {
                String mangaId = series + "-v" + v;
                String body;
                if (g % 2 == 0 && v == (g / 2) % 10) {
                    poison.add(mangaId);
                    body = g % 4 == 0 ? "not json at all " + mangaId
                            : "{\"jobType\":\"catalog_enrichment\",\"enrichmentType\":\"summary\",\"manga\":{\"id\":\""
                                    + mangaId + "\",\"title\":\"Poison " + mangaId + "\"}}";
                } else {
                    good.add(mangaId);
                    goodByGroup.computeIfAbsent(group, k -> new ArrayList<>()).add(mangaId);
                    body = seedBody(mangaId, "Title " + mangaId, "synopsis");
                }
                String entryBody = body;
                entries.add(software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry.builder()
                        .id("e" + v).messageBody(entryBody).messageGroupId(group)
                        .messageDeduplicationId(UUID.randomUUID().toString()).build());
            }
            assertThat(sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)).failed()).isEmpty();
        }
        assertThat(good).hasSize(950);
        assertThat(poison).hasSize(50);

        List<Message> dead = new ArrayList<>();
        java.util.Set<String> pending = new HashSet<>(good);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            pending.removeIf(mangaId -> {
                AttributeValue enrichment = item(mangaId).get("enrichment");
                return enrichment != null && enrichment.m().containsKey("synopsis");
            });
            dead.addAll(takeDeadLetters(m -> poison.stream().anyMatch(m.body()::contains)));
            assertThat(pending).as("jobs not done yet").isEmpty();
            assertThat(dead).as("poison messages in the DLQ").hasSizeGreaterThanOrEqualTo(poison.size());
        });

        assertThat(dead).hasSize(50);
        for (String mangaId : poison) {
            Message m = dead.stream().filter(d -> d.body().contains(mangaId)).findFirst().orElseThrow();
            assertThat(reason(m)).as(mangaId).startsWith(m.body().startsWith("not json") ? "INVALID_BODY" : "INVALID_FIELDS");
            assertThat(m.attributes()).as("received once, not moved by the redrive").doesNotContainKey(
                    software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.DEAD_LETTER_QUEUE_SOURCE_ARN);
        }
        // one model call per good job, in its group's order; none for a poison one
        Map<String, List<String>> calledByGroup = new java.util.LinkedHashMap<>();
        for (EmulatorControl.RecordedRequest request : bedrock.requests()) {
            String prompt = request.body() == null ? "" : request.body().path("messages").path(0).path("content").asText();
            int at = prompt.indexOf("Title p" + run);
            if (at >= 0) {
                String mangaId = prompt.substring(at + "Title ".length()).split("\\s")[0];
                calledByGroup.computeIfAbsent(EnrichmentIds.groupId(mangaId), k -> new ArrayList<>()).add(mangaId);
            }
        }
        assertThat(calledByGroup).isEqualTo(goodByGroup);
    }

    @Test
    void badFieldsAreRefusedWithAnErrorPerField() {
        ResponseEntity<JsonNode> answer = post("/api/enrichment/jobs",
                Map.of("mangaId", "", "enrichmentType", "summary", "priority", "urgent"));

        assertThat(answer.getStatusCode().value()).isEqualTo(400);
        assertThat(answer.getBody().path("status").asText()).isEqualTo("error");
        assertThat(answer.getBody().path("code").asText()).isEqualTo("INVALID_JOB");
        List<String> fields = new ArrayList<>();
        answer.getBody().path("errors").forEach(e -> fields.add(e.path("field").asText()));
        assertThat(fields).containsExactlyInAnyOrder("mangaId", "title", "enrichmentType", "priority");
    }

    /**
     * The scheduled producer's work (the schedule itself is off in tests: EnrichmentRouteTest fires it): catalog items
     * lacking an enrichment type get a job of it, items having it get none, items without a title are skipped.
     */
    @Test
    void theBackfillQueuesJobsOnlyForTheTypesAnItemLacks() {
        assertThat(camel.getRoute("enrichment-schedule")).as("the schedule is off in tests").isNull();
        String bare = id("bare");
        String complete = id("complete");
        String partial = id("partial");
        String untitled = id("untitled");
        putItem(bare, "Bare " + bare, null);
        putItem(complete, "Complete " + complete, Map.of("synopsis", "s", "tags", "t", "recommendations", "r"));
        putItem(partial, "Partial " + partial, Map.of("synopsis", "s"));
        putItem(untitled, null, null);

        @SuppressWarnings("unchecked")
        Map<String, Object> report = template.requestBody("direct:enrichment-backfill", null, Map.class);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) report.get("jobs");
        Map<String, List<String>> typesById = new java.util.HashMap<>();
        jobs.forEach(j -> typesById.computeIfAbsent((String) j.get("mangaId"), k -> new ArrayList<>()).add((String) j.get("enrichmentType")));
        assertThat(typesById.get(bare)).containsExactlyInAnyOrder("synopsis", "tags", "recommendations");
        assertThat(typesById.get(partial)).containsExactlyInAnyOrder("tags", "recommendations");
        assertThat(typesById).doesNotContainKeys(complete, untitled);
        assertThat(report.get("failed")).isEqualTo(0);
        assertThat(jobs).allSatisfy(j -> assertThat(j.get("messageId")).isNotNull());
        // the enrichment consumer does them: every job the run queued (this test's and any other titled item's) is done
        // before the next test injects faults
        jobs.forEach(j -> awaitEnrichment((String) j.get("mangaId"), (String) j.get("enrichmentType")));
        assertThat(item(partial).get("enrichment").m().get("synopsis").s()).as("what it had is kept").isEqualTo("s");
        assertThat(item(complete).get("enrichment").m().get("tags").s()).isEqualTo("t");
    }

    // --- helpers

    private void putItem(String mangaId, String title, Map<String, String> enrichment) {
        Map<String, AttributeValue> item = new java.util.HashMap<>();
        item.put("mangaId", AttributeValue.fromS(mangaId));
        if (title != null) {
            item.put("title", AttributeValue.fromS(title));
        }
        if (enrichment != null) {
            Map<String, AttributeValue> map = new java.util.HashMap<>();
            enrichment.forEach((k, v) -> map.put(k, AttributeValue.fromS(v)));
            item.put("enrichment", AttributeValue.fromM(map));
        }
        dynamoDb.putItem(b -> b.tableName(properties.catalogTable()).item(item));
    }

    private static String id(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String seedBody(String mangaId, String title, String type) {
        return "{\"jobType\":\"catalog_enrichment\",\"enrichmentType\":\"" + type + "\",\"manga\":{\"id\":\"" + mangaId
                + "\",\"title\":\"" + title + "\",\"titleJp\":\"テスト\"},\"priority\":\"normal\",\"requestedAt\":1700000000}";
    }

    private void sendRaw(String body, String group) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body).messageGroupId(group)
                .messageDeduplicationId(UUID.randomUUID().toString()));
    }

    private ResponseEntity<JsonNode> post(String path, Object body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        try {
            return http.postForEntity(path, new HttpEntity<>(JSON.writeValueAsString(body), headers), JsonNode.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, AttributeValue> item(String mangaId) {
        return dynamoDb.getItem(b -> b.tableName(properties.catalogTable()).consistentRead(true)
                .key(Map.of("mangaId", AttributeValue.fromS(mangaId)))).item();
    }

    private Map<String, AttributeValue> awaitEnrichment(String mangaId, String type) {
        return await().atMost(WAIT).until(() -> {
            AttributeValue enrichment = item(mangaId).get("enrichment");
            return enrichment == null ? null : enrichment.m();
        }, e -> e != null && e.containsKey(type));
    }

    /** The model requests whose prompt names the manga (the title carries its id). */
    private List<JsonNode> requestsAbout(String mangaId) {
        return bedrock.requests().stream().map(EmulatorControl.RecordedRequest::body)
                .filter(b -> b != null && b.path("messages").path(0).path("content").asText().contains(mangaId)).toList();
    }

    private boolean queueHolds(String mangaId) {
        // a peek: visibility 0 leaves every message where it was
        return sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).visibilityTimeout(0)).messages()
                .stream().anyMatch(m -> m.body().contains(mangaId));
    }

    /** Takes the first DLQ message that matches off the DLQ; others stay visible for their own tests. */
    private Message awaitDeadLetter(Predicate<Message> matches) {
        return DeadLetters.await(sqs, dlqUrl, matches, WAIT);
    }

    /** Takes every DLQ message that matches off the DLQ (one receive of up to 10); others stay for their own tests. */
    private List<Message> takeDeadLetters(Predicate<Message> matches) {
        return DeadLetters.take(sqs, dlqUrl, matches, 10);
    }

    private static String reason(Message message) {
        MessageAttributeValue value = message.messageAttributes().get(EnrichmentSteps.ATTRIBUTE_REASON);
        return value == null ? "" : value.stringValue();
    }

    private void visibility(Duration timeout) {
        sqs.setQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(timeout.toSeconds()))));
    }
}
