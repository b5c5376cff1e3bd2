package mangaassist.chat.websocket;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import mangaassist.chat.overload.ChatDoor;
import mangaassist.chat.overload.ChatWorkQueue;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.vertx.websocket.VertxWebsocketComponent;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConfiguration;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConsumer;
import org.apache.camel.component.vertx.websocket.VertxWebsocketEndpoint;
import org.apache.camel.component.vertx.websocket.VertxWebsocketEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Camel's vertx-websocket component (the bean named {@code vertx-websocket}, so the routes' {@code vertx-websocket:}
 * URIs and the {@code camel.component.vertx-websocket.*} properties are unchanged) with one addition to its server
 * consumer: each text frame meets the chat's door ({@link ChatDoor}) on the Vert.x event loop, as it arrives, before
 * the consumer hands it to a worker thread to run the route. A frame the door refuses is answered there with its
 * {@code OVERLOADED} frame and never reaches the route; every other frame goes on exactly as in the stock consumer.
 *
 * <p>Why in the consumer: the stock consumer queues every frame for Vert.x's worker pool in arrival order; under a
 * burst, a refusal decided in the route comes only after every frame ahead of it has been validated, parsed and
 * checked in Redis (over a second for 2,000 frames on two cores), which is not "at once".
 *
 * <p>Camel's own {@code @Component} annotation names the component for its generated option configurers: without it
 * a subclass binds its endpoint options by reflection, and the endpoint, lenient, would drop them silently
 * ({@code allowedOriginPattern} among them).
 */
@Component("vertx-websocket")
@org.apache.camel.spi.annotations.Component("vertx-websocket")
public class ChatWebsocketComponent extends VertxWebsocketComponent {

    private static final Logger LOG = LoggerFactory.getLogger(ChatWebsocketComponent.class);

    private final ChatDoor door;
    private final ChatConnections connections;

    public ChatWebsocketComponent(ChatDoor door, ChatConnections connections) {
        this.door = door;
        this.connections = connections;
    }

    @Override
    protected VertxWebsocketEndpoint createEndpointInstance(String uri, VertxWebsocketConfiguration configuration) {
        return new VertxWebsocketEndpoint(uri, this, configuration) {
            @Override
            public Consumer createConsumer(Processor processor) throws Exception {
                if (getConfiguration().isConsumeAsClient()) {
                    return super.createConsumer(processor);
                }
                Consumer consumer = new DoorConsumer(this, processor);
                configureConsumer(consumer);
                return consumer;
            }
        };
    }

    /** The stock server consumer, its frames asked at the door first. */
    private final class DoorConsumer extends VertxWebsocketConsumer {

        DoorConsumer(VertxWebsocketEndpoint endpoint, Processor processor) {
            super(endpoint, processor);
        }

        @Override
        public void onMessage(String connectionKey, Object message, SocketAddress remote, RoutingContext context) {
            ServerWebSocket socket = connections.openNow(connectionKey);
            ChatDoor.Verdict verdict = door.arrive(message, socket != null);
            if (verdict.refused()) {
                socket.writeTextMessage(verdict.refusal()).onFailure(e ->
                        LOG.debug("Refusal not written to chat connection {}: {}", connectionKey, e.toString()));
                return;
            }
            // as the stock consumer's onMessage, with the frame's place at the door riding on its exchange
            Exchange exchange = createExchange(true);
            exchange.getMessage().setBody(message);
            populateExchangeHeaders(exchange, connectionKey, remote, context, VertxWebsocketEvent.MESSAGE);
            ChatWorkQueue.DoorPass pass = verdict.pass();
            if (pass != null) {
                exchange.setProperty(ChatWorkQueue.DoorPass.PROPERTY, pass);
                exchange.getExchangeExtension().addOnCompletion(pass);
            }
            processExchange(exchange, context);
        }
    }
}
