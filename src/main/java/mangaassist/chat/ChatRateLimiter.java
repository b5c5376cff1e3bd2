package mangaassist.chat;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Per-session rate limit: a fixed window counter in Redis, so every app instance shares it.
 * Throws RATE_LIMITED past {@code mangaassist.chat.rate-limit.max-messages} per window.
 */
@Component
public class ChatRateLimiter {

    private final StringRedisTemplate redis;
    private final ChatProperties.RateLimit limit;
    private final Clock clock;

    @Autowired
    public ChatRateLimiter(StringRedisTemplate redis, ChatProperties chat) {
        this(redis, chat.rateLimit(), Clock.systemUTC());
    }

    ChatRateLimiter(StringRedisTemplate redis, ChatProperties.RateLimit limit, Clock clock) {
        this.redis = redis;
        this.limit = limit;
        this.clock = clock;
    }

    public void check(String sessionId) {
        long windowMillis = limit.window().toMillis();
        String key = "chat:rate:" + sessionId + ":" + clock.millis() / windowMillis;
        Long count = redis.opsForValue().increment(key);
        if (count != null && count == 1) {
            redis.expire(key, windowMillis, TimeUnit.MILLISECONDS);
        }
        if (count != null && count > limit.maxMessages()) {
            throw new ChatException(ChatErrorCode.RATE_LIMITED,
                    "session over " + limit.maxMessages() + " messages per " + limit.window());
        }
    }
}
