package mangaassist.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.platform.ApiException;
import mangaassist.support.RouteTestSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The DLQ reprocessor's routes with SQS and S3 replaced by mocks: which hop each class of message takes, that a message
 * leaves the DLQ only after its copy is safe, and the answers of the API.
 */
@TestPropertySource(properties = {
        "camel.main.java-routes-exclude-pattern=routes/*",
        "camel.main.routes-include-pattern=classpath:camel/error-handling.camel.yaml,classpath:camel/dlq.camel.yaml",
        // the schedule's leadership: a lock directory of this test's own (a MangaAssist running here may hold the default)
        "mangaassist.cluster.root=${java.io.tmpdir}/mangaassist-dlq-route-test-${random.uuid}"})
class DlqRouteTest extends RouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DlqQueue MODERATION = new DlqQueue("moderation", "manga-moderation-dlq", "manga-moderation-queue",
            "http://sqs/manga-moderation-dlq", "http://sqs/manga-moderation-queue");

    @MockitoBean
    DlqQueues queues;

    MockEndpoint receive;
    MockEndpoint send;
    MockEndpoint delete;
    MockEndpoint write;
    MockEndpoint unflag;
    MockEndpoint list;
    MockEndpoint read;
    /** What each receive of the DLQ brings, in turn (then nothing). */
    final Deque<List<Message>> batches = new ArrayDeque<>();

    @Override
    protected void advise(CamelContext context) throws Exception {
        AdviceWith.adviceWith(context, "dlq-run", a -> {
            a.weaveById("dlq-receive").replace().to("mock:receive");
            a.weaveById("dlq-release-failed").replace().to("mock:release");
        });
        AdviceWith.adviceWith(context, "dlq-send-source", a -> a.weaveById("dlq-send-queue").replace().to("mock:send"));
        AdviceWith.adviceWith(context, "dlq-delete", a -> a.weaveById("dlq-delete-message").replace().to("mock:delete"));
        AdviceWith.adviceWith(context, "dlq-write", a -> a.weaveById("dlq-write-document").replace().to("mock:write"));
        AdviceWith.adviceWith(context, "dlq-unflag", a -> a.weaveById("dlq-delete-flagged").replace().to("mock:unflag"));
        AdviceWith.adviceWith(context, "dlq-flagged", a -> {
            a.weaveById("dlq-list-flagged").replace().to("mock:list");
            a.weaveById("dlq-read-flagged").replace().to("mock:read");
        });
    }

    @BeforeEach
    void mocks() {
        receive = camelContext.getEndpoint("mock:receive", MockEndpoint.class);
        send = camelContext.getEndpoint("mock:send", MockEndpoint.class);
        delete = camelContext.getEndpoint("mock:delete", MockEndpoint.class);
        write = camelContext.getEndpoint("mock:write", MockEndpoint.class);
        unflag = camelContext.getEndpoint("mock:unflag", MockEndpoint.class);
        list = camelContext.getEndpoint("mock:list", MockEndpoint.class);
        read = camelContext.getEndpoint("mock:read", MockEndpoint.class);
        batches.clear();
        Mockito.when(queues.queue("moderation")).thenReturn(MODERATION);
        Mockito.when(queues.queue("orders")).thenThrow(new ApiException("UNKNOWN_QUEUE", 404, "No dead-letter queue is named 'orders'."));
        // as DlqQueues.receive: the run keeps what it has not seen
        receive.whenAnyExchangeReceived(e -> e.getMessage().setBody(
                e.getMessage().getBody(DlqRun.class).accept(batches.isEmpty() ? List.of() : batches.poll())));
        send.whenAnyExchangeReceived(e -> e.getMessage().setBody(SendMessageBatchResponse.builder().build()));
    }

    @Test
    void eachClassTakesItsHopAndOnlyHandledMessagesLeaveTheDlq() throws Exception {
        batches.add(List.of(message("t1", "Connection reset"), message("th1", "ThrottlingException"),
                message("p1", "INVALID_BODY: not a JSON object"), message("u1", null)));
        write.expectedMessageCount(2);

        JsonNode stats = reprocess("moderation", "10");

        assertThat(stats).isEqualTo(JSON.readTree("{\"requeued\":2,\"archived\":1,\"flagged\":1,\"failed\":0}"));
        List<SendMessageBatchRequest> sent = bodies(send, SendMessageBatchRequest.class);
        assertThat(sent).extracting(r -> r.entries().get(0).messageBody()).containsExactly("body-t1", "body-th1");
        assertThat(sent).extracting(r -> r.entries().get(0).delaySeconds()).containsExactly(null, 60);
        assertThat(sent).allMatch(r -> r.queueUrl().equals("http://sqs/manga-moderation-queue"));
        // off the DLQ: the requeued and the archived ones, never the flagged one
        assertThat(delete.getReceivedExchanges()).extracting(e -> e.getMessage().getHeader("CamelAwsSqsReceiptHandle"))
                .containsExactly("rh-t1", "rh-th1", "rh-p1");
        write.assertIsSatisfied();
        assertThat(write.getReceivedExchanges()).extracting(e -> e.getMessage().getHeader("CamelAwsS3Key", String.class))
                .anyMatch(k -> k.matches("dlq-archive/moderation/\\d{4}-\\d{2}-\\d{2}/p1\\.json"))
                .contains("dlq-flagged/moderation/u1.json");
        // a message that leaves the DLQ is flagged no more
        assertThat(unflag.getReceivedExchanges()).extracting(e -> e.getMessage().getHeader("CamelAwsS3Key"))
                .containsExactly("dlq-flagged/moderation/t1.json", "dlq-flagged/moderation/th1.json",
                        "dlq-flagged/moderation/p1.json");
    }

    @Test
    void aMessageWhoseCopyFailedStaysInTheDlqAndTheRunGoesOn() throws Exception {
        batches.add(List.of(message("t1", "Connection reset"), message("p1", "malformed")));
        send.whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("SQS unavailable");
        });
        write.whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("S3 unavailable");
        });

        JsonNode stats = reprocess("moderation", null);

        assertThat(stats).isEqualTo(JSON.readTree("{\"requeued\":0,\"archived\":0,\"flagged\":0,\"failed\":2}"));
        assertThat(delete.getReceivedExchanges()).isEmpty();
        // both given back to the DLQ at the run's end, for the next run
        List<Exchange> released = camelContext.getEndpoint("mock:release", MockEndpoint.class).getReceivedExchanges();
        assertThat(released).hasSize(1);
        assertThat(released.get(0).getMessage().getBody(DlqRun.class).failedMessages())
                .extracting(DlqMessage::messageId).containsExactly("t1", "p1");
    }

    @Test
    void aRequeueTheSourceQueueRefusedIsNotDeleted() throws Exception {
        batches.add(List.of(message("t1", "timeout")));
        send.whenAnyExchangeReceived(e -> e.getMessage().setBody(SendMessageBatchResponse.builder()
                .failed(f -> f.id("0").code("InvalidParameterValue").message("no")).build()));

        assertThat(reprocess("moderation", null).path("failed").asInt()).isEqualTo(1);
        assertThat(delete.getReceivedExchanges()).isEmpty();
    }

    @Test
    void aRunReceivesUntilTheDlqHasNothingNewAndNeverMoreThanMax() throws Exception {
        List<Message> first = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            first.add(message("u" + i, null));
        }
        batches.add(first);
        batches.add(List.of(message("u0", null), message("u10", null), message("u11", null)));

        JsonNode stats = reprocess("moderation", "11");

        assertThat(stats.path("flagged").asInt()).isEqualTo(11);
        assertThat(receive.getReceivedExchanges()).hasSize(2);
    }

    @Test
    void theApiAnswersAnUnknownQueueWith404AndABadMaxWith400() throws Exception {
        Exchange unknown = template.request("direct:dlq-reprocess", e -> e.getMessage().setHeader("queue", "orders"));
        Exchange badMax = template.request("direct:dlq-reprocess", e -> {
            e.getMessage().setHeader("queue", "moderation");
            e.getMessage().setHeader("max", "ten");
        });

        assertThat(unknown.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(404);
        assertThat(JSON.readTree(unknown.getMessage().getBody(String.class)).path("code").asText()).isEqualTo("UNKNOWN_QUEUE");
        assertThat(badMax.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        assertThat(JSON.readTree(badMax.getMessage().getBody(String.class)).path("code").asText()).isEqualTo("INVALID_MAX");
        assertThat(receive.getReceivedExchanges()).isEmpty();
    }

    @Test
    void theFlaggedListingReadsEachDocumentAndSkipsOneGoneSinceItWasListed() throws Exception {
        list.whenAnyExchangeReceived(e -> e.getMessage().setBody(List.of(
                S3Object.builder().key("dlq-flagged/moderation/u2.json").build(),
                S3Object.builder().key("dlq-flagged/moderation/u1.json").build())));
        read.whenAnyExchangeReceived(e -> {
            String key = e.getMessage().getHeader("CamelAwsS3Key", String.class);
            if (key.endsWith("u2.json")) {
                throw NoSuchKeyException.builder().message("gone").build();
            }
            e.getMessage().setBody("{\"messageId\":\"u1\",\"classification\":\"unknown\"}");
        });

        Exchange done = template.request("direct:dlq-flagged", e -> e.getMessage().setHeader("queue", "moderation"));

        assertThat(list.getReceivedExchanges().get(0).getMessage().getHeader("CamelAwsS3Prefix")).isEqualTo("dlq-flagged/moderation/");
        assertThat(JSON.readTree(done.getMessage().getBody(String.class))).isEqualTo(JSON.readTree(
                "{\"queue\":\"moderation\",\"count\":1,\"flagged\":[{\"messageId\":\"u1\",\"classification\":\"unknown\"}]}"));
    }

    @Test
    void theScheduleIsOffUnlessSwitchedOn() {
        assertThat(camelContext.getRouteController().getRouteStatus("dlq-schedule").isStopped()).isTrue();
    }

    @Test
    void theScheduleRunsOverEachConfiguredQueueOnceLeader() throws Exception {
        for (String name : List.of("enrichment", "deferred")) {
            Mockito.when(queues.queue(name)).thenReturn(new DlqQueue(name, name + "-dlq", name + "-queue",
                    "http://sqs/" + name + "-dlq", "http://sqs/" + name + "-queue"));
        }
        camelContext.getRouteController().startRoute("dlq-schedule");
        try {
            // the timer's first tick, once this instance leads namespace dlq
            await().atMost(Duration.ofSeconds(30)).until(() -> receive.getReceivedExchanges().size() >= 3);
        } finally {
            camelContext.getRouteController().stopRoute("dlq-schedule");
        }

        List<DlqRun> runs = bodies(receive, DlqRun.class);
        assertThat(runs.subList(0, 3)).extracting(r -> r.queue().name()).containsExactly("enrichment", "deferred", "moderation");
        assertThat(runs).extracting(DlqRun::max).containsOnly(100);   // mangaassist.dlq.schedule.max-messages
    }

    private JsonNode reprocess(String queue, String max) throws Exception {
        Exchange done = template.request("direct:dlq-reprocess", e -> {
            e.getMessage().setHeader("queue", queue);
            if (max != null) {
                e.getMessage().setHeader("max", max);
            }
        });
        assertThat(done.getException()).isNull();
        return JSON.readTree(done.getMessage().getBody(String.class));
    }

    private static <T> List<T> bodies(MockEndpoint endpoint, Class<T> type) {
        return endpoint.getReceivedExchanges().stream().map(e -> e.getMessage().getBody(type)).toList();
    }

    private static Message message(String id, String reason) {
        Message.Builder message = Message.builder().messageId(id).receiptHandle("rh-" + id).body("body-" + id)
                .attributesWithStrings(Map.of("ApproximateReceiveCount", "1"));
        if (reason != null) {
            message.messageAttributes(Map.of("failureReason", MessageAttributeValue.builder().dataType("String")
                    .stringValue(reason).build()));
        }
        return message.build();
    }

}
