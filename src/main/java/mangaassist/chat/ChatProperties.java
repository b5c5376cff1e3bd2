package mangaassist.chat;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the chat flow ({@code mangaassist.chat.*}).
 *
 * @param websocket         where the WebSocket endpoint listens
 * @param maxMessageChars   longest accepted message, in code points after normalisation
 * @param cacheTtl          how long an answer is served from the Redis cache
 * @param historyTurns      how many of the latest session turns go into the prompt
 * @param sessionsTable     DynamoDB table of session turns
 * @param sessionTtl        how long session turns are kept (DynamoDB TTL attribute)
 * @param recentTurnsTtl    how long Redis keeps a session's latest turns after its last answer (read with the
 *                          rate limit and cache, instead of a DynamoDB query); a session quiet for longer
 *                          reads its history from DynamoDB ({@link mangaassist.chat.session.ChatRecentTurns})
 * @param timeBudget        the whole answer's budget; a fallback is tried only within it
 * @param fallbackMinRemaining the least time left for a fallback call to be worth trying
 * @param rateLimit         messages allowed per session and window
 * @param redisTimeout      longest wait for Redis before an answer (rate limit and cache read, then the
 *                          cache write); past it the answer goes on without them
 * @param models            model ids and the auto-selection threshold
 * @param maxTokens         max_tokens of a Claude request
 * @param temperature       temperature of a Claude request
 * @param inventory         intent routing of stock questions to the inventory flow
 */
@ConfigurationProperties("mangaassist.chat")
public record ChatProperties(WebSocket websocket, int maxMessageChars, Duration cacheTtl, int historyTurns,
                             String sessionsTable, Duration sessionTtl, Duration recentTurnsTtl, Duration timeBudget,
                             Duration fallbackMinRemaining, RateLimit rateLimit, Duration redisTimeout, Models models,
                             int maxTokens, double temperature, Inventory inventory) {

    /**
     * @param host           interface the WebSocket server binds
     * @param port           its port (vertx-websocket runs its own server, not on Tomcat's port)
     * @param path           its path
     * @param workerThreads  Vert.x worker threads taking the frames (parse, connection cap, rate limit, cache read);
     *                       answers that need the model run on the chat-work pool (mangaassist.chat.overload)
     * @param partialInterval streamed text is gathered this long into one partial frame
     * @param openWait       how long a frame waits for its connection's open event (the consumer runs a connection's
     *                       open event and its first message on two worker threads, unordered)
     */
    public record WebSocket(String host, int port, String path, int workerThreads, Duration partialInterval,
                            Duration openWait) {
    }

    public record RateLimit(int maxMessages, Duration window) {
    }

    /**
     * @param fast          model for modelPreference "fast" and every fallback (Haiku)
     * @param quality       model for modelPreference "quality" (Sonnet)
     * @param autoThreshold messages longer than this many code points go to the quality model under "auto"
     */
    public record Models(String fast, String quality, int autoThreshold) {
    }

    /**
     * @param catalogIndex     OpenSearch index resolving a title and volume to an ISBN
     * @param classifyTimeout  longest wait for the fast model's second opinion on an unsure question
     * @param stockTimeout     longest wait for the inventory flow's answer; past it the answer says
     *                         stock cannot be checked (the lookup goes on and warms the stock cache)
     * @param stockConsumers   stock lookups of chat questions waited on at once
     * @param cacheTtl         how long an answer grounded in stock facts is served from the cache
     */
    public record Inventory(String catalogIndex, Duration classifyTimeout, Duration stockTimeout, int stockConsumers,
                            Duration cacheTtl) {
    }
}
