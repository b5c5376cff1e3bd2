package mangaassist.chat.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.devstack.StackPorts;
import mangaassist.support.LocalRedis;
import mangaassist.chat.ChatMetrics;
import mangaassist.chat.ChatProperties;
import mangaassist.chat.model.ModelReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;


/**
 * The answer's cache entry, written before the reply, on a real redis-server: what the admission reads back,
 * for how long, and what a failing Redis costs (the entry, never the answer, nor more than redis-timeout).
 */
class ChatCacheTest {

    private static final Duration TTL = Duration.ofSeconds(300);
    private static final Duration STOCK_TTL = Duration.ofSeconds(240);
    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(300);
    private static final ModelReply REPLY = new ModelReply("Naoki Urasawa.", 12, 4, "claude-3-haiku", "end_turn");
    private static final ChatAdmission.Admission MISS = new ChatAdmission.Admission(null, List.of(), false);

    private static LocalRedis server;
    private static StringRedisTemplate redis;
    private static ReactiveStringRedisTemplate reactive;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ChatMetrics metrics = new ChatMetrics(registry);

    @BeforeAll
    static void startRedis() throws Exception {
        server = LocalRedis.start();
        redis = server.redis();
        reactive = server.reactive();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        server.close();
    }

    @Test
    void theEntryIsWhatTheAdmissionOfTheRepeatReadsForTheChatsTtlOrTheStockTtl() throws Exception {
        String key = ChatCacheKey.of("s-store", "Who wrote Monster?");
        cache(reactive).store("s-store", key, MISS, "en", REPLY, null);

        ChatAdmission admission = new ChatAdmission(reactive, new ChatProperties.RateLimit(30, Duration.ofSeconds(60)),
                10, REDIS_TIMEOUT, metrics, Clock.systemUTC());
        String cached = admission.countAndRead("s-store", key).cached();
        assertThat(new ObjectMapper().readValue(cached, CachedAnswer.class))
                .isEqualTo(new CachedAnswer("en", REPLY));
        assertThat(redis.getExpire(key, TimeUnit.SECONDS)).isBetween(TTL.toSeconds() - 5, TTL.toSeconds());

        String stockKey = ChatCacheKey.of("s-store", "Is volume 42 of One Piece in stock?");
        cache(reactive).store("s-store", stockKey, MISS, "en", REPLY, List.of("- title=ワンピース 42 | stock=in_stock"));
        assertThat(redis.getExpire(stockKey, TimeUnit.SECONDS)).isBetween(STOCK_TTL.toSeconds() - 5, STOCK_TTL.toSeconds());
        assertThat(failures()).isZero();
    }

    @Test
    void whenRedisDidNotAnswerTheAdmissionTheWriteIsNotTried() throws Exception {
        String key = ChatCacheKey.of("s-unanswered", "hello");
        cache(reactive).store("s-unanswered", key, new ChatAdmission.Admission(null, null, null), "en", REPLY, null);

        assertThat(redis.hasKey(key)).isFalse();
        assertThat(failures()).isZero();
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aRedisThatDoesNotAnswerInTimeCostsTheEntryAndAtMostTheTimeout(CapturedOutput output) throws Exception {
        // a connection of its own, connected before the pause: a handshake would wait for the pause too
        LettuceConnectionFactory own = server.connect();
        try {
            ReactiveStringRedisTemplate template = new ReactiveStringRedisTemplate(own);
            template.execute(connection -> connection.ping()).next().block();
            // CLIENT PAUSE holds every client's commands on the server, far longer than the write waits
            redis.execute((RedisCallback<Object>) c -> c.execute("CLIENT", "PAUSE".getBytes(), "1500".getBytes()));

            long start = System.nanoTime();
            cache(template).store("s-slow", ChatCacheKey.of("s-slow", "hello"), MISS, "en", REPLY, null);
            long waited = System.nanoTime() - start;
            // the other tests share the server: on once the pause is over
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> "PONG".equals(redis.execute((RedisCallback<String>) c -> c.ping())));

            assertThat(Duration.ofNanos(waited)).isBetween(REDIS_TIMEOUT, REDIS_TIMEOUT.plusMillis(900));
            assertThat(failures()).isEqualTo(1);
            assertThat(output.getOut()).contains("Redis failed for session s-slow: answer sent uncached");
        } finally {
            own.destroy();
        }
    }

    @Test
    void aRedisThatIsDownCostsTheEntryNotTheAnswer() throws Exception {
        LettuceConnectionFactory nowhere = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(StackPorts.LOOPBACK, StackPorts.free()));
        nowhere.afterPropertiesSet();
        nowhere.start();
        try {
            cache(new ReactiveStringRedisTemplate(nowhere))
                    .store("s-down", ChatCacheKey.of("s-down", "hello"), MISS, "en", REPLY, null);
            assertThat(failures()).isEqualTo(1);
        } finally {
            nowhere.destroy();
        }
    }

    private ChatCache cache(ReactiveStringRedisTemplate template) {
        return new ChatCache(template, TTL, STOCK_TTL, REDIS_TIMEOUT, metrics);
    }


    /** The connection's own command timeout is far longer than the write's: a timeout seen above is the write's. */
    private double failures() {
        Counter counter = registry.find(ChatMetrics.REDIS_FAILURES).tag("step", ChatMetrics.STEP_CACHE_WRITE).counter();
        return counter == null ? 0 : counter.count();
    }
}
