package mangaassist.devstack.bedrock;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frames for {@code application/vnd.amazon.eventstream} as InvokeModelWithResponseStream sends
 * them: each model event travels base64-encoded inside {@code {"bytes":...}} of a "chunk" event.
 */
final class EventStreamEncoder {

    private EventStreamEncoder() {
    }

    /** A "chunk" event carrying one Claude stream event (its JSON text, verbatim). */
    static Buffer chunk(String modelEventJson) {
        String bytes = Base64.getEncoder().encodeToString(modelEventJson.getBytes(StandardCharsets.UTF_8));
        return frame("event", ":event-type", "chunk", new JsonObject().put("bytes", bytes).encode());
    }

    static Buffer chunk(JsonObject modelEvent) {
        return chunk(modelEvent.encode());
    }

    /** An exception event; the SDK raises the typed exception named by {@code :exception-type}. */
    static Buffer exception(Fault fault) {
        return frame("exception", ":exception-type", fault.exceptionEventType(),
                new JsonObject().put("message", fault.error().message()).encode());
    }

    private static Buffer frame(String messageType, String typeHeader, String type, String payload) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(typeHeader, HeaderValue.fromString(type));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString(messageType));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Message(headers, payload.getBytes(StandardCharsets.UTF_8)).encode(out);
        return Buffer.buffer(out.toByteArray());
    }
}
