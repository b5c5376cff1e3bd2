package routes;

import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;
import mangaassist.chat.intent.ChatInventorySteps;
import mangaassist.chat.message.ChatException;
import mangaassist.chat.message.ChatMessage;
import mangaassist.chat.model.ChatModelCalls;
import mangaassist.chat.session.ChatSessions;
import mangaassist.chat.session.History;
import mangaassist.inventory.InventoryItem;
import mangaassist.platform.ErrorResponses;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.ExchangePattern;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.aws2.ddb.Ddb2Constants;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.apache.camel.component.vertx.websocket.VertxWebsocketEvent;
import org.apache.camel.model.rest.RestBindingMode;
import org.opensearch.client.opensearch.core.search.HitsMetadata;
import org.springframework.stereotype.Component;

/**
 * The chat flow: WebSocket (streaming) and REST → inbound transform → rate limit, Redis cache and the
 * session's recent turns (one Redis script) → history from DynamoDB when Redis has none → intent
 * (a stock question goes through the inventory flow, whose facts go into the prompt) → model selection
 * → Bedrock (fallback to the fast model within the time budget) → cache entry → outbound transform → reply;
 * the session is written off the reply's path.
 *
 * <p>One message travels through the routes as the exchange's body: a {@link ChatMessage}, which each step takes
 * and returns with what it learnt. Where an endpoint needs a body of its own (Bedrock, the catalog, the inventory
 * flow), a small route makes it from the message and an enricher merges the endpoint's answer back
 * ({@link #into}). Every frame to a WebSocket client, partial answers included, leaves through chat-reply.
 *
 * <p>{@code GET /api/chat/config} (chat-config) tells the chat page ({@code static/index.html}) the WebSocket URL.
 *
 * <p>A WebSocket message holds its Vert.x worker thread only until it is refused, answered from the cache or admitted
 * to the bounded work queue ({@link #WORK}); its answer is worked on and sent by chat-work. A REST request waits for
 * its answer there.
 *
 * <p>Before a frame reaches chat-websocket, the WebSocket consumer asks the door on the Vert.x event loop
 * ({@code ChatDoor}, in {@code ChatWebsocketComponent}): under overload a fresh question is refused there, with the same
 * OVERLOADED frame, and never waits for a worker thread; the {@code chat-door-hint-*} steps tell it which answers are
 * cached, so that their repeats still come in.
 *
 * <p>Error handling (camel/error-handling.camel.yaml): the edge routes (chat-websocket, chat-rest, chat-config, and
 * chat-work, where nobody waits for a WebSocket message any more) use {@code sync-errors}, so every client message
 * gets exactly one reply or one error frame and the connection stays open; the routes they call use {@code caller-errors}, so a failure goes back to the edge at once and is
 * answered there; chat-remember, off the reply's path, uses {@code background-errors} (redelivered, then logged).
 */
@Component
public class ChatRoutes extends RouteBuilder {

    static final String WEBSOCKET = "vertx-websocket:{{mangaassist.chat.websocket.host}}:"
            + "{{mangaassist.chat.websocket.port}}{{mangaassist.chat.websocket.path}}";
    static final String TO_CLIENT = "direct:chat-reply";
    /**
     * The bounded work queue of the answers that need the model: admission (ChatWorkQueue) keeps what waits within
     * queue-capacity before a message is put here, the size only guards it. IfReplyExpected (seda's default): a
     * REST request waits for its answer (no timeout of its own: the model calls have theirs), a WebSocket frame is
     * handed over with its completions (its connection slot and queue place are given back when its answer is done).
     */
    static final String WORK = "seda:chat-work?size={{mangaassist.chat.overload.queue-capacity}}&timeout=0";
    static final String SESSIONS = "aws2-ddb://{{mangaassist.chat.sessions-table}}";
    static final String BEDROCK = "aws-bedrock:chat?operation=invokeTextModel&pojoRequest=true"
            + "&modelId={{mangaassist.chat.models.fast}}";
    static final String CATALOG = "opensearch:mangaassist?operation=Search"
            + "&indexName={{mangaassist.chat.inventory.catalog-index}}";
    // a bounded request/reply: past the timeout the answer goes on without live stock
    static final String STOCK = "seda:chat-inventory-stock?waitForTaskToComplete=Always"
            + "&timeout={{mangaassist.chat.inventory.stock-timeout}}";

