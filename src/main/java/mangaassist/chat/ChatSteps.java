package mangaassist.chat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.component.aws2.ddb.Ddb2Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The steps of the chat routes, one method each, bound to the exchange properties the routes keep.
 * Each step delegates to one plain transformation bean; this class only does the Camel binding.
 */
@Component("chatSteps")
public class ChatSteps {

    /** Exchange properties of the chat flow. */
    public static final String START = "chatStartNanos";
    public static final String REQUEST = "chatRequest";
    public static final String CACHE_KEY = "chatCacheKey";
    /** What Redis said before the message was answered ({@link ChatAdmission.Admission}). */
    public static final String ADMISSION = "chatAdmission";
    public static final String CACHED = "chatCached";
    public static final String HISTORY = "chatHistory";
    /** Where the history came from ({@link ChatRecentTurns.Source}). */
    public static final String HISTORY_SOURCE = "chatHistorySource";
    /** The question and answer being remembered, with the timestamps both stores keep. */
    public static final String NEW_TURNS = "chatNewTurns";
    public static final String INTENT = "chatIntent";
    public static final String FACTS = "chatFacts";
    /** True when a stock answer had no live stock (ERP unavailable, or only a stale figure): it is not cached. */
    public static final String STOCK_UNAVAILABLE = "chatStockUnavailable";
    public static final String MODEL = "chatModel";
    public static final String MODEL_BODY = "chatModelBody";
    public static final String REPLY = "chatReply";
    /** Where replies (and streamed partials) go: the client's WebSocket connection; absent for REST. */
    public static final String REPLY_TO = "replyTo";
    /** True when partial answers are streamed to {@link #REPLY_TO}. */
    public static final String STREAM = "chatStream";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(ChatSteps.class);

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

    public ChatRequest parse(@Body String body) {
        return parser.parse(body);
    }

    public String language(@ExchangeProperty(REQUEST) ChatRequest request) {
        return LanguageDetector.detect(request.message(), request.preferredLanguage());
    }

    public String cacheKey(@ExchangeProperty(REQUEST) ChatRequest request) {
        return ChatCacheKey.of(request.sessionId(), request.message());
    }

    /** Where the history is read: Redis's recent turns, none (a new session) or DynamoDB (when Redis cannot tell). */
    public ChatRecentTurns.Source historySource(@ExchangeProperty(ADMISSION) ChatAdmission.Admission admission) {
        return admission == null ? ChatRecentTurns.Source.SESSIONS : admission.historySource();
    }

    /** The history Redis gave with the admission: its recent turns, none for a new session. */
    public List<ChatTurn> recentHistory(@ExchangeProperty(ADMISSION) ChatAdmission.Admission admission) {
        return admission.recentTurns();
    }

    /** The history query's items (newest first) as turns, oldest first. */
    public List<ChatTurn> history(@Header(Ddb2Constants.ITEMS) List<Map<String, AttributeValue>> items) {
        return ChatSessions.toTurns(items);
    }

    public void historyRead(@ExchangeProperty(HISTORY_SOURCE) ChatRecentTurns.Source source) {
        metrics.historyRead(source);
    }

    public Intent intent(@ExchangeProperty(REQUEST) ChatRequest request) {
        return classifier.classify(request.message());
    }

    public String model(@ExchangeProperty(REQUEST) ChatRequest request, @ExchangeProperty(INTENT) Intent intent) {
        return selector.select(request.modelPreference(), request.message(), intent);
    }

    public ObjectNode modelBody(@ExchangeProperty(REQUEST) ChatRequest request,
                                @ExchangeProperty("language") String language,
                                @ExchangeProperty(HISTORY) List<ChatTurn> history,
                                @ExchangeProperty(FACTS) List<String> facts) {
        return requests.build(language, history, request.message(), facts == null ? List.of() : facts,
                chat.maxTokens(), chat.temperature());
    }

    public ModelReply reply(@Body JsonNode response, @ExchangeProperty("language") String language,
                            @ExchangeProperty(MODEL) String model) {
        return responses.transform(response, language, model);
    }

    /** The success frame of a fresh answer (and the latency and overhead metrics). */
    public ObjectNode answer(@ExchangeProperty(REQUEST) ChatRequest request, @ExchangeProperty("language") String language,
                             @ExchangeProperty(REPLY) ModelReply reply, @ExchangeProperty(START) long start,
                             @ExchangeProperty(ChatModelCalls.MODEL_NANOS) Long modelNanos) {
        long latencyNanos = System.nanoTime() - start;
        metrics.answered(reply.model(), false, latencyNanos, modelNanos == null ? 0 : modelNanos);
        return ChatReplies.success(request.requestId(), request.sessionId(), language, reply, false,
                TimeUnit.NANOSECONDS.toMillis(latencyNanos));
    }

    /** The success frame of a cached answer (and the latency metric). */
    public ObjectNode cachedAnswer(@ExchangeProperty(REQUEST) ChatRequest request,
                                   @ExchangeProperty(CACHED) CachedAnswer answer, @ExchangeProperty(START) long start) {
        long latencyNanos = System.nanoTime() - start;
        metrics.answered(answer.reply().model(), true, latencyNanos, 0);
        return ChatReplies.success(request.requestId(), request.sessionId(), answer.language(), answer.reply(),
                true, TimeUnit.NANOSECONDS.toMillis(latencyNanos));
    }

    /**
     * The cached answer, or null (a miss) when there is none or it cannot be read: an entry left by an
     * older version must cost a model call, not the answer.
     */
    public CachedAnswer readCached(@ExchangeProperty(ADMISSION) ChatAdmission.Admission admission) {
        String cached = admission == null ? null : admission.cached();
        if (cached == null) {
            return null;
        }
        try {
            CachedAnswer answer = JSON.readValue(cached, CachedAnswer.class);
            if (answer.reply() != null && answer.reply().text() != null) {
                return answer;
            }
        } catch (JsonProcessingException e) {
            LOG.warn("Unreadable cached answer treated as a miss: {}", e.getOriginalMessage());
        }
        metrics.degraded("cache-entry");
        return null;
    }

    /**
     * The session's history could not be read. Before the answer: it goes without it (as the seed does),
     * counted as degraded. After the answer of a new session: only its recent turns in Redis are not started.
     */
    public List<ChatTurn> historyUnavailable(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure,
                                             @ExchangeProperty(HISTORY_SOURCE) ChatRecentTurns.Source readFor) {
        String cause = failure == null ? "unknown" : failure.toString();
        if (readFor == ChatRecentTurns.Source.NEW) {
            LOG.warn("Session history unreadable after the answer, its recent turns in Redis not started: {}", cause);
        } else {
            LOG.warn("Session history unavailable, answering without it: {}", cause);
            metrics.degraded("history");
        }
        return List.of();
    }

    public List<ChatTurn> newTurns(@ExchangeProperty(REQUEST) ChatRequest request, @ExchangeProperty(REPLY) ModelReply reply) {
        return ChatSessions.turns(request.message(), reply.text(), System.currentTimeMillis());
    }

    /** A cached answer: the language it was given in and the model's reply ({@link ChatCache} writes it). */
    public record CachedAnswer(String language, ModelReply reply) {
    }
}
