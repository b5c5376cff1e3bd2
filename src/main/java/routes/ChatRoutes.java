package routes;

import static mangaassist.chat.ChatSteps.ADMISSION;
import static mangaassist.chat.ChatSteps.CACHED;
import static mangaassist.chat.ChatSteps.CACHE_KEY;
import static mangaassist.chat.ChatSteps.FACTS;
import static mangaassist.chat.ChatSteps.HISTORY;
import static mangaassist.chat.ChatSteps.HISTORY_SOURCE;
import static mangaassist.chat.ChatSteps.INTENT;
import static mangaassist.chat.ChatSteps.MODEL;
import static mangaassist.chat.ChatSteps.MODEL_BODY;
import static mangaassist.chat.ChatSteps.NEW_TURNS;
import static mangaassist.chat.ChatSteps.REPLY;
import static mangaassist.chat.ChatSteps.REPLY_TO;
import static mangaassist.chat.ChatSteps.REQUEST;
import static mangaassist.chat.ChatSteps.START;
import static mangaassist.chat.ChatSteps.STOCK_UNAVAILABLE;
import static mangaassist.chat.ChatSteps.STREAM;

import mangaassist.chat.ChatException;
import mangaassist.chat.ChatInventorySteps;
import mangaassist.chat.ChatRecentTurns;
import mangaassist.chat.ChatReplies;
import mangaassist.platform.ErrorResponses;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.aws2.ddb.Ddb2Constants;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.apache.camel.component.vertx.websocket.VertxWebsocketEvent;
import org.apache.camel.model.rest.RestBindingMode;
import org.springframework.stereotype.Component;

/**
 * The chat flow: WebSocket (streaming) and REST → inbound transform → rate limit, Redis cache and the
 * session's recent turns (one Redis script) → history from DynamoDB when Redis has none → intent
 * (a stock question goes through the inventory flow, whose facts go into the prompt) → model selection
 * → Bedrock (fallback to the fast model within the time budget) → cache entry → outbound transform → reply;
 * the session is written off the reply's path.
 *
 * <p>{@code GET /api/chat/config} (chat-config) tells the chat page ({@code static/index.html}) the WebSocket URL.
 *
 * <p>The edge routes (chat-websocket, chat-rest) use the shared {@code sync-errors} configuration:
 * every client message gets exactly one reply or one error frame, and the connection stays open.
 */
@Component
public class ChatRoutes extends RouteBuilder {

    static final String WEBSOCKET = "vertx-websocket:{{mangaassist.chat.websocket.host}}:"
            + "{{mangaassist.chat.websocket.port}}{{mangaassist.chat.websocket.path}}";
    static final String TO_CLIENT = "direct:chat-reply";
    static final String SESSIONS = "aws2-ddb://{{mangaassist.chat.sessions-table}}";
    static final String BEDROCK = "aws-bedrock:chat?operation=invokeTextModel&pojoRequest=true"
            + "&modelId={{mangaassist.chat.models.fast}}";
    static final String CATALOG = "opensearch:mangaassist?operation=Search"
            + "&indexName={{mangaassist.chat.inventory.catalog-index}}";
    // a bounded request/reply: past the timeout the answer goes on without live stock
    static final String STOCK = "seda:chat-inventory-stock?waitForTaskToComplete=Always"
            + "&timeout={{mangaassist.chat.inventory.stock-timeout}}";

    /** The routes' group: the flow's name in Hawtio, metrics and error counts. */
    static final String FLOW = "chat";

