package mangaassist.support;

import java.time.Duration;

import mangaassist.devstack.RedisBackend;
import mangaassist.devstack.StackPorts;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A redis-server of a test's own on a free loopback port (the stack's binary), with Lettuce templates on it: for tests
 * of our Redis scripts without a Spring context. Start it in {@code @BeforeAll}, close it in {@code @AfterAll}.
 */
public final class LocalRedis implements AutoCloseable {

    private final int port;
    private final RedisBackend server = new RedisBackend();
    private final LettuceConnectionFactory factory;
    private final StringRedisTemplate redis;
    private final ReactiveStringRedisTemplate reactive;

    private LocalRedis() throws Exception {
        port = StackPorts.free();
        server.start(port);
        factory = connect();
        redis = new StringRedisTemplate(factory);
        reactive = new ReactiveStringRedisTemplate(factory);
    }

    public static LocalRedis start() throws Exception {
        return new LocalRedis();
    }

    /** Another client connection to the same server (its commands time out after 30 s); destroy it when done. */
    public LettuceConnectionFactory connect() {
        LettuceConnectionFactory connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration(StackPorts.LOOPBACK, port),
                LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(30)).build());
        connections.afterPropertiesSet();
        connections.start();
        return connections;
    }

    public int port() {
        return port;
    }

    public StringRedisTemplate redis() {
        return redis;
    }

    public ReactiveStringRedisTemplate reactive() {
        return reactive;
    }

    /** Stops the server (the clients stay: they reconnect once it is back). */
    public void stopServer() {
        server.close();
    }

    /** Starts the server again on the same port, empty. */
    public void restartServer() throws Exception {
        server.start(port);
    }

    @Override
    public void close() {
        factory.destroy();
        server.close();
    }
}
