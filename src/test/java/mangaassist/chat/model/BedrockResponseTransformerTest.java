package mangaassist.chat.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.chat.message.ChatErrorCode;
import mangaassist.chat.message.ChatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BedrockResponseTransformerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final BedrockResponseTransformer transformer = new BedrockResponseTransformer();

    @Test
    void extractsTextUsageModelAndStopReason() throws Exception {
        JsonNode response = MAPPER.readTree("""
                {"id":"msg_1","type":"message","role":"assistant",
                 "model":"claude-3-haiku-20240307",
                 "content":[{"type":"text","text":"ワンピース42巻は在庫がございます。"}],
                 "stop_reason":"end_turn",
                 "usage":{"input_tokens":120,"output_tokens":18}}""");
        ModelReply reply = transformer.transform(response, "ja");
        assertThat(reply.text()).isEqualTo("ワンピース 42 巻は在庫がございます。");
        assertThat(reply.inputTokens()).isEqualTo(120);
        assertThat(reply.outputTokens()).isEqualTo(18);
        assertThat(reply.model()).isEqualTo("claude-3-haiku-20240307");
        assertThat(reply.stopReason()).isEqualTo("end_turn");
    }

    @Test
    void englishTextIsNotRespaced() throws Exception {
        JsonNode response = MAPPER.readTree("{\"content\":[{\"type\":\"text\",\"text\":\"Vol 42巻\"}]}");
        assertThat(transformer.transform(response, "en").text()).isEqualTo("Vol 42巻");
    }

    @Test
    void joinsAllTextBlocks_seedReadOnlyTheFirst() throws Exception {
        JsonNode response = MAPPER.readTree("""
                {"content":[{"type":"text","text":"Part one. "},{"type":"tool_use","id":"t","name":"x","input":{}},
                            {"type":"text","text":"Part two."}]}""");
        assertThat(transformer.transform(response, "en").text()).isEqualTo("Part one. Part two.");
    }

    @Test
    void missingUsageModelStopReasonFallBackAsTheSeed() throws Exception {
        JsonNode response = MAPPER.readTree("{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}");
        ModelReply reply = transformer.transform(response, "en");
        assertThat(reply.inputTokens()).isZero();
        assertThat(reply.outputTokens()).isZero();
        assertThat(reply.model()).isEqualTo("unknown");
        assertThat(reply.stopReason()).isEqualTo("unknown");
        assertThat(transformer.transform(response, "en", "anthropic.claude-3-haiku-20240307-v1:0").model())
                .isEqualTo("anthropic.claude-3-haiku-20240307-v1:0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"content\":[]}", "{\"content\":[{\"type\":\"text\",\"text\":\"  \"}]}",
            "{\"content\":[{\"type\":\"text\"}]}", "{\"content\":\"oops\"}", "[]", "null",
            "{\"content\":[{\"type\":\"tool_use\",\"text\":\"not text\"}],\"stop_reason\":\"tool_use\"}"})
    void emptyAnswerIsModelNoResponse_seedReturnedSuccessWithEmptyText(String json) throws Exception {
        ChatException e = catchThrowableOfType(ChatException.class, () -> transformer.transform(MAPPER.readTree(json), "ja"));
        assertThat(e).isNotNull();
        assertThat(e.errorCode()).isEqualTo(ChatErrorCode.MODEL_NO_RESPONSE);
    }

    @Test
    void nullResponseIsModelNoResponse() {
        ChatException e = catchThrowableOfType(ChatException.class, () -> transformer.transform(null, "ja"));
        assertThat(e.errorCode()).isEqualTo(ChatErrorCode.MODEL_NO_RESPONSE);
    }
}
