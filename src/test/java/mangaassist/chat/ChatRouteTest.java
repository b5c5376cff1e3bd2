package mangaassist.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.core.search.HitsMetadata;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The chat routes with Bedrock, Redis and DynamoDB replaced by mocks: what the route sends to each and
 * what it makes of their answers, without any backend.
 */
// of the YAML routes only the shared error handling: the queue flows' aws2-sqs endpoints look their queues up as they
// are created, and the metrics routes poll SQS
@TestPropertySource(properties = "camel.main.routes-include-pattern=classpath:camel/error-handling.camel.yaml")
class ChatRouteTest extends RouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
    private static final String SONNET = "anthropic.claude-3-sonnet-20240229-v1:0";

    @MockitoBean
    ChatAdmission admission;
    @Autowired
    MeterRegistry meters;

    @Override
    protected void advise(CamelContext context) throws Exception {
        AdviceWith.adviceWith(context, "chat-history-query",
                a -> a.weaveByToUri("aws2-ddb:*").replace().to("mock:sessions-query"));
        AdviceWith.adviceWith(context, "chat-invoke",
                a -> a.weaveByToUri("aws-bedrock:*").replace().to("mock:bedrock"));
        AdviceWith.adviceWith(context, "chat-inventory",
                a -> a.weaveByToUri("aws-bedrock:*").replace().to("mock:intent-model"));
        AdviceWith.adviceWith(context, "chat-inventory-resolve",
                a -> a.weaveByToUri("opensearch:*").replace().to("mock:catalog"));
        AdviceWith.adviceWith(context, "chat-inventory-stock",
                a -> a.weaveByToUri("direct:inventory-lookup").replace().to("mock:stock"));
        AdviceWith.adviceWith(context, "chat-handle",
                a -> a.weaveById("chat-cache-write").replace().to("mock:cache-write"));
        AdviceWith.adviceWith(context, "chat-remember", a -> {
            a.weaveById("chat-remember-recent-turns").replace().to("mock:recent-turns");
            a.weaveById("chat-remember-session").replace().to("mock:sessions-put");
        });
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
        Exchange remembered = recent.getReceivedExchanges().get(0);
        assertThat(remembered.getProperty(ChatSteps.HISTORY_SOURCE)).isEqualTo(ChatRecentTurns.Source.SESSIONS);
        assertThat(remembered.getProperty(ChatSteps.HISTORY, List.class)).isEqualTo(earlier);
        assertThat(remembered.getProperty(ChatSteps.NEW_TURNS, List.class)).extracting("content")
                .containsExactly("ワンピースについて教えて", "お問い合わせありがとうございます。");
    }

    @Test
    void turnsRedisHoldsAreTheHistoryWithoutADynamoDbQueryAndTheAnswerIsAddedToThem() throws Exception {
        List<ChatTurn> known = ChatSessions.turns("Who wrote Monster?", "Naoki Urasawa.", 1_000L);
        when(admission.admit(any(ChatRequest.class), any())).thenReturn(new ChatAdmission.Admission(null, known, true));
        MockEndpoint history = camelContext.getEndpoint("mock:sessions-query", MockEndpoint.class);
        history.expectedMessageCount(0);
        MockEndpoint bedrock = camelContext.getEndpoint("mock:bedrock", MockEndpoint.class);
        bedrock.whenAnyExchangeReceived(e -> e.getMessage().setBody(claude("Yes, also 20th Century Boys.")));
        MockEndpoint recent = camelContext.getEndpoint("mock:recent-turns", MockEndpoint.class);
        recent.expectedMessageCount(1);
        double fromRedis = historyReads(ChatRecentTurns.Source.RECENT);

        JsonNode reply = JSON.readTree(template.requestBody("direct:chat-rest",
                message("s-9", "Did he write anything else?", "fast"), String.class));

        assertThat(reply.path("status").asText()).isEqualTo("success");
        JsonNode sent = JSON.readTree(bedrock.getReceivedExchanges().get(0).getMessage().getBody(InvokeModelRequest.class)
                .body().asUtf8String());
        assertThat(sent.path("messages")).extracting(m -> m.path("content").asText())
                .containsExactly("Who wrote Monster?", "Naoki Urasawa.", "Did he write anything else?");
        history.assertIsSatisfied();
        recent.assertIsSatisfied();
        assertThat(recent.getReceivedExchanges().get(0).getProperty(ChatSteps.HISTORY_SOURCE))
                .isEqualTo(ChatRecentTurns.Source.RECENT);
        assertThat(historyReads(ChatRecentTurns.Source.RECENT) - fromRedis).isEqualTo(1);
    }

    @Test
    void aNewSessionIsAnsweredWithoutADynamoDbQueryWhichComesAfterTheAnswerToStartItsRecentTurns() throws Exception {
        when(admission.admit(any(ChatRequest.class), any())).thenReturn(new ChatAdmission.Admission(null, List.of(), false));
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
        double asNew = historyReads(ChatRecentTurns.Source.NEW);

        JsonNode reply = JSON.readTree(template.requestBody("direct:chat-rest", message("s-11", "hello, first time here", "fast"),
                String.class));
        answered.countDown();

        assertThat(reply.path("status").asText()).isEqualTo("success");
        JsonNode sent = JSON.readTree(bedrock.getReceivedExchanges().get(0).getMessage().getBody(InvokeModelRequest.class)
                .body().asUtf8String());
        assertThat(sent.path("messages")).hasSize(1);
        assertThat(historyReads(ChatRecentTurns.Source.NEW) - asNew).isEqualTo(1);
        recent.assertIsSatisfied();
        // DynamoDB was asked once the answer was out, by the remembering, whose set then starts from it
        assertThat(queriedAfterTheAnswer).containsExactly(true);
        assertThat(recent.getReceivedExchanges().get(0).getProperty(ChatSteps.HISTORY_SOURCE))
                .isEqualTo(ChatRecentTurns.Source.SESSIONS);
    }

    @Test
    void theAnswerIsCachedBeforeTheReplyWithoutWaitingForItsTurnsToBeWritten() throws Exception {
        Predicate thisSession = e -> {
            ChatRequest request = e.getProperty(ChatSteps.REQUEST, ChatRequest.class);
            return request != null && "s-13".equals(request.sessionId());
        };
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
                    .satisfies(e -> assertThat(e.getProperty(ChatSteps.CACHE_KEY))
                            .isEqualTo(ChatCacheKey.of("s-13", "hello there")));
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
        Predicate thisSession = e -> {
            ChatRequest request = e.getProperty(ChatSteps.REQUEST, ChatRequest.class);
            return request != null && "s-10".equals(request.sessionId());
        };
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
        when(admission.admit(any(ChatRequest.class), any())).thenReturn(new ChatAdmission.Admission(null, List.of(), false));
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
        Predicate thisSession = e -> "s-12".equals(e.getProperty(ChatSteps.REQUEST, ChatRequest.class).sessionId());
        await().atMost(10, TimeUnit.SECONDS).until(() -> recent.getReceivedExchanges().stream().anyMatch(thisSession::matches));
        assertThat(recent.getReceivedExchanges()).filteredOn(thisSession::matches).singleElement()
                .satisfies(e -> assertThat(e.getProperty(ChatSteps.HISTORY_SOURCE)).isEqualTo(ChatRecentTurns.Source.UNAVAILABLE));
        assertThat(degraded("history") - degradedBefore).isZero();
    }

    private static ChatAdmission.Admission cached(String json) {
        return new ChatAdmission.Admission(json, null, null);
    }

    private double historyReads(ChatRecentTurns.Source source) {
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
        when(admission.admit(any(ChatRequest.class), any())).thenReturn(cached(
                "{\"language\":\"en\",\"reply\":{\"text\":\"cached text\",\"inputTokens\":1,\"outputTokens\":2,"
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
        when(admission.admit(any(ChatRequest.class), any())).thenThrow(new ChatException(ChatErrorCode.RATE_LIMITED, "over"));
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
        when(admission.admit(any(ChatRequest.class), any())).thenThrow(new IllegalStateException("exploded: secret-host:6379"));
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
        when(admission.admit(any(ChatRequest.class), any())).thenReturn(cached("{\"legacy\":\"format\"}"), cached("not json at all"));
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
