package mangaassist.chat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * What Redis says before a message is answered, in one round trip: the session's count against its
 * rate limit (a fixed window, shared by every app instance), the cached answer, and the session's latest
 * turns and known-session marker ({@link ChatRecentTurns}). The commands go out together on the shared connection, and each is
 * awaited for at most {@code mangaassist.chat.redis-timeout} of the answer's budget.
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

    // atomic: the window's first INCR always gets its expiry (two commands could leave a counter
    // without one if the second failed)
    static final RedisScript<Long> COUNT = new DefaultRedisScript<>(
            "local n = redis.call('INCR', KEYS[1]) "
                    + "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end "
                    + "return n", Long.class);

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
     * The cached answer of this message (JSON, or null) and, on a miss, what Redis holds of the session's
     * history ({@link Admission}); RATE_LIMITED past the session's limit.
     */
    public Admission admit(@ExchangeProperty(ChatSteps.REQUEST) ChatRequest request,
                           @ExchangeProperty(ChatSteps.CACHE_KEY) String cacheKey) {
        return countAndRead(request.sessionId(), cacheKey);
    }

    Admission countAndRead(String sessionId, String cacheKey) {
        long windowMillis = limit.window().toMillis();
        String rateKey = "chat:rate:" + sessionId + ":" + clock.millis() / windowMillis;
        long deadline = System.nanoTime() + timeout.toNanos();
        // toFuture() subscribes: the commands are on their way before any is awaited
        CompletableFuture<Long> count = redis.execute(COUNT, List.of(rateKey), List.of(Long.toString(windowMillis)))
                .next().toFuture();
        CompletableFuture<String> cached = redis.opsForValue().get(cacheKey).toFuture();
        CompletableFuture<List<String>> turns = redis.opsForZSet()
                .range(ChatRecentTurns.key(sessionId), Range.closed((long) -historyTurns, -1L)).collectList().toFuture();
        CompletableFuture<Boolean> known = redis.hasKey(ChatRecentTurns.knownKey(sessionId)).toFuture();

        Failures failures = new Failures();
        Long n = await(count, deadline, ChatMetrics.STEP_RATE_LIMIT, failures);
        if (n != null && n > limit.maxMessages()) {
            cached.cancel(false);
            turns.cancel(false);
            known.cancel(false);
            throw new ChatException(ChatErrorCode.RATE_LIMITED,
                    "session over " + limit.maxMessages() + " messages per " + limit.window());
        }
        String answer = await(cached, deadline, ChatMetrics.STEP_CACHE_LOOKUP, failures);
        Admission admission;
        if (answer != null) {
            turns.cancel(false);
            known.cancel(false);
            admission = new Admission(answer, null, null);
        } else {
            List<String> members = await(turns, deadline, ChatMetrics.STEP_RECENT_TURNS, failures);
            Boolean isKnown = null;
            if (members == null) {
                known.cancel(false);
            } else {
                isKnown = await(known, deadline, ChatMetrics.STEP_RECENT_TURNS, failures);
            }
            admission = new Admission(null, isKnown == null ? null : ChatRecentTurns.parse(members), isKnown);
        }
        failures.report(sessionId);
        return admission;
    }

    private <T> T await(Future<T> reply, long deadline, String step, Failures failures) {
        try {
            return reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failures.add(reply, step, e);
        } catch (ExecutionException e) {
            return failures.add(reply, step, e.getCause());
        } catch (Exception e) {
            return failures.add(reply, step, e);
        }
    }

    /** The steps Redis failed for one message: each counted, all in one WARN (an outage is one line a message). */
    private final class Failures {

        private final StringJoiner consequences = new StringJoiner(", ");
        private Throwable first;

        <T> T add(Future<T> reply, String step, Throwable failure) {
            reply.cancel(false);
            metrics.redisFailed(step);
            consequences.add(switch (step) {
                case ChatMetrics.STEP_RATE_LIMIT -> "rate limit not checked";
                case ChatMetrics.STEP_CACHE_LOOKUP -> "cache read as a miss";
                default -> "history read from DynamoDB";
            });
            if (first == null) {
                first = failure;
            }
            return null;
        }

        void report(String sessionId) {
            if (first != null) {
                LOG.warn("Redis failed for session {} ({}), answering without it: {}", sessionId, consequences,
                        first.toString());
            }
        }
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

        /** Where the history of this message comes from (when it is not answered from the cache). */
        public ChatRecentTurns.Source historySource() {
            if (recentTurns != null && !recentTurns.isEmpty()) {
                return ChatRecentTurns.Source.RECENT;
            }
            return Boolean.FALSE.equals(known) ? ChatRecentTurns.Source.NEW : ChatRecentTurns.Source.SESSIONS;
        }
    }
}
