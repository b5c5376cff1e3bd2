package mangaassist.devstack.bedrock;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Claude Messages API body as Bedrock accepts it. Validation follows Bedrock where it matters
 * to a client: required keys, unknown keys and bad values are a ValidationException, so an app
 * that would be refused by the real service is refused here too.
 */
record ClaudeRequest(String system, List<Turn> messages, int maxTokens, List<String> stopSequences) {

    record Turn(String role, String text) {
    }

    private static final Set<String> ALLOWED_KEYS = Set.of("anthropic_version", "anthropic_beta", "max_tokens",
            "system", "messages", "temperature", "top_p", "top_k", "stop_sequences", "tools", "tool_choice",
            "metadata");

    static ClaudeRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw failure("#: expected type: JSONObject");
        }
        body.fieldNames().forEachRemaining(key -> {
            if (!ALLOWED_KEYS.contains(key)) {
                throw failure("#: extraneous key [" + key + "] is not permitted");
            }
        });
        for (String required : List.of("anthropic_version", "max_tokens", "messages")) {
            if (!body.hasNonNull(required)) {
                throw failure("#: required key [" + required + "] not found");
            }
        }
        JsonNode maxTokens = body.get("max_tokens");
        if (!maxTokens.canConvertToInt() || !maxTokens.isIntegralNumber() || maxTokens.asInt() < 1) {
            throw failure("#/max_tokens: expected an integer >= 1");
        }
        JsonNode temperature = body.get("temperature");
        if (temperature != null && (!temperature.isNumber() || temperature.asDouble() < 0 || temperature.asDouble() > 1)) {
            throw failure("#/temperature: expected a number between 0 and 1");
        }
        List<Turn> turns = new ArrayList<>();
        JsonNode messages = body.get("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw failure("#/messages: expected a non-empty array");
        }
        for (JsonNode message : messages) {
            String role = message.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                throw failure("#/messages: role must be \"user\" or \"assistant\"");
            }
            turns.add(new Turn(role, text(message.get("content"), "#/messages/content")));
        }
        if (!turns.get(0).role().equals("user")) {
            throw new AwsError.Failure(AwsError.validation(
                    "A conversation must start with a user message. Try again with a conversation that starts with a user message."));
        }
        String system = body.has("system") ? text(body.get("system"), "#/system") : null;
        List<String> stops = new ArrayList<>();
        body.path("stop_sequences").forEach(s -> stops.add(s.asText()));
        return new ClaudeRequest(system, List.copyOf(turns), maxTokens.asInt(), List.copyOf(stops));
    }

    /** The text of the last user turn. */
    String lastUserText() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role().equals("user")) {
                return messages.get(i).text();
            }
        }
        return "";
    }

    /** Content is a string or a list of blocks; only text blocks carry text we use. */
    private static String text(JsonNode content, String where) {
        if (content == null || content.isNull()) {
            throw failure(where + ": expected a string or an array of content blocks");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw failure(where + ": expected a string or an array of content blocks");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            if (!block.hasNonNull("type")) {
                throw failure(where + ": required key [type] not found");
            }
            if (block.path("type").asText().equals("text")) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append(block.path("text").asText(""));
            }
        }
        return text.toString();
    }

    private static AwsError.Failure failure(String detail) {
        return new AwsError.Failure(AwsError.malformedInput(detail));
    }
}
