package mangaassist.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.chat.message.ChatErrorCode;
import mangaassist.chat.message.ChatException;
import mangaassist.chat.message.ChatMessage;
import mangaassist.chat.session.ChatAdmission;
import mangaassist.chat.session.ChatCacheKey;
import mangaassist.chat.session.ChatSessions;
import mangaassist.chat.session.ChatTurn;
import mangaassist.chat.session.History;
import mangaassist.inventory.InventoryItem;
import mangaassist.inventory.StockStatus;
import mangaassist.support.RouteTestSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.aws2.ddb.Ddb2Constants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.core.search.HitsMetadata;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import reactor.core.publisher.Flux;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.ResponseStream;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The chat routes with Bedrock, Redis and DynamoDB replaced by mocks: what the route sends to each and
 * what it makes of their answers, without any backend. The WebSocket edge too: its messages sent to it
 * directly, the model's response stream mocked at the SDK, the frames each client gets caught at chat-reply.
 */
// of the YAML routes only the shared error handling: the flows' aws2-sqs and aws2-s3 endpoints look their queues and
// buckets up as they are created, and the metrics routes poll SQS
@TestPropertySource(properties = {"camel.main.routes-include-pattern=classpath:camel/error-handling.camel.yaml",
        // every streamed delta its own partial frame, so that the frames can be asserted one by one
        "mangaassist.chat.websocket.partial-interval=0ms"})
