package mangaassist.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.support.RouteTestSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The moderation routes with the queue, the model and S3 replaced by mocks: which hop each message takes, what is
 * written where, and that a failure leaves the exchange failed (so aws2-sqs does not delete the message).
 */
@TestPropertySource(properties = {
        // the YAML routes alone: the Java routes would check their backends as they start
        "camel.main.java-routes-exclude-pattern=routes/*",
        // and of those only this flow's (and the shared error handling): the other flows' endpoints would too
        "camel.main.routes-include-pattern=classpath:camel/error-handling.camel.yaml,classpath:camel/moderation.camel.yaml"})
class ModerationRouteTest extends RouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant SENT = Instant.parse("2026-12-01T23:59:59Z");

    @MockitoBean
    ModerationQueues queues;
    @Autowired
    MeterRegistry meters;

    MockEndpoint queue;
    MockEndpoint model;
    MockEndpoint results;
    MockEndpoint deadLetters;

    @Override
    protected void advise(CamelContext context) throws Exception {
        AdviceWith.adviceWith(context, "moderation-consume", a -> a.replaceFromWith("direct:moderation-received"));
        AdviceWith.adviceWith(context, "moderation-submit", a -> a.weaveByToUri("aws2-sqs:*").replace().to("mock:queue"));
        AdviceWith.adviceWith(context, "moderation-model", a -> a.weaveByToUri("aws-bedrock:*").replace().to("mock:model"));
        AdviceWith.adviceWith(context, "moderation-store", a -> a.weaveByToUri("aws2-s3:*").replace().to("mock:results"));
        AdviceWith.adviceWith(context, "moderation-dead-letter", a -> a.weaveByToUri("aws2-sqs:*").replace().to("mock:dlq"));
    }

    @BeforeEach
    void mocks() {
        queue = camelContext.getEndpoint("mock:queue", MockEndpoint.class);
        model = camelContext.getEndpoint("mock:model", MockEndpoint.class);
        results = camelContext.getEndpoint("mock:results", MockEndpoint.class);
        deadLetters = camelContext.getEndpoint("mock:dlq", MockEndpoint.class);
        Mockito.when(queues.deadLetters()).thenReturn("http://sqs/manga-moderation-dlq");
    }

    @Test
    void aJobIsJudgedAndItsVerdictWrittenUnderTheDayItWasSent() throws Exception {
        model.whenAnyExchangeReceived(e -> e.getMessage().setBody(answer("{\"verdict\":\"block\",\"reasons\":[\"spam\"]}")));
        results.expectedMessageCount(1);

        Exchange done = receive("{\"contentId\":\"c-1\",\"contentType\":\"comment\",\"text\":\"buy now\"}");

        assertThat(done.getException()).isNull();
        results.assertIsSatisfied();
        Exchange written = results.getReceivedExchanges().get(0);
        assertThat(written.getMessage().getHeader("CamelAwsS3Key")).isEqualTo("moderation-results/2026-12-01/c-1.json");
        assertThat(written.getMessage().getHeader("CamelAwsS3ContentType")).isEqualTo("application/json");
        JsonNode result = JSON.readTree(written.getMessage().getBody(String.class));
        assertThat(result.path("verdict").asText()).isEqualTo("block");
        assertThat(result.path("reasons").get(0).asText()).isEqualTo("spam");
        assertThat(result.path("messageId").asText()).isEqualTo("msg-1");
        // the task is the body again after the write
        assertThat(done.getMessage().getBody(ModerationTask.class).verdict().verdict()).isEqualTo("block");
        deadLetters.expectedMessageCount(0);
        deadLetters.assertIsSatisfied();
    }

    @Test
    void anAnswerThatIsNoVerdictIsWrittenAsReview() throws Exception {
        model.whenAnyExchangeReceived(e -> e.getMessage().setBody(answer("Looks fine to me.")));
        results.expectedMessageCount(1);

        receive("{\"contentId\":\"c-2\",\"contentType\":\"review\",\"text\":\"ok\"}");

        results.assertIsSatisfied();
        JsonNode result = JSON.readTree(results.getReceivedExchanges().get(0).getMessage().getBody(String.class));
        assertThat(result.path("verdict").asText()).isEqualTo("review");
        assertThat(result.path("modelAnswer").asText()).isEqualTo("Looks fine to me.");
    }

    @Test
    void aModelFailureLeavesTheExchangeFailedSoTheMessageStaysOnTheQueue() throws Exception {
        model.whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("throttled");
        });
        results.expectedMessageCount(0);

        Exchange done = receive("{\"contentId\":\"c-3\",\"contentType\":\"review\",\"text\":\"ok\"}");

        assertThat(done.getException()).hasMessageContaining("throttled");
        results.assertIsSatisfied();
        deadLetters.expectedMessageCount(0);
        deadLetters.assertIsSatisfied();
    }

    @Test
    void anS3FailureLeavesTheExchangeFailedToo() {
        model.whenAnyExchangeReceived(e -> e.getMessage().setBody(answer("{\"verdict\":\"allow\",\"reasons\":[]}")));
        results.whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("S3 unavailable");
        });

        double before = meters.counter("mangaassist.errors", "flow", "moderation", "code", "IllegalState").count();

        Exchange done = receive("{\"contentId\":\"c-4\",\"contentType\":\"review\",\"text\":\"ok\"}");

        // the failure itself, counted by the failure step (which still had the task)
        assertThat(done.getException()).isInstanceOf(IllegalStateException.class).hasMessage("S3 unavailable");
        assertThat(meters.counter("mangaassist.errors", "flow", "moderation", "code", "IllegalState").count()).isEqualTo(before + 1);
    }

    @Test
    void anInvalidMessageGoesToTheDeadLetterQueueWithItsReasonAndCompletes() throws Exception {
        deadLetters.whenAnyExchangeReceived(e -> e.getMessage().setBody(SendMessageBatchResponse.builder().build()));
        model.expectedMessageCount(0);

        Exchange done = receive("{\"contentId\":\"c-5\",\"contentType\":\"review\"}");

        assertThat(done.getException()).isNull();
        model.assertIsSatisfied();
        SendMessageBatchRequest sent = deadLetters.getReceivedExchanges().get(0).getMessage().getBody(SendMessageBatchRequest.class);
        assertThat(sent.queueUrl()).isEqualTo("http://sqs/manga-moderation-dlq");
        assertThat(sent.entries().get(0).messageAttributes().get(ModerationSteps.ATTRIBUTE_REASON).stringValue())
                .isEqualTo("INVALID_FIELDS: text is required; [moderation-job.v1.json]");
    }

    @Test
    void aDeadLetterTheDlqRefusedLeavesTheExchangeFailed() {
        deadLetters.whenAnyExchangeReceived(e -> e.getMessage().setBody(SendMessageBatchResponse.builder()
                .failed(f -> f.id("0").code("InternalError").message("refused")).build()));

        Exchange done = receive("not json");

        assertThat(done.getException()).hasMessageContaining("refused");
    }

    @Test
    void theApiQueuesAJobWithoutTheRequestsHeadersAndAnswers202() throws Exception {
        queue.whenAnyExchangeReceived(e -> e.getMessage().setHeader("CamelAwsSqsMessageId", "q-1"));
        queue.expectedMessageCount(1);

        Exchange done = template.request("direct:moderation-submit", e -> {
            e.getMessage().setBody("{\"contentId\":\"c-6\",\"contentType\":\"review\",\"text\":\"ok\"}");
            e.getMessage().setHeader("User-Agent", "curl/8");
        });

        queue.assertIsSatisfied();
        Exchange sent = queue.getReceivedExchanges().get(0);
        // aws2-sqs would send every header as a message attribute
        assertThat(sent.getMessage().getHeaders()).doesNotContainKey("User-Agent");
        assertThat(JSON.readTree(sent.getMessage().getBody(String.class)).path("contentId").asText()).isEqualTo("c-6");
        assertThat(done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(202);
        assertThat(JSON.readTree(done.getMessage().getBody(String.class)))
                .isEqualTo(JSON.readTree("{\"status\":\"queued\",\"messageId\":\"q-1\"}"));
    }

    @Test
    void theApiRefusesABadJobWithAnErrorPerField() throws Exception {
        queue.expectedMessageCount(0);

        Exchange done = template.request("direct:moderation-submit",
                e -> e.getMessage().setBody("{\"contentId\":\"a b\",\"contentType\":\"review\",\"text\":\"\"}"));

        assertThat(done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        JsonNode answer = JSON.readTree(done.getMessage().getBody(String.class));
        assertThat(answer.path("code").asText()).isEqualTo("INVALID_JOB");
        assertThat(answer.path("errors")).extracting(e -> e.path("field").asText()).containsExactly("contentId", "text");
        queue.assertIsSatisfied();
    }

    private Exchange receive(String body) {
        return template.send("direct:moderation-received", e -> {
            e.getMessage().setBody(body);
            e.getMessage().setHeaders(Map.of("CamelAwsSqsMessageId", "msg-1", "ApproximateReceiveCount", "1",
                    "SentTimestamp", String.valueOf(SENT.toEpochMilli())));
        });
    }

    private static JsonNode answer(String text) {
        return JSON.createObjectNode().set("content", JSON.createArrayNode().add(JSON.createObjectNode()
                .put("type", "text").put("text", text)));
    }
}