    @Override
    public void configure() {
        from(WEBSOCKET + "?fireWebSocketConnectionEvents=true").routeId("chat-websocket")
                .routeGroup(FLOW)
                .routeDescription("WebSocket /chat: connection events, and each message answered by chat-handle through chat-reply")
                .routeConfigurationId("sync-errors")
                .choice()
                    .when(header(VertxWebsocketConstants.EVENT).isEqualTo(VertxWebsocketEvent.OPEN))
                        .bean("chatConnections", "opened")
                    .when(header(VertxWebsocketConstants.EVENT).isEqualTo(VertxWebsocketEvent.CLOSE))
                        .bean("chatConnections", "closed")
                    .otherwise()
                        .setProperty(REPLY_TO, constant(TO_CLIENT))
                        .setProperty(STREAM, constant(true))
                        .to("direct:chat-handle")
                        .to(TO_CLIENT)
                .end();

        // every frame to its own client: partials, answers and the sync-errors error frames (replyTo)
        from(TO_CLIENT).routeId("chat-reply")
                .routeGroup(FLOW)
                .routeDescription("Sends a frame (partial, answer or error) to its own client's connection")
                .errorHandler(noErrorHandler())
                .bean("chatConnections", "send");

        // POST /api/chat (the REST servlet sits at /api, mangaassist.rest.path)
        rest("/chat").post().consumes("application/json").produces("application/json")
                .bindingMode(RestBindingMode.off).routeId("chat-rest-api").to("direct:chat-rest");
        from("direct:chat-rest").routeId("chat-rest")
                .routeGroup(FLOW)
                .routeDescription("POST /api/chat: the WebSocket contract over REST, without streaming")
                .routeConfigurationId("sync-errors")
                .convertBodyTo(String.class)
                .to("direct:chat-handle")
                .setHeader("Content-Type", constant("application/json"));

        // the chat page learns the WebSocket URL here: the WebSocket has its own port, not Tomcat's
        rest("/chat").get("/config").produces("application/json")
                .bindingMode(RestBindingMode.off).routeId("chat-config-api").to("direct:chat-config");
        from("direct:chat-config").routeId("chat-config")
                .routeGroup(FLOW)
                .routeDescription("GET /api/chat/config: the chat page's WebSocket URL")
                .routeConfigurationId("sync-errors")
                .setBody(method("chatClientConfig", "forHost"))
                // the request's headers would otherwise be echoed as response headers
                .removeHeaders("*")
                .convertBodyTo(String.class)
                .setHeader("Content-Type", constant("application/json"));

        from("direct:chat-handle").routeId("chat-handle")
                .routeGroup(FLOW)
                .routeDescription("One chat message: parse, admission (rate limit, cache, recent turns), history, intent, model, cache write, reply")
                // failures propagate to the edge route, whose sync-errors answers the client
                .errorHandler(noErrorHandler())
                .setProperty(START, method(System.class, "nanoTime"))
                .setProperty(REQUEST, method("chatSteps", "parse"))
                .setProperty(ErrorResponses.REQUEST_ID, simple("${exchangeProperty." + REQUEST + ".requestId}"))
                .setProperty(ErrorResponses.LANGUAGE, method("chatSteps", "language"))
                .setProperty(CACHE_KEY, method("chatSteps", "cacheKey"))
                // rate limit, cache read and the session's recent turns in one Redis script; a Redis
                // failure never fails the message
                .setProperty(ADMISSION, method("chatAdmission", "admit"))
                .setProperty(CACHED, method("chatSteps", "readCached"))
                .choice()
                    .when(exchangeProperty(CACHED).isNotNull())
                        .setBody(method("chatSteps", "cachedAnswer"))
                    .otherwise()
                        .to("direct:chat-history")
                        .setProperty(INTENT, method("chatSteps", "intent"))
                        .filter(method("chatInventorySteps", "stockQuestion"))
                            .to("direct:chat-inventory")
                        .end()
                        .setProperty(MODEL, method("chatSteps", "model"))
                        .setProperty(MODEL_BODY, method("chatSteps", "modelBody"))
                        .to("direct:chat-model")
                        .setProperty(REPLY, method("chatSteps", "reply"))
                        // cached before the reply, so that a repeat sent as soon as it arrives is a hit
                        // (one SET; a Redis failure sends the answer uncached). An answer without live
                        // stock is not cached: the same question asks the ERP again
                        .filter(exchangeProperty(STOCK_UNAVAILABLE).isNotEqualTo(true))
                            .bean("chatCache", "store").id("chat-cache-write")
                        .end()
                        .wireTap("direct:chat-remember")
                        .setBody(method("chatSteps", "answer"))
                .end()
                .removeHeaders("*", "CamelVertxWebsocket.connectionKey")
                // compact, as the partial and error frames (Camel's JsonNode-to-String converter pretty-prints)
                .setBody(method(ChatReplies.class, "json"));

        // the latest turns came with the admission when Redis holds them (none for a new session);
        // DynamoDB, the record, is asked when Redis cannot tell
        from("direct:chat-history").routeId("chat-history")
                .routeGroup(FLOW)
                .routeDescription("The session's latest turns: from the admission's Redis read, or DynamoDB when Redis cannot tell")
                .errorHandler(noErrorHandler())
                .setProperty(HISTORY_SOURCE, method("chatSteps", "historySource"))
                .choice()
                    .when(exchangeProperty(HISTORY_SOURCE).isEqualTo(ChatRecentTurns.Source.SESSIONS))
                        .to("direct:chat-history-query")
                    .otherwise()
                        .setProperty(HISTORY, method("chatSteps", "recentHistory"))
                .end()
                .bean("chatSteps", "historyRead");

        from("direct:chat-history-query").routeId("chat-history-query")
                .routeGroup(FLOW)
                .routeDescription("The session's latest turns from DynamoDB, the record")
                .errorHandler(noErrorHandler())
                .setHeader(Ddb2Constants.KEY_CONDITIONS, method(mangaassist.chat.ChatSessions.class,
                        "sessionCondition(${exchangeProperty." + REQUEST + ".sessionId})"))
                .setHeader(Ddb2Constants.SCAN_INDEX_FORWARD, constant(false))
                .setHeader(Ddb2Constants.LIMIT, simple("{{mangaassist.chat.history-turns}}", Integer.class))
                .doTry()
                    .to(SESSIONS + "?operation=Query")
                    .setProperty(HISTORY, method("chatSteps", "history"))
                    .setProperty(HISTORY_SOURCE, constant(ChatRecentTurns.Source.SESSIONS))
                .doCatch(Exception.class)
                    // as the seed: an unreadable history costs the context of earlier turns, not the answer
                    .setProperty(HISTORY, method("chatSteps", "historyUnavailable"))
                    .setProperty(HISTORY_SOURCE, constant(ChatRecentTurns.Source.UNAVAILABLE))
                .end();

        // Bedrock within the time budget: a throttled or timed-out call falls back once to the fast model
        from("direct:chat-model").routeId("chat-model")
                .routeGroup(FLOW)
                .routeDescription("The model within the time budget; a throttled or timed-out call falls back once to the fast model")
                .errorHandler(noErrorHandler())
                .doTry()
                    .to("direct:chat-invoke")
                .doCatch(ChatException.class).onWhen(method("chatModelCalls", "canFallBack"))
                    .log(LoggingLevel.WARN, "Model ${exchangeProperty." + MODEL + "} failed (${exception.message}); "
                            + "falling back to {{mangaassist.chat.models.fast}}")
                    .setProperty(MODEL, constant("{{mangaassist.chat.models.fast}}"))
                    .to("direct:chat-invoke")
                .end();

        from("direct:chat-invoke").routeId("chat-invoke")
                .routeGroup(FLOW)
                .routeDescription("One Bedrock call: streamed to the client's WebSocket, or InvokeModel for REST")
                .errorHandler(noErrorHandler())
                .doTry()
                    .choice()
                        .when(exchangeProperty(STREAM).isEqualTo(true))
                            .setBody(method("chatModelCalls", "stream"))
                        .otherwise()
                            .setBody(method("chatModelCalls", "invokeRequest"))
                            .to(BEDROCK)
                            .bean("chatModelCalls", "callEnded")
                    .endDoTry()
                .doCatch(Exception.class)
                    .bean("chatModelCalls", "failed")
                .end();

        // Intent routing (seed 003 data flow): the fast model settles an unsure classification, the
        // catalog resolves title and volume to an ISBN, the inventory flow tells its stock. Whatever
        // fails, the chat still answers: the facts then say that stock cannot be checked.
        from("direct:chat-inventory").routeId("chat-inventory")
                .routeGroup(FLOW)
                .routeDescription("A stock question: classify, resolve the title to an ISBN, tell its stock; never fails the answer")
                .errorHandler(noErrorHandler())
                .doTry()
                    .filter(method("chatInventorySteps", "unsure"))
                        .setBody(method("chatInventorySteps", "classifierRequest"))
                        .to(BEDROCK)
                        .setProperty(INTENT, method("chatInventorySteps", "classified"))
                    .end()
                    .filter(method("chatInventorySteps", "resolvable"))
                        .to("direct:chat-inventory-resolve")
                    .end()
                .endDoTry()
                .doCatch(Exception.class)
                    .log(LoggingLevel.WARN, "Stock question answered without live stock: ${exception.message}")
                    .setProperty(FACTS, method("chatInventorySteps", "lookupFailed"))
                    .setProperty(STOCK_UNAVAILABLE, method("chatInventorySteps", "stockUnavailable"))
                .end();

        from("direct:chat-inventory-resolve").routeId("chat-inventory-resolve")
                .routeGroup(FLOW)
                .routeDescription("Catalog search for title and volume, then the inventory lookup within stock-timeout")
                .errorHandler(noErrorHandler())
                .setBody(method("chatInventorySteps", "catalogQuery"))
                .to(CATALOG)
                .setProperty(ChatInventorySteps.ISBN, method("chatInventorySteps", "isbn"))
                .choice()
                    .when(exchangeProperty(ChatInventorySteps.ISBN).isNull())
                        .setProperty(FACTS, method("chatInventorySteps", "notInCatalog"))
                    .otherwise()
                        .setHeader("isbn", exchangeProperty(ChatInventorySteps.ISBN))
                        .to(STOCK)
                        .setProperty(FACTS, method("chatInventorySteps", "stockFacts"))
                        .setProperty(STOCK_UNAVAILABLE, simple("${body.isStale()}"))
                .end();

        from("seda:chat-inventory-stock?concurrentConsumers={{mangaassist.chat.inventory.stock-consumers}}")
                .routeId("chat-inventory-stock")
                .routeGroup(FLOW)
                .routeDescription("The inventory lookup on threads of its own, so that the chat stops waiting at stock-timeout")
                .errorHandler(noErrorHandler())
                .to("direct:inventory-lookup");

        // off the reply's latency path: remember the turns. DynamoDB first: it is the record, and Redis's
        // recent turns never hold a turn it does not (every write here is idempotent, so a redelivery
        // repeats nothing)
        from("direct:chat-remember").routeId("chat-remember")
                .routeGroup(FLOW)
                .routeDescription("After the reply: the turns to DynamoDB, then to Redis's recent turns")
                .errorHandler(defaultErrorHandler().maximumRedeliveries(2).redeliveryDelay(100)
                        .retryAttemptedLogLevel(LoggingLevel.WARN))
                .setProperty(NEW_TURNS, method("chatSteps", "newTurns"))
                // both turns in one BatchWriteItem, an operation the aws2-ddb component lacks
                .bean("chatSessionWriter", "write").id("chat-remember-session")
                // a session Redis had no marker of is new, or Redis lost its data: its set starts from
                // whatever DynamoDB holds (read here, off the answer's path)
                .filter(exchangeProperty(HISTORY_SOURCE).isEqualTo(ChatRecentTurns.Source.NEW))
                    .to("direct:chat-history-query")
                .end()
                .bean("chatRecentTurns", "remember").id("chat-remember-recent-turns");
    }
}
