package mangaassist.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.micrometer.cloudwatch2.CloudWatchData;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import mangaassist.chat.ChatMetrics;
import mangaassist.platform.AsyncJobMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;

/**
 * Metric names: what the CloudWatch registry of the aws profile would send (the seed's names, namespace and exact
 * dimensions, nothing else), and that Prometheus keeps the flows' names. No call reaches AWS: the data are read
 * before a publish.
 */
class SeedMetricsTest {

    private static final Duration STEP = Duration.ofSeconds(60);

    private final MockClock clock = new MockClock();
    private CloudWatchAsyncClient client;
    private CloudWatchMeterRegistry cloudWatch;
    private PrometheusMeterRegistry prometheus;
    private CompositeMeterRegistry meters;

    @BeforeEach
    void registries() {
        client = CloudWatchAsyncClient.builder().region(Region.AP_NORTHEAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create()).build();
        var props = new CloudWatchMetricsConfiguration.CloudWatchProperties(true, SeedMetrics.NAMESPACE, "prod", STEP, 20);
        cloudWatch = CloudWatchMetricsConfiguration.registry(props, client, clock);
        prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // as Spring configures every registry: its own filters (above), the common tags, then the MeterFilter beans
        for (var registry : List.of(cloudWatch, prometheus)) {
            registry.config().meterFilter(MeterFilter.commonTags(List.of(io.micrometer.core.instrument.Tag.of("application", "mangaassist"))))
                    .meterFilter(new CloudWatchMetricsConfiguration().seedDimensions());
        }
        meters = new CompositeMeterRegistry(clock, List.of(cloudWatch, prometheus));
    }

    @AfterEach
    void close() {
        prometheus.close();
        client.close();
    }

    @Test
    void cloudWatchGetsTheSeedsThreeMetricsWithExactlyTheirDimensions() {
        new ChatMetrics(meters).answered("anthropic.claude-3-haiku-20240307-v1:0", false, 2_500_000_000L, 2_000_000_000L);
        AsyncJobMetrics jobs = new AsyncJobMetrics(meters);
        jobs.finished("enrichment", "synopsis", true, System.nanoTime() - 40_000_000L);
        jobs.finished("deferred", "deferred_inference", false, System.nanoTime());
        jobs.error("enrichment", "Throttling");
        meters.counter("mangaassist.chat.redis.failures", "flow", "chat", "step", "rate-limit").increment();
        meters.gauge("mangaassist.dlq.depth", 7);
        clock.add(STEP);

        List<MetricDatum> data = CloudWatchData.of(cloudWatch);

        assertThat(data).extracting(d -> d.metricName().substring(0, d.metricName().indexOf('.') < 0
                        ? d.metricName().length() : d.metricName().indexOf('.')))
                .containsOnly(SeedMetrics.SYNC_LATENCY, SeedMetrics.ASYNC_JOB_DURATION, SeedMetrics.ERROR_COUNT);
        for (MetricDatum datum : data) {
            String name = datum.metricName().split("\\.")[0];
            assertThat(datum.dimensions()).extracting(Dimension::name)
                    .as(datum.metricName()).containsExactlyInAnyOrderElementsOf(SeedMetrics.DIMENSIONS.get(name));
            assertThat(dimensions(datum)).containsEntry("Environment", "prod");
        }
        assertThat(data).filteredOn(d -> d.metricName().equals("SyncLatency.avg")).singleElement().satisfies(d -> {
            assertThat(dimensions(d)).containsEntry("Model", "anthropic.claude-3-haiku-20240307-v1:0").containsEntry("Cached", "false");
            // milliseconds, the unit of the seed and of the SyncLatency > 3 s alarm (3000)
            assertThat(d.value()).isEqualTo(2500.0);
            assertThat(d.unitAsString()).isEqualTo("Milliseconds");
        });
        assertThat(data).filteredOn(d -> d.metricName().equals("AsyncJobDuration.count"))
                .extracting(SeedMetricsTest::dimensions)
                .contains(Map.of("Environment", "prod", "JobType", "synopsis", "Status", "success"),
                        Map.of("Environment", "prod", "JobType", "deferred_inference", "Status", "failure"));
        assertThat(data).filteredOn(d -> d.metricName().equals("ErrorCount.count")).singleElement().satisfies(d -> {
            assertThat(dimensions(d)).isEqualTo(Map.of("Environment", "prod", "Operation", "enrichment", "ErrorType", "Throttling"));
            assertThat(d.value()).isEqualTo(1.0);
        });
    }

    @Test
    void prometheusKeepsTheFlowsNamesAndTags() {
        new ChatMetrics(meters).answered("haiku", true, 1_000_000L, 0);
        new AsyncJobMetrics(meters).error("moderation", "INVALID_BODY");

        String scrape = prometheus.scrape();

        assertThat(scrape).contains("mangaassist_chat_latency_seconds_count{application=\"mangaassist\",cached=\"true\",flow=\"chat\",model=\"haiku\"} 1")
                .contains("mangaassist_errors_total{application=\"mangaassist\",code=\"INVALID_BODY\",flow=\"moderation\"} 1.0")
                .doesNotContain("SyncLatency").doesNotContain("ErrorCount");
    }

    @Test
    void theNamespaceAndBatchAreTheSeeds() {
        var config = CloudWatchMetricsConfiguration.config(
                new CloudWatchMetricsConfiguration.CloudWatchProperties(true, SeedMetrics.NAMESPACE, "prod", STEP, 20));
        assertThat(config.namespace()).isEqualTo("MangaAssist/Operations");
        assertThat(config.batchSize()).isEqualTo(20);
        assertThat(config.validate().isValid()).isTrue();
    }

    private static Map<String, String> dimensions(MetricDatum datum) {
        return datum.dimensions().stream().collect(Collectors.toMap(Dimension::name, Dimension::value));
    }
}
