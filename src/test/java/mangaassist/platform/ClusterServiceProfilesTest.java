package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.file.springboot.cluster.FileLockClusterServiceAutoConfiguration;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;
import org.apache.camel.component.kubernetes.springboot.cluster.KubernetesClusterServiceAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * The cluster service each profile of application.yaml gives Camel: Camel's two auto-configurations bound to the
 * profile's properties, nothing else (no application, no Camel context; the Kubernetes one is never started here).
 */
class ClusterServiceProfilesTest {

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "localstack"})
    void oneHostSharesAFileLock(String profile) {
        contextFor(profile, Map.of("HOSTNAME", "devbox", "PID", "4242")).run(context -> {
            assertThat(context).hasSingleBean(CamelClusterService.class);
            FileLockClusterService file = context.getBean(FileLockClusterService.class);
            assertThat(Path.of(file.getRoot())).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "mangaassist-cluster"));
            assertThat(file.getId()).isEqualTo("devbox-4242");
            assertThat(file.getAcquireLockIntervalUnit().toMillis(file.getAcquireLockInterval())).isEqualTo(2000);
        });
    }

    @Test
    void theRootIsAProperty() {
        contextFor("embedded", Map.of("mangaassist.cluster.root", "/srv/mangaassist/cluster")).run(context ->
                assertThat(context.getBean(FileLockClusterService.class).getRoot()).isEqualTo("/srv/mangaassist/cluster"));
    }

    @Test
    void awsLeadsThroughAKubernetesLeaseHeldByThePod() {
        contextFor("aws", Map.of("HOSTNAME", "mangaassist-integration-7d9f8-x2k4q")).run(context -> {
            assertThat(context).hasSingleBean(CamelClusterService.class);
            KubernetesClusterService lease = context.getBean(KubernetesClusterService.class);
            assertThat(lease.getPodName()).isEqualTo("mangaassist-integration-7d9f8-x2k4q");
            assertThat(lease.getId()).isEqualTo("mangaassist-integration-7d9f8-x2k4q");
            assertThat(lease.getLeaseResourceType()).isEqualTo(LeaseResourceType.Lease);
            assertThat(lease.getKubernetesResourceName()).isEqualTo("mangaassist-leader");
            assertThat(lease.getClusterLabels()).containsExactly(entry("app", "mangaassist-integration"));
        });
    }

    @Test
    void theLeasePrefixComesFromTheEnvironment() {
        contextFor("aws", Map.of("HOSTNAME", "pod-1", "MANGAASSIST_CLUSTER_LEASE_PREFIX", "mangaassist-staging-leader"))
                .run(context -> assertThat(context.getBean(KubernetesClusterService.class).getKubernetesResourceName())
                        .isEqualTo("mangaassist-staging-leader"));
    }

    /** application.yaml (with its imports) as Spring Boot reads it for the profile, over the given environment */
    static ApplicationContextRunner contextFor(String profile, Map<String, Object> environment) {
        StandardEnvironment config = new StandardEnvironment();
        ConfigDataEnvironmentPostProcessor.applyTo(config, new DefaultResourceLoader(), null, profile);
        return new ApplicationContextRunner()
                .withInitializer(context -> {
                    MutablePropertySources sources = context.getEnvironment().getPropertySources();
                    // environment variables (mapped to properties as Spring Boot maps them) over the configuration files
                    sources.addFirst(new SystemEnvironmentPropertySource("environment", environment));
                    config.getPropertySources().stream()
                            .filter(source -> !sources.contains(source.getName()))
                            .forEach(sources::addLast);
                })
                .withConfiguration(AutoConfigurations.of(
                        FileLockClusterServiceAutoConfiguration.class, KubernetesClusterServiceAutoConfiguration.class));
    }
}