    /** The client frame's schema; a violation gets chat's own error codes (MESSAGE_TOO_LONG stays a 413). No body at all
     * is left to the parser (INVALID_JSON): the validator would throw before its error handler. */
    static final String REQUEST_CONTRACT = "json-validator:schemas/chat-request.v1.json?errorHandler=#chatFrameErrors&failOnNullBody=false";

    /** The routes' group: the flow's name in Hawtio, metrics and error counts. */
    static final String FLOW = "chat";
    /** Route configurations of camel/error-handling.camel.yaml. */
    static final String SYNC_ERRORS = "sync-errors";
    static final String CALLER_ERRORS = "caller-errors";
    static final String BACKGROUND_ERRORS = "background-errors";

    private final ChatModelCalls modelCalls;
    private final ChatInventorySteps inventorySteps;

    public ChatRoutes(ChatModelCalls modelCalls, ChatInventorySteps inventorySteps) {
        this.modelCalls = modelCalls;
        this.inventorySteps = inventorySteps;
    }

    @Override
    public void configure() {
        // a browser's handshake from a page of another site (its Origin not allowed) is refused with 403 (Vert.x CORS
        // handler); clients that send no Origin (mobile apps) are not browsers a foreign page could ride on
        from(WEBSOCKET + "?fireWebSocketConnectionEvents=true"
                + "&allowedOriginPattern=RAW({{mangaassist.chat.websocket.allowed-origins}})").routeId("chat-websocket")
                .routeGroup(FLOW)
                .routeDescription("WebSocket /chat: connection events, and each message answered by chat-handle through chat-reply")
                .routeConfigurationId(SYNC_ERRORS)
                .choice()
                    .when(header(VertxWebsocketConstants.EVENT).isEqualTo(VertxWebsocketEvent.OPEN))
                        .bean("chatConnections", "opened")
                    .when(header(VertxWebsocketConstants.EVENT).isEqualTo(VertxWebsocketEvent.CLOSE))
                        .bean("chatConnections", "closed")
                    .otherwise()
                        // where sync-errors sends the error frame of a failed message: to this client
                        .setProperty(ErrorResponses.REPLY_TO, constant(TO_CLIENT))
                        // a frame expects no reply on its exchange (every frame to the client leaves through
                        // chat-reply): chat-handle hands an admitted message to chat-work without waiting for its
                        // answer, and this Vert.x worker thread, which the consumer holds until the route is done, is
                        // free for the next frame
                        .setExchangePattern(ExchangePattern.InOnly)
                        .to("direct:chat-handle")
                .end();

        // every frame to its own client: partials, answers and the sync-errors error frames (replyTo)
        from(TO_CLIENT).routeId("chat-reply")
                .routeGroup(FLOW)
                .routeDescription("Sends a frame (partial, answer or error) to its own client's connection")
                .routeConfigurationId(CALLER_ERRORS)
                .bean("chatConnections", "send").id("chat-reply-send");

        // POST /api/chat (the REST servlet sits at /api, mangaassist.rest.path)
        rest("/chat").tag(FLOW).post().consumes("application/json").produces("application/json")
                .bindingMode(RestBindingMode.off).description("One chat message over REST: the reply, without streaming").routeId("chat-rest-api").to("direct:chat-rest");
        from("direct:chat-rest").routeId("chat-rest")
                .routeGroup(FLOW)
                .routeDescription("POST /api/chat: the WebSocket contract over REST, without streaming")
                .routeConfigurationId(SYNC_ERRORS)
                .convertBodyTo(String.class)
                .to("direct:chat-handle")
                .setHeader("Content-Type", constant("application/json"));

        // the chat page learns the WebSocket URL here: the WebSocket has its own port, not Tomcat's
        rest("/chat").tag(FLOW).get("/config").produces("application/json")
                .bindingMode(RestBindingMode.off).description("The chat page's WebSocket URL").routeId("chat-config-api").to("direct:chat-config");
        from("direct:chat-config").routeId("chat-config")
                .routeGroup(FLOW)
                .routeDescription("GET /api/chat/config: the chat page's WebSocket URL")
                .routeConfigurationId(SYNC_ERRORS)
                .setBody(method("chatClientConfig", "forHost"))
                // the request's headers would otherwise be echoed as response headers
                .removeHeaders("*")
                .convertBodyTo(String.class)
                .setHeader("Content-Type", constant("application/json"));

        from("direct:chat-handle").routeId("chat-handle")
                .routeGroup(FLOW)
                .routeDescription("One chat message: inbound transform, connection cap, rate limit, cache (a hit is answered here), else admitted to chat-work or refused at once")
                .routeConfigurationId(CALLER_ERRORS)
                // the frame against its contract (schemas/chat-request.v1.json), with chat's error codes (ChatFrameErrors)
                .to(REQUEST_CONTRACT).id("chat-request-contract")
                // the client's frame as a ChatMessage, the body from here to the reply
                .bean("chatSteps", "receive").id("chat-receive")
                // what the error frame of a later failure says
                .setProperty(ErrorResponses.REQUEST_ID, simple("${body.requestId}"))
                .setProperty(ErrorResponses.LANGUAGE, simple("${body.language}"))
                // and what this message's log lines carry (the JSON logs' requestId)
                .bean("requestIds", "tag").id("chat-request-id")
                // refused at once while shutting down, or past the connection's messages in flight
                .bean("chatWorkQueue", "enter").id("chat-enter")
                // rate limit, cache read and the session's recent turns in one Redis script; a Redis
                // failure never fails the message
                .bean("chatAdmission", "admit").id("chat-admission")
                .bean("chatSteps", "readCache")
                .choice()
                    .when(simple("${body.cacheHit}"))
                        // served during overload too: a cache hit costs no worker (and the door, which refuses
                        // before this route under overload, lets the answers it remembers as cached through)
                        .bean("chatDoor", "remember").id("chat-door-hint-hit")
                        .bean("chatSteps", "cachedAnswer")
                        .to("direct:chat-answer")
                    .otherwise()
                        // admission control: a message that needs the model waits for a worker of chat-work only
                        // when its answer is expected within the time budget; otherwise it is refused at once
                        // (OVERLOADED)
                        .bean("chatWorkQueue", "admit").id("chat-work-admit")
                        // a REST request (InOut) waits here for its answer; a WebSocket frame (InOnly) does not
                        .to(WORK).id("chat-work-queue")
                .end();

        // a worker of the bounded pool (seda consumers): history, intent, model, cache write, answer. It is the edge
        // of a WebSocket message from here (nobody waits for it): sync-errors answers a failure with one error frame
        // (replyTo); a REST request gets the same error body back as its reply
        from(WORK + "&concurrentConsumers={{mangaassist.chat.overload.workers}}").routeId("chat-work")
                .routeGroup(FLOW)
                .routeDescription("A fresh answer on a worker of the bounded work queue: history, intent, model, cache write, answer")
                .routeConfigurationId(SYNC_ERRORS)
                // the queue's consumer routes a copy of the exchange on its own thread: the MDC starts empty there
                .bean("requestIds", "tag").id("chat-work-request-id")
                .bean("chatWorkQueue", "started").id("chat-work-started")
                .to("direct:chat-history")
                .bean("chatSteps", "intent").id("chat-intent")
                .filter(simple("${body.stockQuestion}"))
                    .to("direct:chat-inventory")
                .end()
                .bean("chatSteps", "model").id("chat-model-select")
                .to("direct:chat-model")
                .bean("chatSteps", "reply").id("chat-outbound")
                // cached before the reply, so that a repeat sent as soon as it arrives is a hit (one SET; a Redis
                // failure sends the answer uncached). An answer without live stock is not cached: the same question
                // asks the ERP again
                .filter(simple("${body.cacheable}"))
                    .bean("chatCache", "store").id("chat-cache-write")
                    .bean("chatDoor", "remember").id("chat-door-hint-write")
                .end()
                .wireTap("direct:chat-remember").id("chat-remember-tap")
                .bean("chatSteps", "answer")
                .to("direct:chat-answer");

        // the answer frame, cached or fresh: to the WebSocket client, or as the REST reply's body
        from("direct:chat-answer").routeId("chat-answer")
                .routeGroup(FLOW)
                .routeDescription("The answer as compact JSON: sent to its WebSocket client through chat-reply, or the REST reply")
                .routeConfigurationId(CALLER_ERRORS)
                .removeHeaders("*", VertxWebsocketConstants.CONNECTION_KEY)
                // compact, as the partial and error frames
                .bean("chatSteps", "json")
                .filter(header(VertxWebsocketConstants.CONNECTION_KEY).isNotNull())
                    .to(TO_CLIENT).id("chat-answer-send")
                .end();

        // the latest turns came with the admission when Redis holds them (none for a new session);
        // DynamoDB, the record, is asked when Redis cannot tell
        from("direct:chat-history").routeId("chat-history")
                .routeGroup(FLOW)
                .routeDescription("The session's latest turns: from the admission's Redis read, or DynamoDB when Redis cannot tell")
                .routeConfigurationId(CALLER_ERRORS)
                .bean("chatSteps", "recentHistory")
                .filter(simple("${body.historySource}").isEqualTo(History.Source.SESSIONS))
                    .to("direct:chat-history-query")
                .end()
                .bean("chatSteps", "historyRead");

        from("direct:chat-history-query").routeId("chat-history-query")
                .routeGroup(FLOW)
                .routeDescription("The session's latest turns from DynamoDB, the record")
                .routeConfigurationId(CALLER_ERRORS)
                .setHeader(Ddb2Constants.KEY_CONDITIONS,
                        method(ChatSessions.class, "sessionCondition(${body.sessionId})"))
                .setHeader(Ddb2Constants.SCAN_INDEX_FORWARD, constant(false))
                .setHeader(Ddb2Constants.LIMIT, simple("{{mangaassist.chat.history-turns}}", Integer.class))
                .doTry()
                    .to(SESSIONS + "?operation=Query").id("chat-history-dynamodb")
                    .bean("chatSteps", "history")
                .doCatch(Exception.class)
                    // as the seed: an unreadable history costs the context of earlier turns, not the answer
                    .bean("chatSteps", "historyUnavailable")
                .end();

        // Bedrock within the time budget: a throttled or timed-out call falls back once to the fast model
        from("direct:chat-model").routeId("chat-model")
                .routeGroup(FLOW)
                .routeDescription("The model within the time budget; a throttled or timed-out call falls back once to the fast model")
                .routeConfigurationId(CALLER_ERRORS)
                .doTry()
                    .to("direct:chat-invoke")
                .doCatch(ChatException.class).onWhen(method("chatModelCalls", "canFallBack"))
                    .log(LoggingLevel.WARN, "Model ${body.model} failed (${exception.message}); "
                            + "falling back to {{mangaassist.chat.models.fast}}")
                    .bean("chatModelCalls", "fallBack")
                    .to("direct:chat-invoke")
                .end();

        from("direct:chat-invoke").routeId("chat-invoke")
                .routeGroup(FLOW)
                .routeDescription("One model call: streamed to the client's WebSocket as partial frames, or InvokeModel for REST")
                .routeConfigurationId(CALLER_ERRORS)
                .doTry()
                    .choice()
                        .when(simple("${body.streamed}"))
                            // the SDK's response stream: its text comes out of the split as partial frames, in
                            // order, each sent to the client before the next is taken; the final frame follows
                            .bean("chatModelCalls", "stream").id("chat-model-stream")
                            .split(simple("${body.stream}")).streaming()
                                .to(TO_CLIENT).id("chat-partial")
                            .end()
                            .bean("chatModelCalls", "streamed")
                        .endChoice()
                        .otherwise()
                            .enrich("direct:chat-model-invoke", into(JsonNode.class, modelCalls::answered), true)
                                .id("chat-model-answer")
                    .endDoTry()
                .doCatch(Exception.class)
                    .bean("chatModelCalls", "failed")
                .end();

        from("direct:chat-model-invoke").routeId("chat-model-invoke")
                .routeGroup(FLOW)
                .routeDescription("InvokeModel on the aws-bedrock endpoint, within the time left (REST answers)")
                .routeConfigurationId(CALLER_ERRORS)
                .bean("chatModelCalls", "invokeRequest")
                .to(BEDROCK).id("chat-model-bedrock");

        // Intent routing (seed 003 data flow): the fast model settles an unsure classification, the
        // catalog resolves title and volume to an ISBN, the inventory flow tells its stock. Whatever
        // fails, the chat still answers: the facts then say that stock cannot be checked.
        from("direct:chat-inventory").routeId("chat-inventory")
                .routeGroup(FLOW)
                .routeDescription("A stock question: classify, resolve the title to an ISBN, tell its stock; never fails the answer")
                .routeConfigurationId(CALLER_ERRORS)
                .doTry()
                    .filter(simple("${body.intent.unsure}"))
                        .enrich("direct:chat-inventory-classify", into(JsonNode.class, inventorySteps::classified), true)
                            .id("chat-inventory-classified")
                    .end()
                    .filter(simple("${body.intent.resolvable}"))
                        .to("direct:chat-inventory-resolve")
                    .end()
                .endDoTry()
                .doCatch(Exception.class)
                    .log(LoggingLevel.WARN, "Stock question answered without live stock: ${exception.message}")
                    .bean("chatInventorySteps", "lookupFailed")
                .end();

        from("direct:chat-inventory-classify").routeId("chat-inventory-classify")
                .routeGroup(FLOW)
                .routeDescription("The fast model's reading of an unsure stock question (intent, title, volume), within classify-timeout")
                .routeConfigurationId(CALLER_ERRORS)
                .bean("chatInventorySteps", "classifierRequest")
                .to(BEDROCK).id("chat-inventory-model");

        from("direct:chat-inventory-resolve").routeId("chat-inventory-resolve")
                .routeGroup(FLOW)
                .routeDescription("Catalog search for title and volume, then the inventory lookup within stock-timeout")
                .routeConfigurationId(CALLER_ERRORS)
                .enrich("direct:chat-inventory-catalog", into(HitsMetadata.class, inventorySteps::resolved), true)
                    .id("chat-inventory-isbn")
                .choice()
                    .when(simple("${body.stock.isbn} == null"))
                        .bean("chatInventorySteps", "notInCatalog")
                    .otherwise()
                        .enrich(STOCK, into(InventoryItem.class, inventorySteps::stockFacts), true)
                            .id("chat-inventory-facts")
                .end();

        from("direct:chat-inventory-catalog").routeId("chat-inventory-catalog")
                .routeGroup(FLOW)
                .routeDescription("The catalog (OpenSearch) searched for the question's title and volume")
                .routeConfigurationId(CALLER_ERRORS)
                .bean("chatInventorySteps", "catalogQuery")
                .to(CATALOG).id("chat-inventory-search");

        from("seda:chat-inventory-stock?concurrentConsumers={{mangaassist.chat.inventory.stock-consumers}}")
                .routeId("chat-inventory-stock")
                .routeGroup(FLOW)
                .routeDescription("The inventory lookup on threads of its own, so that the chat stops waiting at stock-timeout")
                .routeConfigurationId(CALLER_ERRORS)
                .setHeader("isbn", simple("${body.stock.isbn}"))
                .to("direct:inventory-lookup").id("chat-inventory-lookup");

        // off the reply's latency path: remember the turns. DynamoDB first: it is the record, and Redis's
        // recent turns never hold a turn it does not (every write here is idempotent, so a redelivery
        // repeats nothing)
        from("direct:chat-remember").routeId("chat-remember")
                .routeGroup(FLOW)
                .routeDescription("After the reply: the turns to DynamoDB, then to Redis's recent turns")
                .routeConfigurationId(BACKGROUND_ERRORS)
                .bean("chatSteps", "newTurns")
                // both turns in one BatchWriteItem, an operation the aws2-ddb component lacks
                .bean("chatSessionWriter", "write").id("chat-remember-session")
                // a session Redis had no marker of is new, or Redis lost its data: its set starts from
                // whatever DynamoDB holds (read here, off the answer's path)
                .filter(simple("${body.historySource}").isEqualTo(History.Source.NEW))
                    .to("direct:chat-history-query")
                .end()
                .bean("chatRecentTurns", "remember").id("chat-remember-recent-turns");
    }

    /**
     * An enricher's merge: {@code merge(message, answer)} returns the message with the endpoint's answer in it.
     * A failed call fails the exchange with the message still its body, so that the step catching the failure
     * has it (without this, Camel's enricher would leave the endpoint's request as the body).
     */
    static <A> AggregationStrategy into(Class<A> answerType, BiFunction<ChatMessage, A, ChatMessage> merge) {
        return (message, answer) -> {
            if (answer.getException() != null) {
                message.setException(answer.getException());
                return message;
            }
            message.getMessage().setBody(merge.apply(message.getMessage().getBody(ChatMessage.class),
                    answer.getMessage().getBody(answerType)));
            return message;
        };
    }
}
