package mangaassist.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import mangaassist.chat.ChatMetrics;
import mangaassist.metrics.DlqDepthGauges;
import mangaassist.platform.AsyncJobMetrics;
import org.junit.jupiter.api.Test;

/**
 * The seed's alarms as Prometheus alert rules (ops/prometheus): evaluated by promtool's unit tests over series that
 * cross each threshold and series that stay at it, and every series they read is one the application exports.
 */
class PrometheusAlertRulesTest {

    private static final Path RULES = OpsConfig.OPS.resolve("prometheus/mangaassist-alerts.yaml");
    private static final Path RULE_TESTS = OpsConfig.OPS.resolve("prometheus/mangaassist-alerts.test.yaml");
    private static final Pattern SERIES = Pattern.compile("\\b(mangaassist_[a-z_]+)\\b");

    @Test
    void promtoolEvaluatesTheRules() throws Exception {
        String promtool = promtool();
        assertThat(run(promtool, "check", "rules", RULES.getFileName().toString())).contains("SUCCESS: 3 rules found");
        assertThat(run(promtool, "test", "rules", RULE_TESTS.getFileName().toString())).contains("SUCCESS");
    }

    @Test
    void theRulesReadSeriesTheApplicationExports() throws Exception {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ChatMetrics(meters).answered("haiku", false, 1_000_000L, 0);
        new AsyncJobMetrics(meters).finished("enrichment", "synopsis", false, System.nanoTime());
        new AsyncJobMetrics(meters).error("enrichment", "Throttling");
        Gauge.builder(DlqDepthGauges.GAUGE, new AtomicLong(3), AtomicLong::doubleValue).tag("queue", "manga-deferred-dlq")
                .register(meters);
        Set<String> exported = new TreeSet<>();
        meters.scrape().lines().filter(l -> !l.startsWith("#")).forEach(l -> exported.add(l.split("[{ ]")[0]));

        Set<String> read = new TreeSet<>();
        Matcher m = SERIES.matcher(Files.readString(RULES));
        while (m.find()) {
            read.add(m.group(1));
        }

        assertThat(read).contains("mangaassist_chat_latency_seconds_sum", "mangaassist_dlq_depth",
                "mangaassist_async_job_duration_seconds_count", "mangaassist_errors_total");
        assertThat(exported).containsAll(read);
    }

    /** promtool (Debian package prometheus, installed by .ci/run): required in CI, skipped elsewhere without it. */
    private static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("promtool is not installed: apt-get install -y prometheus (.ci/run does)");
        }
        assumeTrue(false, "promtool is not installed: apt-get install -y prometheus (Debian) to evaluate the alert rules");
        return null;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(RULES.getParent().toFile()).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within 60 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
