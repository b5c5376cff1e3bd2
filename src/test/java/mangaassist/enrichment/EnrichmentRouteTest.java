package mangaassist.enrichment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.support.RouteTestSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.master.MasterEndpoint;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * The enrichment routes with the queue, the model and the catalog replaced by mocks: which hop each message takes,
 * and that a failure leaves the exchange failed (so aws2-sqs does not delete the message).
 */
@TestPropertySource(properties = {
        // the YAML routes alone: the Java routes would check their backends as they start
        "camel.main.java-routes-exclude-pattern=routes/*",
        // and of those the enrichment flow's (the other queue flows' aws2-sqs endpoints look their queues up as they
        // are created)
        "camel.main.routes-include-pattern=classpath:camel/error-handling.camel.yaml,classpath:camel/enrichment.camel.yaml",
        // the schedule on, every second, with a leader lock of this test's own
        "mangaassist.enrichment.schedule.enabled=true",
        "mangaassist.enrichment.schedule.cron=* * * * * *",
        "mangaassist.cluster.root=target/cluster/enrichment-route-test-${random.uuid}"})
class EnrichmentRouteTest extends RouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @MockitoBean
    EnrichmentQueues queues;

    MockEndpoint queue;
    MockEndpoint model;
    MockEndpoint catalog;
    MockEndpoint deadLetters;

    @Override
    protected void advise(CamelContext context) throws Exception {
        AdviceWith.adviceWith(context, "enrichment-consume", a -> a.replaceFromWith("direct:enrichment-received"));
        AdviceWith.adviceWith(context, "enrichment-send-batch", a -> a.weaveByToUri("aws2-sqs:*").replace().to("mock:queue"));
        AdviceWith.adviceWith(context, "enrichment-model", a -> a.weaveByToUri("aws-bedrock:*").replace().to("mock:model"));
        AdviceWith.adviceWith(context, "enrichment-process", a -> a.weaveByToUri("bean:enrichmentCatalog*").replace().to("mock:catalog"));
        AdviceWith.adviceWith(context, "enrichment-dead-letter", a -> a.weaveByToUri("aws2-sqs:*").replace().to("mock:dlq"));
        AdviceWith.adviceWith(context, "enrichment-delete", a -> a.weaveById("enrichment-delete-messages").replace().to("mock:delete"));
        AdviceWith.adviceWith(context, "enrichment-schedule",
                a -> a.weaveByToUri("direct:enrichment-backfill").replace().to("mock:backfill"));
        AdviceWith.adviceWith(context, "enrichment-backfill-scan", a -> a.weaveByToUri("aws2-ddb:*").replace().to("mock:catalog-scan"));
    }

    @BeforeEach
    void mocks() {
        queue = camelContext.getEndpoint("mock:queue", MockEndpoint.class);
        model = camelContext.getEndpoint("mock:model", MockEndpoint.class);
        catalog = camelContext.getEndpoint("mock:catalog", MockEndpoint.class);
        deadLetters = camelContext.getEndpoint("mock:dlq", MockEndpoint.class);
        Mockito.when(queues.jobs()).thenReturn("http://sqs/manga-enrichment-queue.fifo");
        Mockito.when(queues.deadLetters()).thenReturn("http://sqs/manga-enrichment-dlq.fifo");
    }

    @Test
    void aJobIsAskedOfTheModelAndItsJsonAnswerStored() throws Exception {
        model.whenAnyExchangeReceived(e -> e.getMessage().setBody(JSON.readTree(
                "{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"synopsis_en\\\":\\\"Pirates.\\\",\\\"synopsis_jp\\\":\\\"海賊。\\\"}\"}]}")));
        catalog.expectedMessageCount(1);

        Exchange done = receive(seedBody("op-1042"));

        assertThat(done.getException()).isNull();
        catalog.assertIsSatisfied();
        EnrichmentTask stored = catalog.getReceivedExchanges().get(0).getMessage().getBody(EnrichmentTask.class);
        assertThat(stored.enrichment().path("synopsis_jp").asText()).isEqualTo("海賊。");
        assertThat(stored.job().mangaId()).isEqualTo("op-1042");
        deadLetters.expectedMessageCount(0);
        deadLetters.assertIsSatisfied();
    }

    @Test
    void aModelFailureLeavesTheExchangeFailedSoTheMessageStaysOnTheQueue() throws Exception {
        model.whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("throttled");
        });
        catalog.expectedMessageCount(0);

        Exchange done = receive(seedBody("op-7"));

        assertThat(done.getException()).hasMessageContaining("throttled");
        assertThat(done.isRollbackOnly()).isFalse();
        catalog.assertIsSatisfied();
        deadLetters.expectedMessageCount(0);
        deadLetters.assertIsSatisfied();
    }

    @Test
    void anUnreadableMessageGoesToTheDeadLetterQueueWithItsReasonAndCompletes() throws Exception {
        deadLetters.whenAnyExchangeReceived(e -> e.getMessage().setBody(SendMessageBatchResponse.builder().build()));
        model.expectedMessageCount(0);

        Exchange done = receive("{\"manga\":\"not an object\"}");

        assertThat(done.getException()).isNull();
        model.assertIsSatisfied();
        SendMessageBatchRequest sent = deadLetters.getReceivedExchanges().get(0).getMessage().getBody(SendMessageBatchRequest.class);
        assertThat(sent.queueUrl()).endsWith("manga-enrichment-dlq.fifo");
        assertThat(sent.entries().get(0).messageGroupId()).isEqualTo("manga-op-1");
        assertThat(sent.entries().get(0).messageDeduplicationId()).isEqualTo("msg-1");
        assertThat(sent.entries().get(0).messageAttributes().get(EnrichmentSteps.ATTRIBUTE_REASON).stringValue())
                .isEqualTo("INVALID_FIELDS: manga string found, object expected; [enrichment-job.v1.json]");
    }

    @Test
    void aPollsFinishedMessagesAreDeletedInOneBatchAfterItsLastAndTheFailedOneIsNot() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        model.whenAnyExchangeReceived(e -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("throttled");
            }
            e.getMessage().setBody(JSON.readTree("{\"content\":[{\"type\":\"text\",\"text\":\"prose\"}]}"));
        });
        deadLetters.whenAnyExchangeReceived(e -> e.getMessage().setBody(SendMessageBatchResponse.builder().build()));
        MockEndpoint deletes = camelContext.getEndpoint("mock:delete", MockEndpoint.class);

        // one poll of four: stored, failed, dead-lettered (permanent), stored
        Exchange first = receive(seedBody("op-1"), 0, 4);
        assertThat(deletes.getReceivedCounter()).as("nothing deleted before the poll's last message").isZero();
        Exchange failed = receive(seedBody("op-2"), 1, 4);
        receive("not json", 2, 4);
        Exchange last = receive(seedBody("op-4"), 3, 4);

        assertThat(first.getException()).isNull();
        assertThat(failed.getException()).hasMessageContaining("throttled");
        assertThat(last.getException()).isNull();
        assertThat(deletes.getReceivedCounter()).isEqualTo(1);
        DeleteMessageBatchRequest request = deletes.getReceivedExchanges().get(0).getMessage().getBody(DeleteMessageBatchRequest.class);
        assertThat(request.queueUrl()).endsWith("manga-enrichment-queue.fifo");
        assertThat(request.entries()).extracting(DeleteMessageBatchRequestEntry::receiptHandle).containsExactly("r0", "r2", "r3");
    }

    @Test
    void aPollWhoseLastMessageFailsStillDeletesTheOthers() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        model.whenAnyExchangeReceived(e -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("throttled");
            }
            e.getMessage().setBody(JSON.readTree("{\"content\":[{\"type\":\"text\",\"text\":\"prose\"}]}"));
        });
        MockEndpoint deletes = camelContext.getEndpoint("mock:delete", MockEndpoint.class);

        receive(seedBody("op-1"), 0, 2);
        Exchange last = receive(seedBody("op-2"), 1, 2);

        assertThat(last.getException()).hasMessageContaining("throttled");
        assertThat(deletes.getReceivedCounter()).isEqualTo(1);
        assertThat(deletes.getReceivedExchanges().get(0).getMessage().getBody(DeleteMessageBatchRequest.class).entries())
                .extracting(DeleteMessageBatchRequestEntry::receiptHandle).containsExactly("r0");
    }

    @Test
    void aBatchIsSentTenAtATimeAndAnEntryRefusedOnceIsSentAgain() throws Exception {
        List<Integer> sizes = new ArrayList<>();
        queue.whenAnyExchangeReceived(e -> {
            SendMessageBatchRequest request = e.getMessage().getBody(SendMessageBatchRequest.class);
            sizes.add(request.entries().size());
            SendMessageBatchResponse.Builder response = SendMessageBatchResponse.builder();
            List<SendMessageBatchResultEntry> ok = new ArrayList<>();
            request.entries().forEach(entry -> {
                if (entry.id().equals("3") && sizes.size() == 1) {
                    response.failed(BatchResultErrorEntry.builder().id("3").code("InternalError").message("x").build());
                } else {
                    ok.add(SendMessageBatchResultEntry.builder().id(entry.id()).messageId("m" + entry.id()).build());
                }
            });
            e.getMessage().setBody(response.successful(ok).build());
        });
        StringBuilder jobs = new StringBuilder("[");
        for (int i = 0; i < 12; i++) {
            jobs.append(i == 0 ? "" : ",").append("{\"mangaId\":\"m").append(i).append("\",\"title\":\"T\"}");
        }

        Exchange done = template.request("direct:enrichment-submit-batch", e -> e.getMessage().setBody(jobs.append("]").toString()));

        JsonNode answer = JSON.readTree(done.getMessage().getBody(String.class));
        assertThat(done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(202);
        assertThat(answer.path("successful").asInt()).isEqualTo(12);
        assertThat(answer.path("messageIds").get(3).asText()).isEqualTo("m3");
        // 10, then the 2 left with the refused one
        assertThat(sizes).containsExactly(10, 3);
    }

    @Test
    void aJobWithBadFieldsIsAnsweredWithAnErrorPerField() throws Exception {
        Exchange done = template.request("direct:enrichment-submit",
                e -> e.getMessage().setBody("{\"mangaId\":\"op 1\",\"title\":\"x\",\"priority\":\"asap\"}"));

        assertThat(done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        JsonNode answer = JSON.readTree(done.getMessage().getBody(String.class));
        assertThat(answer.path("code").asText()).isEqualTo("INVALID_JOB");
        assertThat(answer.path("errors")).extracting(e -> e.path("field").asText()).containsExactly("mangaId", "priority");
        queue.expectedMessageCount(0);
        queue.assertIsSatisfied();
    }

    @Test
    void theScheduleRunsOnTheLeaderOnlyAndStartsTheBackfill() throws Exception {
        MockEndpoint backfill = camelContext.getEndpoint("mock:backfill", MockEndpoint.class);
        backfill.setMinimumExpectedMessageCount(1);
        backfill.setResultWaitTime(20_000);

        backfill.assertIsSatisfied();

        Endpoint from = camelContext.getRoute("enrichment-schedule").getEndpoint();
        assertThat(from).isInstanceOf(MasterEndpoint.class);
        assertThat(from.getEndpointUri()).startsWith("master:enrichment-schedule:scheduler:");
        assertThat(camelContext.hasService(FileLockClusterService.class).isLeader("enrichment-schedule")).isTrue();
    }

    @Test
    void theBackfillScansEachTypePageByPageAndQueuesWhatTheItemsLack() throws Exception {
        MockEndpoint scan = camelContext.getEndpoint("mock:catalog-scan", MockEndpoint.class);
        scan.whenAnyExchangeReceived(e -> {
            @SuppressWarnings("unchecked")
            Map<String, String> names = e.getMessage().getHeader("CamelAwsDdbFilterExpressionAttributeNames", Map.class);
            Object startKey = e.getMessage().getHeader("CamelAwsDdbStartKey");
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            Map<String, AttributeValue> lastKey = null;
            switch (names.get("#t")) {
                case "synopsis" -> {
                    if (startKey == null) {
                        items.add(catalogItem("a-1", "A"));
                        items.add(catalogItem("b-2", "B"));
                        lastKey = Map.of("mangaId", AttributeValue.fromS("b-2"));
                    } else {
                        items.add(catalogItem("c-3", "C"));
                        items.add(Map.of("mangaId", AttributeValue.fromS("untitled-4")));
                    }
                }
                case "tags" -> items.add(catalogItem("a-1", "A"));
                default -> { }
            }
            e.getMessage().setHeader("CamelAwsDdbItems", items);
            e.getMessage().setHeader("CamelAwsDdbLastEvaluatedKey", lastKey);
        });
        List<SendMessageBatchRequest> sends = new ArrayList<>();
        queue.whenAnyExchangeReceived(e -> {
            SendMessageBatchRequest request = e.getMessage().getBody(SendMessageBatchRequest.class);
            sends.add(request);
            e.getMessage().setBody(SendMessageBatchResponse.builder().successful(request.entries().stream()
                    .map(en -> SendMessageBatchResultEntry.builder().id(en.id()).messageId("m" + en.id()).build()).toList()).build());
        });

        @SuppressWarnings("unchecked")
        Map<String, Object> report = template.requestBody("direct:enrichment-backfill", null, Map.class);

        assertThat(report.get("queued")).isEqualTo(4);
        assertThat(report.get("failed")).isEqualTo(0);
        // synopsis twice (two pages), tags once, recommendations once
        assertThat(scan.getReceivedCounter()).isEqualTo(4);
        Exchange first = scan.getReceivedExchanges().get(0);
        assertThat(first.getMessage().getHeader("CamelAwsDdbFilterExpression")).isEqualTo("attribute_not_exists(#e.#t)");
        assertThat(first.getMessage().getHeader("CamelAwsDdbProjectExpression")).isEqualTo("mangaId, #title, #titleJp");
        assertThat(scan.getReceivedExchanges().get(1).getMessage().getHeader("CamelAwsDdbStartKey"))
                .isEqualTo(Map.of("mangaId", AttributeValue.fromS("b-2")));
        List<String> queued = new ArrayList<>();
        for (SendMessageBatchRequest request : sends) {
            request.entries().forEach(en -> {
                try {
                    JsonNode job = JSON.readTree(en.messageBody());
                    queued.add(job.path("manga").path("id").asText() + ":" + job.path("enrichmentType").asText()
                            + ":" + job.path("priority").asText());
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
        }
        assertThat(queued).containsExactly("a-1:synopsis:low", "b-2:synopsis:low", "c-3:synopsis:low", "a-1:tags:low");
    }

    private static Map<String, AttributeValue> catalogItem(String id, String title) {
        return Map.of("mangaId", AttributeValue.fromS(id), "title", AttributeValue.fromS(title));
    }

    private Exchange receive(String body) {
        return template.send("direct:enrichment-received", e -> {
            e.getMessage().setBody(body);
            e.getMessage().setHeaders(Map.of("CamelAwsSqsMessageId", "msg-1", "MessageGroupId", "manga-op-1",
                    "ApproximateReceiveCount", "1"));
        });
    }

    /** Message {@code index} of a poll of {@code size}, as aws2-sqs hands it out (receipt handle r{index}). */
    private Exchange receive(String body, int index, int size) {
        return template.send("direct:enrichment-received", e -> {
            e.getMessage().setBody(body);
            e.getMessage().setHeaders(Map.of("CamelAwsSqsMessageId", "msg-" + index, "MessageGroupId", "manga-op-" + index,
                    "ApproximateReceiveCount", "1", "CamelAwsSqsReceiptHandle", "r" + index));
            e.setProperty(ExchangePropertyKey.BATCH_INDEX, index);
            e.setProperty(ExchangePropertyKey.BATCH_SIZE, size);
            e.setProperty(ExchangePropertyKey.BATCH_COMPLETE, index == size - 1);
        });
    }

    private static String seedBody(String mangaId) {
        return "{\"jobType\":\"catalog_enrichment\",\"enrichmentType\":\"synopsis\",\"manga\":{\"id\":\"" + mangaId
                + "\",\"title\":\"One Piece\",\"titleJp\":\"ワンピース\"},\"priority\":\"high\",\"requestedAt\":1700000000}";
    }
}
