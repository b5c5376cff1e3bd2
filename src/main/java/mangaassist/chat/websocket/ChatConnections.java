package mangaassist.chat.websocket;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mangaassist.chat.ChatProperties;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
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
  *
 * <p>A connection's open event and its first message reach the route on two Vert.x worker threads in no set order
 * ({@code executeBlocking(..., ordered=false)}): a message refused at once (a bad frame, a cache hit) could be
 * answered before its connection is known here. Such a frame waits for the open event, at most
 * {@code mangaassist.chat.websocket.open-wait}; a connection that has closed is remembered for a while, so that the
 * frames of an answer whose client left are dropped at once rather than waited for.
 */
@Component("chatConnections")
public class ChatConnections {

    private static final Logger LOG = LoggerFactory.getLogger(ChatConnections.class);
    /** How long a closed connection is remembered: longer than any answer may still be streaming to it. */
    private static final long CLOSED_MEMORY_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final Map<String, ServerWebSocket> open = new ConcurrentHashMap<>();
    /** Frames waiting for their connection's open event, by connection key. */
    private final Map<String, CompletableFuture<ServerWebSocket>> awaited = new ConcurrentHashMap<>();
    /** Connections closed lately, and the order they closed in (to forget them after {@link #CLOSED_MEMORY_NANOS}). */
    private final Map<String, Long> closed = new ConcurrentHashMap<>();
    private final Queue<String> closedOrder = new ConcurrentLinkedQueue<>();
    private final Duration openWait;

    @Autowired
    public ChatConnections(MeterRegistry meters, ChatProperties chat) {
        this(meters, chat.websocket().openWait());
    }

    ChatConnections(MeterRegistry meters, Duration openWait) {
        this.openWait = openWait;
        Gauge.builder("mangaassist.chat.connections", open, Map::size)
                .description("Chat WebSocket clients connected").register(meters);
    }

    /** A client connected (the consumer's OPEN event carries its socket). */
    public void opened(@Header(VertxWebsocketConstants.CONNECTION_KEY) String connectionKey,
                       @Body ServerWebSocket socket) {
        // its close event may have been handled first (the two run unordered too)
        if (closed.containsKey(connectionKey) || socket.isClosed()) {
            closed(connectionKey);
            return;
        }
        open.put(connectionKey, socket);
        CompletableFuture<ServerWebSocket> waiting = awaited.remove(connectionKey);
        if (waiting != null) {
            waiting.complete(socket);
        }
    }

    /** A client disconnected: nothing more can be written to it. */
    public void closed(@Header(VertxWebsocketConstants.CONNECTION_KEY) String connectionKey) {
        open.remove(connectionKey);
        long now = System.nanoTime();
        if (closed.put(connectionKey, now) == null) {
            closedOrder.add(connectionKey);
        }
        CompletableFuture<ServerWebSocket> waiting = awaited.remove(connectionKey);
        if (waiting != null) {
            waiting.complete(null);
        }
        forgetClosedBefore(now - CLOSED_MEMORY_NANOS);
    }

    /**
     * Writes a text frame to one client. A client that has gone is no failure of its message (there is no one
     * left to answer), so the frame is dropped with a DEBUG line; a failed write is logged.
     */
    public void send(@Header(VertxWebsocketConstants.CONNECTION_KEY) String connectionKey, @Body String frame) {
        ServerWebSocket socket = connectionKey == null ? null : connection(connectionKey);
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

    /** The connection's socket if its open event has been handled, else null; never waits (the door's event loop). */
    public ServerWebSocket openNow(String connectionKey) {
        return connectionKey == null ? null : open.get(connectionKey);
    }

    /** How many clients are connected. */
    public int size() {
        return open.size();
    }

    /** How many connections have frames waiting for their open event (tests wait on it). */
    int waitingForOpen() {
        return awaited.size();
    }

    /** The connection's socket; null when it has closed, or its open event did not come within the wait. */
    private ServerWebSocket connection(String connectionKey) {
        ServerWebSocket socket = open.get(connectionKey);
        if (socket != null || closed.containsKey(connectionKey)) {
            return socket;
        }
        CompletableFuture<ServerWebSocket> waiting = awaited.computeIfAbsent(connectionKey, k -> new CompletableFuture<>());
        // the open event may have come between the first look and the registration above
        socket = open.get(connectionKey);
        if (socket != null || closed.containsKey(connectionKey)) {
            awaited.remove(connectionKey, waiting);
            return socket;
        }
        try {
            return waiting.get(openWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            awaited.remove(connectionKey, waiting);
            LOG.warn("Chat connection {} unknown after {}: frame dropped", connectionKey, openWait);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null;
        }
    }

    private void forgetClosedBefore(long cutoff) {
        String oldest;
        while ((oldest = closedOrder.peek()) != null) {
            Long at = closed.get(oldest);
            if (at != null && at - cutoff > 0) {
                return;
            }
            if (closedOrder.remove(oldest)) {
                closed.remove(oldest);
            }
        }
    }
}
