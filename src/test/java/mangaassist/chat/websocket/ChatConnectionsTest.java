package mangaassist.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Frames reach only their own client's connection, a frame that overtakes its connection's open event waits for it,
 * and a gone client costs nothing but the frame.
 */
// a frame that waited out OPEN_WAIT would fail here rather than pass slowly
@Timeout(30)
class ChatConnectionsTest {

    /** Long, so that a test that waited for it would be seen to hang; none of these should wait it out. */
    private static final Duration OPEN_WAIT = Duration.ofMinutes(1);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ChatConnections connections = new ChatConnections(meters, OPEN_WAIT);

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
        connections.send(null, "frame");

        verify(gone, never()).writeTextMessage(anyString());
        verify(closing, never()).writeTextMessage(anyString());
        // a closed socket whose close event was missed is forgotten at its first frame
        assertThat(connections.size()).isZero();
    }

    @Test
    void aFrameThatOvertakesItsOpenEventWaitsForIt() throws Exception {
        ServerWebSocket socket = socket();
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> connections.send("c-early", "error frame"));
        // the sender is waiting for the open event: nothing written yet, nothing lost
        await().atMost(Duration.ofSeconds(10)).until(() -> connections.waitingForOpen() == 1);
        assertThat(sent).isNotDone();
        verify(socket, never()).writeTextMessage(anyString());

        connections.opened("c-early", socket);

        sent.get(10, TimeUnit.SECONDS);
        verify(socket).writeTextMessage("error frame");
    }

    @Test
    void aFrameForAConnectionWhoseOpenEventNeverComesIsDroppedAfterTheWait() {
        ChatConnections quick = new ChatConnections(new SimpleMeterRegistry(), Duration.ofMillis(50));

        quick.send("c-never", "frame");

        assertThat(quick.size()).isZero();
        assertThat(quick.waitingForOpen()).as("the wait given up is forgotten").isZero();
    }

    @Test
    void aCloseHandledBeforeItsOpenLeavesNothingOpenAndFreesAWaitingFrame() throws Exception {
        ServerWebSocket socket = socket();
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> connections.send("c-short", "frame"));
        await().atMost(Duration.ofSeconds(10)).until(() -> connections.waitingForOpen() == 1);

        connections.closed("c-short");
        sent.get(10, TimeUnit.SECONDS);
        connections.opened("c-short", socket);
        connections.send("c-short", "frame");

        verify(socket, never()).writeTextMessage(anyString());
        assertThat(connections.size()).isZero();
    }

    private static ServerWebSocket socket() {
        ServerWebSocket socket = mock(ServerWebSocket.class);
        when(socket.writeTextMessage(anyString())).thenReturn(Future.succeededFuture());
        return socket;
    }
}
