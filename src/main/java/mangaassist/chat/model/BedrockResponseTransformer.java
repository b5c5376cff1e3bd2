package mangaassist.chat.model;

import com.fasterxml.jackson.databind.JsonNode;
import mangaassist.chat.message.ChatErrorCode;
import mangaassist.chat.message.ChatException;
import mangaassist.chat.message.JapaneseSpacing;

/**
 * Claude Messages response → {@link ModelReply} (seed 000 §3.2 {@code OutboundTransformer}).
 * Better than the seed: all text blocks are joined (the seed read only {@code content[0]}), and an
 * empty answer is MODEL_NO_RESPONSE (the seed returned "success" with an empty message).
 */
public final class BedrockResponseTransformer {

    public ModelReply transform(JsonNode response, String language) {
        return transform(response, language, null);
    }

    /** @param invokedModelId reported when the response has no "model" (seed: "unknown") */
    public ModelReply transform(JsonNode response, String language, String invokedModelId) {
        if (response == null || !response.isObject()) {
            throw new ChatException(ChatErrorCode.MODEL_NO_RESPONSE, "no response body from model");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : response.path("content")) {
            boolean isText = !block.has("type") || "text".equals(block.path("type").asText());
            if (isText && block.path("text").isTextual()) {
                text.append(block.path("text").asText());
            }
        }
        if (text.toString().isBlank()) {
            throw new ChatException(ChatErrorCode.MODEL_NO_RESPONSE,
                    "model returned no text, stop_reason=" + response.path("stop_reason").asText("unknown"));
        }
        JsonNode usage = response.path("usage");
        String fallbackModel = invokedModelId == null ? "unknown" : invokedModelId;
        return new ModelReply(
                JapaneseSpacing.apply(text.toString(), language),
                usage.path("input_tokens").asInt(0),
                usage.path("output_tokens").asInt(0),
                textOr(response.path("model"), fallbackModel),
                textOr(response.path("stop_reason"), "unknown"));
    }

    private static String textOr(JsonNode node, String fallback) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : fallback;
    }
}
