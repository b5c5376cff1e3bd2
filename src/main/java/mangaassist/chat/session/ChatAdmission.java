package mangaassist.chat.session;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import mangaassist.chat.ChatMetrics;
import mangaassist.chat.ChatProperties;
import mangaassist.chat.message.ChatMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * What Redis says before a message is answered, in one command: the session's count against its rate
 * limit (a fixed window, shared by every app instance), the cached answer, and the session's latest turns
 * and known-session marker ({@link ChatRecentTurns}). One Lua script does all four reads, so the answer
 * waits for one reply, for at most {@code mangaassist.chat.redis-timeout} of its budget. Its keys share the
 * session's hash slot ({@code chat:{sessionId}:...}), as a script's keys must on a Redis Cluster.
 *
 * <p>A Redis failure (down, command timeout) never fails the message: the limit fails open, the cache
 * counts as a miss and the history is read from DynamoDB: one WARN for the message, each step counted in
 * {@code mangaassist.chat.redis.failures{step}}. The
 * limit protects the model's quota from one chatty session; refusing every customer while Redis is
 * away would be worse, and the cache only ever saves a model call.
 */
@Component("chatAdmission")
public class ChatAdmission {

    private static final Logger LOG = LoggerFactory.getLogger(ChatAdmission.class);

    static final String HIT = "hit";
    static final String KNOWN = "known";
    static final String NEW = "new";

    // KEYS: rate counter, cached answer, recent turns, known marker; ARGV: window ms, limit, turns to read.
    // Replies {count} past the limit, {count, 'hit', answer}, or {count, 'known'|'new', turn...} (oldest
    // first). The window's first INCR gets its expiry in the same script, so no counter lives forever.
    static final RedisScript<List> ADMIT = new DefaultRedisScript<>(
            "local n = redis.call('INCR', KEYS[1]) "
                    + "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end "
                    + "if n > tonumber(ARGV[2]) then return {n} end "
                    + "local cached = redis.call('GET', KEYS[2]) "
                    + "if cached then return {n, '" + HIT + "', cached} end "
                    + "local reply = {n, redis.call('EXISTS', KEYS[4]) == 1 and '" + KNOWN + "' or '" + NEW + "'} "
                    + "for _, turn in ipairs(redis.call('ZRANGE', KEYS[3], -tonumber(ARGV[3]), -1)) do "
                    + "reply[#reply + 1] = turn end "
                    + "return reply", List.class);

    private final ReactiveStringRedisTemplate redis;
    private final ChatProperties.RateLimit limit;
    private final int historyTurns;
    private final Duration timeout;
    private final ChatMetrics metrics;
    private final Clock clock;

    @Autowired
    public ChatAdmission(ReactiveStringRedisTemplate redis, ChatProperties chat, ChatMetrics metrics) {
        this(redis, chat.rateLimit(), chat.historyTurns(), chat.redisTimeout(), metrics, Clock.systemUTC());
    }

    ChatAdmission(ReactiveStringRedisTemplate redis, ChatProperties.RateLimit limit, int historyTurns,
                  Duration timeout, ChatMetrics metrics, Clock clock) {
        this.redis = redis;
        this.limit = limit;
        this.historyTurns = historyTurns;
        this.timeout = timeout;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The session's message counter for the window that holds this instant. */
    static String rateKey(String sessionId, long windowMillis, long nowMillis) {
        return "chat:{" + sessionId + "}:rate:" + nowMillis / windowMillis;
    }

    /**
     * Connects once the application is up: the shared connection is otherwise made by the first
     * message, on its thread, and a burst of first messages would all wait past redis-timeout.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void connect() {
        try {
            // bounded by the connection's own connect and command timeouts
            redis.execute(connection -> connection.ping()).next().block();
        } catch (RuntimeException e) {
            LOG.warn("Redis not reachable at startup ({}); chat messages are answered without rate limit and "
                    + "cache until it is", e.toString());
        }
    }

    /**
     * The message with what Redis said of it ({@link Admission}): the cached answer (JSON, or null) and, on a
     * miss, what Redis holds of the session's history; RATE_LIMITED past the session's limit.
     */
    public ChatMessage admit(ChatMessage message) {
        return message.withAdmission(countAndRead(message.sessionId(), message.cacheKey()));
    }

    Admission countAndRead(String sessionId, String cacheKey) {
        long windowMillis = limit.window().toMillis();
        long now = clock.millis();
        List<String> keys = List.of(rateKey(sessionId, windowMillis, now), cacheKey,
                ChatRecentTurns.key(sessionId), ChatRecentTurns.knownKey(sessionId));
        CompletableFuture<List> answer = redis.execute(ADMIT, keys, List.of(Long.toString(windowMillis),
                Integer.toString(limit.maxMessages()), Integer.toString(historyTurns))).next().toFuture();
        List<?> reply;
        try {
            reply = answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unanswered(sessionId, answer, e);
        } catch (ExecutionException e) {
            return unanswered(sessionId, answer, e.getCause());
        } catch (Exception e) {
            return unanswered(sessionId, answer, e);
        }
        if (reply.size() == 1) {
            // the window is fixed (rateKey): its end is when the session may send again
            throw new ChatRateLimitedException("session over " + limit.maxMessages() + " messages per " + limit.window(),
                    windowMillis - now % windowMillis);
        }
        String status = (String) reply.get(1);
        if (HIT.equals(status)) {
            return new Admission((String) reply.get(2), null, null);
        }
        List<String> members = reply.subList(2, reply.size()).stream().map(String.class::cast).toList();
        return new Admission(null, ChatRecentTurns.parse(members), KNOWN.equals(status));
    }

    /** Redis did not answer in time, or failed: every step goes without it (one WARN for the message). */
    private Admission unanswered(String sessionId, CompletableFuture<?> answer, Throwable failure) {
        answer.cancel(false);
        metrics.redisFailed(ChatMetrics.STEP_RATE_LIMIT);
        metrics.redisFailed(ChatMetrics.STEP_CACHE_LOOKUP);
        metrics.redisFailed(ChatMetrics.STEP_RECENT_TURNS);
        LOG.warn("Redis failed for session {} (rate limit not checked, cache read as a miss, history read from "
                + "DynamoDB, answer not cached), answering without it: {}", sessionId, failure.toString());
        return new Admission(null, null, null);
    }

    /**
     * What Redis said of a message.
     *
     * @param cached      the cached answer (JSON), null on a miss
     * @param recentTurns the session's latest turns in Redis, oldest first, maybe none; null on a hit or when
     *                    Redis could not tell
     * @param known       whether Redis has the session's marker (DynamoDB may hold turns of it); null as above
     */
    public record Admission(String cached, List<ChatTurn> recentTurns, Boolean known) {

        /** Whether Redis answered: a hit or a miss, not a failure (then the answer is not cached either). */
        public boolean redisAnswered() {
            return cached != null || recentTurns != null;
        }

        /** Where the history of this message comes from (when it is not answered from the cache). */
        public History.Source historySource() {
            if (recentTurns != null && !recentTurns.isEmpty()) {
                return History.Source.RECENT;
            }
            return Boolean.FALSE.equals(known) ? History.Source.NEW : History.Source.SESSIONS;
        }
    }
}
