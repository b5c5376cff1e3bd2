package mangaassist.chat.session;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.chat.ChatMetrics;
import mangaassist.chat.ChatProperties;
import mangaassist.chat.message.ChatMessage;
import mangaassist.chat.model.ModelReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

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

    /**
     * Prefix of the set of answer keys cached for one ISBN (prefix + ISBN): a stock change deletes them (the
     * inventory-events flow's cache invalidation) without scanning every chat key. Kept as long as its answers.
     */
    public static final String ANSWERS_BY_ISBN = "chat:answers-by-isbn:";

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

    /** Caches the message's reply under its key. */
    public void store(ChatMessage message) throws JsonProcessingException {
        store(message.sessionId(), message.cacheKey(), message.admission(), message.language(), message.reply(),
                message.facts(), message.stock() == null ? null : message.stock().isbn());
    }

    void store(String sessionId, String key, ChatAdmission.Admission admission, String language, ModelReply reply,
               List<String> facts) throws JsonProcessingException {
        store(sessionId, key, admission, language, reply, facts, null);
    }

    void store(String sessionId, String key, ChatAdmission.Admission admission, String language, ModelReply reply,
               List<String> facts, String isbn) throws JsonProcessingException {
        if (admission == null || !admission.redisAnswered()) {
            return;
        }
        String value = JSON.writeValueAsString(new CachedAnswer(language, reply));
        Duration keep = facts == null || facts.isEmpty() ? ttl : stockTtl;
        Mono<Boolean> write = redis.opsForValue().set(key, value, keep);
        if (isbn != null) {
            String index = ANSWERS_BY_ISBN + isbn;
            write = write.flatMap(ok -> redis.opsForSet().add(index, key).then(redis.expire(index, keep)).thenReturn(ok));
        }
        CompletableFuture<Boolean> set = write.toFuture();
        try {
            set.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(sessionId, set, e);
        } catch (ExecutionException e) {
            failed(sessionId, set, e.getCause());
        } catch (Exception e) {
            failed(sessionId, set, e);
        }
    }

    private void failed(String sessionId, CompletableFuture<?> set, Throwable failure) {
        set.cancel(false);
        metrics.redisFailed(ChatMetrics.STEP_CACHE_WRITE);
        LOG.warn("Redis failed for session {}: answer sent uncached (a repeat asks the model again): {}",
                sessionId, failure.toString());
    }
}
