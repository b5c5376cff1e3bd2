package mangaassist.devstack.bedrock;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.security.SecureRandom;

/** The JSON Claude answers with on Bedrock: the InvokeModel message and the stream events. */
final class ClaudeMessages {

    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ClaudeMessages() {
    }

    static JsonObject response(String modelId, ClaudeResponder.Reply reply) {
        return message(modelId)
                .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", reply.text())))
                .put("stop_reason", reply.stopReason())
                .put("stop_sequence", reply.stopSequence())
                .put("usage", usage(reply.inputTokens(), reply.outputTokens()));
    }

    static JsonObject messageStart(String modelId, ClaudeResponder.Reply reply) {
        JsonObject message = message(modelId).put("content", new JsonArray())
                .put("stop_reason", null).put("stop_sequence", null)
                .put("usage", usage(reply.inputTokens(), 1));
        return new JsonObject().put("type", "message_start").put("message", message);
    }

    static JsonObject contentBlockStart() {
        return new JsonObject().put("type", "content_block_start").put("index", 0)
                .put("content_block", new JsonObject().put("type", "text").put("text", ""));
    }

    static JsonObject textDelta(String text) {
        return new JsonObject().put("type", "content_block_delta").put("index", 0)
                .put("delta", new JsonObject().put("type", "text_delta").put("text", text));
    }

    static JsonObject contentBlockStop() {
        return new JsonObject().put("type", "content_block_stop").put("index", 0);
    }

    /** Claude puts the stop reason here, not in message_stop. */
    static JsonObject messageDelta(ClaudeResponder.Reply reply) {
        return new JsonObject().put("type", "message_delta")
                .put("delta", new JsonObject().put("stop_reason", reply.stopReason()).put("stop_sequence", reply.stopSequence()))
                .put("usage", new JsonObject().put("output_tokens", reply.outputTokens()));
    }

    /** Bedrock adds its invocation metrics to the last event. */
    static JsonObject messageStop(ClaudeResponder.Reply reply, long invocationLatencyMs, long firstByteLatencyMs) {
        return new JsonObject().put("type", "message_stop")
                .put("amazon-bedrock-invocationMetrics", new JsonObject()
                        .put("inputTokenCount", reply.inputTokens())
                        .put("outputTokenCount", reply.outputTokens())
                        .put("invocationLatency", invocationLatencyMs)
                        .put("firstByteLatency", firstByteLatencyMs));
    }

    private static JsonObject message(String modelId) {
        return new JsonObject().put("id", messageId()).put("type", "message").put("role", "assistant")
                .put("model", ModelIds.anthropicName(modelId));
    }

    private static JsonObject usage(int input, int output) {
        return new JsonObject().put("input_tokens", input).put("output_tokens", output);
    }

    /** Shaped like Bedrock's ids (msg_bdrk_01...); random, as only the text must be deterministic. */
    private static String messageId() {
        StringBuilder id = new StringBuilder("msg_bdrk_01");
        for (int i = 0; i < 24; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }
}
