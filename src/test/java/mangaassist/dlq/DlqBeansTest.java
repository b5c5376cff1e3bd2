package mangaassist.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.RouteController;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** The DLQ reprocessor's beans with the seed's cases (000 §5.1) and where ours differs from it. */
class DlqBeansTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-02T10:02:30Z");
    /** As application.yaml sets it. */
    private static final DlqProperties.Classification SEED = new DlqProperties.Classification(10,
            "throttl|\\brate\\b|\\brate.?limit|too many requests", "timeout|timed out|connection", "validation|malformed|invalid");
    private static final DlqProperties PROPERTIES = new DlqProperties(Map.of(), "manga-assist-async-results", "dlq-archive",
            "dlq-flagged", "failureReason", 100, 1000, 1, Duration.ofSeconds(60), Duration.ofSeconds(60), 100, SEED);
    private static final DlqQueue MODERATION = new DlqQueue("moderation", "manga-moderation-dlq", "manga-moderation-queue",
            "http://sqs/manga-moderation-dlq", "http://sqs/manga-moderation-queue");
    private static final DlqQueue ENRICHMENT = new DlqQueue("enrichment", "manga-enrichment-dlq.fifo",
            "manga-enrichment-queue.fifo", "http://sqs/manga-enrichment-dlq.fifo", "http://sqs/manga-enrichment-queue.fifo");

    private final DlqClassifier classifier = new DlqClassifier("failureReason", SEED);
    private final DlqSteps steps = new DlqSteps(PROPERTIES, Clock.fixed(NOW, ZoneOffset.UTC));

    // --- classification

    @Test
    void theSeedsCasesFromTheBodysError() {
        assertThat(classOf(body("ThrottlingException: Rate exceeded"), 1)).isEqualTo(FailureClass.THROTTLE);
        assertThat(classOf(body("Rate limit reached"), 1)).isEqualTo(FailureClass.THROTTLE);
        assertThat(classOf(body("Read timeout on socket"), 1)).isEqualTo(FailureClass.TRANSIENT);
        assertThat(classOf(body("Connection refused"), 1)).isEqualTo(FailureClass.TRANSIENT);
        assertThat(classOf(body("ValidationException: bad input"), 1)).isEqualTo(FailureClass.PERMANENT);
        assertThat(classOf(body("Malformed request"), 1)).isEqualTo(FailureClass.PERMANENT);
        assertThat(classOf(body("something else"), 1)).isEqualTo(FailureClass.UNKNOWN);
        assertThat(classOf("{\"no\":\"error\"}", 1)).isEqualTo(FailureClass.UNKNOWN);
    }

    @Test
    void moreThanTenReceivesIsPermanentWhateverTheReasonAndFirst() {
        assertThat(classOf(body("ThrottlingException"), 11)).isEqualTo(FailureClass.PERMANENT);
        assertThat(classOf(body("ThrottlingException"), 10)).isEqualTo(FailureClass.THROTTLE);
        DlqMessage worn = classifier.classify(message(MODERATION, "{}", 11, null, Map.of()));
        assertThat(worn.why()).isEqualTo("received 11 times (more than 10)");
    }

    @Test
    void theSeedsOrderThrottleBeforeTransientBeforePermanent() {
        assertThat(classOf(body("rate limited: connection dropped"), 1)).isEqualTo(FailureClass.THROTTLE);
        assertThat(classOf(body("timeout while validation ran"), 1)).isEqualTo(FailureClass.TRANSIENT);
    }

    @Test
    void theReasonAttributeOfOurFlowsComesBeforeTheBody() {
        DlqMessage enrichment = message(ENRICHMENT, body("Connection reset"), 1, "manga-op-1",
                Map.of("failureReason", "INVALID_FIELDS: manga.id is required;"));
        DlqMessage moderation = message(MODERATION, "not json", 1, null, Map.of("failureReason", "INVALID_BODY: not a JSON object"));

        assertThat(classifier.classify(enrichment).failureClass()).isEqualTo(FailureClass.PERMANENT);
        assertThat(classifier.classify(enrichment).failure()).isEqualTo("INVALID_FIELDS: manga.id is required;");
        assertThat(classifier.classify(moderation).failureClass()).isEqualTo(FailureClass.PERMANENT);
    }

    @Test
    void betterThanTheSeedRateIsAWordAndABodyThatIsNotJsonHasNoError() {
        // the seed's "rate" in error_msg would make these throttles
        assertThat(classOf(body("could not generate tags"), 1)).isEqualTo(FailureClass.UNKNOWN);
        assertThat(classOf(body("moderate content failed"), 1)).isEqualTo(FailureClass.UNKNOWN);
        // the seed's json.loads raised on it and ended the whole run
        assertThat(classOf("plain text body", 1)).isEqualTo(FailureClass.UNKNOWN);
    }

    @Test
    void aRedrivenMessageWithoutReasonIsUnknownAndSaysWhy() {
        Message redriven = Message.builder().messageId("m1").receiptHandle("r1").body("{\"contentId\":\"c\"}")
                .attributesWithStrings(Map.of("ApproximateReceiveCount", "3",
                        "DeadLetterQueueSourceArn", "arn:aws:sqs:elasticmq:000000000000:manga-moderation-queue"))
                .build();

        DlqMessage classified = classifier.classify(DlqMessage.received(MODERATION, redriven));

        assertThat(classified.failureClass()).isEqualTo(FailureClass.UNKNOWN);
        assertThat(classified.why()).isEqualTo("no failure reason (moved by the queue's redrive)");
        assertThat(classified.failure()).isEmpty();
    }

    // --- requeue

    @Test
    void aFifoRequeueKeepsItsGroupTakesAFreshStableDedupIdAndLeavesTheReasonBehind() {
        DlqMessage message = classifier.classify(message(ENRICHMENT, "{\"job\":1}", 2, "manga-op-00001",
                Map.of("failureReason", "Connection reset", "sourceMessageId", "src-1", "enrichmentType", "tags")));

        SendMessageBatchRequestEntry entry = steps.requeueRequest(message).entries().get(0);

        assertThat(steps.requeueRequest(message).queueUrl()).isEqualTo("http://sqs/manga-enrichment-queue.fifo");
        assertThat(entry.messageBody()).isEqualTo("{\"job\":1}");
        assertThat(entry.messageGroupId()).isEqualTo("manga-op-00001");
        assertThat(entry.messageDeduplicationId()).hasSize(64).isEqualTo(DlqSteps.sha256("dlq-requeue:" + message.messageId()))
                .isEqualTo(steps.requeueRequest(message).entries().get(0).messageDeduplicationId());
        assertThat(entry.messageAttributes()).containsOnlyKeys("enrichmentType");
        assertThat(entry.delaySeconds()).isNull();
    }

    @Test
    void aThrottledMessageWaitsOnAStandardQueueAndNotOnAFifoOne() {
        DlqMessage standard = classifier.classify(message(MODERATION, body("Too many requests"), 1, null, Map.of()));
        DlqMessage fifo = classifier.classify(message(ENRICHMENT, body("ThrottlingException"), 1, "manga-x", Map.of()));
        DlqMessage transientOne = classifier.classify(message(MODERATION, body("connection closed"), 1, null, Map.of()));

        assertThat(steps.requeueRequest(standard).entries().get(0).delaySeconds()).isEqualTo(60);
        assertThat(steps.requeueRequest(fifo).entries().get(0).delaySeconds()).isNull();
        assertThat(steps.requeueRequest(transientOne).entries().get(0).delaySeconds()).isNull();
        DlqSteps long15 = new DlqSteps(new DlqProperties(Map.of(), "b", "a", "f", "failureReason", 100, 1000, 1,
                Duration.ofSeconds(60), Duration.ofHours(1), 100, SEED), Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(long15.requeueRequest(standard).entries().get(0).delaySeconds()).isEqualTo(900);
    }

    @Test
    void aRequeueTheSourceRefusedFailsSoTheMessageStaysInTheDlq() {
        assertThatThrownBy(() -> steps.sent(SendMessageBatchResponse.builder().failed(BatchResultErrorEntry.builder()
                .id("0").code("InvalidParameterValue").message("bad").build()).build()))
                .hasMessageContaining("InvalidParameterValue");
        steps.sent(SendMessageBatchResponse.builder().build());
    }

    // --- archive and flagged documents

    @Test
    void aPermanentMessageIsArchivedByDayAndAnUnknownOneFlaggedByItsId() throws Exception {
        DlqMessage permanent = classifier.classify(message(MODERATION, "not json", 1, null,
                Map.of("failureReason", "INVALID_BODY: not a JSON object")));
        DlqMessage unknown = classifier.classify(message(MODERATION, "{}", 4, null, Map.of()));

        assertThat(steps.documentKey(permanent)).isEqualTo("dlq-archive/moderation/2026-12-02/" + permanent.messageId() + ".json");
        assertThat(steps.documentKey(unknown)).isEqualTo("dlq-flagged/moderation/" + unknown.messageId() + ".json")
                .isEqualTo(steps.flaggedKey(unknown));
        JsonNode archive = JSON.readTree(steps.document(permanent));
        assertThat(archive.path("classification").asText()).isEqualTo("permanent");
        assertThat(archive.path("reason").asText()).isEqualTo("INVALID_BODY: not a JSON object");
        assertThat(archive.path("body").asText()).isEqualTo("not json");
        assertThat(archive.path("sourceQueue").asText()).isEqualTo("manga-moderation-queue");
        assertThat(archive.path("archivedAt").asText()).isEqualTo("2026-12-02T10:02:30Z");
        JsonNode flagged = JSON.readTree(steps.document(unknown));
        assertThat(flagged.path("classification").asText()).isEqualTo("unknown");
        assertThat(flagged.path("receiveCount").asInt()).isEqualTo(4);
        assertThat(flagged.has("flaggedAt")).isTrue();
    }

    @Test
    void theFlaggedListingReadsTheDocumentsItFoundAndSkipsOnesGoneSince() throws Exception {
        List<String> keys = steps.flaggedKeys(List.of(S3Object.builder().key("dlq-flagged/moderation/b.json").build(),
                S3Object.builder().key("dlq-flagged/moderation/a.json").build()));
        Map<String, Object> listing = steps.flaggedList(List.of("{\"messageId\":\"a\"}", ""), "moderation");

        assertThat(keys).containsExactly("dlq-flagged/moderation/a.json", "dlq-flagged/moderation/b.json");
        assertThat((JsonNode) JSON.valueToTree(listing)).isEqualTo(JSON.readTree(
                "{\"queue\":\"moderation\",\"count\":1,\"flagged\":[{\"messageId\":\"a\"}]}"));
        assertThat(steps.flaggedList(List.of(), "moderation")).containsEntry("count", 0);
    }

    // --- a run

    @Test
    void aRunTakesAtMostMaxAndEachMessageOnceAndEndsOnNothingNew() {
        DlqRun run = new DlqRun(MODERATION, 12);
        List<Message> ten = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(Message.builder().messageId("m" + i).body("{}").build());
        }

        assertThat(run.nextReceiveSize()).isEqualTo(10);
        assertThat(run.accept(ten)).hasSize(10);
        assertThat(run.isOpen()).isTrue();
        assertThat(run.nextReceiveSize()).isEqualTo(2);
        // seen again (its visibility ran out): not handled twice, and only seen ones end the run
        assertThat(run.accept(ten.subList(0, 2))).isEmpty();
        assertThat(run.isOpen()).isFalse();

        DlqRun bounded = new DlqRun(MODERATION, 3);
        assertThat(bounded.accept(ten)).extracting(DlqMessage::messageId).containsExactly("m0", "m1", "m2");
        assertThat(bounded.isOpen()).isFalse();
        DlqRun empty = new DlqRun(MODERATION, 3);
        assertThat(empty.accept(List.of())).isEmpty();
        assertThat(empty.isOpen()).isFalse();
    }

    @Test
    void aRunsStatsAreTheSeedsAndFailed() {
        DlqRun run = new DlqRun(MODERATION, 10);
        run.count(DlqMessage.Outcome.REQUEUED);
        run.count(DlqMessage.Outcome.REQUEUED);
        run.count(DlqMessage.Outcome.FLAGGED);

        assertThat(run.stats()).containsExactly(Map.entry("requeued", 2), Map.entry("archived", 0),
                Map.entry("flagged", 1), Map.entry("failed", 0));
    }

    // --- the schedule

    @Test
    void theScheduleRouteIsStartedOnlyWhenSwitchedOn() throws Exception {
        CamelContext camel = Mockito.mock(CamelContext.class);
        RouteController routes = Mockito.mock(RouteController.class);
        Mockito.when(camel.getRouteController()).thenReturn(routes);
        Mockito.when(camel.getRoute("dlq-schedule")).thenReturn(Mockito.mock(Route.class));

        new DlqSchedule(false).afterApplicationStart(camel);
        Mockito.verify(routes, Mockito.never()).startRoute(Mockito.anyString());
        new DlqSchedule(true).afterApplicationStart(camel);
        Mockito.verify(routes).startRoute("dlq-schedule");
    }

    // --- helpers

    private FailureClass classOf(String body, int receiveCount) {
        return classifier.classify(message(MODERATION, body, receiveCount, null, Map.of())).failureClass();
    }

    private static String body(String error) {
        return "{\"contentId\":\"c\",\"_error\":\"" + error + "\"}";
    }

    private static DlqMessage message(DlqQueue queue, String body, int receiveCount, String group, Map<String, String> attributes) {
        Map<String, String> system = new HashMap<>();
        system.put(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT.toString(), String.valueOf(receiveCount));
        if (group != null) {
            system.put(MessageSystemAttributeName.MESSAGE_GROUP_ID.toString(), group);
        }
        Map<String, MessageAttributeValue> values = new HashMap<>();
        attributes.forEach((k, v) -> values.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
        return DlqMessage.received(queue, Message.builder().messageId("msg-" + Math.abs(body.hashCode())).receiptHandle("rh")
                .body(body).attributesWithStrings(system).messageAttributes(values).build());
    }
}
