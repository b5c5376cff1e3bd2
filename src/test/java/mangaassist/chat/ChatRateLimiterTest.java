package mangaassist.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.devstack.StackPorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import redis.embedded.RedisServer;

/** The limiter on a real redis-server (its Lua script), and what it does when Redis fails. */
class ChatRateLimiterTest {

    private static final ChatProperties.RateLimit LIMIT = new ChatProperties.RateLimit(3, Duration.ofSeconds(60));
    private static final Instant WINDOW_START = Instant.parse("2026-01-01T00:00:00Z");

    private static RedisServer server;
    private static LettuceConnectionFactory factory;
    private static StringRedisTemplate redis;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ChatMetrics metrics = new ChatMetrics(registry);

    @BeforeAll
    static void startRedis() throws Exception {
        int port = StackPorts.free();
        server = RedisServer.newRedisServer().port(port).bind(StackPorts.LOOPBACK)
                .setting("save \"\"").setting("appendonly no").onShutdownForceStop(true).build();
        server.start();
        // a short command timeout, so that the timeout case below does not wait for the default 60 s
        factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(StackPorts.LOOPBACK, port),
                LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(300)).build());
        factory.afterPropertiesSet();
        factory.start();
        redis = new StringRedisTemplate(factory);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        factory.destroy();
        server.stop();
    }

    @Test
    void countsPerSessionAndWindowAndLimitsPastTheMaximum() {
        ChatRateLimiter limiter = limiter(redis, Clock.fixed(WINDOW_START.plusSeconds(5), ZoneOffset.UTC));
        for (int i = 0; i < LIMIT.maxMessages(); i++) {
            limiter.check("s-limit");
        }
        assertThatThrownBy(() -> limiter.check("s-limit")).isInstanceOfSatisfying(ChatException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ChatErrorCode.RATE_LIMITED));
        limiter.check("s-other");

        // the next window starts over
        limiter(redis, Clock.fixed(WINDOW_START.plus(LIMIT.window()), ZoneOffset.UTC)).check("s-limit");
        assertThat(failures()).isZero();
    }

    @Test
    void theWindowsFirstCountGetsItsExpiryInTheSameScript() {
        limiter(redis, Clock.fixed(WINDOW_START.plusSeconds(10), ZoneOffset.UTC)).check("s-ttl");
        Set<String> keys = redis.keys("chat:rate:s-ttl:*");
        assertThat(keys).hasSize(1);
        Long ttl = redis.getExpire(keys.iterator().next(), java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(ttl).isPositive().isLessThanOrEqualTo(LIMIT.window().toMillis());
    }

    @Test
    void aCommandTimeoutLetsTheMessageThroughAndIsCounted() {
        // CLIENT PAUSE holds every client's commands on the server: the limiter's times out
        redis.execute((org.springframework.data.redis.core.RedisCallback<Object>) connection ->
                connection.execute("CLIENT", "PAUSE".getBytes(), "1500".getBytes()));
        ChatRateLimiter limiter = limiter(redis, Clock.systemUTC());

        Throwable failure = catchThrowable(() -> limiter.check("s-timeout"));
        // the other tests share the server: on once the pause is over
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> "PONG".equals(
                redis.execute((org.springframework.data.redis.core.RedisCallback<String>) c -> c.ping())));

        assertThat(failure).isNull();
        assertThat(failures()).isEqualTo(1);
    }

    @Test
    void redisDownLetsTheMessageThroughAndIsCounted() {
        LettuceConnectionFactory nowhere = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(StackPorts.LOOPBACK, StackPorts.free()));
        nowhere.afterPropertiesSet();
        nowhere.start();
        try {
            ChatRateLimiter limiter = limiter(new StringRedisTemplate(nowhere), Clock.systemUTC());
            limiter.check("s-down");
            limiter.check("s-down");
            assertThat(failures()).isEqualTo(2);
        } finally {
            nowhere.destroy();
        }
    }

    private ChatRateLimiter limiter(StringRedisTemplate template, Clock clock) {
        return new ChatRateLimiter(template, LIMIT, metrics, clock);
    }

    private double failures() {
        Counter counter = registry.find(ChatMetrics.REDIS_FAILURES).tag("step", ChatMetrics.STEP_RATE_LIMIT).counter();
        return counter == null ? 0 : counter.count();
    }
}
