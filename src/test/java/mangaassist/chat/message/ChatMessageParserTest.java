package mangaassist.chat.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import mangaassist.chat.model.ModelPreference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatMessageParserTest {

    private final ChatMessageParser parser = new ChatMessageParser();

    private static final String UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @Test
    void parsesAFullRequest() {
        ChatRequest r = parser.parse("""
                {"data":{"sessionId":"sess-123","message":"ワンピースの42巻は在庫ありますか？",
                         "preferredLanguage":"ja","modelPreference":"quality"},
                 "metadata":{"clientVersion":"web-1.4.2"}}""");
        assertThat(r.sessionId()).isEqualTo("sess-123");
        assertThat(r.message()).isEqualTo("ワンピースの42巻は在庫ありますか？");
        assertThat(r.preferredLanguage()).isEqualTo("ja");
        assertThat(r.modelPreference()).isEqualTo(ModelPreference.QUALITY);
        assertThat(r.clientVersion()).isEqualTo("web-1.4.2");
        assertThat(r.requestId()).matches(UUID_RE);
    }

    @Test
    void defaults_sessionGenerated_languageAuto_modelAuto_clientUnknown() {
        ChatRequest r = parser.parse("{\"data\":{\"message\":\"hi\"}}");
        assertThat(r.sessionId()).matches(UUID_RE);
        assertThat(r.preferredLanguage()).isEqualTo("auto"); // seed defaulted to "ja"
        assertThat(r.modelPreference()).isEqualTo(ModelPreference.AUTO);
        assertThat(r.clientVersion()).isEqualTo("unknown");
    }

    @Test
    void eachRequestGetsItsOwnIds() {
        ChatRequest a = parser.parse("{\"data\":{\"message\":\"hi\"}}");
        ChatRequest b = parser.parse("{\"data\":{\"message\":\"hi\"}}");
        assertThat(a.requestId()).isNotEqualTo(b.requestId());
        assertThat(a.sessionId()).isNotEqualTo(b.sessionId());
    }

    @Test
    void blankSessionIdIsReplaced_seedKeptTheEmptyString() {
        assertThat(parser.parse("{\"data\":{\"sessionId\":\"  \",\"message\":\"hi\"}}").sessionId()).matches(UUID_RE);
        assertThat(parser.parse("{\"data\":{\"sessionId\":null,\"message\":\"hi\"}}").sessionId()).matches(UUID_RE);
    }

    @Test
    void acceptsApiGatewayStyleConnectionIds() {
        assertThat(parser.parse("{\"data\":{\"sessionId\":\"L0SM9cOFvHcCIhw=\",\"message\":\"hi\"}}").sessionId())
                .isEqualTo("L0SM9cOFvHcCIhw=");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"<script>\"", "\"a b\"", "\"'; DROP\"", "42", "{}", "\"-leading-dash\""})
    void invalidSessionIdIsInvalidJson(String sessionJson) {
        assertCode("{\"data\":{\"sessionId\":" + sessionJson + ",\"message\":\"hi\"}}", ChatErrorCode.INVALID_JSON);
    }

    @Test
    void overlongSessionIdIsInvalidJson() {
        assertCode("{\"data\":{\"sessionId\":\"" + "a".repeat(129) + "\",\"message\":\"hi\"}}",
                ChatErrorCode.INVALID_JSON);
        assertThat(parser.parse("{\"data\":{\"sessionId\":\"" + "a".repeat(128) + "\",\"message\":\"hi\"}}")
                .sessionId()).hasSize(128);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"data\":", "[1,2]", "\"text\"", "null", "{}", "{\"data\":\"x\"}",
            "{\"data\":[]}", "{\"data\":{\"message\":\"a\"}} trailing", "{\"data\":{\"message\":42}}",
            "{\"data\":{\"message\":\"a\",\"message\":\"b\"}}"})
    void malformedFramesAreInvalidJson(String frame) {
        assertCode(frame, ChatErrorCode.INVALID_JSON);
    }

    @Test
    void nullOrEmptyFrameIsInvalidJson() {
        assertCode(null, ChatErrorCode.INVALID_JSON);
        assertCode("   ", ChatErrorCode.INVALID_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"data\":{}}", "{\"data\":{\"message\":null}}", "{\"data\":{\"message\":\"\"}}",
            "{\"data\":{\"message\":\"  \\n\\t\\u3000\"}}", "{\"data\":{\"message\":\"\\u200b\\ufeff\"}}"})
    void missingOrBlankAfterNormalisationIsMessageRequired(String frame) {
        // Seed: KeyError on a missing message.
        assertCode(frame, ChatErrorCode.MESSAGE_REQUIRED);
    }

    @Test
    void messageIsNormalised() {
        ChatRequest r = parser.parse("{\"data\":{\"message\":\"  \\u30ab\\u3099\\u200bンダム\\r\\n\\r\\n\\r\\n? \"}}");
        assertThat(r.message()).isEqualTo("ガンダム\n\n?");
    }

    @Test
    void lengthLimitCountsCodePointsAfterNormalisation() {
        ChatMessageParser small = new ChatMessageParser(5);
        // 5 emoji = 10 UTF-16 units but 5 code points → accepted
        assertThat(small.parse("{\"data\":{\"message\":\"😊😊😊😊😊\"}}").message()).isEqualTo("😊😊😊😊😊");
        // 5 decomposed が = 10 code points before NFC, 5 after → accepted
        assertThat(small.parse("{\"data\":{\"message\":\"" + "か\u3099".repeat(5) + "\"}}").message())
                .isEqualTo("ががががが");
        // zero-width padding does not count
        assertThat(small.parse("{\"data\":{\"message\":\"abcde\u200b\u200b\u200b\"}}").message()).isEqualTo("abcde");
        assertCode(small, "{\"data\":{\"message\":\"abcdef\"}}", ChatErrorCode.MESSAGE_TOO_LONG);
    }

    @Test
    void defaultLimitIs4000() {
        assertThat(parser.parse("{\"data\":{\"message\":\"" + "あ".repeat(4000) + "\"}}").message()).hasSize(4000);
        assertCode("{\"data\":{\"message\":\"" + "あ".repeat(4001) + "\"}}", ChatErrorCode.MESSAGE_TOO_LONG);
    }

    @Test
    void hugeFrameIsRefusedBeforeParsing() {
        String frame = "{\"data\":{\"message\":\"a\"},\"pad\":\"" + "x".repeat(12 * 4000 + 16_384) + "\"}";
        assertCode(frame, ChatErrorCode.MESSAGE_TOO_LONG);
    }

    @Test
    void modelPreferenceUnknownMeansAuto() {
        assertThat(parser.parse("{\"data\":{\"message\":\"x\",\"modelPreference\":\"turbo\"}}").modelPreference())
                .isEqualTo(ModelPreference.AUTO);
        assertThat(parser.parse("{\"data\":{\"message\":\"x\",\"modelPreference\":\" FAST \"}}").modelPreference())
                .isEqualTo(ModelPreference.FAST);
        assertThat(parser.parse("{\"data\":{\"message\":\"x\",\"modelPreference\":7}}").modelPreference())
                .isEqualTo(ModelPreference.AUTO);
    }

    @Test
    void preferredLanguageUnknownMeansAuto() {
        assertThat(parser.parse("{\"data\":{\"message\":\"x\",\"preferredLanguage\":\"EN\"}}").preferredLanguage())
                .isEqualTo("en");
        assertThat(parser.parse("{\"data\":{\"message\":\"x\",\"preferredLanguage\":\"fr\"}}").preferredLanguage())
                .isEqualTo("auto");
    }

    @Test
    void clientVersionIsBoundedToOneShortLine() {
        ChatRequest r = parser.parse("{\"data\":{\"message\":\"x\"},\"metadata\":{\"clientVersion\":\"a\\nb"
                + "c".repeat(100) + "\"}}");
        assertThat(r.clientVersion()).hasSize(ChatMessageParser.MAX_CLIENT_VERSION_CHARS).startsWith("a b");
    }

    @Test
    void errorMessagesDoNotEchoTheInput() {
        ChatException e = catchThrowableOfType(ChatException.class,
                () -> parser.parse("{\"data\":{\"sessionId\":\"<img src=x>\",\"message\":\"hi\"}}"));
        assertThat(e.getMessage()).doesNotContain("<img");
    }

    @Test
    void limitMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ChatMessageParser(0));
    }

    private void assertCode(String frame, ChatErrorCode code) {
        assertCode(parser, frame, code);
    }

    private static void assertCode(ChatMessageParser p, String frame, ChatErrorCode code) {
        ChatException e = catchThrowableOfType(ChatException.class, () -> p.parse(frame));
        assertThat(e).as("frame %s", frame == null ? null : frame.substring(0, Math.min(80, frame.length())))
                .isNotNull();
        assertThat(e.errorCode()).isEqualTo(code);
    }
}
