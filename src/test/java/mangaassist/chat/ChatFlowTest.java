package mangaassist.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.text.Normalizer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.chat.message.ChatMessage;
import mangaassist.chat.session.ChatCacheKey;
import mangaassist.chat.session.ChatRecentTurns;
import mangaassist.chat.session.History;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.bedrock.EmulatorControl;
import mangaassist.devstack.bedrock.Fault;
import mangaassist.devstack.erp.ErpSimulator;
import mangaassist.devstack.erp.LatencyModel;
import mangaassist.inventory.InventoryCoalescer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.springframework.data.redis.core.StringRedisTemplate;
import mangaassist.support.FlowTest;
import mangaassist.support.WebSocketTestClient;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The chat flow end to end on the embedded stack: real WebSocket and HTTP clients, the Bedrock emulator. */
@FlowTest
class ChatFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String HAIKU = "anthropic.claude-3-haiku";
    private static final String SONNET = "anthropic.claude-3-sonnet";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    CamelContext camel;
    @Autowired
    TestRestTemplate http;
    @Autowired
    DynamoDbClient dynamoDb;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    CircuitBreaker erpCircuitBreaker;
    @Autowired
    InventoryCoalescer coalescer;
    @Autowired
    MeterRegistry meters;
    @Value("${mangaassist.chat.websocket.port}")
    int websocketPort;
    @Value("${mangaassist.chat.history-turns}")
    int historyTurns;
    @Value("${mangaassist.chat.rate-limit.max-messages}")
    int rateLimit;
    @Value("${mangaassist.chat.rate-limit.window}")
    Duration rateWindow;

    EmulatorControl bedrock;

    /** Whether this JVM's ERP client has made its first call. */
    private static volatile boolean erpWarm;

    @BeforeEach
    void emulator() {
        bedrock = EmbeddedStack.shared().bedrock().control().reset();
        if (!erpWarm) {
            // the first ERP call of a JVM (CXF's conduit, the HTTP client, the JIT) can take longer than the chat's
            // stock-timeout on a busy machine; these tests are about the answer, so one lookup of another ISBN first
            ResponseEntity<JsonNode> warm = http.getForEntity("/api/inventory/{isbn}", JsonNode.class,
                    erp().catalog().isbnOf("ワンピース", 1).orElseThrow());
            assertThat(warm.getStatusCode().value()).as("warm-up lookup").isEqualTo(200);
            erpWarm = true;
        }
    }

    @AfterEach
    void resetEmulator() {
        bedrock.reset();
    }

    @Test
    void restAnswersPolitelyInJapaneseAndServesTheRepeatFromTheCache() {
        String session = newSession();
        ResponseEntity<JsonNode> first = post(message(session, "おすすめの少年漫画を教えてください", "auto"));
        assertThat(first.getStatusCode().value()).isEqualTo(200);
        JsonNode reply = first.getBody();
        assertThat(reply.path("status").asText()).isEqualTo("success");
        assertThat(reply.path("data").path("language").asText()).isEqualTo("ja");
        assertThat(reply.path("data").path("message").asText()).contains("ございます");
        assertThat(reply.path("data").path("sessionId").asText()).isEqualTo(session);
        assertThat(reply.path("usage").path("inputTokens").asInt()).isPositive();
        assertThat(reply.path("metadata").path("cached").asBoolean()).isFalse();
        assertThat(reply.path("metadata").path("model").asText()).contains("haiku");
        int calls = bedrock.invocations();

        // the same question composed differently (だ decomposed), sent as soon as the answer is in, no
        // waiting: the cache entry was written before the reply
        String decomposed = Normalizer.normalize("おすすめの少年漫画を教えてください", Normalizer.Form.NFD);
        assertThat(decomposed).isNotEqualTo("おすすめの少年漫画を教えてください");
        JsonNode again = post(message(session, decomposed, "auto")).getBody();
        assertThat(again.path("metadata").path("cached").asBoolean()).isTrue();
        assertThat(again.path("data").path("message").asText()).isEqualTo(reply.path("data").path("message").asText());
        assertThat(bedrock.invocations()).isEqualTo(calls);
    }

    @Test
    void aRepeatSentAsSoonAsTheFinalFrameArrivesIsACacheHit() throws Exception {
        bedrock.latency(Duration.ZERO, Duration.ofMillis(2));
        String session = newSession();
        try (WebSocketTestClient client = ws()) {
            client.send(message(session, "Which manga would you recommend for a rainy weekend?", "fast").toString());
            List<JsonNode> first = client.untilFinal(WAIT);
            JsonNode answer = first.get(first.size() - 1);
            assertThat(answer.path("metadata").path("cached").asBoolean()).isFalse();
            int calls = bedrock.invocations();

            client.send(message(session, "Which manga would you recommend for a rainy weekend?", "fast").toString());
            List<JsonNode> repeat = client.untilFinal(WAIT);

            // no partials: the answer came whole from the cache, not from the model
            assertThat(repeat).singleElement().satisfies(frame -> {
                assertThat(frame.path("status").asText()).isEqualTo("success");
                assertThat(frame.path("metadata").path("cached").asBoolean()).isTrue();
                assertThat(frame.path("data").path("message").asText()).isEqualTo(answer.path("data").path("message").asText());
            });
            assertThat(bedrock.invocations()).isEqualTo(calls);
        }
    }

    @Test
    void websocketStreamsPartialsThenExactlyOneFinalReplyToTheSenderOnly() throws Exception {
        bedrock.latency(Duration.ZERO, Duration.ofMillis(2));
        try (WebSocketTestClient client = ws(); WebSocketTestClient bystander = ws()) {
            client.send(message(newSession(), "Which manga would you recommend for a beginner?", "fast").toString());
            List<JsonNode> frames = client.untilFinal(WAIT);
            JsonNode last = frames.get(frames.size() - 1);
            assertThat(last.path("status").asText()).isEqualTo("success");
            assertThat(last.path("data").path("language").asText()).isEqualTo("en");
            List<JsonNode> partials = frames.subList(0, frames.size() - 1);
            assertThat(partials).hasSizeGreaterThan(1)
                    .allSatisfy(p -> assertThat(p.path("requestId").asText()).isEqualTo(last.path("requestId").asText()));
            String streamed = partials.stream().map(p -> p.path("data").path("delta").asText()).collect(Collectors.joining());
            assertThat(streamed).isEqualTo(last.path("data").path("message").asText());
            assertThat(bedrock.lastRecordedRequest().streaming()).isTrue();
            // nothing else arrives for this message, and the other connection heard nothing
            bystander.send("not json");
            assertThat(bystander.next(WAIT).path("code").asText()).isEqualTo("INVALID_JSON");
        }
    }

    @Test
    void aClientIsTrackedFromItsConnectionToItsClose() {
        // every client of the earlier tests has closed (their close frames may still be on the way)
        await().atMost(WAIT).until(() -> connected() == 0);
        WebSocketTestClient client = ws();
        try {
            await().atMost(WAIT).until(() -> connected() == 1);
        } finally {
            client.close();
        }
        await().atMost(WAIT).until(() -> connected() == 0);
    }

    @Test
    void theOverheadMetricLeavesOutTheStreamedModelCall() throws Exception {
        Duration firstToken = Duration.ofMillis(300);
        bedrock.latency(firstToken, Duration.ZERO);
        double latencyBefore = totalNanos(ChatMetrics.LATENCY);
        double overheadBefore = totalNanos(ChatMetrics.OVERHEAD);
        try (WebSocketTestClient client = ws()) {
            client.send(message(newSession(), "Which manga would you recommend for a long train ride?", "fast").toString());
            List<JsonNode> frames = client.untilFinal(WAIT);
            assertThat(frames.get(frames.size() - 1).path("status").asText()).isEqualTo("success");
        }
        double latency = totalNanos(ChatMetrics.LATENCY) - latencyBefore;
        double overhead = totalNanos(ChatMetrics.OVERHEAD) - overheadBefore;
        // the stream cannot end before its first token: at least that much is the model's, not ours
        assertThat(overhead).isPositive();
        assertThat(latency - overhead).isGreaterThanOrEqualTo(firstToken.toNanos());
    }

    @Test
    void badFramesGetErrorFramesAndTheConnectionStaysOpen() throws Exception {
        try (WebSocketTestClient client = ws()) {
            client.send("{not json");
            assertError(client.next(WAIT), "INVALID_JSON");
            client.send("{\"data\":{\"sessionId\":\"" + newSession() + "\",\"message\":\"  \\u200b \"}}");
            assertError(client.next(WAIT), "MESSAGE_REQUIRED");
            client.send(message(newSession(), "あ".repeat(4001), "auto").toString());
            assertError(client.next(WAIT), "MESSAGE_TOO_LONG");
            assertThat(client.isOpen()).isTrue();
            client.send(message(newSession(), "こんにちは、まだつながっていますか？", "fast").toString());
            List<JsonNode> frames = client.untilFinal(WAIT);
            assertThat(frames.get(frames.size() - 1).path("status").asText()).isEqualTo("success");
        }
    }

    @Test
    void restErrorsAreJsonBodiesWithStatusCodes() {
        ResponseEntity<JsonNode> invalid = http.postForEntity("/api/chat", json("[1,2"), JsonNode.class);
        assertThat(invalid.getStatusCode().value()).isEqualTo(400);
        assertError(invalid.getBody(), "INVALID_JSON");
        assertThat(invalid.getBody().toString()).doesNotContain("Exception").doesNotContain("at ");
        ResponseEntity<JsonNode> tooLong = post(message(newSession(), "x".repeat(4001), "auto"));
        assertThat(tooLong.getStatusCode().value()).isEqualTo(413);
        assertError(tooLong.getBody(), "MESSAGE_TOO_LONG");
    }

    @Test
    void theLatestTurnsOfTheSessionGoIntoThePromptOldestFirst() {
        String session = newSession();
        double asNew = historyReads(History.Source.NEW);
        for (int i = 1; i <= 3; i++) {
            assertThat(post(message(session, "question number " + i + " about manga", "fast")).getStatusCode().value())
                    .isEqualTo(200);
            awaitRemembered(session, 2 * i);
        }
        // the first message of a session no one knew was answered without asking DynamoDB
        assertThat(historyReads(History.Source.NEW) - asNew).isEqualTo(1);
        post(message(session, "question number 4 about manga", "fast"));
        assertPromptHoldsQuestions(1, 2, 3, 4);
        // the history came from Redis's recent turns; now Redis forgets them (the session was quiet past
        // recent-turns-ttl): DynamoDB gives the same history, and the recent turns start from it
        awaitRemembered(session, 8);
        double fromDynamoDb = historyReads(History.Source.SESSIONS);
        redis.delete(ChatRecentTurns.key(session));
        post(message(session, "question number 5 about manga", "fast"));
        assertPromptHoldsQuestions(1, 2, 3, 4, 5);
        assertThat(historyReads(History.Source.SESSIONS) - fromDynamoDb).isEqualTo(1);
        awaitRemembered(session, 10);
        double fromRedis = historyReads(History.Source.RECENT);
        post(message(session, "question number 6 about manga", "fast"));
        assertPromptHoldsQuestions(1, 2, 3, 4, 5, 6);
        assertThat(historyReads(History.Source.RECENT) - fromRedis).isEqualTo(1);
        // Redis keeps the latest history-turns (10): question 1 and its answer are gone
        awaitOldestRecentTurn(session, "question number 2 about manga");
        assertThat(redis.opsForZSet().size(ChatRecentTurns.key(session))).isEqualTo(historyTurns);
    }

    @Test
    void afterRedisLostASessionItsNextAnswerGoesWithoutHistoryAndTheOneAfterHasItAgain() {
        String session = newSession();
        for (int i = 1; i <= 2; i++) {
            post(message(session, "question number " + i + " about manga", "fast"));
            awaitRemembered(session, 2 * i);
        }
        // Redis flushed (or failed over without its data): nothing tells the session from a new one
        redis.delete(List.of(ChatRecentTurns.key(session), ChatRecentTurns.knownKey(session)));
        post(message(session, "question number 3 about manga", "fast"));
        assertPromptHoldsQuestions(3);
        // off the answer's path, the recent turns started again from everything DynamoDB holds
        awaitOldestRecentTurn(session, "question number 1 about manga");
        awaitRemembered(session, 6);
        post(message(session, "question number 4 about manga", "fast"));
        assertPromptHoldsQuestions(1, 2, 3, 4);
    }

    private void awaitOldestRecentTurn(String session, String content) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(redis.opsForZSet().range(ChatRecentTurns.key(session), 0, 0))
                .singleElement().asString().contains(content));
    }

    /** The last prompt holds these questions, each followed by its answer, the last one unanswered, oldest first. */
    private void assertPromptHoldsQuestions(int... numbers) {
        JsonNode messages = bedrock.lastRequest().path("messages");
        assertThat(messages).hasSize(2 * numbers.length - 1);
        for (int i = 0; i < numbers.length; i++) {
            assertThat(messages.get(2 * i).path("content").asText()).isEqualTo("question number " + numbers[i] + " about manga");
            if (i < numbers.length - 1) {
                assertThat(messages.get(2 * i + 1).path("role").asText()).isEqualTo("assistant");
            }
        }
    }

    /** The answers so far are in both stores: DynamoDB, then Redis's recent turns (which keep history-turns). */
    private void awaitRemembered(String session, int turns) {
        await().atMost(WAIT).until(() -> turnsStored(session) >= turns
                && redis.opsForZSet().size(ChatRecentTurns.key(session)) >= Math.min(turns, historyTurns));
    }

    private double historyReads(History.Source source) {
        return meters.find(ChatMetrics.HISTORY_READS).tag("source", ChatMetrics.sourceTag(source)).counter().count();
    }

    @Test
    void aThrottledQualityModelFallsBackToTheFastModelOnce() {
        bedrock.failAlways(Fault.THROTTLING, SONNET);
        JsonNode reply = post(message(newSession(), "Tell me about the history of shonen manga", "quality")).getBody();
        assertThat(reply.path("status").asText()).isEqualTo("success");
        assertThat(reply.path("metadata").path("model").asText()).contains("haiku");
        assertThat(bedrock.invocationsFor(SONNET)).isEqualTo(1);
        assertThat(bedrock.invocationsFor(HAIKU)).isEqualTo(1);
    }

    @Test
    void modelFailuresBecomeStableErrorCodes() throws Exception {
        bedrock.failAlways(Fault.THROTTLING, null);
        try (WebSocketTestClient client = ws()) {
            // over WebSocket: an HTTP client could retry the 503 on its own and blur the count
            client.send(message(newSession(), "Tell me about the history of shonen manga", "quality").toString());
            assertError(client.untilFinal(WAIT).get(0), "MODEL_THROTTLED");
        }
        assertThat(bedrock.invocations()).as("one call, one fallback, no more: %s", bedrock.invocationsByModel())
                .isEqualTo(2);
        bedrock.reset().failAlways(Fault.MODEL_TIMEOUT, null);
        ResponseEntity<JsonNode> timeout = post(message(newSession(), "Any new isekai titles this month?", "fast"));
        assertThat(timeout.getStatusCode().value()).isEqualTo(504);
        assertError(timeout.getBody(), "MODEL_TIMEOUT");
        bedrock.reset().failAlways(Fault.MALFORMED, null);
        assertError(post(message(newSession(), "Any new romance titles this month?", "fast")).getBody(), "MODEL_NO_RESPONSE");
        try (WebSocketTestClient client = ws()) {
            client.send(message(newSession(), "Any new sports titles this month?", "fast").toString());
            assertError(client.untilFinal(WAIT).get(0), "MODEL_NO_RESPONSE");
        }
    }

    @Test
    void aSessionOverItsRateLimitIsToldToWait() {
        // the limit counts per fixed window: start well inside one, so all the messages fall into it
        long window = rateWindow.toMillis();
        await().atMost(Duration.ofMillis(window)).until(() -> System.currentTimeMillis() % window < window - 15_000);
        String session = newSession();
        for (int i = 0; i < rateLimit; i++) {
            assertThat(post(message(session, "rate limit probe " + i, "fast")).getStatusCode().value()).isEqualTo(200);
        }
        // sent once: TestRestTemplate's client would wait for the Retry-After and send it again, into the next window
        ResponseEntity<JsonNode> limited = postOnce(message(session, "one too many", "fast"));
        assertThat(limited.getStatusCode().value()).isEqualTo(429);
        assertError(limited.getBody(), "RATE_LIMITED");
        // when the window ends, in the body and in Retry-After (whole seconds, at least 1)
        long retryAfterMs = limited.getBody().path("retryAfterMs").asLong();
        assertThat(retryAfterMs).isBetween(1L, window);
        assertThat(limited.getHeaders().getFirst("Retry-After")).isEqualTo(Long.toString(Math.max(1, (retryAfterMs + 999) / 1000)));
        assertThat(post(message(newSession(), "another session is fine", "fast")).getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void aJapaneseStockQuestionIsAnsweredFromTheErpThroughTheCatalog() {
        String isbn = erp().catalog().isbnOf("ワンピース", 42).orElseThrow();
        String session = newSession();
        String question = "ワンピースの42巻は在庫ありますか？";
        JsonNode reply = post(message(session, question, "auto")).getBody();

        assertThat(reply.path("status").asText()).isEqualTo("success");
        String answer = reply.path("data").path("message").asText();
        // the simulator's pinned volume 42: 87 copies, status 01, ¥528
        assertThat(answer).contains("ワンピース 42", isbn, "在庫がございます", "87 冊", "528 円"); // outbound spacing: 87 冊
        String system = bedrock.lastRequest().path("system").asText();
        assertThat(system).contains("在庫情報:", "isbn=" + isbn, "stock=in_stock", "quantity=87");
        assertThat(reply.path("metadata").path("model").asText()).as("auto picks the quality model for stock").contains("sonnet");
        assertThat(bedrock.requests()).as("the classifier was sure: no second opinion").hasSize(1);
        // cached for the inventory TTL (240 s in flow tests), not the chat's 300 s
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(redis.getExpire(ChatCacheKey.of(session, question))).isBetween(1L, 240L));
    }

    @Test
    void aStockAnswerStreamsOverTheWebSocketAndTheStreamedTextIsTheFinalText() throws Exception {
        bedrock.latency(Duration.ZERO, Duration.ofMillis(2));
        try (WebSocketTestClient client = ws()) {
            client.send(message(newSession(), "SPY×FAMILYの3巻は在庫ありますか？", "fast").toString());
            List<JsonNode> frames = client.untilFinal(WAIT);
            JsonNode last = frames.get(frames.size() - 1);
            String streamed = frames.subList(0, frames.size() - 1).stream()
                    .map(p -> p.path("data").path("delta").asText()).collect(Collectors.joining());
            String isbn = erp().catalog().isbnOf("SPY×FAMILY", 3).orElseThrow();
            assertThat(last.path("data").path("message").asText()).contains(isbn, "SPY×FAMILY 3");
            // Japanese answers are spaced (「3 冊」): the stream is spaced the same way, across chunk cuts
            assertThat(streamed).isEqualTo(last.path("data").path("message").asText());
        }
    }

    @Test
    void anEnglishStockQuestionGetsTheSameFactsInEnglish() {
        String isbn = erp().catalog().isbnOf("ワンピース", 42).orElseThrow();
        JsonNode reply = post(message(newSession(), "Is volume 42 of One Piece in stock?", "fast")).getBody();
        String answer = reply.path("data").path("message").asText();
        assertThat(reply.path("data").path("language").asText()).isEqualTo("en");
        assertThat(answer).contains(isbn, "is in stock", "87 copies", "¥528");
        assertThat(bedrock.lastRequest().path("system").asText()).contains("Stock facts:", "isbn=" + isbn);
    }

    @Test
    void anUnsureClassificationAsksTheFastModelFirst() {
        String isbn = erp().catalog().isbnOf("ワンピース", 42).orElseThrow();
        // a bare number after the title is only a guess for the deterministic classifier
        JsonNode reply = post(message(newSession(), "Do you have One Piece 42 in stock?", "quality")).getBody();
        assertThat(reply.path("data").path("message").asText()).contains(isbn, "87 copies");
        List<EmulatorControl.RecordedRequest> calls = bedrock.requests();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).modelId()).contains(HAIKU);
        assertThat(calls.get(0).body().path("system").asText()).contains("intent classifier");
        assertThat(calls.get(1).modelId()).contains(SONNET);
    }

    @Test
    void aVolumeTheCatalogDoesNotListIsSaidSo() {
        JsonNode reply = post(message(newSession(), "ワンピースの150巻は在庫ありますか？", "fast")).getBody();
        assertThat(reply.path("status").asText()).isEqualTo("success");
        assertThat(reply.path("data").path("message").asText()).contains("当店のカタログに該当する商品が見つかりません");
    }

    @Test
    void whenTheErpFailsTheModelIsToldStockCannotBeChecked() {
        String isbn = erp().catalog().isbnOf("進撃の巨人", 7).orElseThrow();
        redis.delete(List.of("inventory:TK01:" + isbn, "inventory:last:TK01:" + isbn));
        erp().setLatency(LatencyModel.logNormal(Duration.ofSeconds(3), Duration.ofMillis(3500)));
        String session = newSession();
        String question = "進撃の巨人の7巻は在庫ありますか？";
        // done: chat-remember's copy of the exchange (only it has the new turns), after its last step
        NotifyBuilder remembered = new NotifyBuilder(camel)
                .filter(e -> e.getMessage().getBody() instanceof ChatMessage message
                        && ChatCacheKey.of(session, question).equals(message.cacheKey()) && message.newTurns() != null)
                .whenDone(1).create();
        try {
            JsonNode reply = post(message(session, question, "fast")).getBody();
            assertThat(reply.path("status").asText()).isEqualTo("success");
            assertThat(reply.path("data").path("message").asText()).contains(isbn, "在庫システムに接続できないため");
            assertThat(remembered.matches(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the turns were remembered").isTrue();
            assertThat(redis.hasKey(ChatCacheKey.of(session, question)))
                    .as("an answer without live stock is not cached: the question asks the ERP again").isFalse();
        } finally {
            erp().setLatency(LatencyModel.none());
            // the lookup goes on after the answer: let its retries end before the breaker is reset
            await().atMost(Duration.ofSeconds(30)).until(() -> coalescer.inFlight() == 0);
            erpCircuitBreaker.reset();
        }
    }

    private static ErpSimulator erp() {
        return EmbeddedStack.shared().erp();
    }

    private static void assertError(JsonNode frame, String code) {
        assertThat(frame.path("status").asText()).isEqualTo("error");
        assertThat(frame.path("code").asText()).isEqualTo(code);
        assertThat(frame.path("error").asText()).isNotBlank();
        assertThat(frame.path("requestId").asText()).isNotBlank();
    }

    /** Chat WebSocket clients connected now. */
    private double connected() {
        return meters.get("mangaassist.chat.connections").gauge().value();
    }

    /** Time of the fresh answers so far, every model. */
    private double totalNanos(String timer) {
        return meters.find(timer).tag("cached", "false").timers().stream()
                .mapToDouble(t -> t.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).sum();
    }

    private long turnsStored(String session) {
        return dynamoDb.query(q -> q.tableName("manga-assist-sessions").keyConditionExpression("sessionId = :s")
                .expressionAttributeValues(java.util.Map.of(":s", AttributeValue.fromS(session)))).count();
    }

    private WebSocketTestClient ws() {
        return WebSocketTestClient.connect("ws://127.0.0.1:" + websocketPort + "/chat");
    }

    /** One POST by the JDK client, which never sends a request again by itself (after a 429 with Retry-After, a 503). */
    private ResponseEntity<JsonNode> postOnce(ObjectNode body) {
        try {
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.getRootUri() + "/api/chat"))
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            HttpHeaders headers = new HttpHeaders();
            response.headers().map().forEach(headers::addAll);
            return ResponseEntity.status(response.statusCode()).headers(headers).body(JSON.readTree(response.body()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private ResponseEntity<JsonNode> post(ObjectNode body) {
        return http.postForEntity("/api/chat", json(body.toString()), JsonNode.class);
    }

    private static HttpEntity<String> json(String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return new HttpEntity<>(body, headers);
    }

    static ObjectNode message(String session, String text, String model) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("data").put("sessionId", session).put("message", text).put("preferredLanguage", "auto")
                .put("modelPreference", model);
        root.putObject("metadata").put("clientVersion", "test");
        return root;
    }

    private static String newSession() {
        return "test-" + UUID.randomUUID();
    }
}
