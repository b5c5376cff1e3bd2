package mangaassist.chat.websocket;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.ServerWebSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The open chat WebSocket connections by connection key, from the consumer's open and close events; every
 * frame (partial, answer, error) is written to its own client's connection here.
 *
 * <p>Why not the vertx-websocket producer: in Camel 4.17 it collects every peer of the host into a new
 * map on each send, even when the frame goes to one connection key, matching each peer's path with a
 * {@code String.split}. That is work in the number of connected clients for every frame: about 3 µs a
 * peer here, 6 % of the chat benchmark's CPU at 200 clients, and a core's worth at a few thousand. A map
 * lookup does not grow with them.
 */
@Component("chatConnections")
public class ChatConnections {

    private static final Logger LOG = LoggerFactory.getLogger(ChatConnections.class);

    private final Map<String, ServerWebSocket> open = new ConcurrentHashMap<>();

    public ChatConnections(MeterRegistry meters) {
        Gauge.builder("mangaassist.chat.connections", open, Map::size)
                .description("Chat WebSocket clients connected").register(meters);
    }

    /** A client connected (the consumer's OPEN event carries its socket). */
    public void opened(@Header(VertxWebsocketConstants.CONNECTION_KEY) String connectionKey,
                       @Body ServerWebSocket socket) {
        open.put(connectionKey, socket);
    }

    /** A client disconnected: nothing more can be written to it. */
    public void closed(@Header(VertxWebsocketConstants.CONNECTION_KEY) String connectionKey) {
        open.remove(connectionKey);
    }

    /**
     * Writes a text frame to one client. A client that has gone is no failure of its message (there is no one
     * left to answer), so the frame is dropped with a DEBUG line; a failed write is logged.
     */
    public void send(@Header(VertxWebsocketConstants.CONNECTION_KEY) String connectionKey, @Body String frame) {
        ServerWebSocket socket = connectionKey == null ? null : open.get(connectionKey);
        if (socket == null || socket.isClosed()) {
            LOG.debug("Chat connection {} is closed: frame dropped", connectionKey);
            if (socket != null) {
                // its close event never came (the route was stopped while it was open): forget it now
                open.remove(connectionKey, socket);
            }
            return;
        }
        socket.writeTextMessage(frame).onFailure(e ->
                LOG.warn("Chat frame not written to connection {}: {}", connectionKey, e.toString()));
    }

    /** How many clients are connected. */
    public int size() {
        return open.size();
    }
}
