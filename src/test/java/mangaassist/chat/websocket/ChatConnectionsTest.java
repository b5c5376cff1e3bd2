package mangaassist.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import org.junit.jupiter.api.Test;

/** Frames reach only their own client's connection, and a gone client costs nothing but the frame. */
class ChatConnectionsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ChatConnections connections = new ChatConnections(meters);

    @Test
    void aFrameGoesToItsOwnConnectionOnly() {
        ServerWebSocket first = socket();
        ServerWebSocket second = socket();
        connections.opened("c-1", first);
        connections.opened("c-2", second);

        connections.send("c-2", "{\"status\":\"success\"}");

        verify(second).writeTextMessage("{\"status\":\"success\"}");
        verify(first, never()).writeTextMessage(anyString());
        assertThat(meters.get("mangaassist.chat.connections").gauge().value()).isEqualTo(2.0);
    }

    @Test
    void framesForAClosedOrUnknownConnectionAreDropped() {
        ServerWebSocket gone = socket();
        connections.opened("c-gone", gone);
        connections.closed("c-gone");
        ServerWebSocket closing = socket();
        when(closing.isClosed()).thenReturn(true);
        connections.opened("c-closing", closing);

        connections.send("c-gone", "frame");
        connections.send("c-closing", "frame");
        connections.send("c-never", "frame");
        connections.send(null, "frame");

        verify(gone, never()).writeTextMessage(anyString());
        verify(closing, never()).writeTextMessage(anyString());
        // a closed socket whose close event was missed is forgotten at its first frame
        assertThat(connections.size()).isZero();
    }

    private static ServerWebSocket socket() {
        ServerWebSocket socket = mock(ServerWebSocket.class);
        when(socket.writeTextMessage(anyString())).thenReturn(Future.succeededFuture());
        return socket;
    }
}