class ChatRouteTest extends RouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
    private static final String SONNET = "anthropic.claude-3-sonnet-20240229-v1:0";

    private static final Duration WAIT = Duration.ofSeconds(10);

    @MockitoBean
    ChatAdmission admission;
    /** The model's response streams (WebSocket answers), answered by {@link #modelStream}. */
    @MockitoBean
    BedrockRuntimeAsyncClient streams;
    @Autowired
    MeterRegistry meters;

    @Override
    protected void advise(CamelContext context) throws Exception {
        AdviceWith.adviceWith(context, "chat-history-query",
                a -> a.weaveByToUri("aws2-ddb:*").replace().to("mock:sessions-query"));
        AdviceWith.adviceWith(context, "chat-model-invoke",
                a -> a.weaveById("chat-model-bedrock").replace().to("mock:bedrock"));
        AdviceWith.adviceWith(context, "chat-inventory-classify",
                a -> a.weaveById("chat-inventory-model").replace().to("mock:intent-model"));
        AdviceWith.adviceWith(context, "chat-inventory-catalog",
                a -> a.weaveById("chat-inventory-search").replace().to("mock:catalog"));
        AdviceWith.adviceWith(context, "chat-inventory-stock",
                a -> a.weaveByToUri("direct:inventory-lookup").replace().to("mock:stock"));
        AdviceWith.adviceWith(context, "chat-work",
                a -> a.weaveById("chat-cache-write").replace().to("mock:cache-write"));
        AdviceWith.adviceWith(context, "chat-remember", a -> {
            a.weaveById("chat-remember-recent-turns").replace().to("mock:recent-turns");
            a.weaveById("chat-remember-session").replace().to("mock:sessions-put");
        });
        // the WebSocket edge without its server: a message sent to direct:chat-websocket with a connection key is
        // one from that client, and every frame to a client (partials, answer, error) lands in mock:client
        AdviceWith.adviceWith(context, "chat-websocket", a -> a.replaceFromWith("direct:chat-websocket"));
        AdviceWith.adviceWith(context, "chat-reply", a -> a.weaveById("chat-reply-send").replace().to("mock:client"));
    }

    /** Unless a test says otherwise, Redis could not tell anything of the message (no admission). */
    @BeforeEach
    void redisCannotTell() {
        when(admission.admit(any(ChatMessage.class))).thenAnswer(call -> call.getArgument(0));
    }

    /** The admission mock answers with these, in turn (the last one for every further message). */
    private void admits(ChatAdmission.Admission... admissions) {
        AtomicInteger next = new AtomicInteger();
        when(admission.admit(any(ChatMessage.class))).thenAnswer(call -> call.<ChatMessage>getArgument(0)
                .withAdmission(admissions[Math.min(next.getAndIncrement(), admissions.length - 1)]));
    }

    /** The message a mock received (the exchange's body), or null when the body is something else. */
    private static ChatMessage chat(Exchange exchange) {
        return exchange.getMessage().getBody() instanceof ChatMessage message ? message : null;
    }

    private static Predicate session(String sessionId) {
        return e -> chat(e) != null && sessionId.equals(chat(e).sessionId());
    }

    @Test
    void aFreshQuestionGoesToBedrockWithHistoryIsCachedAndIsRememberedOffThePath() throws Exception {
        MockEndpoint history = camelContext.getEndpoint("mock:sessions-query", MockEndpoint.class);
        List<ChatTurn> earlier = ChatSessions.turns("前の質問です", "前の回答です", 1_000L);
        List<Map<String, AttributeValue>> items = ChatSessions.toItems("s-1", earlier, java.time.Duration.ofDays(1));
        history.whenAnyExchangeReceived(e -> e.getMessage().setHeader(Ddb2Constants.ITEMS, List.of(items.get(1), items.get(0))));
        MockEndpoint bedrock = camelContext.getEndpoint("mock:bedrock", MockEndpoint.class);
        bedrock.expectedMessageCount(1);
        bedrock.whenAnyExchangeReceived(e -> e.getMessage().setBody(claude("お問い合わせありがとうございます。")));
        MockEndpoint sessions = camelContext.getEndpoint("mock:sessions-put", MockEndpoint.class);
        sessions.expectedMessageCount(1);
        MockEndpoint cache = camelContext.getEndpoint("mock:cache-write", MockEndpoint.class);
        cache.expectedMessageCount(1);
        MockEndpoint recent = camelContext.getEndpoint("mock:recent-turns", MockEndpoint.class);
        recent.expectedMessageCount(1);

        JsonNode reply = JSON.readTree(template.requestBody("direct:chat-rest", message("s-1", "ワンピースについて教えて", "fast"), String.class));

        assertThat(reply.path("status").asText()).isEqualTo("success");
        assertThat(reply.path("data").path("message").asText()).isEqualTo("お問い合わせありがとうございます。");
        assertThat(reply.path("data").path("language").asText()).isEqualTo("ja");
        bedrock.assertIsSatisfied();
        InvokeModelRequest request = bedrock.getReceivedExchanges().get(0).getMessage().getBody(InvokeModelRequest.class);
        assertThat(request.modelId()).isEqualTo(HAIKU);
        JsonNode sent = JSON.readTree(request.body().asUtf8String());
        assertThat(sent.path("messages")).extracting(m -> m.path("content").asText())
                .containsExactly("前の質問です", "前の回答です", "ワンピースについて教えて");
        sessions.assertIsSatisfied();
        cache.assertIsSatisfied();
        // Redis could not tell (the admission is a mock): its set starts from DynamoDB's history, then the
        // new turns as DynamoDB has them
        recent.assertIsSatisfied();
        ChatMessage remembered = chat(recent.getReceivedExchanges().get(0));
        assertThat(remembered.historySource()).isEqualTo(History.Source.SESSIONS);
        assertThat(remembered.history().turns()).isEqualTo(earlier);
        assertThat(remembered.newTurns()).extracting(ChatTurn::content)
                .containsExactly("ワンピースについて教えて", "お問い合わせありがとうございます。");
    }

    @Test
    void turnsRedisHoldsAreTheHistoryWithoutADynamoDbQueryAndTheAnswerIsAddedToThem() throws Exception {
        List<ChatTurn> known = ChatSessions.turns("Who wrote Monster?", "Naoki Urasawa.", 1_000L);
        admits(new ChatAdmission.Admission(null, known, true));
        MockEndpoint history = camelContext.getEndpoint("mock:sessions-query", MockEndpoint.class);
        history.expectedMessageCount(0);
        MockEndpoint bedrock = camelContext.getEndpoint("mock:bedrock", MockEndpoint.class);
        bedrock.whenAnyExchangeReceived(e -> e.getMessage().setBody(claude("Yes, also 20th Century Boys.")));
        MockEndpoint recent = camelContext.getEndpoint("mock:recent-turns", MockEndpoint.class);
        recent.expectedMessageCount(1);
        double fromRedis = historyReads(History.Source.RECENT);

        JsonNode reply = JSON.readTree(template.requestBody("direct:chat-rest",
                message("s-9", "Did he write anything else?", "fast"), String.class));

        assertThat(reply.path("status").asText()).isEqualTo("success");
        JsonNode sent = JSON.readTree(bedrock.getReceivedExchanges().get(0).getMessage().getBody(InvokeModelRequest.class)
                .body().asUtf8String());
        assertThat(sent.path("messages")).extracting(m -> m.path("content").asText())
                .containsExactly("Who wrote Monster?", "Naoki Urasawa.", "Did he write anything else?");
        history.assertIsSatisfied();
        recent.assertIsSatisfied();
        assertThat(chat(recent.getReceivedExchanges().get(0)).historySource()).isEqualTo(History.Source.RECENT);
        assertThat(historyReads(History.Source.RECENT) - fromRedis).isEqualTo(1);
    }

    @Test
    void aNewSessionIsAnsweredWithoutADynamoDbQueryWhichComesAfterTheAnswerToStartItsRecentTurns() throws Exception {
        admits(new ChatAdmission.Admission(null, List.of(), false));
        CountDownLatch answered = new CountDownLatch(1);
        // the query is held until the answer is in: were it on the answer's path, it would be let go by the
        // time-out instead, and say so
        List<Boolean> queriedAfterTheAnswer = new java.util.concurrent.CopyOnWriteArrayList<>();
        MockEndpoint history = camelContext.getEndpoint("mock:sessions-query", MockEndpoint.class);
        history.whenAnyExchangeReceived(e -> {
            queriedAfterTheAnswer.add(answered.await(5, TimeUnit.SECONDS));
            e.getMessage().setHeader(Ddb2Constants.ITEMS, List.of());
        });
        MockEndpoint bedrock = camelContext.getEndpoint("mock:bedrock", MockEndpoint.class);
        bedrock.whenAnyExchangeReceived(e -> e.getMessage().setBody(claude("Welcome!")));
        MockEndpoint recent = camelContext.getEndpoint("mock:recent-turns", MockEndpoint.class);
        recent.expectedMessageCount(1);
        double asNew = historyReads(History.Source.NEW);

        JsonNode reply = JSON.readTree(template.requestBody("direct:chat-rest", message("s-11", "hello, first time here", "fast"),
                String.class));
        answered.countDown();

        assertThat(reply.path("status").asText()).isEqualTo("success");
        JsonNode sent = JSON.readTree(bedrock.getReceivedExchanges().get(0).getMessage().getBody(InvokeModelRequest.class)
                .body().asUtf8String());
        assertThat(sent.path("messages")).hasSize(1);
        assertThat(historyReads(History.Source.NEW) - asNew).isEqualTo(1);
        recent.assertIsSatisfied();
        // DynamoDB was asked once the answer was out, by the remembering, whose set then starts from it
        assertThat(queriedAfterTheAnswer).containsExactly(true);
        assertThat(chat(recent.getReceivedExchanges().get(0)).historySource()).isEqualTo(History.Source.SESSIONS);
    }

    @Test
    void theAnswerIsCachedBeforeTheReplyWithoutWaitingForItsTurnsToBeWritten() throws Exception {
        Predicate thisSession = session("s-13");
        // the turns' write is held until the answer is in: an entry written after it would be missing below
        CountDownLatch answered = new CountDownLatch(1);
        camelContext.getEndpoint("mock:sessions-put", MockEndpoint.class)
                .whenAnyExchangeReceived(e -> answered.await(10, TimeUnit.SECONDS));
        camelContext.getEndpoint("mock:bedrock", MockEndpoint.class)
                .whenAnyExchangeReceived(e -> e.getMessage().setBody(claude("Fresh answer.")));
        MockEndpoint cache = camelContext.getEndpoint("mock:cache-write", MockEndpoint.class);
        try {
            JsonNode reply = JSON.readTree(template.requestBody("direct:chat-rest", message("s-13", "hello there", "fast"),
                    String.class));

            assertThat(reply.path("status").asText()).isEqualTo("success");
            // no waiting: once the reply is out, its entry is written, so a repeat sent now is a hit
            assertThat(cache.getReceivedExchanges()).filteredOn(thisSession::matches).singleElement()
                    .satisfies(e -> assertThat(chat(e).cacheKey()).isEqualTo(ChatCacheKey.of("s-13", "hello there")));
        } finally {
            answered.countDown();
        }
    }

    @Test
    void turnsDynamoDbCouldNotStoreNeverReachRedis() throws Exception {
        MockEndpoint sessions = camelContext.getEndpoint("mock:sessions-put", MockEndpoint.class);
        sessions.whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("dynamodb unavailable");
        });
        camelContext.getEndpoint("mock:bedrock", MockEndpoint.class)
                .whenAnyExchangeReceived(e -> e.getMessage().setBody(claude("Fresh answer.")));
        // an earlier test's remembering may still be under way: only this session's counts
        Predicate thisSession = session("s-10");
        // the wire-tapped copy fails once its redeliveries are spent
        NotifyBuilder remembered = new NotifyBuilder(camelContext).filter(thisSession).whenFailed(1).create();

        JsonNode reply = JSON.readTree(template.requestBody("direct:chat-rest", message("s-10", "hello there", "fast"), String.class));

        assertThat(reply.path("status").asText()).isEqualTo("success");
        assertThat(remembered.matches(10, TimeUnit.SECONDS)).isTrue();
        // the batch tried three times (two redeliveries)
        assertThat(sessions.getReceivedExchanges()).filteredOn(thisSession::matches).hasSize(3);
        assertThat(camelContext.getEndpoint("mock:recent-turns", MockEndpoint.class).getReceivedExchanges())
                .filteredOn(thisSession::matches).isEmpty();
    }

    @Test
    void aNewSessionsHistoryUnreadableAfterTheAnswerDegradesNoAnswerAndLeavesItsRedisTurnsUnstarted() throws Exception {
        admits(new ChatAdmission.Admission(null, List.of(), false));
        camelContext.getEndpoint("mock:sessions-query", MockEndpoint.class).whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("dynamodb unavailable");
        });
        camelContext.getEndpoint("mock:bedrock", MockEndpoint.class)
                .whenAnyExchangeReceived(e -> e.getMessage().setBody(claude("Welcome!")));
        MockEndpoint recent = camelContext.getEndpoint("mock:recent-turns", MockEndpoint.class);
        double degradedBefore = degraded("history");

        JsonNode reply = JSON.readTree(template.requestBody("direct:chat-rest", message("s-12", "hello, first time here", "fast"),
                String.class));

        assertThat(reply.path("status").asText()).isEqualTo("success");
        Predicate thisSession = session("s-12");
        await().atMost(10, TimeUnit.SECONDS).until(() -> recent.getReceivedExchanges().stream().anyMatch(thisSession::matches));
        assertThat(recent.getReceivedExchanges()).filteredOn(thisSession::matches).singleElement()
                .satisfies(e -> assertThat(chat(e).historySource()).isEqualTo(History.Source.UNAVAILABLE));
        assertThat(degraded("history") - degradedBefore).isZero();
    }

    private static ChatAdmission.Admission cached(String json) {
        return new ChatAdmission.Admission(json, null, null);
    }

    private double historyReads(History.Source source) {
        return meters.find(ChatMetrics.HISTORY_READS).tag("source", ChatMetrics.sourceTag(source)).counter().count();
    }

    @Test
    void aThrottledQualityModelFallsBackToTheFastOneOnce() throws Exception {
        MockEndpoint bedrock = camelContext.getEndpoint("mock:bedrock", MockEndpoint.class);
        bedrock.expectedMessageCount(2);
        bedrock.whenExchangeReceived(1, e -> {
            throw ThrottlingException.builder().message("slow down")
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").build()).build();
        });
        bedrock.whenExchangeReceived(2, e -> e.getMessage().setBody(claude("Here is a recommendation.")));

        JsonNode reply = JSON.readTree(template.requestBody("direct:chat-rest",
                message("s-2", "Please recommend a long-running shonen series with a great ending", "quality"), String.class));

        assertThat(reply.path("status").asText()).isEqualTo("success");
        bedrock.assertIsSatisfied();
        assertThat(bedrock.getReceivedExchanges()).extracting(e -> e.getMessage().getBody(InvokeModelRequest.class).modelId())
                .containsExactly(SONNET, HAIKU);
    }

    @Test
    void theOverheadMetricLeavesOutEveryModelCallTheFallbackIncluded() throws Exception {
        // each mock's own span lies inside a model call: the answer's time less its overhead covers both
        long[] spans = new long[2];
        MockEndpoint bedrock = camelContext.getEndpoint("mock:bedrock", MockEndpoint.class);
        bedrock.whenExchangeReceived(1, e -> {
            long begin = System.nanoTime();
            ThrottlingException throttled = ThrottlingException.builder().message("slow down")
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").build()).build();
            spans[0] = System.nanoTime() - begin;
            throw throttled;
        });
        bedrock.whenExchangeReceived(2, e -> {
            long begin = System.nanoTime();
            e.getMessage().setBody(claude("Here is a recommendation."));
            spans[1] = System.nanoTime() - begin;
        });
        double latencyBefore = totalNanos(ChatMetrics.LATENCY);
        double overheadBefore = totalNanos(ChatMetrics.OVERHEAD);

        JsonNode reply = JSON.readTree(template.requestBody("direct:chat-rest",
                message("s-4", "Please recommend a long-running seinen series with a memorable ending", "quality"),
                String.class));

        assertThat(reply.path("status").asText()).isEqualTo("success");
        double latency = totalNanos(ChatMetrics.LATENCY) - latencyBefore;
        double overhead = totalNanos(ChatMetrics.OVERHEAD) - overheadBefore;
        assertThat(overhead).isPositive();
        assertThat(spans[0] + spans[1]).isPositive();
        assertThat(latency - overhead).isGreaterThanOrEqualTo(spans[0] + spans[1]);
        assertThat(reply.path("metadata").path("latencyMs").asLong())
                .isEqualTo(TimeUnit.NANOSECONDS.toMillis((long) latency));
    }

    @Test
    void aCachedAnswerNeverReachesBedrock() throws Exception {
        admits(cached("{\"language\":\"en\",\"reply\":{\"text\":\"cached text\",\"inputTokens\":1,\"outputTokens\":2,"
                + "\"model\":\"" + HAIKU + "\",\"stopReason\":\"end_turn\"}}"));
        MockEndpoint bedrock = camelContext.getEndpoint("mock:bedrock", MockEndpoint.class);
        bedrock.expectedMessageCount(0);
        JsonNode cached = JSON.readTree(template.requestBody("direct:chat-rest", message("s-3", "hello there", "fast"), String.class));
        assertThat(cached.path("metadata").path("cached").asBoolean()).isTrue();
        assertThat(cached.path("data").path("message").asText()).isEqualTo("cached text");
        bedrock.assertIsSatisfied();
    }

    @Test
    void aSessionOverItsLimitIsToldSoAndNothingElseHappens() throws Exception {
        when(admission.admit(any(ChatMessage.class))).thenThrow(new ChatException(ChatErrorCode.RATE_LIMITED, "over"));
        MockEndpoint bedrock = camelContext.getEndpoint("mock:bedrock", MockEndpoint.class);
        bedrock.expectedMessageCount(0);
        MockEndpoint history = camelContext.getEndpoint("mock:sessions-query", MockEndpoint.class);
        history.expectedMessageCount(0);

        JsonNode reply = JSON.readTree(template.requestBody("direct:chat-rest", message("s-5", "hello again", "fast"), String.class));

        assertThat(reply.path("code").asText()).isEqualTo("RATE_LIMITED");
        bedrock.assertIsSatisfied();
        history.assertIsSatisfied();
    }

    @Test
    void anUnexpectedFailureIsAnInternalErrorBodyThatTellsNothing() throws Exception {
        when(admission.admit(any(ChatMessage.class))).thenThrow(new IllegalStateException("exploded: secret-host:6379"));
        NotifyBuilder failed = new NotifyBuilder(camelContext).fromRoute("chat-rest").whenDone(1).create();
        String body = template.requestBody("direct:chat-rest", message("s-3", "hello again", "fast"), String.class);
        assertThat(failed.matches(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        JsonNode error = JSON.readTree(body);
        assertThat(error.path("code").asText()).isEqualTo("INTERNAL");
        assertThat(body).doesNotContain("exploded").doesNotContain("secret-host");
    }

    @Test
    void anUnreadableHistoryOrCacheEntryCostsTheContextOrAModelCallNotTheAnswer() throws Exception {
        camelContext.getEndpoint("mock:sessions-query", MockEndpoint.class).whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("dynamodb unavailable");
        });
        admits(cached("{\"legacy\":\"format\"}"), cached("not json at all"));
        MockEndpoint bedrock = camelContext.getEndpoint("mock:bedrock", MockEndpoint.class);
        bedrock.expectedMessageCount(2);
        bedrock.whenAnyExchangeReceived(e -> e.getMessage().setBody(claude("Fresh answer.")));
        double historyBefore = degraded("history");
        double cacheBefore = degraded("cache-entry");

        for (String session : List.of("s-7", "s-8")) {
            JsonNode reply = JSON.readTree(template.requestBody("direct:chat-rest", message(session, "hello there", "fast"), String.class));
            assertThat(reply.path("status").asText()).isEqualTo("success");
            assertThat(reply.path("data").path("message").asText()).isEqualTo("Fresh answer.");
            assertThat(reply.path("metadata").path("cached").asBoolean()).isFalse();
        }

        bedrock.assertIsSatisfied();
        JsonNode sent = JSON.readTree(bedrock.getReceivedExchanges().get(0).getMessage().getBody(InvokeModelRequest.class)
                .body().asUtf8String());
        assertThat(sent.path("messages")).hasSize(1);
        assertThat(degraded("history") - historyBefore).isEqualTo(2);
        assertThat(degraded("cache-entry") - cacheBefore).isEqualTo(2);
    }

    private double degraded(String step) {
        return meters.find(ChatMetrics.DEGRADED).tag("step", step).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /** Time of the fresh answers so far, every model. */
    private double totalNanos(String timer) {
        return meters.find(timer).tag("cached", "false").timers().stream()
                .mapToDouble(t -> t.totalTime(TimeUnit.NANOSECONDS)).sum();
    }

    @Test
    void aStockQuestionCarriesTheInventoryAnswerIntoThePromptButDoesNotWaitForASlowOne() throws Exception {
        String isbn = "9784088825429";
        MockEndpoint catalog = camelContext.getEndpoint("mock:catalog", MockEndpoint.class);
        catalog.whenAnyExchangeReceived(e -> e.getMessage().setBody(new HitsMetadata.Builder<Object>()
                .hits(List.of(new Hit.Builder<Object>().index("manga-catalog").id(isbn)
                        .source(Map.of("isbn", isbn, "title", "ワンピース 42")).build())).build()));
        MockEndpoint stock = camelContext.getEndpoint("mock:stock", MockEndpoint.class);
        InventoryItem item = new InventoryItem(isbn, "ワンピース 42", 87, "TK01", StockStatus.IN_STOCK, "2025-10-15", 528, null);
        stock.whenExchangeReceived(1, e -> e.getMessage().setBody(item));
        // held until the answer is in: the answer must not wait for it (stock-timeout)
        CountDownLatch answered = new CountDownLatch(1);
        stock.whenExchangeReceived(2, e -> {
            answered.await(30, TimeUnit.SECONDS);
            e.getMessage().setBody(item);
        });
        MockEndpoint bedrock = camelContext.getEndpoint("mock:bedrock", MockEndpoint.class);
        bedrock.whenAnyExchangeReceived(e -> e.getMessage().setBody(claude("お調べいたしました。")));
        MockEndpoint intentModel = camelContext.getEndpoint("mock:intent-model", MockEndpoint.class);
        intentModel.expectedMessageCount(0);

        template.requestBody("direct:chat-rest", message("s-4", "ワンピースの42巻は在庫ありますか？", "fast"), String.class);
        template.requestBody("direct:chat-rest", message("s-5", "ワンピースの42巻は在庫ありますか？", "fast"), String.class);
        answered.countDown();

        JsonNode searched = JSON.readTree(catalog.getReceivedExchanges().get(0).getMessage().getBody(String.class));
        assertThat(searched.toString()).contains("\"match_phrase\":{\"title\":\"ワンピース\"}", "\"title\":\"42\"");
        assertThat(stock.getReceivedExchanges()).extracting(e -> e.getMessage().getHeader("isbn")).containsExactly(isbn, isbn);
        assertThat(systemPrompt(bedrock, 0)).contains("在庫情報:", "- title=ワンピース 42 | isbn=" + isbn
                + " | stock=in_stock | quantity=87 | price=528");
        assertThat(systemPrompt(bedrock, 1)).contains("isbn=" + isbn, "note=在庫システムに接続できないため")
                .doesNotContain("quantity=87");
        intentModel.assertIsSatisfied();
    }

    @Test
    void anUnsureStockQuestionIsSettledByTheFastModelAndAGeneralVerdictSkipsTheCatalog() throws Exception {
        MockEndpoint intentModel = camelContext.getEndpoint("mock:intent-model", MockEndpoint.class);
        intentModel.whenAnyExchangeReceived(e -> e.getMessage().setBody(
                claude("{\"intent\": \"general\", \"title\": null, \"volume\": null}")));
        MockEndpoint catalog = camelContext.getEndpoint("mock:catalog", MockEndpoint.class);
        catalog.expectedMessageCount(0);
        camelContext.getEndpoint("mock:bedrock", MockEndpoint.class)
                .whenAnyExchangeReceived(e -> e.getMessage().setBody(claude("Happy to help.")));

        JsonNode reply = JSON.readTree(template.requestBody("direct:chat-rest",
                message("s-6", "Is One Piece 42 still available to read online?", "fast"), String.class));

        assertThat(reply.path("status").asText()).isEqualTo("success");
        InvokeModelRequest asked = intentModel.getReceivedExchanges().get(0).getMessage().getBody(InvokeModelRequest.class);
        assertThat(asked.modelId()).isEqualTo(HAIKU);
        assertThat(JSON.readTree(asked.body().asUtf8String()).path("messages").get(0).path("content").asText())
                .isEqualTo("Is One Piece 42 still available to read online?");
        catalog.assertIsSatisfied();
        assertThat(systemPrompt(camelContext.getEndpoint("mock:bedrock", MockEndpoint.class), 0)).doesNotContain("Stock facts:");
    }

    // --- the WebSocket path: the model's stream mocked at the SDK, every frame to the client in mock:client ---

    @Test
    void aWebSocketAnswerStreamsItsPartialsAsTheModelWritesThemThenExactlyOneFinalFrame() throws Exception {
        MockEndpoint client = camelContext.getEndpoint("mock:client", MockEndpoint.class);
        List<String> deltas = List.of("Naoki Urasawa ", "wrote ", "Monster.");
        // the model writes its first delta, then goes on only once the client has it as a partial frame: were the
        // partials held until the stream's end, this would wait in vain and the test fail
        List<InvokeModelWithResponseStreamRequest> asked = new CopyOnWriteArrayList<>();
        when(streams.invokeModelWithResponseStream(any(InvokeModelWithResponseStreamRequest.class),
                any(InvokeModelWithResponseStreamResponseHandler.class))).thenAnswer(call -> {
                    asked.add(call.getArgument(0));
                    return modelStream(call.getArgument(1), deltas, () -> await().atMost(WAIT)
                            .until(() -> partials(client, "ws-1").size() == 1), null);
                });

        template.sendBodyAndHeader("direct:chat-websocket", message("s-ws-1", "Who wrote Monster?", "fast"),
                VertxWebsocketConstants.CONNECTION_KEY, "ws-1");

        List<JsonNode> frames = untilFinal(client, "ws-1");
        assertThat(frames).as(frames.toString()).extracting(f -> f.path("status").asText())
                .containsExactly("partial", "partial", "partial", "success");
        assertThat(frames.subList(0, 3)).extracting(f -> f.path("data").path("delta").asText()).containsExactlyElementsOf(deltas);
        JsonNode answer = frames.get(3);
        assertThat(answer.path("data").path("message").asText()).isEqualTo(String.join("", deltas));
        assertThat(answer.path("usage").path("outputTokens").asInt()).isEqualTo(8);
        assertThat(answer.path("metadata").path("cached").asBoolean()).isFalse();
        assertThat(frames).extracting(f -> f.path("requestId").asText()).containsOnly(answer.path("requestId").asText());
        assertThat(asked).singleElement().satisfies(request -> {
            assertThat(request.modelId()).isEqualTo(HAIKU);
            assertThat(request.body().asUtf8String()).contains("Who wrote Monster?");
        });
        // the REST path's InvokeModel was not used
        assertThat(camelContext.getEndpoint("mock:bedrock", MockEndpoint.class).getReceivedExchanges())
                .filteredOn(session("s-ws-1")::matches).isEmpty();
    }

    @Test
    void anAdmittedWebSocketMessageGivesItsSenderBackBeforeItsAnswerIsWorkedOn() throws Exception {
        MockEndpoint client = camelContext.getEndpoint("mock:client", MockEndpoint.class);
        // the model goes on past its first delta only once the sender (the WebSocket consumer's thread) is free again:
        // were it held until the answer, the model would wait here in vain
        CountDownLatch senderFree = new CountDownLatch(1);
        AtomicBoolean freedFirst = new AtomicBoolean();
        when(streams.invokeModelWithResponseStream(any(InvokeModelWithResponseStreamRequest.class),
                any(InvokeModelWithResponseStreamResponseHandler.class))).thenAnswer(call -> modelStream(
                        call.getArgument(1), List.of("Yes, ", "it is."), () -> {
                            try {
                                freedFirst.set(senderFree.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }, null));

        template.sendBodyAndHeader("direct:chat-websocket", message("s-ws-5", "Is Monster finished?", "fast"),
                VertxWebsocketConstants.CONNECTION_KEY, "ws-5");
        senderFree.countDown();

        assertThat(untilFinal(client, "ws-5")).extracting(f -> f.path("status").asText())
                .containsExactly("partial", "partial", "success");
        assertThat(freedFirst).isTrue();
    }

    @Test
    void aWebSocketStreamThatFailsMidwayEndsWithOneErrorFrameAndNoPartialAfterIt() throws Exception {
        MockEndpoint client = camelContext.getEndpoint("mock:client", MockEndpoint.class);
        // the model writes a delta, which reaches the client, then fails
        when(streams.invokeModelWithResponseStream(any(InvokeModelWithResponseStreamRequest.class),
                any(InvokeModelWithResponseStreamResponseHandler.class))).thenAnswer(call -> modelStream(
                        call.getArgument(1), List.of("Let me "), () -> await().atMost(WAIT)
                                .until(() -> partials(client, "ws-2").size() == 1), throttled()));

        template.sendBodyAndHeader("direct:chat-websocket", message("s-ws-2", "Recommend a manga", "fast"),
                VertxWebsocketConstants.CONNECTION_KEY, "ws-2");

        // the fast model has no fallback: the client is told, once, after what it was already sent
        List<JsonNode> frames = untilFinal(client, "ws-2");
        assertThat(frames).as(frames.toString()).extracting(f -> f.path("status").asText() + ":" + f.path("code").asText())
                .containsExactly("partial:", "error:MODEL_THROTTLED");
    }

    @Test
    void aThrottledWebSocketStreamFallsBackToTheFastModelWhoseAnswerIsStreamed() throws Exception {
        MockEndpoint client = camelContext.getEndpoint("mock:client", MockEndpoint.class);
        List<String> models = new CopyOnWriteArrayList<>();
        when(streams.invokeModelWithResponseStream(any(InvokeModelWithResponseStreamRequest.class),
                any(InvokeModelWithResponseStreamResponseHandler.class))).thenAnswer(call -> {
                    InvokeModelWithResponseStreamRequest request = call.getArgument(0);
                    models.add(request.modelId());
                    return SONNET.equals(request.modelId())
                            ? modelStream(call.getArgument(1), List.of(), () -> { }, throttled())
                            : modelStream(call.getArgument(1), List.of("Try ", "Pluto."), () -> { }, null);
                });

        template.sendBodyAndHeader("direct:chat-websocket",
                message("s-ws-3", "Please recommend a long-running seinen series with a memorable ending", "quality"),
                VertxWebsocketConstants.CONNECTION_KEY, "ws-3");

        assertThat(untilFinal(client, "ws-3")).extracting(f -> f.path("status").asText() + ":"
                + f.path("data").path(f.path("status").asText().equals("partial") ? "delta" : "message").asText())
                .containsExactly("partial:Try ", "partial:Pluto.", "success:Try Pluto.");
        assertThat(models).containsExactly(SONNET, HAIKU);
    }

    @Test
    void aBadWebSocketFrameGetsAnErrorFrameOnItsConnection() throws Exception {
        MockEndpoint client = camelContext.getEndpoint("mock:client", MockEndpoint.class);

        template.sendBodyAndHeader("direct:chat-websocket", "{not json", VertxWebsocketConstants.CONNECTION_KEY, "ws-4");

        assertThat(untilFinal(client, "ws-4")).singleElement().satisfies(f -> {
            assertThat(f.path("status").asText()).isEqualTo("error");
            assertThat(f.path("code").asText()).isEqualTo("INVALID_JSON");
        });
    }

    /**
     * What the SDK does with a response stream: the handler gets the response, then the events (one message_start,
     * a content_block_delta per delta, message_delta), after {@code afterFirst} has run once the first delta is out;
     * the call's future ends with {@code failure}, or normally.
     */
    private static CompletableFuture<Void> modelStream(InvokeModelWithResponseStreamResponseHandler handler,
                                                       List<String> deltas, Runnable afterFirst, Throwable failure) {
        return CompletableFuture.runAsync(() -> {
            handler.responseReceived(InvokeModelWithResponseStreamResponse.builder().build());
            List<ResponseStream> first = new ArrayList<>();
            List<ResponseStream> rest = new ArrayList<>();
            first.add(event("{\"type\":\"message_start\",\"message\":{\"model\":\"claude-3-haiku-20240307\","
                    + "\"usage\":{\"input_tokens\":12}}}"));
            for (int i = 0; i < deltas.size(); i++) {
                ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta");
                delta.putObject("delta").put("type", "text_delta").put("text", deltas.get(i));
                (i == 0 ? first : rest).add(event(delta.toString()));
            }
            if (failure == null) {
                rest.add(event("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                        + "\"usage\":{\"output_tokens\":8}}"));
            }
            handler.onEventStream(SdkPublisher.adapt(Flux.concat(Flux.fromIterable(first),
                    Flux.defer(() -> {
                        afterFirst.run();
                        return Flux.fromIterable(rest);
                    }))));
            if (failure != null) {
                handler.exceptionOccurred(failure);
                throw new CompletionException(failure);
            }
            handler.complete();
        });
    }

    private static ResponseStream event(String json) {
        return (ResponseStream) ResponseStream.chunkBuilder().bytes(SdkBytes.fromUtf8String(json)).build();
    }

    private static ThrottlingException throttled() {
        return (ThrottlingException) ThrottlingException.builder().message("slow down")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").build()).build();
    }

    /**
     * The frames of one connection up to its final (answer or error) frame, in order: the answer of an admitted message
     * is sent from chat-work after the WebSocket route has returned.
     */
    private static List<JsonNode> untilFinal(MockEndpoint client, String connectionKey) throws Exception {
        await().atMost(WAIT).until(() -> frames(client, connectionKey).stream()
                .anyMatch(f -> !"partial".equals(f.path("status").asText())));
        return frames(client, connectionKey);
    }

    /** The frames sent to one connection so far, in order. */
    private static List<JsonNode> frames(MockEndpoint client, String connectionKey) throws Exception {
        List<JsonNode> frames = new ArrayList<>();
        for (Exchange e : client.getReceivedExchanges()) {
            if (connectionKey.equals(e.getMessage().getHeader(VertxWebsocketConstants.CONNECTION_KEY))) {
                frames.add(JSON.readTree(e.getMessage().getBody(String.class)));
            }
        }
        return frames;
    }

    private static List<JsonNode> partials(MockEndpoint client, String connectionKey) throws Exception {
        return frames(client, connectionKey).stream().filter(f -> "partial".equals(f.path("status").asText())).toList();
    }

    private static String systemPrompt(MockEndpoint bedrock, int call) throws Exception {
        InvokeModelRequest request = bedrock.getReceivedExchanges().get(call).getMessage().getBody(InvokeModelRequest.class);
        return JSON.readTree(request.body().asUtf8String()).path("system").asText();
    }

    private static ObjectNode claude(String text) {
        ObjectNode response = JSON.createObjectNode();
        response.put("type", "message").put("role", "assistant").put("model", "claude-3-haiku-20240307")
                .put("stop_reason", "end_turn");
        response.putArray("content").addObject().put("type", "text").put("text", text);
        response.putObject("usage").put("input_tokens", 12).put("output_tokens", 8);
        return response;
    }

    private static String message(String session, String text, String model) {
        return ChatFlowTest.message(session, text, model).toString();
    }

}
