package mangaassist.chat;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/** Chat latency, tagged with the model and whether the answer came from the cache. */
@Component
public class ChatMetrics {

    private final MeterRegistry registry;

    public ChatMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void answered(String model, boolean cached, long latencyMs) {
        Timer.builder("mangaassist.chat.latency").description("End-to-end chat answer latency")
                .tag("flow", "chat").tag("model", model == null ? "unknown" : model).tag("cached", String.valueOf(cached))
                .publishPercentileHistogram()
                .register(registry).record(Duration.ofMillis(latencyMs));
    }
}
