package mangaassist.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import mangaassist.platform.TopologyProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.DefaultResourceLoader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * No Docker engine runs where the suite runs: this checks instead that docker-compose.yml, the two Dockerfiles, the
 * localstack profile (with the app container's environment) and the topology agree: service names, ports, variables.
 */
class ComposeStackTest {

    private static final Pattern EXPOSE = Pattern.compile("(?m)^EXPOSE\\s+(.+)$");
    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");

    private static Map<String, Map<String, Object>> services;
    private static Map<String, String> appEnv;
    private static StandardEnvironment localstack;
    private static StandardEnvironment embedded;
    private static String dockerfile;
    private static String emulatorsDockerfile;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws Exception {
        try (Reader in = Files.newBufferedReader(Path.of("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            services = (Map<String, Map<String, Object>>) compose.get("services");
        }
        appEnv = env("app");
        // the localstack profile as the app container reads it: the compose environment as its process environment
        localstack = new StandardEnvironment();
        localstack.getPropertySources().addFirst(new SystemEnvironmentPropertySource("compose", new HashMap<>(appEnv)));
        ConfigDataEnvironmentPostProcessor.applyTo(localstack, new DefaultResourceLoader(), null,
                Set.of(appEnv.get("SPRING_PROFILES_ACTIVE").split(",")));
        embedded = OpsConfig.environment("embedded");
        dockerfile = Files.readString(Path.of("Dockerfile"));
        emulatorsDockerfile = Files.readString(Path.of("Dockerfile.emulators"));
    }

    @Test
    void theStacksServices() {
        assertThat(services.keySet()).containsExactlyInAnyOrder("localstack", "redis", "opensearch", "emulators", "app");
        assertThat(appEnv).containsEntry("SPRING_PROFILES_ACTIVE", "localstack");
        assertThat((String) services.get("opensearch").get("image")).startsWith("opensearchproject/opensearch:2.19");
    }

    @Test
    void localStackRunsEveryServiceTheTopologyAndTheProfileUse() {
        Set<String> running = Set.of(env("localstack").get("SERVICES").split(","));
        TopologyProperties topology = OpsConfig.topology("localstack");
        Set<String> needed = new TreeSet<>();
        if (!topology.queues().isEmpty()) {
            needed.add("sqs");
        }
        if (!topology.tables().isEmpty()) {
            needed.add("dynamodb");
        }
        if (topology.tables().stream().anyMatch(t -> t.stream() != null)) {
            needed.add("dynamodbstreams");
        }
        if (!topology.eventBuses().isEmpty()) {
            needed.add("events");
        }
        if (!topology.buckets().isEmpty()) {
            needed.add("s3");
        }
        for (String service : List.of("sqs", "dynamodb", "eventbridge", "s3", "sns")) {
            if (hostOf("mangaassist.aws.endpoints." + service).equals("localstack")) {
                needed.add(service.equals("eventbridge") ? "events" : service);
            }
        }
        assertThat(needed).contains("sqs", "dynamodb", "dynamodbstreams", "events", "s3", "sns");
        assertThat(running).containsAll(needed);
        assertThat(localstack.getProperty("mangaassist.topology.provision", Boolean.class, true)).isTrue();
    }

    @Test
    void everyEndpointOfTheProfileIsAServiceOnItsPort() {
        for (String service : List.of("sqs", "dynamodb", "eventbridge", "s3", "sns")) {
            assertThat(url("mangaassist.aws.endpoints." + service)).as(service).isEqualTo(URI.create("http://localstack:" + containerPort("localstack")));
        }
        assertThat(localstack.getProperty("spring.data.redis.host")).isEqualTo("redis");
        assertThat(localstack.getProperty("spring.data.redis.port", Integer.class)).isEqualTo(containerPort("redis"));
        assertThat(url("mangaassist.opensearch.url")).isEqualTo(URI.create("http://opensearch:" + containerPort("opensearch")));
        // the emulators on the loopback the app shares with their container, on the ports they are started with
        assertThat(services.get("app").get("network_mode")).isEqualTo("service:emulators");
        Map<String, String> emulators = env("emulators");
        URI bedrock = url("mangaassist.aws.endpoints.bedrock");
        URI erp = url("mangaassist.inventory.erp.endpoint");
        assertThat(bedrock.getHost()).isEqualTo("127.0.0.1");
        assertThat(erp.getHost()).isEqualTo("127.0.0.1");
        assertThat(bedrock.getPort()).isEqualTo(Integer.parseInt(emulators.get("MANGAASSIST_STACK_BEDROCK_PORT")));
        assertThat(erp.getPort()).isEqualTo(Integer.parseInt(emulators.get("MANGAASSIST_STACK_ERP_PORT")));
        assertThat(URI.create(emulators.get("MANGAASSIST_EMULATORS_SQS_URL")).getHost()).isEqualTo("localstack");
    }

    @Test
    void theAppSetsOnlyVariablesItReads() throws Exception {
        Set<String> read = new TreeSet<>(Set.of("SPRING_PROFILES_ACTIVE", "JAVA_TOOL_OPTIONS"));
        Matcher m = ENV_PLACEHOLDER.matcher(Files.readString(Path.of("src/main/resources/application.yaml")));
        while (m.find()) {
            read.add(m.group(1));
        }
        assertThat(read).containsAll(appEnv.keySet());
    }

    @Test
    void theAppsPortsArePublishedAndExposed() {
        int http = localstack.getRequiredProperty("server.port", Integer.class);
        int websocket = localstack.getRequiredProperty("mangaassist.chat.websocket.port", Integer.class);
        assertThat(localstack.getProperty("mangaassist.chat.websocket.host")).isEqualTo("0.0.0.0");
        // network_mode: the emulators service publishes the app's ports
        assertThat(publishedContainerPorts("emulators")).containsExactlyInAnyOrder(http, websocket);
        assertThat(exposed(dockerfile)).containsExactlyInAnyOrder(http, websocket);
    }

    @Test
    void theAppImageIsLayeredNonRootWithTheG1RegionSize() {
        assertThat(dockerfile).contains("-Djarmode=tools").contains("extract --layers --launcher")
                .contains("/layers/dependencies/").contains("/layers/spring-boot-loader/")
                .contains("/layers/snapshot-dependencies/").contains("/layers/application/")
                .contains("org.springframework.boot.loader.launch.JarLauncher")
                .contains("-XX:G1HeapRegionSize=8m");
        assertNonRootUser(dockerfile);
    }

    @Test
    void theEmulatorsImageRunsTheStacksEmulatorsMode() throws Exception {
        assertThat(emulatorsDockerfile).contains("\"mangaassist.devstack.DevApplication\", \"--emulators-only\"");
        assertThat(Files.readString(Path.of("src/test/java/mangaassist/devstack/DevApplication.java")))
                .contains("EMULATORS_ONLY = \"--emulators-only\"");
        assertThat(exposed(emulatorsDockerfile)).containsExactlyInAnyOrder(
                embedded.getRequiredProperty("mangaassist.stack.bedrock-port", Integer.class),
                embedded.getRequiredProperty("mangaassist.stack.erp-port", Integer.class));
        assertThat(List.of(env("emulators").get("MANGAASSIST_STACK_BEDROCK_PORT"), env("emulators").get("MANGAASSIST_STACK_ERP_PORT")))
                .containsExactly(embedded.getProperty("mangaassist.stack.bedrock-port"), embedded.getProperty("mangaassist.stack.erp-port"));
        assertNonRootUser(emulatorsDockerfile);
        assertThat(((Map<?, ?>) services.get("emulators").get("build")).get("dockerfile")).isEqualTo("Dockerfile.emulators");
    }

    private static void assertNonRootUser(String file) {
        List<String> users = file.lines().filter(l -> l.startsWith("USER ")).toList();
        assertThat(users).hasSize(1);
        assertThat(users.get(0)).doesNotContain("root").doesNotMatch("USER 0(:.*)?");
        // after the last FROM: the image that runs
        assertThat(file.lastIndexOf("USER ")).isGreaterThan(file.lastIndexOf("FROM "));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> env(String service) {
        Map<String, String> env = new HashMap<>();
        ((Map<String, Object>) services.get(service).getOrDefault("environment", Map.of()))
                .forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }

    private static URI url(String property) {
        return URI.create(localstack.getRequiredProperty(property));
    }

    private static String hostOf(String property) {
        String value = localstack.getProperty(property);
        return value == null ? "" : URI.create(value).getHost();
    }

    /** The container port a service publishes (its single "host:hostPort:containerPort"). */
    private static int containerPort(String service) {
        List<Integer> ports = publishedContainerPorts(service);
        assertThat(ports).as(service).hasSize(1);
        return ports.get(0);
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> publishedContainerPorts(String service) {
        return ((List<String>) services.get(service).getOrDefault("ports", List.of())).stream()
                .peek(p -> assertThat(p).as("published on loopback only").startsWith("127.0.0.1:"))
                .map(p -> Integer.parseInt(p.substring(p.lastIndexOf(':') + 1))).toList();
    }

    private static Set<Integer> exposed(String file) {
        Set<Integer> ports = new TreeSet<>();
        Matcher m = EXPOSE.matcher(file);
        while (m.find()) {
            for (String port : m.group(1).trim().split("\\s+")) {
                ports.add(Integer.parseInt(port));
            }
        }
        return ports;
    }
}
