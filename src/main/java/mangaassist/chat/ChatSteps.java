package mangaassist.chat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.chat.intent.InventoryIntentClassifier;
import mangaassist.chat.message.ChatMessage;
import mangaassist.chat.message.ChatMessageParser;
import mangaassist.chat.message.ChatReplies;
import mangaassist.chat.message.ChatRequest;
import mangaassist.chat.message.LanguageDetector;
import mangaassist.chat.model.BedrockRequestBuilder;
import mangaassist.chat.model.BedrockResponseTransformer;
import mangaassist.chat.model.ModelSelector;
import mangaassist.chat.session.CachedAnswer;
import mangaassist.chat.session.ChatCacheKey;
import mangaassist.chat.session.ChatSessions;
import mangaassist.chat.session.History;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.component.aws2.ddb.Ddb2Constants;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The steps of chat-handle, chat-history and chat-remember: each a plain method that takes the
 * {@link ChatMessage} (the exchange's body) and returns it with what the step learnt, delegating to one
 * transformation bean. A step that answers returns the reply frame instead.
 */
@Component("chatSteps")
public class ChatSteps {

    private static final Logger LOG = LoggerFactory.getLogger(ChatSteps.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChatMessageParser parser;
    private final InventoryIntentClassifier classifier;
    private final ModelSelector selector;
    private final BedrockRequestBuilder requests;
    private final BedrockResponseTransformer responses;
    private final ChatProperties chat;
    private final ChatMetrics metrics;

    public ChatSteps(ChatMessageParser parser, InventoryIntentClassifier classifier, ModelSelector selector,
                     BedrockRequestBuilder requests, BedrockResponseTransformer responses, ChatProperties chat,
                     ChatMetrics metrics) {
        this.parser = parser;
        this.classifier = classifier;
        this.selector = selector;
        this.requests = requests;
        this.responses = responses;
        this.chat = chat;
        this.metrics = metrics;
    }

    /**
     * The client's frame as a chat message: parsed, normalised and validated (inbound transform), its language
     * detected and its cache key made. A frame that came over a WebSocket connection is answered there, streamed.
     */
    public ChatMessage receive(String frame, @Header(VertxWebsocketConstants.CONNECTION_KEY) String connectionKey) {
        long start = System.nanoTime();
        ChatRequest request = parser.parse(frame);
        return ChatMessage.received(request, LanguageDetector.detect(request.message(), request.preferredLanguage()),
                ChatCacheKey.of(request.sessionId(), request.message()), connectionKey, start);
    }

    /**
     * The cached answer the admission found, or none (a miss) when there is none or it cannot be read: an entry
     * left by an older version must cost a model call, not the answer.
     */
    public ChatMessage readCache(ChatMessage message) {
        String cached = message.admission() == null ? null : message.admission().cached();
        if (cached == null) {
            return message;
        }
        try {
            CachedAnswer answer = JSON.readValue(cached, CachedAnswer.class);
            if (answer.reply() != null && answer.reply().text() != null) {
                return message.withCached(answer);
            }
        } catch (JsonProcessingException e) {
            LOG.warn("Unreadable cached answer treated as a miss: {}", e.getOriginalMessage());
        }
        metrics.degraded("cache-entry");
        return message;
    }

    /**
     * The history as far as the admission tells it: Redis's recent turns, none for a new session, or still to be
     * read from DynamoDB (source SESSIONS, no turns) when Redis cannot tell.
     */
    public ChatMessage recentHistory(ChatMessage message) {
        var admission = message.admission();
        History.Source source = admission == null ? History.Source.SESSIONS : admission.historySource();
        return message.withHistory(new History(source,
                source == History.Source.SESSIONS ? List.of() : admission.recentTurns()));
    }

    /** The history query's items (newest first) as the history, oldest first. */
    public ChatMessage history(ChatMessage message, @Header(Ddb2Constants.ITEMS) List<Map<String, AttributeValue>> items) {
        return message.withHistory(new History(History.Source.SESSIONS, ChatSessions.toTurns(items)));
    }

    /**
     * The session's history could not be read. Before the answer: it goes without it (as the seed does),
     * counted as degraded. After the answer of a new session: only its recent turns in Redis are not started.
     */
    public ChatMessage historyUnavailable(ChatMessage message,
                                          @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        String cause = failure == null ? "unknown" : failure.toString();
        if (message.historySource() == History.Source.NEW) {
            LOG.warn("Session history unreadable after the answer, its recent turns in Redis not started: {}", cause);
        } else {
            LOG.warn("Session history unavailable, answering without it: {}", cause);
            metrics.degraded("history");
        }
        return message.withHistory(new History(History.Source.UNAVAILABLE, List.of()));
    }

    /** Counts where the history of a fresh answer came from. */
    public void historyRead(ChatMessage message) {
        metrics.historyRead(message.historySource());
    }

    /** What the customer asks (a stock question goes through the inventory flow). */
    public ChatMessage intent(ChatMessage message) {
        return message.withIntent(classifier.classify(message.text()));
    }

    /** The model by preference (and intent), and the Claude messages body: system prompt, history, facts, message. */
    public ChatMessage model(ChatMessage message) {
        String model = selector.select(message.request().modelPreference(), message.text(), message.intent());
        ObjectNode body = requests.build(message.language(), message.history() == null ? List.of() : message.history().turns(),
                message.text(), message.facts(), chat.maxTokens(), chat.temperature());
        return message.withModel(model, body);
    }

    /** The reply taken from the model's answer (outbound transform: text, spacing, usage, model, stop reason). */
    public ChatMessage reply(ChatMessage message) {
        return message.withReply(responses.transform(message.modelResponse(), message.language(), message.model()));
    }

    /** The success frame of a fresh answer (and the latency and overhead metrics). */
    public ObjectNode answer(ChatMessage message) {
        long latencyNanos = System.nanoTime() - message.startNanos();
        metrics.answered(message.reply().model(), false, latencyNanos, message.modelTime().nanos());
        return ChatReplies.success(message.requestId(), message.sessionId(), message.language(), message.reply(), false,
                TimeUnit.NANOSECONDS.toMillis(latencyNanos));
    }

    /** The success frame of a cached answer (and the latency metric). */
    public ObjectNode cachedAnswer(ChatMessage message) {
        CachedAnswer cached = message.cached();
        long latencyNanos = System.nanoTime() - message.startNanos();
        metrics.answered(cached.reply().model(), true, latencyNanos, 0);
        return ChatReplies.success(message.requestId(), message.sessionId(), cached.language(), cached.reply(), true,
                TimeUnit.NANOSECONDS.toMillis(latencyNanos));
    }

    /** The question and the answer as the two turns both stores keep (DynamoDB, then Redis), timestamped now. */
    public ChatMessage newTurns(ChatMessage message) {
        return message.withNewTurns(ChatSessions.turns(message.text(), message.reply().text(), System.currentTimeMillis()));
    }

    /** A frame as compact JSON text (Camel's JsonNode-to-String converter pretty-prints). */
    public String json(JsonNode frame) {
        return ChatReplies.json(frame);
    }
}
