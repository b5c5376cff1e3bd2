package mangaassist.chat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * What Redis says before a message is answered, in one round trip: the session's count against its
 * rate limit (a fixed window, shared by every app instance) and the cached answer. Both commands go
 * out together on the shared connection, and each is awaited for at most
 * {@code mangaassist.chat.redis-timeout} of the answer's budget.
 *
 * <p>A Redis failure (down, command timeout) never fails the message: the limit fails open and the
 * cache counts as a miss, each with a WARN and {@code mangaassist.chat.redis.failures{step}}. The
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
    private final Duration timeout;
    private final ChatMetrics metrics;
    private final Clock clock;

    @Autowired
    public ChatAdmission(ReactiveStringRedisTemplate redis, ChatProperties chat, ChatMetrics metrics) {
        this(redis, chat.rateLimit(), chat.redisTimeout(), metrics, Clock.systemUTC());
    }

    ChatAdmission(ReactiveStringRedisTemplate redis, ChatProperties.RateLimit limit, Duration timeout,
                  ChatMetrics metrics, Clock clock) {
        this.redis = redis;
        this.limit = limit;
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

    /** The cached answer of this message (JSON), or null; RATE_LIMITED past the session's limit. */
    public String admit(@ExchangeProperty(ChatSteps.REQUEST) ChatRequest request,
                        @ExchangeProperty(ChatSteps.CACHE_KEY) String cacheKey) {
        return countAndRead(request.sessionId(), cacheKey);
    }

    String countAndRead(String sessionId, String cacheKey) {
        long windowMillis = limit.window().toMillis();
        String rateKey = "chat:rate:" + sessionId + ":" + clock.millis() / windowMillis;
        long deadline = System.nanoTime() + timeout.toNanos();
        // toFuture() subscribes: both commands are on their way before either is awaited
        CompletableFuture<Long> count = redis.execute(COUNT, List.of(rateKey), List.of(Long.toString(windowMillis)))
                .next().toFuture();
        CompletableFuture<String> cached = redis.opsForValue().get(cacheKey).toFuture();

        Long n = await(count, deadline, ChatMetrics.STEP_RATE_LIMIT, sessionId);
        if (n != null && n > limit.maxMessages()) {
            cached.cancel(false);
            throw new ChatException(ChatErrorCode.RATE_LIMITED,
                    "session over " + limit.maxMessages() + " messages per " + limit.window());
        }
        return await(cached, deadline, ChatMetrics.STEP_CACHE_LOOKUP, sessionId);
    }

    private <T> T await(Future<T> reply, long deadline, String step, String sessionId) {
        try {
            return reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(reply, step, sessionId, e);
        } catch (ExecutionException e) {
            return failed(reply, step, sessionId, e.getCause());
        } catch (Exception e) {
            return failed(reply, step, sessionId, e);
        }
    }

    private <T> T failed(Future<T> reply, String step, String sessionId, Throwable failure) {
        reply.cancel(false);
        LOG.warn("Redis failed for session {} ({}), answering without it: {}", sessionId,
                ChatMetrics.STEP_RATE_LIMIT.equals(step) ? "rate limit not checked" : "cache read as a miss",
                failure.toString());
        metrics.redisFailed(step);
        return null;
    }
}
