package mangaassist.metrics;

import java.time.Duration;

import io.micrometer.cloudwatch2.CloudWatchConfig;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.config.MeterFilter;
import mangaassist.platform.AwsProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;

/**
 * The seed's metrics to CloudWatch ({@code mangaassist.metrics.cloudwatch.enabled}: the aws profile only), through
 * Micrometer's CloudWatch registry: every {@code step} it sends what was recorded, in PutMetricData calls of
 * {@code batch-size} data (the seed's batches of 20). Prometheus has everything, everywhere; CloudWatch the three
 * seed metrics only ({@link SeedMetrics}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mangaassist.metrics.cloudwatch.enabled", havingValue = "true")
@EnableConfigurationProperties(CloudWatchMetricsConfiguration.CloudWatchProperties.class)
public class CloudWatchMetricsConfiguration {

    /**
     * @param enabled     publish to CloudWatch
     * @param namespace   the seed's MangaAssist/Operations
     * @param environment the value of every metric's Environment dimension (the seed's "prod")
     * @param step        how often the recorded values are sent
     * @param batchSize   data per PutMetricData call (CloudWatch takes at most 1000)
     */
    @ConfigurationProperties("mangaassist.metrics.cloudwatch")
    public record CloudWatchProperties(boolean enabled, String namespace, String environment, Duration step, int batchSize) {
    }

    /** The registry's own settings, from the properties (Micrometer reads them through this). */
    static CloudWatchConfig config(CloudWatchProperties props) {
        return new CloudWatchConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String namespace() {
                return props.namespace();
            }

            @Override
            public Duration step() {
                return props.step();
            }

            @Override
            public int batchSize() {
                return props.batchSize();
            }
        };
    }

    /**
     * The registry with the seed's names, its three metrics only. Its dimensions are trimmed by {@link #seedDimensions},
     * which runs after Spring's common tags.
     */
    static CloudWatchMeterRegistry registry(CloudWatchProperties props, CloudWatchAsyncClient client, Clock clock) {
        CloudWatchMeterRegistry registry = new CloudWatchMeterRegistry(config(props), clock, client);
        registry.config().meterFilter(SeedMetrics.rename(props.environment())).meterFilter(SeedMetrics.seedMetricsOnly());
        return registry;
    }

    @Bean(destroyMethod = "close")
    CloudWatchAsyncClient metricsCloudWatchClient(AwsProperties aws) {
        // the default credentials chain and the region's endpoint: this registry exists in the aws profile only
        return CloudWatchAsyncClient.builder().region(Region.of(aws.region()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()).build();
    }

    @Bean
    CloudWatchMeterRegistry cloudWatchMeterRegistry(CloudWatchProperties props, CloudWatchAsyncClient metricsCloudWatchClient,
            Clock clock) {
        return registry(props, metricsCloudWatchClient, clock);
    }

    /**
     * Spring applies MeterFilter beans to every registry after the registry's own filters and after its common tags
     * ({@code management.metrics.tags}, order 0): ordered last, this one leaves each seed metric exactly its
     * dimensions. It changes no other meter (Prometheus does not have these names).
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    MeterFilter seedDimensions() {
        return SeedMetrics.seedDimensionsOnly();
    }
}
