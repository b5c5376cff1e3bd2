package mangaassist.chat.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property-based tests of chat's transformers (the reliability suite's fuzzing): the inbound normalisation, the
 * Japanese spacing of answers (whole and streamed) and the frame parser, over random Japanese, mixed and hostile text.
 */
class ChatTransformPropertiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX = 200;
    private final ChatMessageParser parser = new ChatMessageParser(MAX);

    @Property(tries = 1000)
    void normalisationIsIdempotentNfcAndLeavesNoInvisibleCharacters(@ForAll("text") String text) {
        String once = JapaneseTextNormalizer.normalize(text);
        assertThat(JapaneseTextNormalizer.normalize(once)).isEqualTo(once);
        assertThat(Normalizer.isNormalized(once, Normalizer.Form.NFC)).isTrue();
        assertThat(once).doesNotContain("\r", "\u200B", "\u200E", "\u202E", "\uFEFF", "\u0000", "\n\n\n");
        assertThat(once).isEqualTo(once.strip());
        // well-formed UTF-16 (no lone surrogate): the text the model and DynamoDB get in UTF-8 is the text keyed
        assertThat(new String(once.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(once);
    }

    @Property(tries = 1000)
    void spacingIsIdempotentAndOnlyInsertsSpaces(@ForAll("text") String text) {
        String spaced = JapaneseSpacing.apply(text);
        assertThat(JapaneseSpacing.apply(spaced)).isEqualTo(spaced);
        assertThat(spaced.replace(" ", "")).isEqualTo(text.replace(" ", ""));
    }

    @Property(tries = 1000)
    void aStreamedAnswerIsSpacedExactlyAsTheWholeAnswer(@ForAll("text") String text, @ForAll("cuts") List<Integer> cuts) {
        // the model's deltas end on code points; where they end is up to it
        JapaneseSpacing.Stream stream = new JapaneseSpacing.Stream("ja");
        StringBuilder streamed = new StringBuilder();
        int start = 0;
        for (int cut : cuts) {
            int end = Math.min(text.length(), start + cut);
            if (end < text.length() && end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
                end++;
            }
            streamed.append(stream.next(text.substring(start, end)));
            start = end;
        }
        streamed.append(stream.next(text.substring(start)));
        assertThat(streamed.toString()).isEqualTo(JapaneseSpacing.apply(text));
    }

    @Property(tries = 2000)
    void anyFrameIsARequestOrAChatErrorNeverAnythingElse(@ForAll("frames") String frame) {
        Throwable failure = catchThrowable(() -> parser.parse(frame));
        if (failure == null) {
            ChatRequest request = parser.parse(frame);
            assertThat(request.message()).isNotBlank();
            assertThat(request.message().codePointCount(0, request.message().length())).isLessThanOrEqualTo(MAX);
            assertThat(request.preferredLanguage()).isIn("ja", "en", "auto");
            assertThat(request.clientVersion().length()).isLessThanOrEqualTo(ChatMessageParser.MAX_CLIENT_VERSION_CHARS);
        } else {
            assertThat(failure).isInstanceOf(ChatException.class);
        }
    }

    @Property(tries = 1000)
    void aMessageIsAcceptedExactlyWhenItsNormalisedTextIsBetweenOneAndTheLimit(@ForAll("text") String message) {
        ObjectNode frame = JSON.createObjectNode();
        frame.putObject("data").put("message", message).put("sessionId", "s-1");
        String normalised = JapaneseTextNormalizer.normalize(message);
        Throwable failure = catchThrowable(() -> parser.parse(frame));
        int length = normalised.codePointCount(0, normalised.length());
        if (normalised.isEmpty()) {
            assertThat(failure).isInstanceOfSatisfying(ChatException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ChatErrorCode.MESSAGE_REQUIRED));
        } else if (length > MAX) {
            assertThat(failure).isInstanceOfSatisfying(ChatException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ChatErrorCode.MESSAGE_TOO_LONG));
        } else {
            assertThat(failure).isNull();
            assertThat(parser.parse(frame).message()).isEqualTo(normalised);
        }
    }

    /** Japanese, ASCII, full-width, combining marks, emoji, controls, zero-width and bidi characters, mixed. */
    @Provide
    Arbitrary<String> text() {
        Arbitrary<Character> hiragana = Arbitraries.chars().range('\u3041', '\u3096');
        Arbitrary<Character> kanji = Arbitraries.chars().range('\u4E00', '\u9FFF');
        Arbitrary<Character> ascii = Arbitraries.chars().range(' ', '~');
        Arbitrary<Character> fullWidth = Arbitraries.chars().range('\uFF01', '\uFF5E');
        Arbitrary<Character> odd = Arbitraries.of('\u3000', '\u200B', '\u200E', '\u202E', '\u2028', '\uFEFF', '\r', '\n',
                '\t', '\u0000', '\u0007', '\u0301', '\u3099', '\uD83D', '\uDE00', 'ー', '！');
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('\u0000', '\uFFFF').ofMaxLength(80),
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(4, hiragana), net.jqwik.api.Tuple.of(3, kanji),
                        net.jqwik.api.Tuple.of(4, ascii), net.jqwik.api.Tuple.of(1, fullWidth), net.jqwik.api.Tuple.of(2, odd))
                        .list().ofMaxSize(260).map(ChatTransformPropertiesTest::join));
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 12).list().ofMaxSize(30);
    }

    /** Frames: valid shapes with random values, wrong types, broken JSON, duplicates, trailing garbage. */
    @Provide
    Arbitrary<String> frames() {
        Arbitrary<String> values = Arbitraries.oneOf(text().map(t -> {
            try {
                return JSON.writeValueAsString(t);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }), Arbitraries.of("null", "1", "-0.5e9", "true", "[]", "{}", "[\"a\"]", "\"\"", "\"ja\"", "\"en\""));
        Arbitrary<String> objects = net.jqwik.api.Combinators.combine(values, values, values, values, values)
                .as((message, session, language, model, version) -> "{\"data\":{\"message\":" + message + ",\"sessionId\":"
                        + session + ",\"preferredLanguage\":" + language + ",\"modelPreference\":" + model
                        + "},\"metadata\":{\"clientVersion\":" + version + "}}");
        return Arbitraries.oneOf(objects,
                objects.map(o -> o.substring(0, o.length() / 2)),
                objects.map(o -> o + "}"),
                values.map(v -> "{\"data\":{\"message\":" + v + ",\"message\":" + v + "}}"),
                values,
                Arbitraries.strings().ofMaxLength(100));
    }

    private static String join(List<Character> chars) {
        StringBuilder b = new StringBuilder(chars.size());
        List<Character> list = new ArrayList<>(chars);
        list.forEach(b::append);
        return b.toString();
    }
}
