package mangaassist.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.Config;
import mangaassist.platform.security.ApiSecurityProperties;
import mangaassist.platform.security.ProtectedPaths;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * No cluster runs where the suite runs: this checks instead that ops/kubernetes/mangaassist.yaml deploys the
 * application as its aws profile (read with the Deployment's environment) and its Dockerfile expect: ports, probes,
 * environment, Secrets, the Lease RBAC, the shutdown's time and the user. Each check is also run once on a drifted
 * copy (eachCheckFindsItsDrift), so a check that cannot fail does not pass unnoticed.
 */
class KubernetesManifestTest {

    private static final Path MANIFEST = OpsConfig.OPS.resolve("kubernetes/mangaassist.yaml");
    private static final Pattern USER = Pattern.compile("(?m)^USER\\s+(\\d+)(?::(\\d+))?\\s*$");
    private static final Pattern EXPOSE = Pattern.compile("(?m)^EXPOSE\\s+(.+)$");
    private static final Pattern READ = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
    private static final Pattern REQUIRED = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)}");
    /** Kubernetes sets it, to the pod's name (the Lease's member id): no Deployment entry */
    private static final Set<String> SET_BY_KUBERNETES = Set.of("HOSTNAME");
    /** read by the libraries, not through application.yaml: Spring Boot, the JVM, the Kubernetes client (fabric8) */
    private static final Set<String> READ_BY_LIBRARIES = Set.of("SPRING_PROFILES_ACTIVE", "JAVA_TOOL_OPTIONS",
            Config.KUBERNETES_NAMESPACE_SYSTEM_PROPERTY.toUpperCase().replace('.', '_'));
    private static final Pattern SECRET_NAME = Pattern.compile(".*(TOKEN|SECRET|PASSWORD|API_KEY|CREDENTIALS).*");
    /** the JVM's exit after Camel has stopped */
    private static final int SHUTDOWN_MARGIN_SECONDS = 5;
    /** Spring's default wait for each lifecycle phase (Tomcat's graceful stop) */
    private static final Duration SPRING_DEFAULT_PHASE_TIMEOUT = Duration.ofSeconds(30);
    /** Camel's own default when camel.main.shutdown-timeout is not set */
    private static final int CAMEL_DEFAULT_SHUTDOWN_TIMEOUT = 45;

    private static Subject subject;

    /** The manifest, the configuration the Deployment's pods read, and the image's Dockerfile. */
    record Subject(List<ObjectNode> manifest, ConfigurableEnvironment config, String dockerfile) {

        Subject withManifest(Consumer<Subject> change) {
            Subject copy = new Subject(manifest.stream().map(ObjectNode::deepCopy).toList(), config, dockerfile);
            change.accept(copy);
            return copy;
        }

        /** the same configuration with these properties over it, as one more configuration file */
        Subject withConfig(Map<String, Object> properties) {
            StandardEnvironment changed = new StandardEnvironment();
            changed.getPropertySources().forEach(s -> changed.getPropertySources().remove(s.getName()));
            config.getPropertySources().forEach(changed.getPropertySources()::addLast);
            changed.getPropertySources().addFirst(new OriginTrackedMapPropertySource("drift", properties));
            return new Subject(manifest, changed, dockerfile);
        }

        ObjectNode one(String kind) {
            List<ObjectNode> found = manifest.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
            assertThat(found).as("one %s", kind).hasSize(1);
            return found.get(0);
        }

        ObjectNode deployment() {
            return one("Deployment");
        }

        JsonNode pod() {
            return deployment().path("spec").path("template").path("spec");
        }

        Map<String, String> podLabels() {
            return strings(deployment().path("spec").path("template").path("metadata").path("labels"));
        }

        /** the container that runs the application's image */
        ObjectNode app() {
            List<ObjectNode> apps = new ArrayList<>();
            pod().path("containers").forEach(c -> {
                if (c.path("image").asText().contains("/mangaassist-integration:")) {
                    apps.add((ObjectNode) c);
                }
            });
            assertThat(apps).as("the application's container").hasSize(1);
            return apps.get(0);
        }

        Map<String, Integer> containerPorts() {
            Map<String, Integer> ports = new LinkedHashMap<>();
            app().path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
            return ports;
        }

        Map<String, ObjectNode> env() {
            Map<String, ObjectNode> env = new LinkedHashMap<>();
            app().path("env").forEach(e -> env.put(e.path("name").asText(), (ObjectNode) e));
            return env;
        }

        ObjectNode env(String name) {
            ObjectNode entry = env().get(name);
            assertThat(entry).as("env %s", name).isNotNull();
            return entry;
        }

        /** every property of the configuration files, with its raw value in the file that wins (placeholders kept) */
        Map<String, String> rawConfig() {
            Map<String, String> raw = new LinkedHashMap<>();
            for (PropertySource<?> source : config.getPropertySources()) {
                if (source instanceof OriginTrackedMapPropertySource files) {
                    for (String name : files.getPropertyNames()) {
                        raw.putIfAbsent(name, String.valueOf(files.getProperty(name)));
                    }
                }
            }
            return raw;
        }

        Set<String> variables(Pattern pattern) {
            Set<String> names = new TreeSet<>();
            rawConfig().values().forEach(v -> names.addAll(matches(pattern, v)));
            return names;
        }

        int property(String name, int otherwise) {
            return config.getProperty(name, Integer.class, otherwise);
        }
    }

    @BeforeAll
    static void read() throws Exception {
        List<ObjectNode> manifest;
        try (var documents = new ObjectMapper(new YAMLFactory()).readerFor(ObjectNode.class).<ObjectNode>readValues(MANIFEST.toFile())) {
            manifest = documents.readAll();
        }
        Subject raw = new Subject(manifest, new StandardEnvironment(), Files.readString(Path.of("Dockerfile")));
        // the profile as the pod reads it: the Deployment's environment as its process environment (a Secret's or the
        // downward API's value stands as where it comes from)
        Map<String, Object> podEnv = new HashMap<>();
        raw.env().forEach((name, e) -> podEnv.put(name, e.has("value") ? e.get("value").asText() : "<" + e.get("valueFrom") + ">"));
        podEnv.put("HOSTNAME", "mangaassist-integration-7d9f8-x2k4q");
        StandardEnvironment aws = new StandardEnvironment();
        aws.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        aws.getPropertySources().addFirst(new SystemEnvironmentPropertySource("pod", podEnv));
        ConfigDataEnvironmentPostProcessor.applyTo(aws, new DefaultResourceLoader(), null,
                Set.of(String.valueOf(podEnv.get("SPRING_PROFILES_ACTIVE")).split(",")));
        subject = new Subject(manifest, aws, raw.dockerfile());
    }

    @Test
    void theManifestsObjects() {
        assertThat(subject.manifest()).extracting(d -> d.path("kind").asText()).containsExactlyInAnyOrder(
                "ServiceAccount", "Role", "RoleBinding", "Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler");
        assertThat(subject.env("SPRING_PROFILES_ACTIVE").path("value").asText()).isEqualTo("aws");
        assertThat(subject.config().getActiveProfiles()).contains("aws", "json-logs");
    }

    @Test
    void containerPortsAreTheAppsPorts() {
        containerPorts(subject);
    }

    @Test
    void theServiceTargetsTheContainersPortsAndPods() {
        service(subject);
    }

    @Test
    void everySelectorFindsTheDeploymentsPods() {
        selectors(subject);
    }

    @Test
    void probesAskTheHealthGroupsTheAppExposes() {
        probes(subject);
    }

    @Test
    void theDeploymentSetsEveryVariableTheProfileNeedsAndNoOther() {
        environment(subject);
    }

    @Test
    void theErpsEndpointAndTokenComeFromASecret() {
        secrets(subject);
    }

    @Test
    void theServiceAccountMayHoldTheLease() {
        leaseRbac(subject);
    }

    @Test
    void thePodHasTimeToStop() {
        shutdown(subject);
    }

    @Test
    void thePodRunsAsTheImagesUser() {
        user(subject);
    }

    record Drift(String name, UnaryOperator<Subject> change, Consumer<Subject> check, String finding) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Drift> drifts() {
        return Stream.of(
                new Drift("container port", s -> s.withManifest(m -> port(m, "websocket").put("containerPort", 8082)),
                        KubernetesManifestTest::containerPorts, "container ports"),
                new Drift("server.port", s -> s.withConfig(Map.of("server.port", 9090)),
                        KubernetesManifestTest::containerPorts, "container ports"),
                new Drift("WebSocket on loopback", s -> s.withConfig(Map.of("mangaassist.chat.websocket.host", "127.0.0.1")),
                        KubernetesManifestTest::containerPorts, "WebSocket host"),
                new Drift("target port", s -> s.withManifest(m -> ((ObjectNode) m.one("Service").path("spec").path("ports").get(1))
                        .put("targetPort", "ws")), KubernetesManifestTest::service, "targetPort ws"),
                new Drift("Service selector", s -> s.withManifest(m -> ((ObjectNode) m.one("Service").path("spec").path("selector"))
                        .put("app", "mangaassist")), KubernetesManifestTest::service, "Service selector"),
                new Drift("PDB selector", s -> s.withManifest(m -> ((ObjectNode) m.one("PodDisruptionBudget").path("spec")
                        .path("selector").path("matchLabels")).put("app", "mangaassist")),
                        KubernetesManifestTest::selectors, "PodDisruptionBudget selector"),
                new Drift("HPA target", s -> s.withManifest(m -> ((ObjectNode) m.one("HorizontalPodAutoscaler").path("spec")
                        .path("scaleTargetRef")).put("name", "mangaassist")), KubernetesManifestTest::selectors, "HPA target"),
                new Drift("cluster labels", s -> s.withConfig(Map.of("camel.cluster.kubernetes.cluster-labels.tier", "backend")),
                        KubernetesManifestTest::selectors, "cluster-labels"),
                new Drift("HPA floor at the PDB", s -> s.withManifest(m -> ((ObjectNode) m.one("HorizontalPodAutoscaler").path("spec"))
                        .put("minReplicas", 1)), KubernetesManifestTest::selectors, "minReplicas"),
                new Drift("no CPU request", s -> s.withManifest(m -> ((ObjectNode) m.app().path("resources").path("requests")).remove("cpu")),
                        KubernetesManifestTest::selectors, "cpu request"),
                new Drift("probe path", s -> s.withManifest(m -> ((ObjectNode) m.app().path("readinessProbe").path("httpGet"))
                        .put("path", "/actuator/health/ready")), KubernetesManifestTest::probes, "readinessProbe"),
                new Drift("readiness on liveness", s -> s.withManifest(m -> ((ObjectNode) m.app().path("readinessProbe").path("httpGet"))
                        .put("path", "/actuator/health/liveness")), KubernetesManifestTest::probes, "readinessProbe"),
                new Drift("probe port", s -> s.withManifest(m -> ((ObjectNode) m.app().path("livenessProbe").path("httpGet"))
                        .put("port", "websocket")), KubernetesManifestTest::probes, "livenessProbe port"),
                new Drift("probes off", s -> s.withConfig(Map.of("management.endpoint.health.probes.enabled", false)),
                        KubernetesManifestTest::probes, "probes enabled"),
                new Drift("health not exposed", s -> s.withConfig(Map.of("management.endpoints.web.exposure.include", "prometheus")),
                        KubernetesManifestTest::probes, "exposure"),
                new Drift("probes need a key", s -> s.withConfig(Map.of("mangaassist.security.public-paths", "/actuator/prometheus")),
                        KubernetesManifestTest::probes, "without a key"),
                new Drift("required variable unset", s -> s.withManifest(m -> removeEnv(m, "REDIS_HOST")),
                        KubernetesManifestTest::environment, "REDIS_HOST"),
                new Drift("new required variable", s -> s.withConfig(Map.of("mangaassist.chat.model", "${MANGAASSIST_CHAT_MODEL}")),
                        KubernetesManifestTest::environment, "MANGAASSIST_CHAT_MODEL"),
                new Drift("dead variable", s -> s.withManifest(m -> ((ArrayNode) m.app().path("env")).addObject()
                        .put("name", "MANGAASSIST_OPENSEARCH_ENDPOINT").put("value", "https://x")),
                        KubernetesManifestTest::environment, "MANGAASSIST_OPENSEARCH_ENDPOINT"),
                new Drift("token literal", s -> s.withManifest(m -> m.env("MANGAASSIST_INVENTORY_ERP_AUTH_TOKEN").put("value", "t0ken")
                        .remove("valueFrom")), KubernetesManifestTest::secrets, "MANGAASSIST_INVENTORY_ERP_AUTH_TOKEN"),
                new Drift("endpoint literal", s -> s.withManifest(m -> m.env("MANGAASSIST_INVENTORY_ERP_ENDPOINT").put("value", "https://erp")
                        .remove("valueFrom")), KubernetesManifestTest::secrets, "MANGAASSIST_INVENTORY_ERP_ENDPOINT"),
                new Drift("no lease update", s -> s.withManifest(m -> verbs(m, 0).remove(2)),
                        KubernetesManifestTest::leaseRbac, "update coordination.k8s.io/leases"),
                new Drift("no pod list", s -> s.withManifest(m -> verbs(m, 1).removeAll()),
                        KubernetesManifestTest::leaseRbac, "list /pods"),
                new Drift("ConfigMap leases", s -> s.withConfig(Map.of("camel.cluster.kubernetes.lease-resource-type", "ConfigMap")),
                        KubernetesManifestTest::leaseRbac, "/configmaps"),
                new Drift("binding subject", s -> s.withManifest(m -> ((ObjectNode) m.one("RoleBinding").path("subjects").get(0))
                        .put("name", "default")), KubernetesManifestTest::leaseRbac, "bound"),
                new Drift("no token mounted", s -> s.withManifest(m -> ((ObjectNode) m.pod()).put("automountServiceAccountToken", false)),
                        KubernetesManifestTest::leaseRbac, "token"),
                new Drift("grace period", s -> s.withManifest(m -> ((ObjectNode) m.pod()).put("terminationGracePeriodSeconds", 30)),
                        KubernetesManifestTest::shutdown, "terminationGracePeriodSeconds"),
                new Drift("Camel's timeout", s -> s.withConfig(Map.of("camel.main.shutdown-timeout", 40)),
                        KubernetesManifestTest::shutdown, "terminationGracePeriodSeconds"),
                new Drift("Tomcat's graceful stop", s -> s.withConfig(Map.of("spring.lifecycle.timeout-per-shutdown-phase", "60s")),
                        KubernetesManifestTest::shutdown, "terminationGracePeriodSeconds"),
                new Drift("no preStop sleep", s -> s.withManifest(m -> m.app().remove("lifecycle")),
                        KubernetesManifestTest::shutdown, "preStop"),
                new Drift("uid", s -> s.withManifest(m -> ((ObjectNode) m.pod().path("securityContext")).put("runAsUser", 1000)),
                        KubernetesManifestTest::user, "runAsUser"),
                new Drift("root allowed", s -> s.withManifest(m -> ((ObjectNode) m.pod().path("securityContext")).put("runAsNonRoot", false)),
                        KubernetesManifestTest::user, "runAsNonRoot"),
                new Drift("container uid", s -> s.withManifest(m -> m.app().putObject("securityContext").put("runAsUser", 0)),
                        KubernetesManifestTest::user, "runAsUser"),
                new Drift("hostname", s -> s.withManifest(m -> ((ObjectNode) m.pod()).put("hostname", "mangaassist")),
                        KubernetesManifestTest::user, "hostname"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drifts")
    void eachCheckFindsItsDrift(Drift drift) {
        Subject drifted = drift.change().apply(subject);
        assertThatThrownBy(() -> drift.check().accept(drifted)).isInstanceOf(AssertionError.class).hasMessageContaining(drift.finding());
    }

    // ------------------------------------------------------------------ the checks

    /** the aws profile's HTTP port and the chat WebSocket's, in the container and in the image */
    static void containerPorts(Subject s) {
        int http = s.config().getRequiredProperty("server.port", Integer.class);
        int websocket = s.config().getRequiredProperty("mangaassist.chat.websocket.port", Integer.class);
        assertThat(s.containerPorts().values()).as("container ports").containsExactlyInAnyOrder(http, websocket);
        // vertx-websocket's own server: on the loopback the Service could not reach it
        assertThat(s.config().getProperty("mangaassist.chat.websocket.host")).as("WebSocket host").isEqualTo("0.0.0.0");
        assertThat(exposed(s.dockerfile())).as("EXPOSE of the Dockerfile").containsExactlyInAnyOrder(http, websocket);
    }

    static void service(Subject s) {
        JsonNode spec = s.one("Service").path("spec");
        for (JsonNode port : spec.path("ports")) {
            JsonNode target = port.path("targetPort");
            Map<String, Integer> ports = s.containerPorts();
            assertThat(target.isTextual() ? ports.containsKey(target.asText()) : ports.containsValue(target.asInt()))
                    .as("targetPort %s names a container port %s", target.asText(), s.containerPorts()).isTrue();
        }
        assertSelects("Service selector", strings(spec.path("selector")), s.podLabels());
    }

    static void selectors(Subject s) {
        ObjectNode deployment = s.deployment();
        assertSelects("Deployment selector", strings(deployment.path("spec").path("selector").path("matchLabels")), s.podLabels());
        JsonNode pdb = s.one("PodDisruptionBudget").path("spec");
        assertSelects("PodDisruptionBudget selector", strings(pdb.path("selector").path("matchLabels")), s.podLabels());
        JsonNode hpa = s.one("HorizontalPodAutoscaler").path("spec");
        assertThat(List.of(hpa.path("scaleTargetRef").path("apiVersion").asText(), hpa.path("scaleTargetRef").path("kind").asText(),
                hpa.path("scaleTargetRef").path("name").asText())).as("HPA target")
                .containsExactly("apps/v1", "Deployment", deployment.path("metadata").path("name").asText());
        // only the pods with these labels may lead (camel.cluster.kubernetes.cluster-labels)
        Map<String, String> clusterLabels = Binder.get(s.config())
                .bind("camel.cluster.kubernetes.cluster-labels", Bindable.mapOf(String.class, String.class))
                .orElse(Map.of());
        assertThat(clusterLabels).as("cluster-labels").isNotEmpty();
        assertSelects("cluster-labels", clusterLabels, s.podLabels());
        // at its floor the HPA still leaves a pod to evict, or a node drain waits forever
        assertThat(hpa.path("minReplicas").asInt(1)).as("HPA minReplicas above the PDB's minAvailable")
                .isGreaterThan(pdb.path("minAvailable").asInt());
        // a Utilization target is a share of the container's request: without one the HPA cannot compute it
        for (JsonNode metric : hpa.path("metrics")) {
            if (metric.path("resource").path("target").path("type").asText().equals("Utilization")) {
                String resource = metric.path("resource").path("name").asText();
                assertThat(s.app().path("resources").path("requests").has(resource)).as("%s request for the HPA", resource).isTrue();
            }
        }
    }

    /** each probe asks, on the management port, the health group that answers for its state, without a key */
    static void probes(Subject s) {
        var config = s.config();
        assertThat(config.getProperty("management.endpoints.web.exposure.include", "").split(",")).as("exposure")
                .containsAnyOf("health", "*");
        assertThat(config.getProperty("management.endpoints.web.exposure.exclude", "").split(",")).as("exposure")
                .doesNotContain("health", "*");
        // the state indicators readinessState and livenessState exist only with the probes enabled
        assertThat(config.getProperty("management.endpoint.health.probes.enabled", Boolean.class, false)).as("probes enabled").isTrue();
        String managementPort = config.getProperty("management.server.port");
        int port = managementPort == null ? config.getRequiredProperty("server.port", Integer.class) : Integer.parseInt(managementPort);
        String health = config.getProperty(managementPort == null ? "server.servlet.context-path" : "management.server.base-path", "")
                + config.getProperty("management.endpoints.web.base-path", "/actuator") + "/health/";
        var security = Binder.get(config).bind("mangaassist.security", ApiSecurityProperties.class).get();
        var paths = new ProtectedPaths(security.publicPaths(), security.scopes(), security.publicScopes());
        Map<String, String> stateOfProbe = Map.of("readinessProbe", "readinessState", "livenessProbe", "livenessState",
                "startupProbe", "livenessState");
        stateOfProbe.forEach((probe, state) -> {
            JsonNode get = s.app().path(probe).path("httpGet");
            String path = get.path("path").asText();
            assertThat(path).as("%s path %s", probe, path).startsWith(health);
            assertThat(healthGroup(config, path.substring(health.length()))).as("%s %s: a health group with %s", probe, path, state)
                    .contains(state);
            assertThat(s.containerPorts().get(get.path("port").asText())).as("%s port: the management port", probe).isEqualTo(port);
            assertThat(paths.requiredScope(path)).as("%s %s asked without a key", probe, path).isEmpty();
        });
    }

    /** what the health group answers with ([] when there is no such group) */
    private static List<String> healthGroup(ConfigurableEnvironment config, String group) {
        String include = config.getProperty("management.endpoint.health.group." + group + ".include", "");
        if (!include.isBlank()) {
            return List.of(include.split("\\s*,\\s*"));
        }
        // Spring Boot's own probe groups, when not configured
        return switch (group) {
            case "readiness" -> List.of("readinessState");
            case "liveness" -> List.of("livenessState");
            default -> List.of();
        };
    }

    static void environment(Subject s) {
        Set<String> set = s.env().keySet();
        Set<String> required = new TreeSet<>(s.variables(REQUIRED));
        required.removeAll(SET_BY_KUBERNETES);
        assertThat(set).as("variables the profile reads without a default").containsAll(required);

        Set<String> read = new TreeSet<>(s.variables(READ));
        read.addAll(READ_BY_LIBRARIES);
        // MANGAASSIST_CLUSTER_LEASE_PREFIX and the like: Spring Boot binds a variable to the property of its name
        for (String property : s.rawConfig().keySet()) {
            String upper = property.toUpperCase().replace('.', '_');
            read.add(upper.replace('-', '_'));
            read.add(upper.replace("-", ""));
        }
        Set<String> dead = new TreeSet<>(set);
        dead.removeAll(read);
        assertThat(dead).as("variables the Deployment sets and nothing reads").isEmpty();
    }

    /** the ERP's endpoint and token, and anything named like a secret, from a Secret, never a literal */
    static void secrets(Subject s) {
        Set<String> secret = new TreeSet<>();
        for (String property : List.of("mangaassist.inventory.erp.endpoint", "mangaassist.inventory.erp.auth-token")) {
            Set<String> variables = matches(REQUIRED, s.rawConfig().getOrDefault(property, ""));
            assertThat(variables).as("%s from the environment without a default", property).hasSize(1);
            secret.addAll(variables);
        }
        s.env().keySet().stream().filter(name -> SECRET_NAME.matcher(name).matches()).forEach(secret::add);
        for (String name : secret) {
            ObjectNode entry = s.env(name);
            assertThat(entry.has("value")).as("%s is a literal", name).isFalse();
            assertThat(entry.path("valueFrom").path("secretKeyRef").path("name").asText()).as("%s from a Secret", name).isNotEmpty();
        }
    }

    /** what Camel's Kubernetes cluster service calls (KubernetesLeadershipController, its lease resource manager) */
    static void leaseRbac(Subject s) {
        String type = s.config().getProperty("camel.cluster.kubernetes.lease-resource-type", "Lease");
        String lease = type.equals("ConfigMap") ? "/configmaps" : "coordination.k8s.io/leases";
        JsonNode rules = s.one("Role").path("rules");
        for (String verb : List.of("get", "create", "update")) {
            assertThat(grants(rules, verb, lease)).as("the Role grants %s %s", verb, lease).isTrue();
        }
        // the candidates: the pods with the cluster labels
        assertThat(grants(rules, "list", "/pods")).as("the Role grants list /pods").isTrue();

        String account = s.pod().path("serviceAccountName").asText();
        assertThat(s.one("ServiceAccount").path("metadata").path("name").asText()).as("the Deployment's ServiceAccount").isEqualTo(account);
        JsonNode binding = s.one("RoleBinding");
        assertThat(List.of(binding.path("roleRef").path("kind").asText(), binding.path("roleRef").path("name").asText()))
                .as("the RoleBinding's role").containsExactly("Role", s.one("Role").path("metadata").path("name").asText());
        List<String> subjects = new ArrayList<>();
        binding.path("subjects").forEach(sub -> subjects.add(sub.path("kind").asText() + "/" + sub.path("name").asText()));
        assertThat(subjects).as("the Role is bound to the Deployment's ServiceAccount").contains("ServiceAccount/" + account);
        // the in-cluster client authenticates with the mounted token
        assertThat(s.pod().path("automountServiceAccountToken").asBoolean(true)).as("service account token mounted").isTrue();
        assertThat(s.one("ServiceAccount").path("automountServiceAccountToken").asBoolean(true))
                .as("service account token mounted").isTrue();
    }

    private static boolean grants(JsonNode rules, String verb, String groupAndResource) {
        String group = groupAndResource.substring(0, groupAndResource.indexOf('/'));
        String resource = groupAndResource.substring(groupAndResource.indexOf('/') + 1);
        for (JsonNode rule : rules) {
            if (containsOrAll(rule.path("apiGroups"), group) && containsOrAll(rule.path("resources"), resource)
                    && containsOrAll(rule.path("verbs"), verb) && !rule.has("resourceNames")) {
                return true;
            }
        }
        return false;
    }

    /**
     * SIGTERM after the preStop sleep; then the chat drain (ChatWorkQueue, up to the chat's time budget), Tomcat's
     * graceful stop and Camel's (its shutdown timeout): the kubelet must not kill the pod first.
     */
    static void shutdown(Subject s) {
        JsonNode sleep = s.app().path("lifecycle").path("preStop").path("sleep").path("seconds");
        // readiness drops and the HTTP port closes at once on SIGTERM: the endpoints must drop the pod first
        assertThat(sleep.asInt()).as("preStop sleep").isPositive();
        Duration budget = Binder.get(s.config()).bind("mangaassist.chat.time-budget", Duration.class).orElse(Duration.ZERO);
        int chatDrain = (int) Math.ceil(budget.toMillis() / 1000.0);
        int camel = s.property("camel.main.shutdown-timeout", CAMEL_DEFAULT_SHUTDOWN_TIMEOUT);
        // Tomcat's graceful stop waits for requests in flight up to the phase timeout (a REST request may be held
        // to its async timeout), before the context closes and Camel stops
        int tomcat = (int) Binder.get(s.config()).bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
                .orElse(SPRING_DEFAULT_PHASE_TIMEOUT).toSeconds();
        assertThat(s.pod().path("terminationGracePeriodSeconds").asInt(30))
                .as("terminationGracePeriodSeconds ≥ preStop %d + chat drain %d + Tomcat %d + Camel %d + %d",
                        sleep.asInt(), chatDrain, tomcat, camel, SHUTDOWN_MARGIN_SECONDS)
                .isGreaterThanOrEqualTo(sleep.asInt() + chatDrain + tomcat + camel + SHUTDOWN_MARGIN_SECONDS);
    }

    static void user(Subject s) {
        Matcher user = USER.matcher(s.dockerfile());
        assertThat(user.find()).as("numeric USER in the Dockerfile").isTrue();
        JsonNode pod = s.pod().path("securityContext");
        JsonNode container = s.app().path("securityContext");
        assertThat(container.path("runAsNonRoot").asBoolean(pod.path("runAsNonRoot").asBoolean(false))).as("runAsNonRoot").isTrue();
        assertThat(container.path("runAsUser").asText(pod.path("runAsUser").asText())).as("runAsUser").isEqualTo(user.group(1));
        if (user.group(2) != null) {
            assertThat(container.path("runAsGroup").asText(pod.path("runAsGroup").asText(user.group(2))))
                    .as("runAsGroup").isEqualTo(user.group(2));
        }
        // HOSTNAME is the pod's name, the Lease's member id and pod-name, only while no hostname replaces it
        assertThat(s.pod().has("hostname")).as("pod hostname set").isFalse();
    }

    // ------------------------------------------------------------------ helpers

    private static void assertSelects(String what, Map<String, String> selector, Map<String, String> labels) {
        assertThat(selector).as(what).isNotEmpty();
        assertThat(labels).as("%s %s matches the pod's labels", what, selector).containsAllEntriesOf(selector);
    }

    private static boolean containsOrAll(JsonNode list, String value) {
        for (JsonNode item : list) {
            if (item.asText().equals(value) || item.asText().equals("*")) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static Set<String> matches(Pattern pattern, String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static Set<Integer> exposed(String dockerfile) {
        Set<Integer> ports = new TreeSet<>();
        Matcher m = EXPOSE.matcher(dockerfile);
        while (m.find()) {
            for (String port : m.group(1).trim().split("\\s+")) {
                ports.add(Integer.parseInt(port));
            }
        }
        return ports;
    }

    private static ObjectNode port(Subject s, String name) {
        for (JsonNode p : s.app().path("ports")) {
            if (p.path("name").asText().equals(name)) {
                return (ObjectNode) p;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static void removeEnv(Subject s, String name) {
        ArrayNode env = (ArrayNode) s.app().path("env");
        for (int i = 0; i < env.size(); i++) {
            if (env.get(i).path("name").asText().equals(name)) {
                env.remove(i);
                return;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static ArrayNode verbs(Subject s, int rule) {
        return (ArrayNode) s.one("Role").path("rules").get(rule).path("verbs");
    }
}
