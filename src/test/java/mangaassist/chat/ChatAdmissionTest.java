package mangaassist.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.devstack.StackPorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import redis.embedded.RedisServer;

/** Rate limit and cache read on a real redis-server (the Lua script), and what happens when Redis fails. */
class ChatAdmissionTest {

    private static final ChatProperties.RateLimit LIMIT = new ChatProperties.RateLimit(3, Duration.ofSeconds(60));
    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(300);
    private static final Instant WINDOW_START = Instant.parse("2026-01-01T00:00:00Z");

    private static RedisServer server;
    private static int port;
    private static LettuceConnectionFactory factory;
    private static StringRedisTemplate redis;
    private static ReactiveStringRedisTemplate reactive;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ChatMetrics metrics = new ChatMetrics(registry);

    @BeforeAll
    static void startRedis() throws Exception {
        port = StackPorts.free();
        server = RedisServer.newRedisServer().port(port).bind(StackPorts.LOOPBACK)
                .setting("save \"\"").setting("appendonly no").onShutdownForceStop(true).build();
        server.start();
        factory = factory(port);
        redis = new StringRedisTemplate(factory);
        reactive = new ReactiveStringRedisTemplate(factory);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        factory.destroy();
        server.stop();
    }

    @Test
    void countsPerSessionAndWindowAndLimitsPastTheMaximum() {
        ChatAdmission admission = admission(reactive, Clock.fixed(WINDOW_START.plusSeconds(5), ZoneOffset.UTC));
        for (int i = 0; i < LIMIT.maxMessages(); i++) {
            admission.countAndRead("s-limit", "chat:resp:s-limit");
        }
        assertThatThrownBy(() -> admission.countAndRead("s-limit", "chat:resp:s-limit"))
                .isInstanceOfSatisfying(ChatException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ChatErrorCode.RATE_LIMITED));
        admission.countAndRead("s-other", "chat:resp:s-other");

        // the next window starts over
        admission(reactive, Clock.fixed(WINDOW_START.plus(LIMIT.window()), ZoneOffset.UTC))
                .countAndRead("s-limit", "chat:resp:s-limit");
        assertThat(failures(ChatMetrics.STEP_RATE_LIMIT) + failures(ChatMetrics.STEP_CACHE_LOOKUP)).isZero();
    }

    @Test
    void theWindowsFirstCountGetsItsExpiryInTheSameScript() {
        admission(reactive, Clock.fixed(WINDOW_START.plusSeconds(10), ZoneOffset.UTC)).countAndRead("s-ttl", "chat:resp:s-ttl");
        Set<String> keys = redis.keys("chat:rate:s-ttl:*");
        assertThat(keys).hasSize(1);
        Long ttl = redis.getExpire(keys.iterator().next(), TimeUnit.MILLISECONDS);
        assertThat(ttl).isPositive().isLessThanOrEqualTo(LIMIT.window().toMillis());
    }

    @Test
    void readsTheCachedAnswerAlongsideTheCount() {
        redis.opsForValue().set("chat:resp:s-hit", "{\"cached\":true}");
        ChatAdmission admission = admission(reactive, Clock.systemUTC());

        assertThat(admission.countAndRead("s-hit", "chat:resp:s-hit")).isEqualTo("{\"cached\":true}");
        assertThat(admission.countAndRead("s-hit", "chat:resp:nothing-here")).isNull();
        assertThat(redis.keys("chat:rate:s-hit:*")).hasSize(1);
    }

    @Test
    void connectedAtStartupARedisThatDoesNotAnswerInTimeIsNoLimitAndAMiss() {
        redis.opsForValue().set("chat:resp:s-slow", "{\"cached\":true}");
        // a connection of its own, made by connect() only: unconnected, the first message would connect
        // on its own thread, and the handshake would wait for the pause below too
        LettuceConnectionFactory own = factory(port);
        try {
            ChatAdmission admission = admission(new ReactiveStringRedisTemplate(own), Clock.systemUTC());
            admission.connect();
            // CLIENT PAUSE holds every client's commands on the server, far longer than the admission waits
            redis.execute((RedisCallback<Object>) c -> c.execute("CLIENT", "PAUSE".getBytes(), "2000".getBytes()));

            String cached = admission.countAndRead("s-slow", "chat:resp:s-slow");
            // the other tests share the server: on once the pause is over
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> "PONG".equals(redis.execute((RedisCallback<String>) c -> c.ping())));

            assertThat(cached).isNull();
            assertThat(failures(ChatMetrics.STEP_RATE_LIMIT)).isEqualTo(1);
            assertThat(failures(ChatMetrics.STEP_CACHE_LOOKUP)).isEqualTo(1);
        } finally {
            own.destroy();
        }
    }

    @Test
    void redisDownIsNoLimitAndAMiss() {
        LettuceConnectionFactory nowhere = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(StackPorts.LOOPBACK, StackPorts.free()));
        nowhere.afterPropertiesSet();
        nowhere.start();
        try {
            ChatAdmission admission = admission(new ReactiveStringRedisTemplate(nowhere), Clock.systemUTC());
            admission.connect();
            for (int i = 0; i <= LIMIT.maxMessages(); i++) {
                assertThat(admission.countAndRead("s-down", "chat:resp:s-down")).isNull();
            }
            assertThat(failures(ChatMetrics.STEP_RATE_LIMIT)).isEqualTo(LIMIT.maxMessages() + 1);
            assertThat(failures(ChatMetrics.STEP_CACHE_LOOKUP)).isEqualTo(LIMIT.maxMessages() + 1);
        } finally {
            nowhere.destroy();
        }
    }

    /** The connection's own command timeout is far longer than the admission's: a timeout seen below is the admission's. */
    private static LettuceConnectionFactory factory(int port) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(StackPorts.LOOPBACK, port),
                LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(30)).build());
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    private ChatAdmission admission(ReactiveStringRedisTemplate template, Clock clock) {
        return new ChatAdmission(template, LIMIT, REDIS_TIMEOUT, metrics, clock);
    }

    private double failures(String step) {
        Counter counter = registry.find(ChatMetrics.REDIS_FAILURES).tag("step", step).counter();
        return counter == null ? 0 : counter.count();
    }
}
