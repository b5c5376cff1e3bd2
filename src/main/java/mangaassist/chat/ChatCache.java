package mangaassist.chat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Caches a fresh answer before it is sent, so that the same message sent as soon as the answer arrives is
 * a hit ({@link ChatAdmission} reads the entry). One SET with its expiry, waited for at most
 * {@code mangaassist.chat.redis-timeout}: answers grounded in stock facts are kept for the inventory TTL,
 * others for the chat's.
 *
 * <p>A Redis failure never fails the answer: it goes out uncached (a repeat then asks the model again), with
 * one WARN, counted in {@code mangaassist.chat.redis.failures{step="cache-write"}}. When Redis did not
 * answer this message's admission the write is not tried: a Redis that hangs costs an answer one wait, not two.
 */
@Component("chatCache")
public class ChatCache {

    private static final Logger LOG = LoggerFactory.getLogger(ChatCache.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReactiveStringRedisTemplate redis;
    private final Duration ttl;
    private final Duration stockTtl;
    private final Duration timeout;
    private final ChatMetrics metrics;

    @Autowired
    public ChatCache(ReactiveStringRedisTemplate redis, ChatProperties chat, ChatMetrics metrics) {
        this(redis, chat.cacheTtl(), chat.inventory().cacheTtl(), chat.redisTimeout(), metrics);
    }

    ChatCache(ReactiveStringRedisTemplate redis, Duration ttl, Duration stockTtl, Duration timeout, ChatMetrics metrics) {
        this.redis = redis;
        this.ttl = ttl;
        this.stockTtl = stockTtl;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    /** Caches the answer under the message's key (the body, the model's response, is left as it is). */
    public void store(@ExchangeProperty(ChatSteps.REQUEST) ChatRequest request,
                         @ExchangeProperty(ChatSteps.CACHE_KEY) String key,
                         @ExchangeProperty(ChatSteps.ADMISSION) ChatAdmission.Admission admission,
                         @ExchangeProperty("language") String language,
                         @ExchangeProperty(ChatSteps.REPLY) ModelReply reply,
                         @ExchangeProperty(ChatSteps.FACTS) List<String> facts) throws JsonProcessingException {
        if (admission == null || !admission.redisAnswered()) {
            return;
        }
        String value = JSON.writeValueAsString(new ChatSteps.CachedAnswer(language, reply));
        Duration keep = facts == null || facts.isEmpty() ? ttl : stockTtl;
        CompletableFuture<Boolean> set = redis.opsForValue().set(key, value, keep).toFuture();
        try {
            set.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(request, set, e);
        } catch (ExecutionException e) {
            failed(request, set, e.getCause());
        } catch (Exception e) {
            failed(request, set, e);
        }
    }

    private void failed(ChatRequest request, CompletableFuture<?> set, Throwable failure) {
        set.cancel(false);
        metrics.redisFailed(ChatMetrics.STEP_CACHE_WRITE);
        LOG.warn("Redis failed for session {}: answer sent uncached (a repeat asks the model again): {}",
                request.sessionId(), failure.toString());
    }
}
