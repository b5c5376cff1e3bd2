package mangaassist.chat.message;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.chat.intent.Intent;
import mangaassist.chat.intent.Stock;
import mangaassist.chat.model.ModelReply;
import mangaassist.chat.model.ModelStream;
import mangaassist.chat.model.ModelTime;
import mangaassist.chat.session.CachedAnswer;
import mangaassist.chat.session.ChatAdmission;
import mangaassist.chat.session.ChatTurn;
import mangaassist.chat.session.History;

/**
 * One chat message on its way through the chat flow: the exchange's body from chat-handle's first step to its
 * reply. It holds the client's request and everything the steps learn of it: what Redis said (admission, cached
 * answer), the session's history, the intent, the stock facts, the model and its reply. Immutable: a step takes
 * the message and returns it with what it learnt ({@code with...}), so each step is a plain method over it, and
 * a copy of the exchange (the wireTap's, an enricher's) never sees another copy's changes. Only
 * {@link ModelTime}, the clock of the model calls, is shared by the copies of one message.
 *
 * @param request       the client's request, parsed, normalised and validated
 * @param language      the answer's language (ja/en), detected from the message unless the client chose one
 * @param cacheKey      the Redis key of the answer to this message in this session
 * @param connectionKey the WebSocket connection the message came over (the answer is streamed to it); null for REST
 * @param startNanos    when the server took the message (System.nanoTime()): the time budget and latency count from it
 * @param modelTime     the time spent waiting for the model so far
 * @param admission     what Redis said before the message was answered; null until asked (or in tests that skip it)
 * @param cached        the readable cached answer; null on a miss
 * @param history       the session's latest turns and where they came from; null until read
 * @param intent        what the customer asks; null until classified
 * @param stock         what a stock question learnt ({@link Stock#NONE} for any other)
 * @param model         the model id to call; null until selected
 * @param modelBody     the Claude messages body sent to it
 * @param stream        the model's stream under way (WebSocket), null otherwise
 * @param modelResponse the model's answer, a Claude messages response
 * @param reply         the reply taken from it
 * @param newTurns      the question and answer as stored (chat-remember); null until then
 */
