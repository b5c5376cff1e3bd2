package mangaassist.chat;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import mangaassist.chat.session.History;
import org.springframework.stereotype.Component;

/**
 * Chat timers, tagged with the model and whether the answer came from the cache:
 * {@code mangaassist.chat.latency}, the server's time for the answer, and {@code mangaassist.chat.overhead},
 * that time less the model calls (seed 000: the sync path keeps ~500 ms of its 3 s for everything but
 * Bedrock; this is what the integration spends of it). A cached answer's overhead is its latency.
 * Also {@code mangaassist.chat.redis.failures{step}}: Redis failures answered through, not failed.
 */
@Component
public class ChatMetrics {

    public static final String LATENCY = "mangaassist.chat.latency";
    public static final String OVERHEAD = "mangaassist.chat.overhead";
    /** Redis failures the chat answered through (fail open, a cache miss), tagged with the step. */
    public static final String REDIS_FAILURES = "mangaassist.chat.redis.failures";
    public static final String STEP_RATE_LIMIT = "rate-limit";
    public static final String STEP_CACHE_LOOKUP = "cache-lookup";
    public static final String STEP_RECENT_TURNS = "recent-turns";
    /** The answer's cache entry, written before the reply: a failure sends the answer uncached. */
    public static final String STEP_CACHE_WRITE = "cache-write";
    /** Steps the answer went on without: session history unreadable, a cached answer unreadable. */
    public static final String DEGRADED = "mangaassist.chat.degraded";
    /**
     * Where fresh answers' session histories came from (tag source): Redis's recent turns, none (a new
     * session), a DynamoDB query, or nowhere (DynamoDB failed).
     */
    public static final String HISTORY_READS = "mangaassist.chat.history.reads";

    private final MeterRegistry registry;
    // looked up once per tag set: a builder per answer costs an Id, tags and a map lookup each time
    private final Map<String, Timers> timers = new ConcurrentHashMap<>();

    // counted on every fresh answer: registered once
    private final Map<History.Source, Counter> historyReads = new EnumMap<>(History.Source.class);

    public ChatMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (History.Source source : History.Source.values()) {
            historyReads.put(source, registry.counter(HISTORY_READS, "flow", "chat", "source", sourceTag(source)));
        }
    }

    /**
     * @param latencyNanos the server's time for the answer
     * @param modelNanos   of which spent waiting for the model (0 for a cached answer)
     */
    public void answered(String model, boolean cached, long latencyNanos, long modelNanos) {
        String modelTag = model == null ? "unknown" : model;
        Timers t = timers.computeIfAbsent(modelTag + '|' + cached, k -> new Timers(
                timer(LATENCY, "Server time of a chat answer", modelTag, cached),
                timer(OVERHEAD, "Server time of a chat answer less its model calls", modelTag, cached)));
        t.latency.record(latencyNanos, TimeUnit.NANOSECONDS);
        t.overhead.record(Math.max(0, latencyNanos - modelNanos), TimeUnit.NANOSECONDS);
    }

    public void redisFailed(String step) {
        registry.counter(REDIS_FAILURES, "flow", "chat", "step", step).increment();
    }

    public void historyRead(History.Source source) {
        historyReads.get(source).increment();
    }

    /** The tag value of a history source: recent, new, sessions, unavailable. */
    public static String sourceTag(History.Source source) {
        return source.name().toLowerCase(java.util.Locale.ROOT);
    }

    public void degraded(String step) {
        registry.counter(DEGRADED, "flow", "chat", "step", step).increment();
    }

    private Timer timer(String name, String description, String model, boolean cached) {
        return Timer.builder(name).description(description)
                .tag("flow", "chat").tag("model", model).tag("cached", String.valueOf(cached))
                .publishPercentileHistogram()
                .register(registry);
    }

    private record Timers(Timer latency, Timer overhead) {
    }
}
