package mangaassist.chat.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import mangaassist.chat.model.ModelPreference;

/**
 * Client frame → {@link ChatRequest}:
 * {@code {"data":{"sessionId","message","preferredLanguage","modelPreference"},"metadata":{"clientVersion"}}}.
 * Errors: INVALID_JSON (not JSON, not an object, no "data" object, wrong types, bad sessionId),
 * MESSAGE_REQUIRED (missing or blank after normalisation), MESSAGE_TOO_LONG (code points after
 * normalisation). The seed raised KeyError on a missing message and had no size limit.
 */
public final class ChatMessageParser {

    public static final int DEFAULT_MAX_MESSAGE_CODE_POINTS = 4000;
    static final int MAX_CLIENT_VERSION_CHARS = 64;

    // UUIDs, API Gateway connection ids (base64 with '='), and similar; no spaces or markup.
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}");
    // compiled once: String.replaceAll compiles its pattern on every call, i.e. on every message
    private static final Pattern WHITESPACE_RUNS = Pattern.compile("\\s+");

    // Duplicate keys and trailing garbage are ambiguous frames: reject them rather than guess.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final int maxMessageCodePoints;

    public ChatMessageParser() {
        this(DEFAULT_MAX_MESSAGE_CODE_POINTS);
    }

    public ChatMessageParser(int maxMessageCodePoints) {
        if (maxMessageCodePoints < 1) {
            throw new IllegalArgumentException("maxMessageCodePoints must be positive");
        }
        this.maxMessageCodePoints = maxMessageCodePoints;
    }

    public ChatRequest parse(String json) {
        if (json == null || json.isBlank()) {
            throw new ChatException(ChatErrorCode.INVALID_JSON, "empty frame");
        }
        // A frame this big cannot hold a valid message even fully \\u-escaped: refuse before parsing it.
        if (json.length() > 12L * maxMessageCodePoints + 16_384) {
            throw new ChatException(ChatErrorCode.MESSAGE_TOO_LONG, "frame of " + json.length() + " chars");
        }
        try {
            return parse(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new ChatException(ChatErrorCode.INVALID_JSON, "not JSON: " + e.getOriginalMessage());
        }
    }

    public ChatRequest parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new ChatException(ChatErrorCode.INVALID_JSON, "frame is not a JSON object");
        }
        JsonNode data = root.get("data");
        if (data == null || !data.isObject()) {
            throw new ChatException(ChatErrorCode.INVALID_JSON, "\"data\" object missing");
        }
        String sessionId = sessionId(data.get("sessionId"));
        String message = message(data.get("message"));
        return new ChatRequest(
                UUID.randomUUID().toString(),
                sessionId,
                message,
                language(data.get("preferredLanguage")),
                ModelPreference.from(textOrNull(data.get("modelPreference"))),
                clientVersion(root.path("metadata").get("clientVersion")));
    }

    private static String sessionId(JsonNode node) {
        if (node == null || node.isNull() || (node.isTextual() && node.asText().isBlank())) {
            return UUID.randomUUID().toString(); // seed kept "" as a session id
        }
        if (!node.isTextual() || !SESSION_ID.matcher(node.asText().strip()).matches()) {
            throw new ChatException(ChatErrorCode.INVALID_JSON, "sessionId has an invalid format");
        }
        return node.asText().strip();
    }

    private String message(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new ChatException(ChatErrorCode.MESSAGE_REQUIRED, "message missing");
        }
        if (!node.isTextual()) {
            throw new ChatException(ChatErrorCode.INVALID_JSON, "message is not a string");
        }
        String normalized = JapaneseTextNormalizer.normalize(node.asText());
        if (normalized.isEmpty()) {
            throw new ChatException(ChatErrorCode.MESSAGE_REQUIRED, "message blank after normalisation");
        }
        int codePoints = normalized.codePointCount(0, normalized.length());
        if (codePoints > maxMessageCodePoints) {
            throw new ChatException(ChatErrorCode.MESSAGE_TOO_LONG,
                    "message has " + codePoints + " code points, limit " + maxMessageCodePoints);
        }
        return normalized;
    }

    /** ja | en | auto; default and unknown → auto (the seed defaulted to "ja"). */
    private static String language(JsonNode node) {
        String value = textOrNull(node);
        if (value == null) {
            return "auto";
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        return v.equals("ja") || v.equals("en") ? v : "auto";
    }

    private static String clientVersion(JsonNode node) {
        String value = textOrNull(node);
        if (value == null || value.isBlank()) {
            return "unknown"; // as the seed
        }
        String v = WHITESPACE_RUNS.matcher(JapaneseTextNormalizer.normalize(value)).replaceAll(" ");
        return v.length() > MAX_CLIENT_VERSION_CHARS ? v.substring(0, MAX_CLIENT_VERSION_CHARS) : v;
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }
}
