package mangaassist.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.bedrock.EmulatorControl;
import mangaassist.devstack.bedrock.Fault;
import mangaassist.platform.AsyncJobMetrics;
import mangaassist.platform.TopologyProperties;
import mangaassist.support.CallbackReceiver;
import mangaassist.support.DeadLetters;
import mangaassist.support.DevelopmentKey;
import mangaassist.support.FlowTest;
import org.apache.camel.CamelContext;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.spi.InflightRepository;
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
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The deferred flow end to end on the embedded stack: the API, ElasticMQ's standard queue and its redrive policy, the
 * Bedrock emulator (latency and faults), DynamoDB Local, and a callback receiver in this test (the JDK's HTTP server
 * on a loopback port) that answers as each test scripts it.
 *
 * <p>A test that waits for a redelivery sets the queue's VisibilityTimeout through SQS (the topology's 180 s back
 * after it), as EnrichmentFlowTest does. Faults are injected for Sonnet, which the jobs of those tests name, so that
 * other flows' Haiku calls cannot take them. The callback's timeout is 1 s in flow tests (@FlowTest).
 */
@FlowTest
class DeferredFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SONNET = "anthropic.claude-3-sonnet";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The application's REST client, sending the development API key: this flow's API needs it. */
    TestRestTemplate http;
    @Autowired
    SqsClient sqs;
    @Autowired
    DynamoDbClient dynamoDb;
    @Autowired
    CamelContext camel;
    @Autowired
    MeterRegistry meters;
    @Autowired
    DeferredProperties properties;
    @Autowired
    TopologyProperties topology;

    EmulatorControl bedrock;
    CallbackReceiver receiver;
    String queueUrl;
    String dlqUrl;

    @Autowired
    void apiClient(TestRestTemplate anonymous) {
        http = DevelopmentKey.sending(anonymous);
    }

    @BeforeEach
    void setUp() {
        queueUrl = sqs.getQueueUrl(b -> b.queueName(properties.queue())).queueUrl();
        dlqUrl = sqs.getQueueUrl(b -> b.queueName(properties.deadLetterQueue())).queueUrl();
        bedrock = EmbeddedStack.shared().bedrock().control().reset();
        receiver = CallbackReceiver.start();
        // lets a test see the exchanges in flight (their receipt handles), not only count them
        camel.getInflightRepository().setInflightBrowseEnabled(true);
    }

    @AfterEach
    void tearDown() {
        receiver.close();
        bedrock.reset();
        visibility(topology.queues().stream().filter(q -> q.name().equals(properties.queue())).findFirst()
                .orElseThrow().visibilityTimeout());
    }

    @Test
    void anInferenceJobPostsItsResultToTheCallbackOnce() throws Exception {
        String marker = marker();
        String path = "/cb/" + marker;
        ResponseEntity<JsonNode> answer = post(Map.of("jobType", "deferred_inference",
                "prompt", "ワンピースの魅力を教えてください (" + marker + ")", "callbackUrl", receiver.url(path) + "?token=s3cret"));

        assertThat(answer.getStatusCode().value()).isEqualTo(202);
        String jobId = answer.getBody().path("jobId").asText();
        assertThat(answer.getBody().path("messageId").asText()).isNotBlank();
        CallbackReceiver.Received callback = await().atMost(WAIT).until(() -> receiver.received(path), r -> !r.isEmpty()).get(0);

        JsonNode payload = JSON.readTree(callback.body());
        assertThat(payload.path("status").asText()).isEqualTo("completed");
        assertThat(payload.path("jobId").asText()).isEqualTo(jobId);
        // the emulator answers a Japanese question in Japanese: sent as UTF-8, not mangled into '?'
        assertThat(payload.path("result").asText()).isNotBlank().containsPattern("[\\u3040-\\u30ff\\u4e00-\\u9fff]");
        assertThat(callback.contentType()).containsIgnoringCase("application/json").containsIgnoringCase("utf-8");
        assertThat(callback.query()).isEqualTo("token=s3cret");
        // the seed's request: Haiku by default, max_tokens 2048
        List<EmulatorControl.RecordedRequest> calls = requestsAbout(marker);
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).modelId()).startsWith("anthropic.claude-3-haiku");
        assertThat(calls.get(0).body().path("max_tokens").asInt()).isEqualTo(2048);
        // received once, deleted: no second callback, nothing left on the queue
        await().atMost(WAIT).until(() -> !queueHolds(marker));
        assertThat(receiver.received(path)).hasSize(1);
        await().atMost(WAIT).until(() -> jobTimer("deferred_inference", "success") != null);
    }

    @Test
    void aCallbackAnswering500IsTriedAgainWithoutAskingTheModelAgain() {
        String marker = marker();
        String path = "/cb/" + marker;
        receiver.answer(path, 500, 503);
        post(inference(marker, receiver.url(path), null));

        await().atMost(WAIT).until(() -> receiver.received(path).size() == 3);

        assertThat(requestsAbout(marker)).as("one model call: the callback is retried, not the job").hasSize(1);
        await().atMost(WAIT).until(() -> !queueHolds(marker));
        assertThat(receiver.received(path)).hasSize(3);
        assertThat(receiver.received(path)).extracting(CallbackReceiver.Received::body).containsOnly(receiver.received(path).get(0).body());
    }

    @Test
    void aCallbackThatNeverAnswersTimesOutAndFreesTheWorkerTheMessageStaysForRedelivery() throws Exception {
        String marker = marker();
        String path = "/cb/" + marker;
        receiver.hang(path);
        double failuresBefore = errors("CALLBACK_FAILED");
        post(inference(marker, receiver.url(path), null));

        // the job's exchange, while its callback hangs: its receipt handle, to bring the message back afterwards
        String receipt = await().atMost(WAIT).until(() -> receiptHandleInFlight(marker), r -> r != null);
        int tries = properties.callback().retries() + 1;
        await().atMost(WAIT).until(() -> receiver.received(path).size() == tries);
        // the worker is free again while the target still hangs: the client gave up each try after its timeout
        await().atMost(Duration.ofMillis(properties.callback().worstCaseMs()).plusSeconds(10))
                .until(() -> receiptHandleInFlight(marker) == null);
        assertThat(receiver.received(path)).hasSize(tries);
        List<CallbackReceiver.Received> attempts = receiver.received(path);
        for (int i = 1; i < attempts.size(); i++) {
            assertThat(TimeUnit.NANOSECONDS.toMillis(attempts.get(i).atNanos() - attempts.get(i - 1).atNanos()))
                    .as("a try waits for its timeout before the next").isGreaterThanOrEqualTo(properties.callback().timeoutMs());
        }
        assertThat(errors("CALLBACK_FAILED")).isEqualTo(failuresBefore + 1);
        assertThat(deadLetters(m -> m.body().contains(marker))).as("a transient failure is not dead-lettered").isEmpty();

        // not deleted: made visible again, the message comes back, and the target answers this time
        receiver.release();
        sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(receipt).visibilityTimeout(0));
        await().atMost(WAIT).until(() -> receiver.received(path).size() == tries + 1 && !queueHolds(marker));
        assertThat(requestsAbout(marker)).as("the job was done again on its redelivery").hasSize(2);
    }

    @Test
    void aTransientFailureIsReceivedExactlyFiveTimesThenTheRedriveMovesItToTheDlq() {
        visibility(Duration.ofSeconds(2));
        String marker = marker();
        String path = "/cb/" + marker;
        bedrock.failNext(Fault.THROTTLING, 5, SONNET);
        post(inference(marker, receiver.url(path), "anthropic.claude-3-sonnet-20240229-v1:0"));

        Message dead = awaitDeadLetter(m -> m.body().contains(marker));

        assertThat(requestsAbout(marker)).as("one model call per receive, 5 receives").hasSize(5);
        assertThat(dead.attributes().get(MessageSystemAttributeName.DEAD_LETTER_QUEUE_SOURCE_ARN)).endsWith(properties.queue());
        assertThat(receiver.received(path)).isEmpty();
    }

    @Test
    void anUnknownJobTypeGoesToTheDlqAtOnceWithItsReason() {
        String marker = marker();
        sendRaw("{\"jobType\":\"deferred_translation\",\"jobId\":\"" + marker + "\",\"prompt\":\"x\"}");

        Message dead = awaitDeadLetter(m -> m.body().contains(marker));

        assertThat(reason(dead)).isEqualTo("UNKNOWN_JOB_TYPE: jobType 'deferred_translation'"
                + " (known: deferred_inference|batch_recommendation) [deferred-job.v1.json]");
        // sent by the flow after its first receive, not moved by the redrive after five
        assertThat(dead.attributes()).doesNotContainKey(MessageSystemAttributeName.DEAD_LETTER_QUEUE_SOURCE_ARN);
        assertThat(dead.messageAttributes().get(DeferredSteps.ATTRIBUTE_SOURCE_MESSAGE).stringValue()).isNotBlank();
        await().atMost(WAIT).until(() -> !queueHolds(marker));
        assertThat(requestsAbout(marker)).isEmpty();
    }

    @Test
    void anUnreadableBodyAndInvalidFieldsGoToTheDlqAtOnceWithTheirReasons() {
        String marker = marker();
        sendRaw("not json " + marker);
        sendRaw("{\"jobType\":\"batch_recommendation\",\"jobId\":\"" + marker + "\",\"mangaIds\":[]}");

        Message unreadable = awaitDeadLetter(m -> m.body().equals("not json " + marker));
        Message invalid = awaitDeadLetter(m -> m.body().contains(marker) && m.body().contains("mangaIds"));

        // the consumer's edge (json-validator, deferred-job.v1): the reason names each failing field path
        assertThat(reason(unreadable)).isEqualTo("INVALID_BODY: not a JSON object; [deferred-job.v1.json]");
        assertThat(reason(invalid)).isEqualTo("INVALID_FIELDS: mangaIds must have at least 1 items but found 0; [deferred-job.v1.json]");
        assertThat(invalid.messageAttributes().get(DeferredSender.ATTRIBUTE_JOB_TYPE)).isNull();
    }

    @Test
    void aCallbackTargetRefusingTheResultSendsTheJobToTheDlqWithoutRetrying() {
        String marker = marker();
        String path = "/cb/" + marker;
        receiver.answer(path, 404);
        post(inference(marker, receiver.url(path) + "?token=s3cret", null));

        Message dead = awaitDeadLetter(m -> m.body().contains(marker));

        assertThat(reason(dead)).isEqualTo("CALLBACK_REFUSED: HTTP 404 from " + receiver.url("")).doesNotContain("s3cret");
        assertThat(receiver.received(path)).hasSize(1);
        assertThat(requestsAbout(marker)).hasSize(1);
    }

    @Test
    void aBatchRecommendationStoresEachMangasRecommendationsInTheCatalog() {
        String series = marker();
        List<String> known = List.of(series + "-a", series + "-b");
        String unknown = series + "-unknown";
        for (String id : known) {
            dynamoDb.putItem(b -> b.tableName(properties.catalogTable()).item(Map.of(
                    "mangaId", AttributeValue.fromS(id), "title", AttributeValue.fromS("Title " + id),
                    "titleJp", AttributeValue.fromS("タイトル"))));
        }
        double unknownBefore = errors("UNKNOWN_MANGA");
        ResponseEntity<JsonNode> answer = post(Map.of("jobType", "batch_recommendation",
                "mangaIds", List.of(known.get(0), unknown, known.get(1))));
        assertThat(answer.getStatusCode().value()).isEqualTo(202);

        for (String id : known) {
            Map<String, AttributeValue> enrichment = await().atMost(WAIT).until(() -> enrichment(id),
                    e -> e != null && e.containsKey("recommendations"));
            // the emulator answers in prose: stored as the enrichment flow stores it
            assertThat(enrichment.get("recommendations").m().get("raw_text").s()).isNotBlank();
            assertThat(Long.parseLong(enrichment.get("lastUpdated").n())).isPositive();
            assertThat(item(id).get("title").s()).isEqualTo("Title " + id);
            JsonNode prompt = requestsAbout(id).get(0).body();
            assertThat(prompt.path("messages").path(0).path("content").asText())
                    .startsWith("Based on this manga title, suggest 5 similar manga").contains("Japanese Title: タイトル");
        }
        await().atMost(WAIT).until(() -> jobTimer("batch_recommendation", "success") != null && !queueHolds(series));
        assertThat(item(unknown)).as("an unknown manga gets no item").isEmpty();
        assertThat(requestsAbout(unknown)).isEmpty();
        assertThat(errors("UNKNOWN_MANGA")).isEqualTo(unknownBefore + 1);
    }

    @Test
    void badFieldsAreRefusedWithAnErrorPerField() {
        ResponseEntity<JsonNode> answer = post(Map.of("jobType", "deferred_inference", "modelId", "gpt-4",
                "callbackUrl", "ftp://example.com/x"));

        assertThat(answer.getStatusCode().value()).isEqualTo(400);
        assertThat(answer.getBody().path("code").asText()).isEqualTo("INVALID_JOB");
        assertThat(fields(answer)).containsExactlyInAnyOrder("prompt", "modelId", "callbackUrl");

        ResponseEntity<JsonNode> sns = post(Map.of("jobType", "deferred_inference", "prompt", "x",
                "callbackUrl", "sns:arn:aws:sns:ap-northeast-1:123456789012:manga-callbacks"));
        assertThat(sns.getStatusCode().value()).as("no SNS callbacks on the embedded stack").isEqualTo(400);
        assertThat(fields(sns)).containsExactly("callbackUrl");

        ResponseEntity<JsonNode> unknown = post(Map.of("jobType", "deferred_translation"));
        assertThat(unknown.getStatusCode().value()).isEqualTo(400);
        assertThat(fields(unknown)).containsExactly("jobType");
    }

    /**
     * Stopping the consumer with jobs in flight (as the application's shutdown stops every route): the jobs in flight
     * finish, the rest stay on the queue, none is lost and none is done twice. It fails if a message were deleted
     * before its job was done (callbacks + messages on the queue would fall short of the jobs sent) or done without
     * being deleted (they would exceed it).
     */
    @Test
    void stoppingTheConsumerWithJobsInFlightLosesNoneAndDoesNoneTwice() throws Exception {
        // long enough for a thread's whole poll (up to 10 jobs of ~1 s) to run within it: no redelivery while in flight
        visibility(Duration.ofSeconds(20));
        bedrock.latency(Duration.ofMillis(1000), Duration.ZERO);
        String marker = marker();
        String path = "/cb/" + marker;
        int jobs = 12;
        // messages of other tests still on the queue (none, unless one failed): not this test's
        int before = messagesOnQueue();
        Set<String> jobIds = new HashSet<>();
        for (int i = 0; i < jobs; i++) {
            String jobId = marker + "-" + i;
            jobIds.add(jobId);
            post(Map.of("jobType", "deferred_inference", "jobId", jobId, "prompt", "Shutdown " + jobId,
                    "callbackUrl", receiver.url(path)));
        }
        InflightRepository inflight = camel.getInflightRepository();
        // jobs under way: their model calls (1 s each) have started
        await().atMost(WAIT).until(() -> requestsAbout(marker).size() >= 3);

        camel.getRouteController().stopRoute("deferred-consume");
        try {
            assertThat(inflight.size("deferred-consume")).as("stopped after its jobs in flight finished").isZero();
            List<String> done = callbackJobIds(path);
            assertThat(done).as("no job done twice").doesNotHaveDuplicates();
            assertThat(jobIds).containsAll(done);
            assertThat(done.size()).as("at least the jobs in flight finished").isGreaterThanOrEqualTo(3);
            // every job not done is still on the queue (visible, or received in a poll but not started: invisible)
            assertThat(done.size() + messagesOnQueue() - before).as("jobs done + messages left = jobs sent").isEqualTo(jobs);
        } finally {
            camel.getRouteController().startRoute("deferred-consume");
        }
        // the rest are done after their visibility timeout, each once
        await().atMost(Duration.ofSeconds(90)).until(() -> callbackJobIds(path).size() >= jobs && messagesOnQueue() <= before);
        assertThat(callbackJobIds(path)).hasSize(jobs).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(jobIds);
    }

    // --- helpers

    private static String marker() {
        return "dj-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map<String, Object> inference(String marker, String callbackUrl, String modelId) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("jobType", "deferred_inference");
        job.put("jobId", marker);
        job.put("prompt", "Tell me about One Piece (" + marker + ")");
        job.put("callbackUrl", callbackUrl);
        if (modelId != null) {
            job.put("modelId", modelId);
        }
        return job;
    }

    private ResponseEntity<JsonNode> post(Object body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        try {
            return http.postForEntity("/api/deferred/jobs", new HttpEntity<>(JSON.writeValueAsString(body), headers), JsonNode.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> fields(ResponseEntity<JsonNode> answer) {
        List<String> fields = new ArrayList<>();
        answer.getBody().path("errors").forEach(e -> fields.add(e.path("field").asText()));
        return fields;
    }

    private void sendRaw(String body) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
    }

    private List<String> callbackJobIds(String path) {
        List<String> ids = new ArrayList<>();
        for (CallbackReceiver.Received r : receiver.received(path)) {
            try {
                ids.add(JSON.readTree(r.body()).path("jobId").asText());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return ids;
    }

    /** The model requests whose prompt names the marker. */
    private List<EmulatorControl.RecordedRequest> requestsAbout(String marker) {
        return bedrock.requests().stream().filter(r -> r.body() != null
                && r.body().path("messages").path(0).path("content").asText().contains(marker)).toList();
    }

    /** The receipt handle of the exchange in flight whose body names the marker, or null. */
    private String receiptHandleInFlight(String marker) {
        return camel.getInflightRepository().browse("deferred-consume").stream()
                .map(i -> i.getExchange())
                .filter(e -> e.getMessage().getBody() instanceof DeferredTask t && t.body().contains(marker))
                .map(e -> e.getMessage().getHeader(Sqs2Constants.RECEIPT_HANDLE, String.class))
                .findFirst().orElse(null);
    }

    private boolean queueHolds(String marker) {
        // a peek: visibility 0 leaves every message where it was
        return sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).visibilityTimeout(0)).messages()
                .stream().anyMatch(m -> m.body().contains(marker));
    }

    /** Visible and invisible (received, not deleted) messages of the queue. */
    private int messagesOnQueue() {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Takes the first DLQ message that matches off the DLQ; others stay visible for their own tests. */
    private Message awaitDeadLetter(Predicate<Message> matches) {
        return DeadLetters.await(sqs, dlqUrl, matches, WAIT);
    }

    private List<Message> deadLetters(Predicate<Message> matches) {
        return sqs.receiveMessage(b -> b.queueUrl(dlqUrl).maxNumberOfMessages(10).visibilityTimeout(0)
                        .messageSystemAttributeNamesWithStrings("All").messageAttributeNames("All")).messages()
                .stream().filter(matches).toList();
    }

    private static String reason(Message message) {
        MessageAttributeValue value = message.messageAttributes().get(DeferredSteps.ATTRIBUTE_REASON);
        return value == null ? "" : value.stringValue();
    }

    private Map<String, AttributeValue> item(String mangaId) {
        return dynamoDb.getItem(b -> b.tableName(properties.catalogTable()).consistentRead(true)
                .key(Map.of("mangaId", AttributeValue.fromS(mangaId)))).item();
    }

    private Map<String, AttributeValue> enrichment(String mangaId) {
        AttributeValue enrichment = item(mangaId).get("enrichment");
        return enrichment == null ? null : enrichment.m();
    }

    private Timer jobTimer(String type, String status) {
        return meters.find(AsyncJobMetrics.JOB_DURATION).tag("flow", "deferred").tag("type", type).tag("status", status).timer();
    }

    private double errors(String code) {
        var counter = meters.find(AsyncJobMetrics.ERRORS).tag("flow", "deferred").tag("code", code).counter();
        return counter == null ? 0 : counter.count();
    }

    private void visibility(Duration timeout) {
        sqs.setQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(timeout.toSeconds()))));
    }
}
