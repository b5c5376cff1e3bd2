package mangaassist.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.chat.model.ModelReply;
import org.junit.jupiter.api.Test;

class ChatRepliesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void successFrame() throws Exception {
        ModelReply reply = new ModelReply("在庫がございます。", 120, 18, "claude-3-sonnet", "end_turn");
        ObjectNode frame = ChatReplies.success("req-1", "sess-1", "ja", reply, false, 842);
        // compared as parsed JSON: the wire form, not Jackson's int/long node types
        assertThat(MAPPER.readTree(frame.toString())).isEqualTo(MAPPER.readTree("""
                {"status":"success","requestId":"req-1",
                 "data":{"message":"在庫がございます。","sessionId":"sess-1","language":"ja"},
                 "usage":{"inputTokens":120,"outputTokens":18},
                 "metadata":{"model":"claude-3-sonnet","stopReason":"end_turn","cached":false,"latencyMs":842}}"""));
        // field order as the contract
        assertThat(MAPPER.writeValueAsString(frame)).startsWith("{\"status\":\"success\",\"requestId\":\"req-1\",\"data\":");
    }

    @Test
    void cachedFlag() {
        ModelReply reply = new ModelReply("x", 0, 0, "m", "end_turn");
        assertThat(ChatReplies.success("r", "s", "en", reply, true, 3).path("metadata").path("cached").asBoolean()).isTrue();
    }

    @Test
    void partialFrame() throws Exception {
        assertThat(ChatReplies.partial("req-1", "sess-1", "ワンピース"))
                .isEqualTo(MAPPER.readTree("{\"status\":\"partial\",\"requestId\":\"req-1\","
                        + "\"data\":{\"delta\":\"ワンピース\",\"sessionId\":\"sess-1\"}}"));
    }

    @Test
    void errorFrameCarriesCodeAndCannedMessage() throws Exception {
        assertThat(ChatReplies.error("req-1", ChatErrorCode.MESSAGE_REQUIRED, "en"))
                .isEqualTo(MAPPER.readTree("{\"status\":\"error\",\"requestId\":\"req-1\","
                        + "\"code\":\"MESSAGE_REQUIRED\",\"error\":\"Please enter a message.\"}"));
        assertThat(ChatReplies.error("req-1", ChatErrorCode.MESSAGE_REQUIRED, "ja").path("error").asText())
                .isEqualTo("メッセージを入力してください。");
    }

    @Test
    void errorFromExceptionNeverLeaksItsMessage() {
        ObjectNode frame = ChatReplies.errorFor("r", new ChatException(ChatErrorCode.MODEL_TIMEOUT,
                "ReadTimeout at bedrock-runtime.ap-northeast-1.amazonaws.com:443"), "en");
        assertThat(frame.path("code").asText()).isEqualTo("MODEL_TIMEOUT");
        assertThat(frame.toString()).doesNotContain("amazonaws");

        ObjectNode internal = ChatReplies.errorFor("r", new NullPointerException("secret.Field is null"), "en");
        assertThat(internal.path("code").asText()).isEqualTo("INTERNAL");
        assertThat(internal.toString()).doesNotContain("secret");
    }

    @Test
    void everyFrameHasARequestIdEvenBeforeParsing() {
        assertThat(ChatReplies.error(null, ChatErrorCode.INVALID_JSON, "ja").path("requestId").asText()).isNotBlank();
        assertThat(ChatReplies.error("req-1", null, "ja").path("code").asText()).isEqualTo("INTERNAL");
    }

    @Test
    void everyCodeHasBothMessagesAndAnHttpStatus() {
        for (ChatErrorCode c : ChatErrorCode.values()) {
            assertThat(c.userMessage("ja")).isNotBlank().isNotEqualTo(c.userMessage("en"));
            assertThat(c.httpStatus()).isBetween(400, 599);
        }
        assertThat(ChatErrorCode.RATE_LIMITED.httpStatus()).isEqualTo(429);
    }

    @Test
    void framesAreCompactJson() {
        ObjectNode frame = ChatReplies.partial("r-1", "s-1", "こんにちは");
        assertThat(ChatReplies.json(frame)).doesNotContain("\n").doesNotContain(" : ")
                .isEqualTo("{\"status\":\"partial\",\"requestId\":\"r-1\",\"data\":{\"delta\":\"こんにちは\",\"sessionId\":\"s-1\"}}");
    }
}