public record ChatMessage(
        ChatRequest request,
        String language,
        String cacheKey,
        String connectionKey,
        long startNanos,
        ModelTime modelTime,
        ChatAdmission.Admission admission,
        CachedAnswer cached,
        History history,
        Intent intent,
        Stock stock,
        String model,
        ObjectNode modelBody,
        ModelStream stream,
        JsonNode modelResponse,
        ModelReply reply,
        List<ChatTurn> newTurns) {

    /** A message as the server takes it, before any step has learnt anything of it. */
    public static ChatMessage received(ChatRequest request, String language, String cacheKey, String connectionKey,
                                       long startNanos) {
        return new ChatMessage(request, language, cacheKey, connectionKey, startNanos, new ModelTime(), null, null,
                null, null, Stock.NONE, null, null, null, null, null, null);
    }

    public String requestId() {
        return request.requestId();
    }

    public String sessionId() {
        return request.sessionId();
    }

    /** The message's text, normalised. */
    public String text() {
        return request.message();
    }

    /** Whether the answer is streamed to the client as partial frames: it came over a WebSocket connection. */
    public boolean isStreamed() {
        return connectionKey != null;
    }

    /** Whether the cache holds a readable answer to it. */
    public boolean isCacheHit() {
        return cached != null;
    }

    /** Whether it asks about stock: the inventory flow is asked before the model. */
    public boolean isStockQuestion() {
        return intent != null && intent.isInventory();
    }

    /** Whether its answer may be cached: not one given without live stock (asking again asks the ERP again). */
    public boolean isCacheable() {
        return !stock.unavailable();
    }

    /** Where the history comes from, null until it is known. */
    public History.Source historySource() {
        return history == null ? null : history.source();
    }

    /** The stock facts for the prompt, maybe none. */
    public List<String> facts() {
        return stock.facts();
    }

    /** Ids and progress only: the customer's text, the history and the answer stay out of logs. */
    @Override
    public String toString() {
        return "ChatMessage[requestId=" + request.requestId() + ", sessionId=" + request.sessionId()
                + ", streamed=" + isStreamed() + ", cacheHit=" + isCacheHit() + ", history=" + historySource()
                + ", intent=" + (intent == null ? null : intent.type()) + ", isbn=" + stock.isbn()
                + ", model=" + model + ", replied=" + (reply != null) + "]";
    }

    /** Redis's answer before the message is answered (rate limit passed): a cached answer, or what it holds of the session. */
    public ChatMessage withAdmission(ChatAdmission.Admission admission) {
        return new ChatMessage(request, language, cacheKey, connectionKey, startNanos, modelTime, admission,
                cached, history, intent, stock, model, modelBody, stream, modelResponse, reply, newTurns);
    }

    /** The readable cached answer (null: a miss, an entry that could not be read included). */
    public ChatMessage withCached(CachedAnswer cached) {
        return new ChatMessage(request, language, cacheKey, connectionKey, startNanos, modelTime, admission,
                cached, history, intent, stock, model, modelBody, stream, modelResponse, reply, newTurns);
    }

    /** The session's history. */
    public ChatMessage withHistory(History history) {
        return new ChatMessage(request, language, cacheKey, connectionKey, startNanos, modelTime, admission,
                cached, history, intent, stock, model, modelBody, stream, modelResponse, reply, newTurns);
    }

    /** What the customer asks. */
    public ChatMessage withIntent(Intent intent) {
        return new ChatMessage(request, language, cacheKey, connectionKey, startNanos, modelTime, admission,
                cached, history, intent, stock, model, modelBody, stream, modelResponse, reply, newTurns);
    }

    /** What a stock question learnt. */
    public ChatMessage withStock(Stock stock) {
        return new ChatMessage(request, language, cacheKey, connectionKey, startNanos, modelTime, admission,
                cached, history, intent, stock, model, modelBody, stream, modelResponse, reply, newTurns);
    }

    /** The model to call and the Claude messages body it is sent. */
    public ChatMessage withModel(String model, ObjectNode modelBody) {
        return new ChatMessage(request, language, cacheKey, connectionKey, startNanos, modelTime, admission,
                cached, history, intent, stock, model, modelBody, stream, modelResponse, reply, newTurns);
    }

    /** The model to call (a fallback: the same body). */
    public ChatMessage withModel(String model) {
        return new ChatMessage(request, language, cacheKey, connectionKey, startNanos, modelTime, admission,
                cached, history, intent, stock, model, modelBody, stream, modelResponse, reply, newTurns);
    }

    /** The model's stream under way. */
    public ChatMessage withStream(ModelStream stream) {
        return new ChatMessage(request, language, cacheKey, connectionKey, startNanos, modelTime, admission,
                cached, history, intent, stock, model, modelBody, stream, modelResponse, reply, newTurns);
    }

    /** The model's answer as a Claude messages response (the stream, if any, is over). */
    public ChatMessage withModelResponse(JsonNode modelResponse) {
        return new ChatMessage(request, language, cacheKey, connectionKey, startNanos, modelTime, admission,
                cached, history, intent, stock, model, modelBody, null, modelResponse, reply, newTurns);
    }

    /** The reply taken from the model's answer. */
    public ChatMessage withReply(ModelReply reply) {
        return new ChatMessage(request, language, cacheKey, connectionKey, startNanos, modelTime, admission,
                cached, history, intent, stock, model, modelBody, stream, modelResponse, reply, newTurns);
    }

    /** The question and the answer as the turns both stores keep, with their timestamps. */
    public ChatMessage withNewTurns(List<ChatTurn> newTurns) {
        return new ChatMessage(request, language, cacheKey, connectionKey, startNanos, modelTime, admission,
                cached, history, intent, stock, model, modelBody, stream, modelResponse, reply, newTurns);
    }
}
