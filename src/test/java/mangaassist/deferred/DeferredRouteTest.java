package mangaassist.deferred;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.support.RouteTestSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * The deferred routes with the queue, the model, the catalog and the callback targets replaced by mocks: which hop a
 * job takes, what each hop is sent, and that a transient failure leaves the exchange failed (so aws2-sqs does not
 * delete the message) while a permanent one goes to the DLQ and completes. SNS callbacks are on here, as in the aws
 * profile.
 */
@TestPropertySource(properties = {
        // the deferred flow's YAML routes alone (and the shared error handling): no backend runs here
        "camel.main.java-routes-exclude-pattern=routes/*",
        "camel.main.routes-include-pattern=classpath:camel/error-handling.camel.yaml,classpath:camel/deferred.camel.yaml",
        "mangaassist.deferred.callback.sns-enabled=true",
        "mangaassist.deferred.callback.retry-delay-ms=10"})
class DeferredRouteTest extends RouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANSWER = "{\"content\":[{\"type\":\"text\",\"text\":\"ワンピースは海賊の物語です。\"}]}";

    @MockitoBean
    DeferredQueues queues;

    MockEndpoint queue;
    MockEndpoint model;
    MockEndpoint recommendationModel;
    MockEndpoint catalogGet;
    MockEndpoint catalogStore;
    MockEndpoint callback;
    MockEndpoint sns;
    MockEndpoint deadLetters;

    @Override
    protected void advise(CamelContext context) throws Exception {
        AdviceWith.adviceWith(context, "deferred-consume", a -> a.replaceFromWith("direct:deferred-received"));
        AdviceWith.adviceWith(context, "deferred-send", a -> a.weaveByToUri("aws2-sqs:*").replace().to("mock:queue"));
        AdviceWith.adviceWith(context, "deferred-inference-model", a -> a.weaveByToUri("aws-bedrock:*").replace().to("mock:model"));
        AdviceWith.adviceWith(context, "deferred-recommendation-model",
                a -> a.weaveByToUri("aws-bedrock:*").replace().to("mock:recommendation-model"));
        AdviceWith.adviceWith(context, "deferred-catalog-titles", a -> a.weaveByToUri("aws2-ddb:*").replace().to("mock:catalog-get"));
        AdviceWith.adviceWith(context, "deferred-batch-recommendation",
                a -> a.weaveByToUri("bean:deferredRecommendations*").replace().to("mock:catalog-store"));
        AdviceWith.adviceWith(context, "deferred-callback-http", a -> a.weaveByToUri("http:*").replace().to("mock:callback"));
        AdviceWith.adviceWith(context, "deferred-callback-sns", a -> a.weaveByToUri("aws2-sns:*").replace().to("mock:sns"));
        AdviceWith.adviceWith(context, "deferred-dead-letter", a -> a.weaveByToUri("aws2-sqs:*").replace().to("mock:dlq"));
    }

    @BeforeEach
    void mocks() {
        queue = camelContext.getEndpoint("mock:queue", MockEndpoint.class);
        model = camelContext.getEndpoint("mock:model", MockEndpoint.class);
        recommendationModel = camelContext.getEndpoint("mock:recommendation-model", MockEndpoint.class);
        catalogGet = camelContext.getEndpoint("mock:catalog-get", MockEndpoint.class);
        catalogStore = camelContext.getEndpoint("mock:catalog-store", MockEndpoint.class);
        callback = camelContext.getEndpoint("mock:callback", MockEndpoint.class);
        sns = camelContext.getEndpoint("mock:sns", MockEndpoint.class);
        deadLetters = camelContext.getEndpoint("mock:dlq", MockEndpoint.class);
        Mockito.when(queues.jobs()).thenReturn("http://sqs/manga-deferred-queue");
        Mockito.when(queues.deadLetters()).thenReturn("http://sqs/manga-deferred-dlq");
        model.whenAnyExchangeReceived(e -> e.getMessage().setBody(JSON.readTree(ANSWER)));
        recommendationModel.whenAnyExchangeReceived(e -> e.getMessage().setBody(JSON.readTree(
                "{\"content\":[{\"type\":\"text\",\"text\":\"[{\\\"title_en\\\":\\\"Naruto\\\",\\\"title_jp\\\":\\\"ナルト\\\"}]\"}]}")));
        deadLetters.whenAnyExchangeReceived(e -> e.getMessage().setBody(SendMessageBatchResponse.builder().build()));
    }

    @Test
    void aJobIsQueuedAsAPreparedRequestAndAnswered202() throws Exception {
        queue.whenAnyExchangeReceived(e -> e.getMessage().setBody(SendMessageBatchResponse.builder()
                .successful(SendMessageBatchResultEntry.builder().id("0").messageId("m-1").build()).build()));

        Exchange done = template.request("direct:deferred-submit", e -> {
            e.getMessage().setBody("{\"jobType\":\"deferred_inference\",\"prompt\":\"hello\"}");
            e.getMessage().setHeader("User-Agent", "curl/8");
        });

        assertThat(done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(202);
        JsonNode answer = JSON.readTree(done.getMessage().getBody(String.class));
        assertThat(answer.path("messageId").asText()).isEqualTo("m-1");
        assertThat(answer.path("jobId").asText()).isNotBlank();
        SendMessageBatchRequest sent = queue.getReceivedExchanges().get(0).getMessage().getBody(SendMessageBatchRequest.class);
        assertThat(sent.queueUrl()).endsWith("manga-deferred-queue");
        assertThat(sent.entries()).hasSize(1);
        assertThat(sent.entries().get(0).messageAttributes()).containsOnlyKeys(DeferredSender.ATTRIBUTE_JOB_TYPE);
        JsonNode job = JSON.readTree(sent.entries().get(0).messageBody());
        assertThat(job.path("jobId").asText()).isEqualTo(answer.path("jobId").asText());
        assertThat(job.path("requestedAt").asLong()).isPositive();
    }

    @Test
    void aJobTheQueueRefusesIsAnswered503() throws Exception {
        queue.whenAnyExchangeReceived(e -> e.getMessage().setBody(SendMessageBatchResponse.builder()
                .failed(BatchResultErrorEntry.builder().id("0").code("InternalError").message("x").senderFault(false).build()).build()));

        Exchange done = template.request("direct:deferred-submit",
                e -> e.getMessage().setBody("{\"jobType\":\"batch_recommendation\",\"mangaIds\":[\"op-1\"]}"));

        assertThat(done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(503);
        assertThat(JSON.readTree(done.getMessage().getBody(String.class)).path("code").asText()).isEqualTo("ENQUEUE_FAILED");
    }

    @Test
    void anInferenceResultIsPostedToTheCallbackWithNoneOfTheMessagesHeaders() throws Exception {
        callback.expectedMessageCount(1);

        Exchange done = receive("{\"jobType\":\"deferred_inference\",\"jobId\":\"j-1\",\"prompt\":\"ワンピースとは\","
                + "\"modelId\":\"anthropic.claude-3-sonnet-20240229-v1:0\",\"callbackUrl\":\"http://client.example/cb?t=1\"}");

        assertThat(done.getException()).isNull();
        callback.assertIsSatisfied();
        Exchange post = callback.getReceivedExchanges().get(0);
        assertThat(post.getMessage().getHeader(Exchange.HTTP_URI)).isEqualTo("http://client.example/cb?t=1");
        assertThat(post.getMessage().getHeaders()).doesNotContainKeys("ApproximateReceiveCount", "CamelAwsSqsMessageId",
                "CamelAwsSqsReceiptHandle");
        JsonNode payload = JSON.readTree(post.getMessage().getBody(String.class));
        assertThat(payload.path("status").asText()).isEqualTo("completed");
        assertThat(payload.path("jobId").asText()).isEqualTo("j-1");
        assertThat(payload.path("result").asText()).isEqualTo("ワンピースは海賊の物語です。");
        InvokeModelRequest request = model.getReceivedExchanges().get(0).getMessage().getBody(InvokeModelRequest.class);
        assertThat(request.modelId()).isEqualTo("anthropic.claude-3-sonnet-20240229-v1:0");
        deadLetters.expectedMessageCount(0);
        deadLetters.assertIsSatisfied();
    }

    @Test
    void anSnsTargetGetsThePayloadPublishedToItsTopic() throws Exception {
        sns.expectedMessageCount(1);

        Exchange done = receive("{\"jobType\":\"deferred_inference\",\"jobId\":\"j-2\",\"prompt\":\"x\","
                + "\"callbackUrl\":\"sns:arn:aws:sns:ap-northeast-1:123456789012:manga-callbacks\"}");

        assertThat(done.getException()).isNull();
        sns.assertIsSatisfied();
        Exchange published = sns.getReceivedExchanges().get(0);
        assertThat(published.getMessage().getHeader("CamelDeferredSnsTopic"))
                .isEqualTo("arn:aws:sns:ap-northeast-1:123456789012:manga-callbacks");
        assertThat(JSON.readTree(published.getMessage().getBody(String.class)).path("jobId").asText()).isEqualTo("j-2");
        callback.expectedMessageCount(0);
        callback.assertIsSatisfied();
    }

    @Test
    void aCallbackFailingFor5xxIsTriedAgainUpToItsBound() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        callback.whenAnyExchangeReceived(e -> {
            if (tries.incrementAndGet() < 3) {
                throw new HttpOperationFailedException("http://client.example/cb", 503, "Unavailable", null, Map.of(), "");
            }
        });

        Exchange done = receive(inference("j-3", "http://client.example/cb"));

        assertThat(done.getException()).isNull();
        assertThat(tries.get()).isEqualTo(3);
        assertThat(model.getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void aCallbackStillFailingAfterItsRetriesLeavesTheExchangeFailedSoTheMessageStays() throws Exception {
        callback.whenAnyExchangeReceived(e -> {
            throw new java.net.SocketTimeoutException("Read timed out");
        });

        Exchange done = receive(inference("j-4", "http://client.example/cb?token=s3cret"));

        assertThat(done.getException()).isInstanceOf(DeferredCallbackException.class)
                .hasMessage("CALLBACK_FAILED: SocketTimeoutException calling http://client.example");
        assertThat(callback.getReceivedCounter()).as("1 try + 2 retries").isEqualTo(3);
        deadLetters.expectedMessageCount(0);
        deadLetters.assertIsSatisfied();
    }

    @Test
    void aCallbackTargetAnswering4xxIsNotRetriedAndTheJobGoesToTheDlq() throws Exception {
        callback.whenAnyExchangeReceived(e -> {
            throw new HttpOperationFailedException("http://client.example/cb?token=s3cret", 410, "Gone", null, Map.of(), "");
        });

        Exchange done = receive(inference("j-5", "http://client.example/cb?token=s3cret"));

        assertThat(done.getException()).isNull();
        assertThat(callback.getReceivedCounter()).isEqualTo(1);
        assertThat(reason(deadLetters)).isEqualTo("CALLBACK_REFUSED: HTTP 410 from http://client.example");
    }

    @Test
    void aThrottledModelLeavesTheExchangeFailedAndNothingDeadLettered() throws Exception {
        model.whenAnyExchangeReceived(e -> {
            throw ThrottlingException.builder().message("slow down").build();
        });

        Exchange done = receive(inference("j-6", "http://client.example/cb"));

        assertThat(done.getException()).isInstanceOf(ThrottlingException.class);
        assertThat(callback.getReceivedCounter()).isZero();
        deadLetters.expectedMessageCount(0);
        deadLetters.assertIsSatisfied();
    }

    @Test
    void aRequestTheModelRefusesGoesToTheDlq() throws Exception {
        model.whenAnyExchangeReceived(e -> {
            throw ValidationException.builder().awsErrorDetails(AwsErrorDetails.builder()
                    .errorMessage("prompt is too long").build()).build();
        });

        Exchange done = receive(inference("j-7", "http://client.example/cb"));

        assertThat(done.getException()).isNull();
        assertThat(reason(deadLetters)).isEqualTo("MODEL_REFUSED: prompt is too long");
    }

    @Test
    void anUnknownJobTypeGoesToTheDlqWithoutTouchingTheModel() throws Exception {
        Exchange done = receive("{\"jobType\":\"summarise\",\"jobId\":\"j-8\"}");

        assertThat(done.getException()).isNull();
        assertThat(reason(deadLetters)).startsWith("UNKNOWN_JOB_TYPE: jobType 'summarise'");
        SendMessageBatchRequest sent = deadLetters.getReceivedExchanges().get(0).getMessage().getBody(SendMessageBatchRequest.class);
        assertThat(sent.queueUrl()).endsWith("manga-deferred-dlq");
        assertThat(sent.entries().get(0).messageBody()).isEqualTo("{\"jobType\":\"summarise\",\"jobId\":\"j-8\"}");
        assertThat(sent.entries().get(0).messageAttributes().get(DeferredSteps.ATTRIBUTE_SOURCE_MESSAGE).stringValue()).isEqualTo("msg-1");
        assertThat(model.getReceivedCounter()).isZero();
    }

    @Test
    void aBatchRecommendationAsksForAndStoresEachKnownManga() throws Exception {
        catalogGet.whenAnyExchangeReceived(e -> {
            @SuppressWarnings("unchecked")
            Map<String, AttributeValue> key = e.getMessage().getHeader("CamelAwsDdbKey", Map.class);
            String id = key.get("mangaId").s();
            e.getMessage().setHeader("CamelAwsDdbAttributes", id.equals("nobody") ? Map.of()
                    : Map.of("title", AttributeValue.fromS("Title " + id), "titleJp", AttributeValue.fromS("題")));
        });
        catalogStore.expectedMessageCount(2);

        Exchange done = receive("{\"jobType\":\"batch_recommendation\",\"jobId\":\"j-9\",\"mangaIds\":[\"op-1\",\"nobody\",\"nrt-2\"]}");

        assertThat(done.getException()).isNull();
        catalogStore.assertIsSatisfied();
        List<DeferredRecommendation> stored = catalogStore.getReceivedExchanges().stream()
                .map(e -> e.getMessage().getBody(DeferredRecommendation.class)).toList();
        assertThat(stored).extracting(DeferredRecommendation::mangaId).containsExactly("op-1", "nrt-2");
        assertThat(stored.get(0).recommendations().path(0).path("title_jp").asText()).isEqualTo("ナルト");
        assertThat(catalogGet.getReceivedExchanges().get(0).getMessage().getHeader("CamelAwsDdbAttributeNames"))
                .isEqualTo(List.of("title", "titleJp"));
        assertThat(recommendationModel.getReceivedCounter()).isEqualTo(2);
    }

    @Test
    void aBatchRecommendationFailingOnOneMangaLeavesTheWholeJobForRedelivery() throws Exception {
        catalogGet.whenAnyExchangeReceived(e -> e.getMessage().setHeader("CamelAwsDdbAttributes",
                Map.of("title", AttributeValue.fromS("T"))));
        AtomicInteger calls = new AtomicInteger();
        recommendationModel.whenAnyExchangeReceived(e -> {
            if (calls.incrementAndGet() == 2) {
                throw ThrottlingException.builder().message("slow down").build();
            }
            e.getMessage().setBody(JSON.readTree(ANSWER));
        });

        Exchange done = receive("{\"jobType\":\"batch_recommendation\",\"mangaIds\":[\"a-1\",\"b-2\",\"c-3\"]}");

        assertThat(done.getException()).hasRootCauseInstanceOf(ThrottlingException.class);
        assertThat(catalogStore.getReceivedCounter()).as("stopped at the failure").isEqualTo(1);
        deadLetters.expectedMessageCount(0);
        deadLetters.assertIsSatisfied();
    }

    private Exchange receive(String body) {
        return template.send("direct:deferred-received", e -> {
            e.getMessage().setBody(body);
            e.getMessage().setHeaders(Map.of("CamelAwsSqsMessageId", "msg-1", "CamelAwsSqsReceiptHandle", "rh-1",
                    "ApproximateReceiveCount", "1"));
        });
    }

    private static String inference(String jobId, String callbackUrl) {
        return "{\"jobType\":\"deferred_inference\",\"jobId\":\"" + jobId + "\",\"prompt\":\"x\",\"callbackUrl\":\""
                + callbackUrl + "\"}";
    }

    private static String reason(MockEndpoint deadLetters) {
        assertThat(deadLetters.getReceivedCounter()).as("dead-lettered").isEqualTo(1);
        SendMessageBatchRequest sent = deadLetters.getReceivedExchanges().get(0).getMessage().getBody(SendMessageBatchRequest.class);
        return sent.entries().get(0).messageAttributes().get(DeferredSteps.ATTRIBUTE_REASON).stringValue();
    }
}
