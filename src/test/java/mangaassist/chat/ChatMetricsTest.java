package mangaassist.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ChatMetricsTest {

    private static final String HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ChatMetrics metrics = new ChatMetrics(registry);

    @Test
    void theOverheadIsTheLatencyLessTheModelCalls() {
        metrics.answered(HAIKU, false, 2_700_000_000L, 2_500_000_000L);
        metrics.answered(HAIKU, false, 900_000_000L, 880_000_000L);

        Timer latency = timer(ChatMetrics.LATENCY, HAIKU, false);
        Timer overhead = timer(ChatMetrics.OVERHEAD, HAIKU, false);
        assertThat(latency.count()).isEqualTo(2);
        assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(3_600);
        assertThat(overhead.count()).isEqualTo(2);
        assertThat(overhead.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(220);
        assertThat(overhead.max(TimeUnit.MILLISECONDS)).isEqualTo(200);
    }

    @Test
    void aCachedAnswersOverheadIsItsLatencyAndTheTagsKeepThemApart() {
        metrics.answered(HAIKU, true, 3_000_000L, 0);
        metrics.answered(null, false, 5_000_000L, 4_000_000L);

        assertThat(timer(ChatMetrics.OVERHEAD, HAIKU, true).totalTime(TimeUnit.NANOSECONDS)).isEqualTo(3_000_000);
        assertThat(timer(ChatMetrics.LATENCY, HAIKU, true).totalTime(TimeUnit.NANOSECONDS)).isEqualTo(3_000_000);
        assertThat(timer(ChatMetrics.OVERHEAD, "unknown", false).totalTime(TimeUnit.NANOSECONDS)).isEqualTo(1_000_000);
        assertThat(registry.find(ChatMetrics.OVERHEAD).tag("cached", "false").tag("model", HAIKU).timer()).isNull();
        assertThat(timer(ChatMetrics.LATENCY, HAIKU, true).getId().getTag("flow")).isEqualTo("chat");
    }

    @Test
    void aModelTimeOverTheMeasuredLatencyNeverMakesANegativeOverhead() {
        // Micrometer drops a negative sample: the answer would go missing from the overhead count
        metrics.answered(HAIKU, false, 1_000L, 1_200L);
        assertThat(timer(ChatMetrics.OVERHEAD, HAIKU, false).count()).isEqualTo(1);
        assertThat(timer(ChatMetrics.OVERHEAD, HAIKU, false).totalTime(TimeUnit.NANOSECONDS)).isZero();
    }

    private Timer timer(String name, String model, boolean cached) {
        Timer timer = registry.find(name).tag("model", model).tag("cached", String.valueOf(cached)).timer();
        assertThat(timer).as("%s{model=%s,cached=%s}", name, model, cached).isNotNull();
        return timer;
    }
}
