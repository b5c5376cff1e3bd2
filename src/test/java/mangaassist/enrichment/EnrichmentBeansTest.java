package mangaassist.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.platform.AsyncJobMetrics;
import mangaassist.platform.contracts.ContractViolationException;
import mangaassist.platform.contracts.Contracts;
import mangaassist.support.ProfileProperties;
import mangaassist.support.TestContracts;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** The enrichment beans with the seed's cases (seed 000 §2.2, §2.3). */
class EnrichmentBeansTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-02T10:02:30Z");
    private static final EnrichmentProperties PROPERTIES = new EnrichmentProperties("manga-enrichment-queue.fifo",
            "manga-enrichment-dlq.fifo", "anthropic.claude-3-haiku-20240307-v1:0", 1024, 0.5, 500, Duration.ofMinutes(5),
            "manga-catalog", new EnrichmentProperties.Catalog(10000));

    private final EnrichmentRequests requests = new EnrichmentRequests(PROPERTIES, Clock.fixed(NOW, ZoneOffset.UTC));
    private final EnrichmentQueues queues = Mockito.mock(EnrichmentQueues.class);
    private final EnrichmentSender sender = new EnrichmentSender(queues);
    private final EnrichmentGroupOrder groupOrder = new EnrichmentGroupOrder();
    private final EnrichmentSteps steps = new EnrichmentSteps(PROPERTIES, queues, groupOrder,
            new AsyncJobMetrics(new SimpleMeterRegistry()));

    // --- ids (seed: group manga-<id[:8]>, dedup sha256(id:type:time//300))

    @Test
    void theGroupIsMangaAndTheFirstEightCharactersOfTheId() {
        assertThat(EnrichmentIds.groupId("op-00001042")).isEqualTo("manga-op-00001");
        assertThat(EnrichmentIds.groupId("op1")).isEqualTo("manga-op1");
    }

    @Test
    void theDedupIdIsTheSha256OfIdTypeAndFiveMinuteWindow() throws Exception {
        String id = EnrichmentIds.deduplicationId("op-1042", "synopsis", NOW, Duration.ofMinutes(5));
        // python: hashlib.sha256(f"op-1042:synopsis:{int(t // 300)}".encode()).hexdigest(), t = 2026-12-02T10:02:30Z
        long window = NOW.getEpochSecond() / 300;
        assertThat(id).hasSize(64).isEqualTo(sha256("op-1042:synopsis:" + window));
        assertThat(EnrichmentIds.deduplicationId("op-1042", "synopsis", NOW.plusSeconds(149), Duration.ofMinutes(5))).isEqualTo(id);
        assertThat(EnrichmentIds.deduplicationId("op-1042", "synopsis", NOW.plusSeconds(150), Duration.ofMinutes(5))).isNotEqualTo(id);
        assertThat(EnrichmentIds.deduplicationId("op-1042", "tags", NOW, Duration.ofMinutes(5))).isNotEqualTo(id);
    }

    // --- the API's requests

    @Test
    void oneJobTakesTheSeedsDefaults() {
        EnrichmentSubmission submission = requests.one("{\"mangaId\":\"op-1042\",\"title\":\"One Piece\",\"titleJp\":\"ワンピース\"}");

        EnrichmentJob job = submission.entries().get(0).job();
        assertThat(job).isEqualTo(new EnrichmentJob("catalog_enrichment", "synopsis",
                new EnrichmentJob.Manga("op-1042", "One Piece", "ワンピース"), "normal", NOW.getEpochSecond()));
    }

    @Test
    void everyInvalidFieldIsReported() {
        assertThatThrownBy(() -> requests.batch("{\"jobs\":[{\"mangaId\":\"ok-1\",\"title\":\"ok\"},"
                + "{\"mangaId\":\"ワンピース\",\"title\":\"\",\"enrichmentType\":\"summary\",\"priority\":1}]}"))
                .isInstanceOfSatisfying(EnrichmentRequestException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("INVALID_JOB");
                    assertThat(e.errors()).extracting(FieldError::field).containsExactly(
                            "jobs[1].mangaId", "jobs[1].title", "jobs[1].enrichmentType", "jobs[1].priority");
                });
    }

    @Test
    void aBatchOverTheLimitOrNotJsonIsRefused() {
        String many = "[" + String.join(",", IntStream.range(0, 501)
                .mapToObj(i -> "{\"mangaId\":\"m" + i + "\",\"title\":\"t\"}").toList()) + "]";
        assertThatThrownBy(() -> requests.batch(many)).hasFieldOrPropertyWithValue("code", "TOO_MANY_JOBS");
        assertThatThrownBy(() -> requests.one("{nope")).hasFieldOrPropertyWithValue("code", "INVALID_JSON");
        assertThatThrownBy(() -> requests.batch("[]")).hasFieldOrPropertyWithValue("code", "EMPTY_BATCH");
    }

    // --- sending

    @Test
    void aBatchGoesTenEntriesACallEachWithItsOwnIdsAndAttributes() throws Exception {
        Mockito.when(queues.jobs()).thenReturn("http://sqs/q.fifo");
        EnrichmentSubmission submission = requests.batch("{\"enrichmentType\":\"tags\",\"jobs\":["
                + String.join(",", IntStream.range(0, 12).mapToObj(i -> "{\"id\":\"manga" + i + "\",\"title\":\"T" + i
                        + "\",\"priority\":\"" + (i == 0 ? "high" : "low") + "\"}").toList()) + "]}");

        SendMessageBatchRequest first = sender.nextChunk(submission);

        assertThat(first.queueUrl()).isEqualTo("http://sqs/q.fifo");
        assertThat(first.entries()).hasSize(10);
        assertThat(new HashSet<>(first.entries().stream().map(SendMessageBatchRequestEntry::messageDeduplicationId).toList())).hasSize(10);
        SendMessageBatchRequestEntry entry = first.entries().get(0);
        assertThat(entry.messageGroupId()).isEqualTo("manga-manga0");
        assertThat(entry.messageAttributes().get("enrichmentType").stringValue()).isEqualTo("tags");
        assertThat(entry.messageAttributes().get("priority").stringValue()).isEqualTo("high");
        JsonNode body = JSON.readTree(entry.messageBody());
        assertThat(body.path("jobType").asText()).isEqualTo("catalog_enrichment");
        assertThat(body.path("manga").path("id").asText()).isEqualTo("manga0");
        assertThat(body.path("requestedAt").asLong()).isEqualTo(NOW.getEpochSecond());
    }

    @Test
    void aFailedEntryIsSentOnceMoreThenReported() throws Exception {
        Mockito.when(queues.jobs()).thenReturn("http://sqs/q.fifo");
        EnrichmentSubmission submission = requests.batch("[{\"mangaId\":\"a1\",\"title\":\"A\"},{\"mangaId\":\"b1\",\"title\":\"B\"}]");

        submission = sender.accept(submission, SendMessageBatchResponse.builder()
                .successful(SendMessageBatchResultEntry.builder().id("0").messageId("m-a").build())
                .failed(BatchResultErrorEntry.builder().id("1").code("InternalError").message("boom").build()).build());
        assertThat(submission.hasPending()).isTrue();
        assertThat(sender.nextChunk(submission).entries()).extracting(SendMessageBatchRequestEntry::id).containsExactly("1");
        submission = sender.accept(submission, sender.callFailed(sender.nextChunk(submission), exchange()));

        assertThat(submission.hasPending()).isFalse();
        Map<String, Object> answer = sender.batch(submission, exchange());
        assertThat(answer).containsEntry("successful", 1).containsEntry("failed", 1).containsEntry("messageIds", List.of("m-a"));
        assertThat(answer.get("failures").toString()).contains("b1").contains("SendFailed");
    }

    // --- consuming

    @Test
    void theSeedsMessageBodyIsReadAsAJob() throws Exception {
        EnrichmentTask task = steps.received("{\"jobType\":\"catalog_enrichment\",\"enrichmentType\":\"recommendations\","
                + "\"manga\":{\"id\":\"op-1042\",\"title\":\"One Piece\",\"titleJp\":\"ワンピース\"},\"requestedAt\":1700000000}",
                "msg-1", "manga-op-1042", "2");

        assertThat(task.rejected()).isFalse();
        assertThat(task.receiveCount()).isEqualTo(2);
        assertThat(task.job().type()).isEqualTo(EnrichmentType.RECOMMENDATIONS);
        assertThat(task.job().priority()).isEqualTo("normal");
    }

    /** A body that breaks enrichment-job.v1 (the route's json-validator): rejected with the failing field paths. */
    @Test
    void aBodyNoRedeliveryCanFixIsRejectedWithItsReason() throws Exception {
        assertThat(violated("not json").rejection()).isEqualTo("INVALID_BODY: not a JSON object; [enrichment-job.v1.json]");
        EnrichmentTask invalid = violated("{\"manga\":{\"title\":\"x\"},\"enrichmentType\":\"summary\"}");
        assertThat(invalid.rejection()).isEqualTo("INVALID_FIELDS: enrichmentType does not have a value in the enumeration"
                + " [\"synopsis\", \"tags\", \"recommendations\", null]; manga.id is required; [enrichment-job.v1.json]");
        assertThat(invalid.groupId()).isEqualTo("manga-g");
        assertThat(invalid.receiveCount()).isEqualTo(2);
        assertThat(invalid.typeTag()).isEqualTo("unknown");
        // the seed's stand-ins: no title is "Unknown", no Japanese title "不明"
        EnrichmentTask untitled = steps.received("{\"manga\":{\"id\":\"x1\"}}", "m", "g", "1");
        assertThat(untitled.rejected()).isFalse();
        assertThat(untitled.job().type().prompt(untitled.job().manga().title(), untitled.job().manga().titleJp()))
                .contains("Title: Unknown\nJapanese Title: 不明");
    }

    private EnrichmentTask violated(String body) {
        try {
            TestContracts.contracts().check(body, "enrichment-job.v1.json", null);
        } catch (ContractViolationException violation) {
            return steps.violated(body, violation, "m", "manga-g", "2");
        }
        throw new AssertionError("the schema accepts " + body);
    }

    @Test
    void theModelRequestIsTheSeeds() throws Exception {
        EnrichmentTask task = steps.received("{\"manga\":{\"id\":\"op1\",\"title\":\"One Piece\",\"titleJp\":\"ワンピース\"}}",
                "m", "g", "1");

        var request = steps.modelRequest(task);

        assertThat(request.modelId()).isEqualTo("anthropic.claude-3-haiku-20240307-v1:0");
        JsonNode body = JSON.readTree(request.body().asUtf8String());
        assertThat(body.path("max_tokens").asInt()).isEqualTo(1024);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(body.path("messages").path(0).path("content").asText()).isEqualTo(
                "Generate a compelling 2-paragraph synopsis for this manga. Write in both Japanese and English.\n\n"
                        + "Title: One Piece\nJapanese Title: ワンピース\n\n"
                        + "Provide the response as JSON with keys 'synopsis_en' and 'synopsis_jp'.");
    }

    @Test
    void aJsonAnswerIsParsedAnythingElseIsRawText() {
        assertThat(EnrichmentAnswer.parse("{\"tags_en\":[\"pirates\"],\"tags_jp\":[\"海賊\"]}").path("tags_jp").get(0).asText())
                .isEqualTo("海賊");
        assertThat(EnrichmentAnswer.parse("[{\"title_en\":\"Naruto\"}]").isArray()).isTrue();
        assertThat(EnrichmentAnswer.parse("```json\n{\"synopsis_en\":\"x\"}\n```").path("synopsis_en").asText()).isEqualTo("x");
        assertThat(EnrichmentAnswer.parse("12 angry pirates").path("raw_text").asText()).isEqualTo("12 angry pirates");
        assertThat(EnrichmentAnswer.parse("Here you go: {\"a\":1}").path("raw_text").asText()).startsWith("Here you go");
        // any JSON value, as the seed's json.loads; prose starting like one is still read as prose
        assertThat(EnrichmentAnswer.parse(" \"a quoted line\" ").asText()).isEqualTo("a quoted line");
        assertThat(EnrichmentAnswer.parse("-3").asInt()).isEqualTo(-3);
        assertThat(EnrichmentAnswer.parse("true").asBoolean()).isTrue();
        assertThat(EnrichmentAnswer.parse("null pointer of a plot").path("raw_text").asText()).isEqualTo("null pointer of a plot");
        assertThat(EnrichmentAnswer.parse("```\n[1, 2]\n```").isArray()).isTrue();
    }

    @Test
    void anEnrichmentBecomesDynamoDbValues() throws Exception {
        AttributeValue value = EnrichmentCatalog.attribute(JSON.readTree("{\"tags\":[\"a\",1,true,null],\"n\":2.5}"));

        assertThat(value.m().get("tags").l()).containsExactly(AttributeValue.fromS("a"), AttributeValue.fromN("1"),
                AttributeValue.fromBool(true), AttributeValue.fromNul(true));
        assertThat(value.m().get("n").n()).isEqualTo("2.5");
    }

    // --- the catalog's known maps (issue #18: an item's later types are one UpdateItem; EnrichmentCatalogFlowTest)

    @Test
    void theKnownMapsKeepTheBoundForgettingTheLeastRecentlyUsedFirst() {
        EnrichmentCatalog.KnownMaps known = new EnrichmentCatalog.KnownMaps(3);
        IntStream.range(0, 3).forEach(i -> known.add("m" + i));
        assertThat(known.contains("m0")).as("used again: m1 is now the least recently used").isTrue();
        known.add("m3");

        assertThat(known.size()).isEqualTo(3);
        assertThat(known.contains("m1")).isFalse();
        assertThat(known.contains("m0")).isTrue();
        assertThat(known.contains("m2")).isTrue();
        assertThat(known.contains("m3")).isTrue();
        IntStream.range(0, 1000).forEach(i -> known.add("n" + i));
        assertThat(known.size()).isEqualTo(3);
        assertThat(known.contains("n997") && known.contains("n998") && known.contains("n999")).isTrue();
        known.remove("n998");
        assertThat(known.contains("n998")).isFalse();

        EnrichmentCatalog.KnownMaps none = new EnrichmentCatalog.KnownMaps(0);
        none.add("m0");
        assertThat(none.contains("m0")).isFalse();
        assertThat(none.size()).isZero();
    }

    @Test
    void theKnownMapsBoundIsTenThousandByDefaultAndNotNegative() {
        assertThat(ProfileProperties.get("aws", "mangaassist.enrichment.catalog.known-maps")).isEqualTo("10000");
        assertThat(ProfileProperties.get("embedded", "mangaassist.enrichment.catalog.known-maps")).isEqualTo("10000");
        assertThatThrownBy(() -> new EnrichmentProperties.Catalog(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mangaassist.enrichment.catalog.known-maps");
    }

    @Test
    void aFailedMessageHoldsBackTheRestOfItsGroupInThatPollOnly() throws Exception {
        EnrichmentTask a = steps.received("{\"manga\":{\"id\":\"a\"}}", "1", "manga-a", "1");
        EnrichmentTask b = steps.received("{\"manga\":{\"id\":\"b\"}}", "2", "manga-b", "1");

        assertThat(groupOrder.heldBack(a, poll(0))).isFalse();
        groupOrder.failed(a);
        assertThat(groupOrder.heldBack(a, poll(1))).isTrue();
        assertThat(groupOrder.heldBack(b, poll(2))).isFalse();
        assertThat(groupOrder.heldBack(a, poll(0))).as("a new poll").isFalse();
    }

    // --- the scheduled producer (the seed's EventBridge schedule)

    @Test
    void theBacklogScansTypeAfterTypeAndPageAfterPageQueuingTheItemsWithATitle() {
        EnrichmentBacklog backlog = backlog(List.of("synopsis", "tags"), 100);
        Map<String, AttributeValue> more = Map.of("mangaId", AttributeValue.fromS("b-2"));

        EnrichmentBacklog.Backlog run = backlog.start();
        assertThat(run.type()).isEqualTo("synopsis");
        run = backlog.next(run, new EnrichmentBacklog.Page(List.of(item("a-1", "A", "あ"), item("b-2", "B", null)), more));
        assertThat(run.startKey()).isEqualTo(more);
        assertThat(backlog.scanning(run)).isTrue();
        run = backlog.next(run, new EnrichmentBacklog.Page(List.of(Map.of("mangaId", AttributeValue.fromS("untitled"))), null));
        assertThat(run.type()).as("the next type from its first page").isEqualTo("tags");
        assertThat(run.startKey()).isNull();
        run = backlog.next(run, new EnrichmentBacklog.Page(List.of(item("a-1", "A", "あ")), Map.of()));

        assertThat(backlog.scanning(run)).isFalse();
        assertThat(run.skipped()).isEqualTo(1);
        assertThat(run.jobs()).extracting(j -> j.mangaId() + ":" + j.enrichmentType() + ":" + j.priority())
                .containsExactly("a-1:synopsis:low", "b-2:synopsis:low", "a-1:tags:low");
        assertThat(run.jobs().get(0).manga().titleJp()).isEqualTo("あ");
        EnrichmentSubmission submission = backlog.submission(run);
        assertThat(submission.entries()).extracting(EnrichmentSubmission.Entry::groupId)
                .containsExactly("manga-a-1", "manga-b-2", "manga-a-1");
        assertThat(new HashSet<>(submission.entries().stream().map(EnrichmentSubmission.Entry::deduplicationId).toList())).hasSize(3);
    }

    @Test
    void aRunQueuesAtMostMaxJobsPerRun() {
        EnrichmentBacklog backlog = backlog(List.of("synopsis", "tags"), 2);

        EnrichmentBacklog.Backlog run = backlog.next(backlog.start(), new EnrichmentBacklog.Page(
                List.of(item("a-1", "A", null), item("b-2", "B", null), item("c-3", "C", null)),
                Map.of("mangaId", AttributeValue.fromS("c-3"))));

        assertThat(backlog.scanning(run)).isFalse();
        assertThat(run.jobs()).hasSize(2);
    }

    @Test
    void theScanAsksOnlyForTheItemsLackingTheTypeAndOnlyForTheirIdAndTitles() {
        EnrichmentBacklog backlog = backlog(List.of("tags"), 100);
        Exchange exchange = exchange();
        Map<String, AttributeValue> from = Map.of("mangaId", AttributeValue.fromS("x"));

        backlog.scanRequest(new EnrichmentBacklog.Backlog(List.of("tags"), 0, from, List.of(), 0, false), exchange);

        assertThat(exchange.getMessage().getHeader("CamelAwsDdbFilterExpression")).isEqualTo("attribute_not_exists(#e.#t)");
        assertThat(exchange.getMessage().getHeader("CamelAwsDdbFilterExpressionAttributeNames"))
                .isEqualTo(Map.of("#e", "enrichment", "#t", "tags", "#title", "title", "#titleJp", "titleJp"));
        assertThat(exchange.getMessage().getHeader("CamelAwsDdbProjectExpression")).isEqualTo("mangaId, #title, #titleJp");
        assertThat(exchange.getMessage().getHeader("CamelAwsDdbStartKey")).isEqualTo(from);
        assertThat(exchange.getMessage().getHeader("CamelAwsDdbLimit")).isEqualTo(50);
    }

    @Test
    void anUnknownTypeInTheScheduleIsRefusedAtStartup() {
        assertThatThrownBy(() -> backlog(List.of("summary"), 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("summary");
    }

    @Test
    void theScheduleIsOffInTheEmbeddedProfileAndOnElsewhere() {
        assertThat(ProfileProperties.get("embedded", "mangaassist.enrichment.schedule.enabled")).isEqualTo("false");
        assertThat(ProfileProperties.get("localstack", "mangaassist.enrichment.schedule.enabled")).isEqualTo("true");
        assertThat(ProfileProperties.get("aws", "mangaassist.enrichment.schedule.enabled")).isEqualTo("true");
        // the seed's batch window outside the development stack
        assertThat(ProfileProperties.get("aws", "mangaassist.enrichment.consumer.batch-window-ms")).isEqualTo("30000");
    }

    // --- a poll's deletes (one DeleteMessageBatch instead of a DeleteMessage per message)

    @Test
    void aPollsFinishedMessagesAreDeletedInOneBatchAndOnlyThose() {
        Mockito.when(queues.jobs()).thenReturn("http://sqs/q.fifo");
        SqsClient sqs = Mockito.mock(SqsClient.class);
        EnrichmentReceipts receipts = new EnrichmentReceipts(sqs, queues, new AsyncJobMetrics(new SimpleMeterRegistry()), 60_000);
        receipts.finished("r0");
        receipts.finished(null);
        receipts.finished("r2");

        List<DeleteMessageBatchRequest> requests = receipts.deleteRequests();

        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).queueUrl()).isEqualTo("http://sqs/q.fifo");
        assertThat(requests.get(0).entries()).extracting(DeleteMessageBatchRequestEntry::receiptHandle).containsExactly("r0", "r2");
        assertThat(new HashSet<>(requests.get(0).entries().stream().map(DeleteMessageBatchRequestEntry::id).toList())).hasSize(2);
        // taken: the next poll starts with none
        assertThat(receipts.deleteRequests()).isEmpty();
    }

    @Test
    void moreThanTenFinishedMessagesMakeSeveralBatches() {
        EnrichmentReceipts receipts = new EnrichmentReceipts(Mockito.mock(SqsClient.class), queues,
                new AsyncJobMetrics(new SimpleMeterRegistry()), 60_000);
        IntStream.range(0, 23).forEach(i -> receipts.finished("r" + i));

        assertThat(receipts.deleteRequests()).extracting(r -> r.entries().size()).containsExactly(10, 10, 3);
    }

    @Test
    void aDeleteSqsRefusesIsCountedNotThrown() {
        SqsClient sqs = Mockito.mock(SqsClient.class);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EnrichmentReceipts receipts = new EnrichmentReceipts(sqs, queues, new AsyncJobMetrics(registry), 60_000);
        DeleteMessageBatchRequest request = DeleteMessageBatchRequest.builder().queueUrl("q").entries(
                DeleteMessageBatchRequestEntry.builder().id("0").receiptHandle("r0").build(),
                DeleteMessageBatchRequestEntry.builder().id("1").receiptHandle("r1").build()).build();
        Mockito.when(sqs.deleteMessageBatch(request)).thenReturn(DeleteMessageBatchResponse.builder()
                .successful(DeleteMessageBatchResultEntry.builder().id("0").build())
                .failed(BatchResultErrorEntry.builder().id("1").code("ReceiptHandleIsInvalid").senderFault(true).build()).build())
                .thenThrow(SqsException.builder().message("down").build());

        receipts.delete(request);
        receipts.delete(request);

        // the refused entry, then the whole failed call: those messages come back and are stored again
        assertThat(registry.find("mangaassist.errors").tag("flow", "enrichment").tag("code", "DELETE_FAILED").counter().count())
                .isEqualTo(2);
    }

    @Test
    void thePollIsDoneAfterItsLastMessage() {
        EnrichmentReceipts receipts = new EnrichmentReceipts(Mockito.mock(SqsClient.class), queues,
                new AsyncJobMetrics(new SimpleMeterRegistry()), 60_000);
        Exchange middle = poll(3);
        middle.setProperty(ExchangePropertyKey.BATCH_COMPLETE, false);
        Exchange last = poll(9);
        last.setProperty(ExchangePropertyKey.BATCH_COMPLETE, true);

        assertThat(receipts.pollDone(middle)).isFalse();
        assertThat(receipts.pollDone(last)).isTrue();
        // not from a polling consumer (a direct: call): never
        assertThat(receipts.pollDone(exchange())).isFalse();
    }

    @Test
    void aFinishedMessageDoesNotWaitLongerThanTheMaxDelayForTheRestOfItsPoll() {
        EnrichmentReceipts receipts = new EnrichmentReceipts(Mockito.mock(SqsClient.class), queues,
                new AsyncJobMetrics(new SimpleMeterRegistry()), 0);
        Exchange first = poll(0);
        first.setProperty(ExchangePropertyKey.BATCH_COMPLETE, false);

        assertThat(receipts.pollDone(first)).as("nothing finished yet").isFalse();
        receipts.finished("r0");
        assertThat(receipts.pollDone(first)).isTrue();
    }

    private static EnrichmentBacklog backlog(List<String> types, int maxJobs) {
        return new EnrichmentBacklog(new EnrichmentScheduleProperties(true, "0 0 * * * *", types, "low", 50, maxJobs),
                PROPERTIES, new SimpleMeterRegistry(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Map<String, AttributeValue> item(String id, String title, String titleJp) {
        Map<String, AttributeValue> item = new java.util.HashMap<>();
        item.put("mangaId", AttributeValue.fromS(id));
        item.put("title", AttributeValue.fromS(title));
        if (titleJp != null) {
            item.put("titleJp", AttributeValue.fromS(titleJp));
        }
        return item;
    }

    private static Exchange exchange() {
        return new DefaultExchange(new DefaultCamelContext());
    }

    private static Exchange poll(int index) {
        Exchange exchange = exchange();
        exchange.setProperty(ExchangePropertyKey.BATCH_INDEX, index);
        return exchange;
    }

    private static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
