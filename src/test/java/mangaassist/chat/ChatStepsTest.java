package mangaassist.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.chat.intent.Intent;
import mangaassist.chat.intent.InventoryIntentClassifier;
import mangaassist.chat.intent.Stock;
import mangaassist.chat.message.ChatErrorCode;
import mangaassist.chat.message.ChatException;
import mangaassist.chat.message.ChatMessage;
import mangaassist.chat.message.ChatMessageParser;
import mangaassist.chat.model.BedrockRequestBuilder;
import mangaassist.chat.model.BedrockResponseTransformer;
import mangaassist.chat.model.ModelConfig;
import mangaassist.chat.model.ModelSelector;
import mangaassist.chat.session.ChatAdmission;
import mangaassist.chat.session.ChatSessions;
import mangaassist.chat.session.ChatTurn;
import mangaassist.chat.session.History;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The chat steps as plain methods over a ChatMessage: what each learns of it, without Camel. */
class ChatStepsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
    private static final String SONNET = "anthropic.claude-3-sonnet-20240229-v1:0";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ChatSteps steps = new ChatSteps(new ChatMessageParser(4000), new InventoryIntentClassifier(),
            new ModelSelector(new ModelConfig(HAIKU, SONNET, 50, true)), new BedrockRequestBuilder(),
            new BedrockResponseTransformer(), new ChatProperties(null, 4000, Duration.ofSeconds(300), 10, "sessions",
                    Duration.ofDays(30), Duration.ofHours(1), Duration.ofSeconds(3), Duration.ofMillis(500), null,
                    Duration.ofMillis(500), new ChatProperties.Models(HAIKU, SONNET, 50), 1024, 0.3, null),
            new ChatMetrics(registry));

    @Test
    void aFrameBecomesAMessageStreamedOnlyWhenItCameOverAWebSocketConnection() {
        ChatMessage overWebSocket = steps.receive(frame("s-1", "ワンピースの最新刊について教えてください", "auto"), "conn-1");
        assertThat(overWebSocket.sessionId()).isEqualTo("s-1");
        assertThat(overWebSocket.language()).isEqualTo("ja");
        assertThat(overWebSocket.cacheKey()).contains("{s-1}");
        assertThat(overWebSocket.isStreamed()).isTrue();
        assertThat(overWebSocket.requestId()).isNotBlank();
        assertThat(overWebSocket.stock()).isEqualTo(Stock.NONE);

        assertThat(steps.receive(frame("s-1", "hello", "fast"), null).isStreamed()).isFalse();
        assertThatThrownBy(() -> steps.receive("{not json", "conn-1")).isInstanceOfSatisfying(ChatException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ChatErrorCode.INVALID_JSON));
    }

    @Test
    void aStepReturnsANewMessageAndLeavesTheOneItTookAsItWas() {
        ChatMessage received = steps.receive(frame("s-2", "Who wrote Monster?", "fast"), null);
        ChatMessage classified = steps.intent(received);
        assertThat(classified).isNotSameAs(received);
        assertThat(received.intent()).isNull();
        assertThat(classified.intent()).isEqualTo(Intent.general());
        // the one thing every copy shares: the clock of the model calls
        assertThat(classified.modelTime()).isSameAs(received.modelTime());
    }

    @Test
    void theHistoryComesFromRedisForAKnownSessionNoneForANewOneAndDynamoDbWhenRedisCannotTell() {
        ChatMessage received = steps.receive(frame("s-3", "Did he write anything else?", "fast"), null);
        List<ChatTurn> known = ChatSessions.turns("Who wrote Monster?", "Naoki Urasawa.", 1_000L);

        assertThat(steps.recentHistory(received.withAdmission(new ChatAdmission.Admission(null, known, true))).history())
                .isEqualTo(new History(History.Source.RECENT, known));
        assertThat(steps.recentHistory(received.withAdmission(new ChatAdmission.Admission(null, List.of(), false)))
                .history()).isEqualTo(new History(History.Source.NEW, List.of()));
        assertThat(steps.recentHistory(received.withAdmission(new ChatAdmission.Admission(null, List.of(), true)))
                .historySource()).isEqualTo(History.Source.SESSIONS);
        assertThat(steps.recentHistory(received).historySource()).isEqualTo(History.Source.SESSIONS);

        List<Map<String, AttributeValue>> items = ChatSessions.toItems("s-3", known, Duration.ofDays(1));
        assertThat(steps.history(received, List.of(items.get(1), items.get(0))).history())
                .isEqualTo(new History(History.Source.SESSIONS, known));
    }

    @Test
    void anUnreadableHistoryIsDegradedBeforeTheAnswerButNotAfterIt() {
        ChatMessage received = steps.receive(frame("s-4", "hello", "fast"), null);
        ChatMessage beforeTheAnswer = steps.recentHistory(received);
        ChatMessage afterTheAnswer = received.withHistory(new History(History.Source.NEW, List.of()));
        IllegalStateException down = new IllegalStateException("dynamodb down");

        assertThat(steps.historyUnavailable(afterTheAnswer, down).history())
                .isEqualTo(new History(History.Source.UNAVAILABLE, List.of()));
        assertThat(degraded("history")).isZero();
        assertThat(steps.historyUnavailable(beforeTheAnswer, down).historySource()).isEqualTo(History.Source.UNAVAILABLE);
        assertThat(degraded("history")).isEqualTo(1);
    }

    @Test
    void aReadableCachedAnswerIsAHitAndAnUnreadableOneAMissCountedAsDegraded() {
        ChatMessage received = steps.receive(frame("s-5", "hello", "fast"), null);
        String entry = "{\"language\":\"en\",\"reply\":{\"text\":\"cached text\",\"inputTokens\":1,\"outputTokens\":2,"
                + "\"model\":\"" + HAIKU + "\",\"stopReason\":\"end_turn\"}}";

        ChatMessage hit = steps.readCache(received.withAdmission(new ChatAdmission.Admission(entry, null, null)));
        assertThat(hit.isCacheHit()).isTrue();
        JsonNode frame = steps.cachedAnswer(hit);
        assertThat(frame.path("data").path("message").asText()).isEqualTo("cached text");
        assertThat(frame.path("metadata").path("cached").asBoolean()).isTrue();

        assertThat(steps.readCache(received.withAdmission(new ChatAdmission.Admission("not json", null, null)))
                .isCacheHit()).isFalse();
        assertThat(steps.readCache(received).isCacheHit()).isFalse();
        assertThat(degraded("cache-entry")).isEqualTo(1);
    }

    @Test
    void theModelAndItsPromptComeFromThePreferenceTheHistoryAndTheFacts() throws Exception {
        ChatMessage received = steps.receive(frame("s-6", "ワンピースの42巻は在庫ありますか？", "auto"), null);
        ChatMessage asked = steps.intent(received)
                .withHistory(new History(History.Source.RECENT, ChatSessions.turns("前の質問", "前の回答", 1_000L)))
                .withStock(Stock.NONE.withIsbn("9784088725420").withFacts(List.of("title=ワンピース 42 | stock=in_stock"), false));

        ChatMessage prompted = steps.model(asked);

        // auto: a stock question goes to the quality model
        assertThat(prompted.model()).isEqualTo(SONNET);
        assertThat(prompted.modelBody().path("system").asText()).contains("在庫情報:", "title=ワンピース 42 | stock=in_stock");
        assertThat(prompted.modelBody().path("messages")).extracting(m -> m.path("content").asText())
                .containsExactly("前の質問", "前の回答", "ワンピースの42巻は在庫ありますか？");
        assertThat(steps.model(steps.intent(steps.receive(frame("s-6", "hi", "quality"), null))).model()).isEqualTo(SONNET);
    }

    @Test
    void theReplyAndItsFrameCountTheModelsTimeOutOfTheOverhead() {
        ChatMessage prompted = steps.model(steps.intent(steps.receive(frame("s-7", "Who wrote Monster?", "fast"), null)));
        ObjectNode response = JSON.createObjectNode().put("model", "claude-3-haiku-20240307").put("stop_reason", "end_turn");
        response.putArray("content").addObject().put("type", "text").put("text", "Naoki Urasawa.");
        response.putObject("usage").put("input_tokens", 12).put("output_tokens", 4);

        ChatMessage replied = steps.reply(prompted.withModelResponse(response));
        assertThat(replied.reply().text()).isEqualTo("Naoki Urasawa.");
        JsonNode frame = steps.answer(replied);
        assertThat(frame.path("status").asText()).isEqualTo("success");
        assertThat(frame.path("requestId").asText()).isEqualTo(prompted.requestId());
        assertThat(frame.path("usage").path("outputTokens").asInt()).isEqualTo(4);
        assertThat(frame.path("metadata").path("cached").asBoolean()).isFalse();
        assertThat(registry.find(ChatMetrics.OVERHEAD).tag("cached", "false").timer().count()).isEqualTo(1);

        ChatMessage remembered = steps.newTurns(replied);
        assertThat(remembered.newTurns()).extracting(ChatTurn::role, ChatTurn::content)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("user", "Who wrote Monster?"),
                        org.assertj.core.groups.Tuple.tuple("assistant", "Naoki Urasawa."));
        assertThat(steps.json(frame)).doesNotContain("\n");
    }

    private double degraded(String step) {
        return registry.find(ChatMetrics.DEGRADED).tag("step", step).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static String frame(String session, String text, String model) {
        return ChatFlowTest.message(session, text, model).toString();
    }
}
