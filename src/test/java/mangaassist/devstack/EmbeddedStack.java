package mangaassist.devstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import mangaassist.devstack.bedrock.BedrockEmulator;
import mangaassist.devstack.erp.ErpSimulator;
import mangaassist.devstack.eventbridge.EventBridgeEmulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded backend stack: real engines in-process (ElasticMQ, DynamoDB Local, OpenSearch + k-NN) or as child
 * processes (redis-server, S3Proxy) and our emulators (Bedrock Runtime, EventBridge, the legacy SOAP ERP), on loopback. Development and test infrastructure only: it lives on the test classpath.
 *
 * <p>Tests share one instance per JVM on ephemeral ports ({@link #shared()}); the run command and
 * {@link DevApplication} (the run command, or the stack alone) starts it on the standard ports.
 */
public final class EmbeddedStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);
    private static EmbeddedStack shared;
    /** How long the stack waits at shutdown for the applications on it to stop (their graceful shutdown is bounded too). */
    private static final Duration USERS_WAIT = Duration.ofSeconds(60);

    private final BedrockBackend bedrock = new BedrockBackend();
    private final ElasticMqBackend sqs = new ElasticMqBackend();
    private final EventBridgeBackend eventBridge;
    private final OpenSearchBackend openSearch = new OpenSearchBackend();
    private final DynamoDbLocalBackend dynamoDb = new DynamoDbLocalBackend();
    private final ErpBackend erp;
    private final S3ProxyBackend s3 = new S3ProxyBackend();
    private final RedisBackend redis = new RedisBackend();
    private CatalogSeeder catalogSeeder;
    private final List<Backend> backends;
    private final Map<Backend, Integer> ports = new LinkedHashMap<>();
    private final List<Backend> started = new ArrayList<>();
    /** Applications running on this stack (true while running): it stops after them. */
    private final List<BooleanSupplier> users = new CopyOnWriteArrayList<>();
    /** The buckets S3Proxy held when {@link #stopS3()} stopped it. */
    private List<String> s3Buckets = List.of();

    private EmbeddedStack(boolean forTests) {
        // the ERP's stock changes go to the CDC queue on this stack's ElasticMQ, as DMS would send them
        erp = new ErpBackend(!forTests, () -> sqs.url(ports.get(sqs)));
        // EventBridge delivers to SQS targets on the ElasticMQ of this stack (its port is claimed before any starts)
        eventBridge = new EventBridgeBackend(() -> sqs.url(ports.get(sqs)));
        backends = List.of(redis, sqs, dynamoDb, openSearch, s3, bedrock, eventBridge, erp);
    }

    /** The port property of every backend (mangaassist.stack.*-port), e.g. to start a stack as its own process. */
    public static List<String> portProperties() {
        return new EmbeddedStack(false).backends.stream().map(Backend::portProperty).toList();
    }

    /** The stack of this test JVM, started on first use on ephemeral ports and stopped at JVM exit. */
    public static synchronized EmbeddedStack shared() {
        if (shared == null) {
            shared = start(port -> 0, true);
        }
        return shared;
    }

    /**
     * Starts every backend; {@code portFor} maps a port property (e.g. mangaassist.stack.sqs-port) to
     * the port wanted, 0 for an ephemeral one. On any failure what started is stopped again.
     */
    public static EmbeddedStack start(PortChoice portFor) {
        return start(portFor, false);
    }

    private static EmbeddedStack start(PortChoice portFor, boolean forTests) {
        EmbeddedStack stack = new EmbeddedStack(forTests);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "embedded-stack-shutdown"));
        try {
            stack.startAll(portFor);
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    private void startAll(PortChoice portFor) {
        long t0 = System.nanoTime();
        for (Backend backend : backends) {
            ports.put(backend, StackPorts.claim(portFor.port(backend.portProperty()), backend.name(),
                    backend.portProperty()));
        }
        // engines start in parallel: OpenSearch alone takes several seconds
        List<CompletableFuture<Void>> starting = backends.stream().map(backend -> CompletableFuture.runAsync(() -> {
            try {
                backend.start(ports.get(backend));
                synchronized (started) {
                    started.add(backend);
                }
            } catch (Exception e) {
                throw new CompletionException(backend.name() + " failed to start: " + e.getMessage(), e);
            }
        })).toList();
        try {
            CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
        LOG.info("Embedded stack started in {} ms", (System.nanoTime() - t0) / 1_000_000);
        // the ERP's full exports (catalog-sync) land in the stack's S3, as DMS's full load writes them
        erp.simulator().exportTo(() -> s3.client(ports.get(s3)));
        catalogSeeder = new CatalogSeeder(openSearch.url(ports.get(openSearch)), dynamoDb.url(ports.get(dynamoDb)),
                erp.simulator().catalog()).start();
    }

    /**
     * Completes when the OpenSearch catalog holds the ERP simulator's catalog: written to manga-products once the
     * application has created it, and indexed by the application's catalog-cdc flow (see {@link CatalogSeeder}).
     */
    public CompletableFuture<Integer> catalogSeeded() {
        return catalogSeeder.seeded();
    }

    /** The Bedrock emulator, for tests that switch latency and faults. */
    public BedrockEmulator bedrock() {
        return bedrock.emulator();
    }

    /** The EventBridge emulator, for tests that inject per-entry failures and read its counters. */
    public EventBridgeEmulator eventBridge() {
        return eventBridge.emulator();
    }

    /** The ERP simulator, for tests that switch latency, limits and faults. */
    public ErpSimulator erp() {
        return erp.simulator();
    }

    /** Stops redis-server, as an outage would (reliability tests); {@link #startRedis()} brings it back. */
    public synchronized void stopRedis() {
        redis.close();
    }

    /** Starts redis-server again on its port, empty (as a restarted cache comes back). */
    public synchronized void startRedis() throws Exception {
        redis.start(ports.get(redis));
    }

    /** Stops the OpenSearch node, as an outage would (reliability tests); {@link #startOpenSearch()} brings it back. */
    public synchronized void stopOpenSearch() throws Exception {
        openSearch.stop();
    }

    /** Starts the OpenSearch node again on its port, with the indices it had. */
    public synchronized void startOpenSearch() throws Exception {
        openSearch.start(ports.get(openSearch));
    }

    /**
     * Stops S3Proxy, as an S3 outage would (reliability tests); {@link #startS3()} brings it back. Its store is in memory:
     * the buckets are noted here and created again by {@link #startS3()}, their objects are lost.
     */
    public synchronized void stopS3() {
        try (var client = s3.client(ports.get(s3))) {
            s3Buckets = client.listBuckets().buckets().stream().map(software.amazon.awssdk.services.s3.model.Bucket::name)
                    .toList();
        }
        s3.close();
    }

    /** Starts S3Proxy again on its port, with the buckets it had when {@link #stopS3()} stopped it (empty). */
    public synchronized void startS3() throws Exception {
        s3.start(ports.get(s3));
        try (var client = s3.client(ports.get(s3))) {
            s3Buckets.forEach(bucket -> client.createBucket(b -> b.bucket(bucket)));
        }
    }

    /** The port properties of the running stack, to hand to the application's environment. */
    public Map<String, Object> properties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        ports.forEach((backend, port) -> properties.put(backend.portProperty(), port));
        return properties;
    }

    /** The endpoints, as a table for the console. */
    public String endpointTable() {
        StringBuilder table = new StringBuilder("\n  Embedded stack endpoints\n");
        ports.forEach((backend, port) -> table.append(String.format("  %-28s %-30s (%s)%n",
                backend.name(), backend.url(port), backend.portProperty())));
        return table.toString();
    }

    /**
     * Has the stack stop only once {@code running} is false (bounded: {@link #USERS_WAIT}). At JVM exit the stack's
     * shutdown hook and Spring's run in parallel: stopping redis-server under a running application made Lettuce
     * reconnect into its own shut-down event loops (a screenful of ERRORs at the end of every test run).
     */
    public void stopsAfter(BooleanSupplier running) {
        users.add(running);
    }

    @Override
    public void close() {
        awaitUsers();
        List<Backend> toStop;
        synchronized (started) {
            toStop = new ArrayList<>(started);
            started.clear();
        }
        Collections.reverse(toStop);
        for (Backend backend : toStop) {
            try {
                backend.close();
            } catch (RuntimeException e) {
                LOG.warn("{} did not stop cleanly: {}", backend.name(), e.getMessage());
            }
        }
    }

    private void awaitUsers() {
        long deadline = System.nanoTime() + USERS_WAIT.toNanos();
        try {
            while (users.stream().anyMatch(BooleanSupplier::getAsBoolean)) {
                if (System.nanoTime() - deadline >= 0) {
                    LOG.warn("Stopping the embedded stack under a running application (still running after {} s)",
                            USERS_WAIT.toSeconds());
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(20);   // a shutdown hook: no event to wait on that Spring's hook would send
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Which port a backend gets, by its port property; 0 means ephemeral. */
    @FunctionalInterface
    public interface PortChoice {
        int port(String property);
    }
}
