package mangaassist.chat.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.UUID;
import mangaassist.chat.model.ModelReply;

/** Wire frames sent to chat clients (WebSocket and {@code POST /api/chat} share them). */
public final class ChatReplies {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ChatReplies() {
    }

    /** {@code {"status":"success","requestId","data":{message,sessionId,language},"usage":{..},"metadata":{..}}} */
    /** A frame as compact JSON text. */
    public static String json(JsonNode frame) {
        return frame.toString();
    }

    public static ObjectNode success(String requestId, String sessionId, String language, ModelReply reply,
                                     boolean cached, long latencyMs) {
        Objects.requireNonNull(reply, "reply");
        ObjectNode root = JSON.objectNode();
        root.put("status", "success");
        root.put("requestId", requestIdOrNew(requestId));
        ObjectNode data = root.putObject("data");
        data.put("message", reply.text());
        data.put("sessionId", sessionId);
        data.put("language", language);
        ObjectNode usage = root.putObject("usage");
        usage.put("inputTokens", reply.inputTokens());
        usage.put("outputTokens", reply.outputTokens());
        ObjectNode metadata = root.putObject("metadata");
        metadata.put("model", reply.model());
        metadata.put("stopReason", reply.stopReason());
        metadata.put("cached", cached);
        metadata.put("latencyMs", latencyMs);
        return root;
    }

    /** {@code {"status":"partial","requestId","data":{"delta","sessionId"}}} — one streamed chunk. */
    public static ObjectNode partial(String requestId, String sessionId, String delta) {
        ObjectNode root = JSON.objectNode();
        root.put("status", "partial");
        root.put("requestId", requestIdOrNew(requestId));
        ObjectNode data = root.putObject("data");
        data.put("delta", delta == null ? "" : delta);
        data.put("sessionId", sessionId);
        return root;
    }

    /** {@code {"status":"error","requestId","code","error"}}; the text is the code's canned message only. */
    public static ObjectNode error(String requestId, ChatErrorCode code, String language) {
        ChatErrorCode c = code == null ? ChatErrorCode.INTERNAL : code;
        ObjectNode root = JSON.objectNode();
        root.put("status", "error");
        root.put("requestId", requestIdOrNew(requestId));
        root.put("code", c.name());
        root.put("error", c.userMessage(language));
        return root;
    }

    /** Any exception: ChatException keeps its code, everything else is INTERNAL; the message is never sent. */
    public static ObjectNode errorFor(String requestId, Throwable failure, String language) {
        ChatErrorCode code = failure instanceof ChatException ce ? ce.errorCode() : ChatErrorCode.INTERNAL;
        return error(requestId, code, language);
    }

    // A frame that failed before parsing has no request id yet; every frame still gets one.
    private static String requestIdOrNew(String requestId) {
        return requestId == null || requestId.isBlank() ? UUID.randomUUID().toString() : requestId;
    }
}
