package mangaassist.chat;

import java.time.Clock;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Per-session rate limit: a fixed window counter in Redis, so every app instance shares it.
 * Throws RATE_LIMITED past {@code mangaassist.chat.rate-limit.max-messages} per window.
 *
 * <p>Fails open: when Redis does not answer (down, command timeout) the message goes through, with a
 * WARN and {@code mangaassist.chat.redis.failures{step=rate-limit}}. The limit protects the model's
 * quota from one chatty session; refusing every customer while Redis is away would be worse.
 */
@Component
public class ChatRateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(ChatRateLimiter.class);

    // one round trip, and atomic: the window's first INCR always gets its expiry (two commands could
    // leave a counter without one if the second failed)
    static final RedisScript<Long> COUNT = new DefaultRedisScript<>(
            "local n = redis.call('INCR', KEYS[1]) "
                    + "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end "
                    + "return n", Long.class);

    private final StringRedisTemplate redis;
    private final ChatProperties.RateLimit limit;
    private final ChatMetrics metrics;
    private final Clock clock;

    @Autowired
    public ChatRateLimiter(StringRedisTemplate redis, ChatProperties chat, ChatMetrics metrics) {
        this(redis, chat.rateLimit(), metrics, Clock.systemUTC());
    }

    ChatRateLimiter(StringRedisTemplate redis, ChatProperties.RateLimit limit, ChatMetrics metrics, Clock clock) {
        this.redis = redis;
        this.limit = limit;
        this.metrics = metrics;
        this.clock = clock;
    }

    public void check(String sessionId) {
        long windowMillis = limit.window().toMillis();
        String key = "chat:rate:" + sessionId + ":" + clock.millis() / windowMillis;
        Long count;
        try {
            count = redis.execute(COUNT, List.of(key), Long.toString(windowMillis));
        } catch (RuntimeException e) {
            LOG.warn("Rate limit of session {} not checked, message let through: Redis failed ({})", sessionId,
                    e.toString());
            metrics.redisFailed(ChatMetrics.STEP_RATE_LIMIT);
            return;
        }
        if (count != null && count > limit.maxMessages()) {
            throw new ChatException(ChatErrorCode.RATE_LIMITED,
                    "session over " + limit.maxMessages() + " messages per " + limit.window());
        }
    }
}
