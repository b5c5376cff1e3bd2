package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import mangaassist.MangaAssistApplication;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.EmbeddedStackInitializer;
import mangaassist.devstack.erp.ErpCatalog;
import mangaassist.devstack.erp.ErpSimulator;
import mangaassist.devstack.erp.ErpSimulatorStats;
import mangaassist.devstack.erp.LatencyModel;
import mangaassist.inventory.erp.ErpCxfClientFactory;
import mangaassist.inventory.erp.ErpRateLimiter;
import mangaassist.support.BenchmarkMachine;
import mangaassist.support.BenchmarkOutput;
import mangaassist.support.CpuMeter;
import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.cxf.interceptor.MessageSenderInterceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.TestPropertySource;

/**
 * Inventory benchmark (not a test of timings: it never fails on a figure). Many concurrent
 * {@code GET /api/inventory/{isbn}} against the ERP simulator at its realistic latency (log-normal, p50 300 ms,
 * p99 800 ms) and its 50 requests/s limit, in three measured phases:
 * <ol>
 *   <li>{@code distinct}: every lookup a different, never looked up ISBN (coalescing on);</li>
 *   <li>{@code skewed}: 80 % of the lookups go to 20 hot ISBNs, the rest to distinct cold ones;</li>
 *   <li>{@code baseline}: like distinct, coalescing off (one GetStockLevel per lookup, the seed's way), bounded.</li>
 * </ol>
 * A warm-up (not measured) precedes the first phase and the baseline. Every phase uses ISBNs of its own: most are
 * valid ISBN-13s unknown to the ERP (404, never cached, yet each costs the ERP an ISBN), some are catalog ISBNs,
 * checked absent from the Redis cache before the phase. Simulator statistics, the circuit breaker and Camel's
 * route statistics are reset between phases.
 *
 * <p>Run: {@code ./mvnw test -Pbenchmark -Dtest=InventoryBenchmark [-Dbench.inventory.concurrency=1000
 * -Dbench.inventory.distinct=8000 -Dbench.inventory.skewed=4000 -Dbench.inventory.baseline=300
 * -Dbench.inventory.warmup=8000 -Dbench.inventory.warmup-rounds=4 -Dbench.inventory.warm-jit-share=0.03
 * -Dbench.inventory.phase-timeout=PT3M -Dbench.inventory.task-threads=200 -Dbench.profile=itimer]}.
 * Any {@code -Dmangaassist.inventory.*} given on the command line reaches the benchmark contexts (system
 * properties outrank application.yaml), e.g. {@code -Dmangaassist.inventory.coalescing.window=20ms}.
 * Output: {@code target/benchmarks/inventory-benchmark.{json,txt}}.
 *
 * <p>Its own Spring contexts (the application's, with the task executor's pool of 200 set explicitly; the baseline
 * with coalescing off), never the flow tests' shared one; the {@code benchmark} tag keeps it out of {@code ./mvnw test}.
 * It fails only when a run is invalid: an unexpected answer, a call refused by the ERP under the strict rule (the adaptive
 * rule's refusals are reported against the 0.1 % target), or a phase
 * over its time bound.
 */
@Tag("benchmark")
@CamelSpringBootTest
@DisableJmx(false)
@AutoConfigureObservability
@SpringBootTest(classes = MangaAssistApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // Camel's REST servlet starts every exchange on Spring's task executor; a lookup gives its thread back while it
        // waits for its coalesced ERP answer, so the application's own pool size (200) is what is measured
        properties = "spring.task.execution.pool.core-size=${bench.inventory.task-threads:200}")
@ActiveProfiles("embedded")
@ContextConfiguration(initializers = EmbeddedStackInitializer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InventoryBenchmark {

    /** The targets, printed next to the figures; never asserted. */
    static final double TARGET_DISTINCT_LOOKUPS_PER_S = 900;
    static final int TARGET_MAX_CALLS_IN_ANY_SECOND = 50;

    static final int HOT_ISBNS = 20;
    static final double HOT_SHARE = 0.8;
    /** Catalog ISBNs per phase (the rest are unknown to the ERP); the catalog has 300, every phase gets its own. */
    static final int CATALOG_WARMUP = 40;
    static final int CATALOG_DISTINCT = 100;
    static final int CATALOG_SKEWED_COLD = 60;
    static final int CATALOG_BASELINE = 30;
    static final int BASELINE_WARMUP = 50;
    /** Longer than any lookup should take (lookup timeout 30 s): a lookup this slow is an error, not a sample. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Lets the rate limiter's and the simulator's sliding windows drain before a phase starts. */
    static final Duration SETTLE = Duration.ofMillis(1500);
    static final List<String> ROUTES = List.of("inventory-get", "inventory-lookup", "inventory-erp-lookup",
            "inventory-coalesce", "inventory-erp-batch", "inventory-erp", "inventory-erp-retry", "inventory-erp-call");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The report, filled phase by phase and written after each. */
    static final ObjectNode REPORT = JSON.createObjectNode();
    /** Every ISBN looked up by this JVM's benchmark, so no phase reuses one. */
    static final Set<String> USED = Collections.synchronizedSet(new HashSet<>());
    static final AtomicInteger UNKNOWN_SERIAL = new AtomicInteger();
    static List<String> catalogPool;
    static final String LOOPBACK = "127.0.0.1";
    /** The load generator: Vert.x with one event loop of its own, renamed so that its CPU shows as the client's. */
    static final Vertx CLIENT_VERTX = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    static final Context CLIENT_CONTEXT = CLIENT_VERTX.getOrCreateContext();
    static final String CLIENT_THREAD = "bench-inventory-client";
    /** HTTP clients per server port, kept across phases: their connections are opened in the warm-up, not measured. */
    static final Map<Integer, io.vertx.core.http.HttpClient> CLIENTS = new HashMap<>();

    static {
        CLIENT_CONTEXT.runOnContext(v -> Thread.currentThread().setName(CLIENT_THREAD));
    }

    @LocalServerPort
    int port;
    @Autowired
    CamelContext camel;
    @Autowired
    CircuitBreaker erpCircuitBreaker;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    InventoryProperties inventory;
    @Autowired
    InventoryCoalescer coalescer;
    @Autowired
    Environment environment;
    @Autowired
    MeterRegistry meters;

    @Test
    @Order(1)
    void distinctIsbns() throws Exception {
        Bench bench = new Bench(port, camel, erpCircuitBreaker, redis, inventory, coalescer, environment, meters);
        bench.describe("coalesced");
        // 8000: after 400 the JIT compilers still took a seventh of the measured phase's CPU; after 2000 (with 4000
        // distinct lookups measured) the distinct phase still cost 2.9 ms of CPU per lookup, after 8000 (8000) 2.2 ms
        int warmup = intProperty("bench.inventory.warmup", 8000, 0, 100_000);
        // warm means the JIT is done with the path: on the shared 2-core machine it still compiled the hot path (the
        // route advices, Tomcat's filter chain) during a phase measured after 16000 warm-up lookups, at a quarter of
        // the phase's CPU. So rounds of `warmup` lookups go on until the JIT compiled for less than
        // bench.inventory.warm-jit-share of the round's machine time, or bench.inventory.warmup-rounds ran.
        int rounds = intProperty("bench.inventory.warmup-rounds", 4, 1, 20);
        double warmShare = Double.parseDouble(System.getProperty("bench.inventory.warm-jit-share", "0.03"));
        for (int round = 1; warmup > 0 && round <= rounds; round++) {
            // not measured: JIT, CXF, Tomcat's and the HTTP client's connections, the Redis pool start slow
            // the catalog's ISBNs are few: only the first round takes some
            List<Lookup> lookups = bench.distinctLookups(warmup, round == 1 ? Math.min(CATALOG_WARMUP, warmup) : 0);
            if (bench.warmup(round == 1 ? "warmup" : "warmup " + round, lookups) < warmShare) {
                break;
            }
        }
        int n = intProperty("bench.inventory.distinct", 8000, 1, 1_000_000);
        bench.measure("distinct", "every lookup a different ISBN never looked up before (coalescing on)",
                bench.distinctLookups(n, Math.min(CATALOG_DISTINCT, n)));
    }

    @Test
    @Order(2)
    void skewedIsbns() throws Exception {
        Bench bench = new Bench(port, camel, erpCircuitBreaker, redis, inventory, coalescer, environment, meters);
        int n = intProperty("bench.inventory.skewed", 4000, HOT_ISBNS * 2, 1_000_000);
        bench.measure("skewed", String.format(Locale.ROOT, "%.0f %% of the lookups to %d hot catalog ISBNs, "
                + "the rest to distinct cold ISBNs (coalescing on)", HOT_SHARE * 100, HOT_ISBNS), bench.skewedLookups(n));
    }

    @Nested
    @DisableJmx(false) // read per test class, not inherited: without it the nested context has no route statistics
    @TestPropertySource(properties = {"mangaassist.inventory.coalescing.batch-size=1",
            // the first context provisioned the topology already; provisioning again fails on DynamoDB Local
            // ("TimeToLive is already enabled": TopologyProvisioner is not idempotent for TTL)
            "mangaassist.topology.provision=false"})
    class Baseline {

        @LocalServerPort
        int port;
        @Autowired
        CamelContext camel;
        @Autowired
        CircuitBreaker erpCircuitBreaker;
        @Autowired
        StringRedisTemplate redis;
        @Autowired
        InventoryProperties inventory;
        @Autowired
        InventoryCoalescer coalescer;
        @Autowired
        Environment environment;
        @Autowired
        MeterRegistry meters;

        @Test
        void distinctIsbnsWithoutCoalescing() throws Exception {
            assertThat(inventory.coalescing().enabled()).as("the baseline context has coalescing off").isFalse();
            Bench bench = new Bench(port, camel, erpCircuitBreaker, redis, inventory, coalescer, environment, meters);
            bench.describe("baseline");
            // a short warm-up of this context's routes (the JVM is warm already); at <= 50 lookups/s it costs ~1 s
            bench.warmup("baseline warmup", bench.distinctLookups(BASELINE_WARMUP, 0));
            int n = intProperty("bench.inventory.baseline", 300, 1, 100_000);
            bench.measure("baseline", "as distinct, coalescing off: one GetStockLevel call per lookup (the seed's way)",
                    bench.distinctLookups(n, Math.min(CATALOG_BASELINE, n)));
        }
    }

    @AfterAll
    static void printReport() throws Exception {
        try {
            EmbeddedStack.shared().erp().setLatency(LatencyModel.none());
            EmbeddedStack.shared().erp().faults().reset();
            CLIENT_VERTX.close();
        } finally {
            if (REPORT.has("phases")) {
                String text = text(REPORT);
                System.out.println(text);
                System.out.println("Written: " + outputDir().toAbsolutePath().resolve("inventory-benchmark.{json,txt}"));
            }
        }
    }

    // ------------------------------------------------------------------------------------------ workload

    /** One lookup: its ISBN, whether the ERP knows it (200) or not (404), whether it is one of the hot ones. */
    record Lookup(String isbn, boolean known, boolean hot) {
    }

    /** One application context under load. */
    static final class Bench {

        final int port;
        final CamelContext camel;
        final CircuitBreaker breaker;
        final StringRedisTemplate redis;
        final InventoryProperties inventory;
        final InventoryCoalescer coalescer;
        final Environment environment;
        final MeterRegistry meters;
        final ErpSimulator erp = EmbeddedStack.shared().erp();
        final int concurrency = intProperty("bench.inventory.concurrency", 1000, 1, 5_000);
        final Duration bound = Duration.parse(System.getProperty("bench.inventory.phase-timeout", "PT3M"));
        final Random random = new Random(42);

        Bench(int port, CamelContext camel, CircuitBreaker breaker, StringRedisTemplate redis,
              InventoryProperties inventory, InventoryCoalescer coalescer, Environment environment, MeterRegistry meters) {
            this.port = port;
            this.camel = camel;
            this.breaker = breaker;
            this.redis = redis;
            this.inventory = inventory;
            this.coalescer = coalescer;
            this.environment = environment;
            this.meters = meters;
            PermitTimeHeader.addTo(camel);
            synchronized (InventoryBenchmark.class) {
                if (catalogPool == null) {
                    List<String> pool = new ArrayList<>(erp.catalog().items().stream().map(ErpCatalog.Item::isbn).toList());
                    Collections.shuffle(pool, new Random(7));
                    catalogPool = Collections.synchronizedList(pool);
                }
            }
        }

        /** The arrival allowance now (adaptive mode: as learnt so far). */
        double allowanceMs() {
            return meters.get("mangaassist.inventory.erp.arrival.allowance").gauge().value() * 1000;
        }

        /** The settings this context runs with, into the report. */
        void describe(String contextName) {
            ObjectNode contexts = REPORT.has("contexts") ? (ObjectNode) REPORT.get("contexts") : REPORT.putObject("contexts");
            ObjectNode c = contexts.putObject(contextName);
            c.put("coalescingEnabled", inventory.coalescing().enabled());
            c.put("batchSize", inventory.coalescing().batchSize());
            c.put("windowMs", inventory.coalescing().window().toMillis());
            c.put("erpRateLimitPerS", inventory.erp().rateLimit());
            c.put("erpRateMode", inventory.erp().rateMode().name().toLowerCase(Locale.ROOT));
            c.put("erpArrivalAllowanceMs", inventory.erp().arrivalAllowance().toMillis());
            c.put("erpStrictAllowanceMs", inventory.erp().strictAllowance().toMillis());
            c.put("erpBudgetShared", inventory.erp().budget().shared());
            c.put("erpMaxConcurrentCalls", inventory.erp().maxConcurrentCalls());
            c.put("erpTimeoutMs", inventory.erp().timeout().toMillis());
            c.put("erpRetries", inventory.erp().retries());
            c.put("lookupTimeoutMs", inventory.lookupTimeout().toMillis());
            c.put("tomcatThreadsMax", environment.getProperty("server.tomcat.threads.max", "200 (default)"));
            c.put("taskExecutorCoreSize", environment.getProperty("spring.task.execution.pool.core-size", "8 (default)"));
            c.put("taskExecutorNote", "Camel's REST servlet starts each exchange on Spring's task executor; a lookup gives its "
                    + "thread back while it waits for its ERP answer (the batch's thread answers it)");
            c.put("ceilingNote", "a call holds an ERP permit from before it is sent until 1 s after min(its end, permit + "
                    + "arrival allowance): about rate-limit / (1 s + min(mean call duration, allowance)) calls/s at most, "
                    + "times batch-size ISBNs per call when coalescing (per phase, from the measured call duration)");
            if (!REPORT.has("machine")) {
                BenchmarkMachine.describe(REPORT, "client, application and every backend (Redis, ERP simulator, ...) share this "
                        + "machine and JVM: compare runs on the same machine only");
                ObjectNode load = REPORT.putObject("load");
                load.put("clientConcurrency", concurrency);
                load.put("client", "Vert.x HttpClient on one event loop (thread " + CLIENT_THREAD + "), HTTP/1.1 keep-alive, "
                        + "a pool of " + concurrency + " connections, closed loop: a new lookup as soon as one answers");
                load.put("erpLatency", "log-normal, p50 300 ms, p99 800 ms (LatencyModel.legacyErp())");
                load.put("erpRateLimitPerS", erp.options().rateLimitPerSecond());
                load.put("phaseBound", bound.toString());
                load.put("percentiles", "nearest rank over all samples");
            }
        }

        /** The ERP call timer (count, total ms) of the route, for the mean call duration of a phase. */
        double[] erpCallTimer() {
            io.micrometer.core.instrument.Timer timer = meters.find("mangaassist.inventory.erp.call").timer();
            return timer == null ? new double[] {0, 0}
                    : new double[] {timer.count(), timer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)};
        }

        // ---------------------------------------------------------------------------------- ISBNs

        /** n distinct lookups, {@code known} of them catalog ISBNs, shuffled. */
        List<Lookup> distinctLookups(int n, int known) {
            List<Lookup> lookups = new ArrayList<>(n);
            for (String isbn : takeCatalog(known)) {
                lookups.add(new Lookup(isbn, true, false));
            }
            while (lookups.size() < n) {
                lookups.add(new Lookup(unknownIsbn(), false, false));
            }
            Collections.shuffle(lookups, random);
            return lookups;
        }

        /** n lookups: HOT_SHARE of them spread over HOT_ISBNS catalog ISBNs, the rest distinct cold ISBNs. */
        List<Lookup> skewedLookups(int n) {
            List<String> hot = takeCatalog(HOT_ISBNS);
            int hotLookups = (int) Math.round(n * HOT_SHARE);
            List<Lookup> lookups = new ArrayList<>(distinctLookups(n - hotLookups, Math.min(CATALOG_SKEWED_COLD, n - hotLookups)));
            for (int i = 0; i < hotLookups; i++) {
                lookups.add(new Lookup(hot.get(i % hot.size()), true, true));
            }
            Collections.shuffle(lookups, random);
            return lookups;
        }

        List<String> takeCatalog(int n) {
            List<String> taken = new ArrayList<>();
            synchronized (catalogPool) {
                if (catalogPool.size() < n) {
                    throw new IllegalStateException("the ERP catalog has too few unused ISBNs left: " + catalogPool.size());
                }
                for (int i = 0; i < n; i++) {
                    taken.add(catalogPool.remove(catalogPool.size() - 1));
                }
            }
            return taken;
        }

        /** A valid ISBN-13 (978-4-99…, a prefix the simulated catalog never uses), new in this JVM. */
        static String unknownIsbn() {
            String first12 = String.format(Locale.ROOT, "978499%06d", UNKNOWN_SERIAL.incrementAndGet());
            return first12 + ErpCatalog.checkDigit(first12);
        }

        /** No ISBN of the phase was looked up before: not by this benchmark, not in the cache. */
        void requireFresh(String phase, List<Lookup> lookups) {
            Set<String> distinct = new HashSet<>();
            lookups.forEach(l -> distinct.add(l.isbn()));
            for (String isbn : distinct) {
                if (!USED.add(isbn)) {
                    fail("benchmark bug: ISBN %s of phase %s was looked up in an earlier phase", isbn, phase);
                }
            }
            List<String> keys = lookups.stream().filter(Lookup::known).map(Lookup::isbn).distinct()
                    .map(isbn -> "inventory:" + inventory.warehouse() + ":" + isbn).toList();
            Long cached = keys.isEmpty() ? 0L : redis.countExistingKeys(keys);
            assertThat(cached).as("catalog ISBNs of phase %s already in the Redis cache", phase).isZero();
        }

        // ---------------------------------------------------------------------------------- phases

        /** A round of lookups that is not measured; returns the share of the machine's time the JIT compiled in it. */
        double warmup(String name, List<Lookup> lookups) throws Exception {
            settle();
            requireFresh(name, lookups);
            long jitBefore = CpuMeter.jitMillis();
            Run run = run(name, lookups);
            double jitShare = (CpuMeter.jitMillis() - jitBefore) / (run.seconds() * 1000 * Runtime.getRuntime().availableProcessors());
            ObjectNode warm = REPORT.has("warmups") ? (ObjectNode) REPORT.get("warmups") : REPORT.putObject("warmups");
            warm.putObject(name).put("lookups", lookups.size()).put("seconds", round(run.seconds()))
                    .put("jitShare", round(jitShare)).put("note", "not measured").set("outcomes", outcomes(run));
            System.out.printf(Locale.ROOT, "%s done (not measured): %d lookups in %.1f s, JIT %.0f %% of the machine, outcomes %s%n",
                    name, lookups.size(), run.seconds(), jitShare * 100, outcomes(run));
            return jitShare;
        }

        void measure(String name, String what, List<Lookup> lookups) throws Exception {
            settle();
            requireFresh(name, lookups);
            ManagedCamelContext managed = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
            for (String route : managed == null ? List.<String>of() : ROUTES) {
                ManagedRouteMBean r = managed.getManagedRoute(route);
                if (r != null) {
                    r.reset(true);
                }
            }
            erp.stats().reset();
            double[] callsBefore = erpCallTimer();
            CpuMeter cpu = CpuMeter.start();
            PhaseEvent event = new PhaseEvent();
            event.begin();
            mangaassist.support.PhaseProfiler profile = mangaassist.support.PhaseProfiler.start(name, outputDir());
            Run run = run(name, lookups);
            if (profile != null) {
                profile.stop();
            }
            event.phase = name;
            event.lookups = lookups.size();
            event.commit();
            ObjectNode cpuFigures = cpu.stop(lookups.size(), "Lookup", CLIENT_THREAD);
            ErpSimulatorStats stats = erp.stats();
            ObjectNode phase = figures(name, what, lookups, run, stats, managed);
            phase.set("cpu", cpuFigures);
            double[] callsAfter = erpCallTimer();
            double calls = callsAfter[0] - callsBefore[0];
            if (calls > 0) {
                double meanMs = (callsAfter[1] - callsBefore[1]) / calls;
                double held = Math.min(meanMs, allowanceMs());
                double ceiling = inventory.erp().rateLimit() / (1 + held / 1000);
                ((ObjectNode) phase.get("erp")).put("meanCallMs", round(meanMs))
                        .put("permitCeilingCallsPerS", round(ceiling))
                        .put("permitCeilingLookupsPerS", round(ceiling
                                * (inventory.coalescing().enabled() ? inventory.coalescing().batchSize() : 1)));
            }
            ObjectNode phases = REPORT.has("phases") ? (ObjectNode) REPORT.get("phases") : REPORT.putObject("phases");
            phases.set(name, phase);
            write();
            System.out.println(text(REPORT));

            // the run is only valid with the expected answers and no call refused by the ERP (figures are never asserted)
            assertThat(phase.path("unexpected").path("count").asLong())
                    .as("unexpected answers in phase %s: %s", name, phase.path("unexpected")).isZero();
            // the strict rule promises no refusal at all; the adaptive one bets on arrival lags and learns from the
            // refusals it loses (a target of at most 0.1 % of the calls, reported, not asserted: the machine is shared)
            if (inventory.erp().rateMode() == InventoryProperties.RateMode.STRICT) {
                assertThat(stats.rateLimitedCalls()).as("calls refused by the ERP's rate limit in phase %s (strict rule)", name).isZero();
            }
        }

        /** The rate limiter and the simulator count in sliding seconds: start every phase on quiet ones. */
        void settle() throws InterruptedException {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> coalescer.inFlight() == 0);
            // a deliberate quiet period (not a wait for an event): the sliding seconds must empty
            org.awaitility.Awaitility.await().pollDelay(SETTLE).atMost(SETTLE.plusSeconds(1)).until(() -> true);
            erp.setLatency(LatencyModel.legacyErp());
            erp.faults().reset();
            breaker.reset();
        }

        static io.vertx.core.http.HttpClient client(int port, int connections) {
            synchronized (CLIENTS) {
                return CLIENTS.computeIfAbsent(port, p -> CLIENT_VERTX.createHttpClient(new HttpClientOptions()
                                .setProtocolVersion(HttpVersion.HTTP_1_1).setKeepAlive(true).setConnectTimeout(10_000),
                        new PoolOptions().setHttp1MaxSize(connections)));
            }
        }

        /**
         * Closed loop: at most {@code concurrency} lookups in flight, the next sent as soon as one answers. The client
         * is Vert.x on one event loop with a fixed pool of keep-alive connections: the load generator shares the
         * machine with the application, and one blocking thread per lookup (the JDK client's send()) cost a fifth of
         * the CPU in thread hand-offs, CPU the application then lacked.
         */
        Run run(String name, List<Lookup> lookups) throws Exception {
            int n = lookups.size();
            Run run = new Run(n);
            io.vertx.core.http.HttpClient client = client(port, concurrency);
            AtomicInteger next = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(n);
            long deadline = System.nanoTime() + bound.toNanos();
            run.startNanos = System.nanoTime();
            CLIENT_CONTEXT.runOnContext(v -> {
                for (int w = 0; w < Math.min(concurrency, n); w++) {
                    send(client, lookups, run, next, done, deadline);
                }
            });
            if (!done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                fail("Inventory benchmark phase %s exceeded its bound of %s (bench.inventory.phase-timeout): "
                                + "%d of %d lookups answered; the flow is too slow or stuck, the figures would be meaningless",
                        name, bound, n - done.getCount(), n);
            }
            run.endNanos = Arrays.stream(run.doneNanos).max().orElse(System.nanoTime());
            return run;
        }

        /** Sends the next lookup, if any; its answer sends the one after (all on the client's event loop). */
        void send(io.vertx.core.http.HttpClient client, List<Lookup> lookups, Run run, AtomicInteger next,
                  CountDownLatch done, long deadline) {
            int i = next.getAndIncrement();
            if (i >= lookups.size() || System.nanoTime() >= deadline) {
                return;
            }
            Lookup lookup = lookups.get(i);
            long sent = System.nanoTime();
            client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(LOOPBACK).setPort(port)
                            .setURI("/api/inventory/" + lookup.isbn()).setIdleTimeout(REQUEST_TIMEOUT.toMillis()))
                    .compose(request -> request.send().compose(response -> response.body()
                            .map(body -> outcome(response.statusCode(), body.toString(StandardCharsets.UTF_8), null))))
                    .onComplete(answer -> {
                        long now = System.nanoTime();
                        run.latencyNanos[i] = now - sent;
                        run.doneNanos[i] = now;
                        run.outcome[i] = answer.succeeded() ? answer.result() : outcome(0, null, answer.cause());
                        done.countDown();
                        send(client, lookups, run, next, done, deadline);
                    });
        }

        /** "200", "404 INVENTORY_NOT_FOUND", "503 ERP_UNAVAILABLE", "200 STALE", "CLIENT_…". */
        static String outcome(int status, String body, Throwable failure) {
            if (failure != null) {
                return failure.getClass().getSimpleName().contains("Timeout") ? "CLIENT_TIMEOUT"
                        : "CLIENT_" + failure.getClass().getSimpleName();
            }
            String text = body == null ? "" : body;
            if (status == 200) {
                return text.contains("\"stale\":true") ? "200 STALE" : "200";
            }
            try {
                return status + " " + JSON.readTree(text).path("code").asText("?");
            } catch (Exception e) {
                return status + " (no JSON body)";
            }
        }

        // ---------------------------------------------------------------------------------- figures

        ObjectNode figures(String name, String what, List<Lookup> lookups, Run run, ErpSimulatorStats stats,
                           ManagedCamelContext managed) throws Exception {
            int n = lookups.size();
            double seconds = run.seconds();
            ObjectNode p = JSON.createObjectNode();
            p.put("what", what);
            p.put("context", inventory.coalescing().enabled() ? "coalesced" : "baseline");
            p.put("lookups", n);
            p.put("distinctIsbns", lookups.stream().map(Lookup::isbn).distinct().count());
            p.put("catalogLookups", lookups.stream().filter(Lookup::known).count());
            p.put("seconds", round(seconds));
            p.put("lookupsPerS", round(n / seconds));
            p.put("steadyLookupsPerS", round(steady(run)));
            p.put("steadyNote", "between the 10th and the 90th percentile of completion times (no ramp-up, no tail)");
            ArrayNode timeline = p.putArray("lookupsCompletedPerSecond");
            int[] perSecond = new int[(int) Math.ceil(seconds) + 1];
            for (long t : run.doneNanos) {
                perSecond[(int) ((t - run.startNanos) / 1_000_000_000L)]++;
            }
            Arrays.stream(perSecond).forEach(timeline::add);

            ObjectNode e = p.putObject("erp");
            List<Integer> perCall = stats.isbnCountPerCall();
            e.put("calls", stats.totalCalls());
            e.put("callsPerS", round(stats.totalCalls() / seconds));
            ObjectNode ops = e.putObject("callsPerOperation");
            stats.callsPerOperation().forEach(ops::put);
            e.put("maxCallsInAnySecond", stats.maxCallsInAnySecond());
            e.set("callsPerSecond", BenchmarkOutput.perSecond(run.startNanos, stats.arrivalNanos()));
            e.put("rateLimitedCalls", stats.rateLimitedCalls());
            e.put("isbnsPerCallMean", round(perCall.stream().mapToInt(Integer::intValue).average().orElse(0)));
            e.put("isbnsPerCallMax", perCall.stream().mapToInt(Integer::intValue).max().orElse(0));
            lags(e.putObject("arrivalLagMs"), "ERP permit taken (app) to the call counted by the simulator (its arrival), every call",
                    stats.arrivalLagsNanos()).put("allowanceMs", round(allowanceMs()));
            lags(e.putObject("handOffLagMs"), "request handed to the ERP client's HTTP transport (its stream closed) to counted "
                    + "by the simulator", stats.handOffLagsNanos());
            int[] histogram = new int[perCall.stream().mapToInt(Integer::intValue).max().orElse(0) + 1];
            perCall.forEach(k -> histogram[k]++);
            ObjectNode h = e.putObject("isbnsPerCallHistogram");
            for (int k = 1; k < histogram.length; k++) {
                if (histogram[k] > 0) {
                    h.put(String.valueOf(k), histogram[k]);
                }
            }
            long asked = perCall.stream().mapToLong(Integer::longValue).sum();
            Set<String> askedDistinct = new HashSet<>();
            stats.isbnsPerCall().forEach(askedDistinct::addAll);
            e.put("isbnsAsked", asked);
            e.put("distinctIsbnsAsked", askedDistinct.size());
            Set<String> hot = new HashSet<>();
            lookups.stream().filter(Lookup::hot).forEach(l -> hot.add(l.isbn()));
            if (!hot.isEmpty()) {
                long hotAsked = stats.isbnsPerCall().stream().flatMap(List::stream).filter(hot::contains).count();
                e.put("hotIsbns", hot.size());
                e.put("hotIsbnsAskedOfErp", hotAsked);
                e.put("hotNote", "times a hot ISBN was in an ERP call (ideal: once each); every other hot lookup was "
                        + "answered from the Redis cache or joined a lookup in flight");
            }

            p.set("latencyMs", latency(run));
            p.set("outcomes", outcomes(run));
            ObjectNode unexpected = p.putObject("unexpected");
            Map<String, Integer> bad = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                String expected = lookups.get(i).known() ? "200" : "404 INVENTORY_NOT_FOUND";
                if (!expected.equals(run.outcome[i])) {
                    bad.merge((lookups.get(i).known() ? "catalog ISBN: " : "unknown ISBN: ") + run.outcome[i], 1, Integer::sum);
                }
            }
            unexpected.put("count", bad.values().stream().mapToInt(Integer::intValue).sum());
            unexpected.put("note", "expected: 200 for a catalog ISBN, 404 INVENTORY_NOT_FOUND for an unknown one");
            ObjectNode byCode = unexpected.putObject("byOutcome");
            bad.forEach(byCode::put);

            if ("distinct".equals(name)) {
                ObjectNode t = p.putObject("targets");
                t.put("note", "informational: the benchmark never fails on them");
                t.putObject("lookupsPerS").put("target", ">= " + TARGET_DISTINCT_LOOKUPS_PER_S)
                        .put("actual", round(n / seconds)).put("met", n / seconds >= TARGET_DISTINCT_LOOKUPS_PER_S);
                double refusedShare = stats.totalCalls() == 0 ? 0 : (double) stats.rateLimitedCalls() / stats.totalCalls();
                t.putObject("refusedShare").put("target", "<= 0.001").put("actual", refusedShare)
                        .put("met", refusedShare <= 0.001);
                t.putObject("maxCallsInAnySecond").put("target", "<= " + TARGET_MAX_CALLS_IN_ANY_SECOND)
                        .put("actual", stats.maxCallsInAnySecond())
                        .put("met", stats.maxCallsInAnySecond() <= TARGET_MAX_CALLS_IN_ANY_SECOND);
            }

            ArrayNode routes = p.putArray("camelRoutes");
            for (String id : managed == null ? List.<String>of() : ROUTES) {
                ManagedRouteMBean route = managed.getManagedRoute(id);
                if (route != null && route.getExchangesTotal() > 0) {
                    routes.addObject().put("route", id).put("exchanges", route.getExchangesCompleted())
                            .put("failed", route.getExchangesFailed()).put("meanMs", route.getMeanProcessingTime())
                            .put("maxMs", route.getMaxProcessingTime());
                }
            }
            return p;
        }

        static double steady(Run run) {
            long[] done = run.doneNanos.clone();
            Arrays.sort(done);
            int lo = (int) (done.length * 0.1);
            int hi = Math.max(lo + 1, (int) (done.length * 0.9)) - 1;
            long span = done[Math.min(hi, done.length - 1)] - done[lo];
            return span <= 0 ? done.length / run.seconds() : (hi - lo) / (span / 1e9);
        }

        static ObjectNode latency(Run run) {
            double[] sorted = Arrays.stream(run.latencyNanos).mapToDouble(v -> v / 1e6).sorted().toArray();
            ObjectNode node = JSON.createObjectNode();
            node.put("what", "client: request sent to response received");
            node.put("n", sorted.length);
            node.put("p50", round(percentile(sorted, 50)));
            node.put("p90", round(percentile(sorted, 90)));
            node.put("p99", round(percentile(sorted, 99)));
            node.put("max", round(sorted[sorted.length - 1]));
            node.put("mean", round(Arrays.stream(sorted).average().orElse(0)));
            node.set("histogram", BenchmarkOutput.histogram(sorted));
            return node;
        }

        static ObjectNode outcomes(Run run) {
            Map<String, Integer> counts = new TreeMap<>();
            for (String o : run.outcome) {
                counts.merge(o == null ? "NOT_SENT" : o, 1, Integer::sum);
            }
            ObjectNode node = JSON.createObjectNode();
            counts.forEach(node::put);
            return node;
        }
    }

    /** A lag distribution into {@code node}: what it measures, n, p50/p99/max in ms. */
    static ObjectNode lags(ObjectNode node, String what, long[] nanos) {
        double[] ms = Arrays.stream(nanos).mapToDouble(v -> v / 1e6).sorted().toArray();
        node.put("what", what);
        node.put("n", ms.length);
        if (ms.length > 0) {
            node.put("p50", round(percentile(ms, 50)));
            node.put("p99", round(percentile(ms, 99)));
            node.put("max", round(ms[ms.length - 1]));
        }
        return node;
    }

    /**
     * Measures the arrival lag: tells the simulator when each call took its rate-limit permit (the exchange property
     * that Camel's CXF binding copies into the request context), as a header only the benchmark sends. Added to the
     * ERP client's CXF bus at run time; the application sends no such header.
     */
    static final class PermitTimeHeader extends AbstractPhaseInterceptor<Message> {

        PermitTimeHeader() {
            super(Phase.PRE_PROTOCOL);
        }

        static void addTo(CamelContext camel) {
            CxfEndpoint endpoint = camel.getRegistry().lookupByNameAndType(ErpCxfClientFactory.BEAN_NAME, CxfEndpoint.class);
            List<org.apache.cxf.interceptor.Interceptor<? extends Message>> out = endpoint.getBus().getOutInterceptors();
            synchronized (out) {
                if (out.stream().noneMatch(PermitTimeHeader.class::isInstance)) {
                    out.add(new PermitTimeHeader());
                    out.add(new HandOffTimeHeader());
                }
            }
        }

        @Override
        public void handleMessage(Message message) {
            if (message.getContextualProperty(ErpRateLimiter.PERMIT) instanceof ErpRateLimiter.Permit permit) {
                putNanosHeader(message, ErpSimulator.PERMIT_ACQUIRED_AT, permit.acquiredNanos());
            }
        }

        static void putNanosHeader(Message message, String name, long nanos) {
            @SuppressWarnings("unchecked")
            Map<String, List<String>> headers = (Map<String, List<String>>) message.get(Message.PROTOCOL_HEADERS);
            if (headers == null) {
                headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                message.put(Message.PROTOCOL_HEADERS, headers);
            }
            headers.put(name, List.of(Long.toString(nanos)));
        }
    }

    /**
     * Splits the arrival lag: sends when the request was handed to the HTTP transport. CXF's conduit sends a buffered
     * request when its body stream is closed (the last step of the out chain), so the stamp is taken just before that
     * close, and goes out with the request's headers, which the conduit sets only then.
     */
    static final class HandOffTimeHeader extends AbstractPhaseInterceptor<Message> {

        HandOffTimeHeader() {
            super(Phase.PREPARE_SEND);
            addAfter(MessageSenderInterceptor.class.getName());   // it opens the conduit's stream
        }

        @Override
        public void handleMessage(Message message) {
            message.setContent(OutputStream.class, new FilterOutputStream(message.getContent(OutputStream.class)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    PermitTimeHeader.putNanosHeader(message, ErpSimulator.HANDED_OFF_AT, System.nanoTime());
                    out.close();
                }
            });
        }
    }

    /** Marks a measured phase in a flight recording ({@code -XX:StartFlightRecording}), to profile just that span. */
    @jdk.jfr.Name("mangaassist.InventoryBenchmarkPhase")
    @jdk.jfr.Label("Inventory benchmark phase")
    static final class PhaseEvent extends jdk.jfr.Event {
        @jdk.jfr.Label("Phase")
        String phase;
        @jdk.jfr.Label("Lookups")
        int lookups;
    }

    /** The samples of one phase, one slot per lookup. */
    static final class Run {
        final long[] latencyNanos;
        final long[] doneNanos;
        final String[] outcome;
        long startNanos;
        long endNanos;

        Run(int n) {
            latencyNanos = new long[n];
            doneNanos = new long[n];
            outcome = new String[n];
        }

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }
    }

    // ------------------------------------------------------------------------------------------ report

    static Path outputDir() {
        return BenchmarkOutput.dir();
    }

    static void write() throws Exception {
        REPORT.put("benchmark", "inventory: GET /api/inventory/{isbn} against the ERP simulator (realistic latency, 50 req/s)");
        REPORT.put("timestamp", Instant.now().toString());
        BenchmarkOutput.write("inventory-benchmark", REPORT, text(REPORT));
    }

    static String text(ObjectNode r) {
        StringBuilder b = new StringBuilder();
        JsonNode mc = r.path("machine");
        JsonNode load = r.path("load");
        b.append("\n==================== MangaAssist inventory benchmark ====================\n");
        b.append(r.path("benchmark").asText()).append('\n').append(r.path("timestamp").asText()).append('\n');
        b.append(String.format(Locale.ROOT, "machine: %d cores, %s, %s, heap %d MB%n", mc.path("availableProcessors").asInt(),
                mc.path("java").asText(), mc.path("os").asText(), mc.path("maxHeapMb").asInt()));
        b.append("jvm args: ").append(mc.path("jvmArgs").asText()).append('\n');
        b.append("NOTE: ").append(mc.path("note").asText()).append('\n');
        b.append(String.format(Locale.ROOT, "load: %d lookups in flight (%s); ERP %s, limit %d req/s; each phase bounded by %s%n",
                load.path("clientConcurrency").asInt(), load.path("client").asText(), load.path("erpLatency").asText(),
                load.path("erpRateLimitPerS").asInt(), load.path("phaseBound").asText()));
        r.path("contexts").fields().forEachRemaining(c -> {
            JsonNode s = c.getValue();
            b.append(String.format(Locale.ROOT, "context %-9s coalescing %s (batch %d, window %d ms), rate limit %d calls "
                            + "in any second at the ERP (permit until 1 s after min(call end, permit + arrival allowance): rate mode %s, "
                            + "allowance %d ms at the start, %d ms strict), "
                            + "%d ERP calls in parallel, ERP timeout %d ms, %d retries, Tomcat threads %s, task executor %s threads%n",
                    c.getKey(), s.path("coalescingEnabled").asBoolean() ? "on" : "OFF", s.path("batchSize").asInt(),
                    s.path("windowMs").asLong(), s.path("erpRateLimitPerS").asInt(), s.path("erpRateMode").asText(),
                    s.path("erpArrivalAllowanceMs").asLong(), s.path("erpStrictAllowanceMs").asLong(),
                    s.path("erpMaxConcurrentCalls").asInt(), s.path("erpTimeoutMs").asLong(), s.path("erpRetries").asInt(),
                    s.path("tomcatThreadsMax").asText(), s.path("taskExecutorCoreSize").asText()));
        });
        r.path("warmups").fields().forEachRemaining(w -> b.append(String.format(Locale.ROOT,
                "%s: %d lookups in %.1f s, not measured; outcomes %s%n", w.getKey(), w.getValue().path("lookups").asInt(),
                w.getValue().path("seconds").asDouble(), w.getValue().path("outcomes"))));
        b.append(String.format(Locale.ROOT, "%n%-9s %7s %6s %9s %9s | %6s %7s %7s %9s %9s %5s | %8s %8s %8s | %s%n",
                "phase", "lookups", "s", "lookups/s", "steady/s", "calls", "calls/s", "max1s", "isbn/call", "isbn max",
                "refus", "p50 ms", "p99 ms", "max ms", "outcomes"));
        r.path("phases").fields().forEachRemaining(f -> {
            JsonNode p = f.getValue();
            JsonNode e = p.path("erp");
            JsonNode l = p.path("latencyMs");
            b.append(String.format(Locale.ROOT, "%-9s %7d %6.1f %9.1f %9.1f | %6d %7.1f %7d %9.2f %9d %5d | %8.1f %8.1f %8.1f | %s%n",
                    f.getKey(), p.path("lookups").asInt(), p.path("seconds").asDouble(), p.path("lookupsPerS").asDouble(),
                    p.path("steadyLookupsPerS").asDouble(), e.path("calls").asLong(), e.path("callsPerS").asDouble(),
                    e.path("maxCallsInAnySecond").asInt(), e.path("isbnsPerCallMean").asDouble(),
                    e.path("isbnsPerCallMax").asInt(), e.path("rateLimitedCalls").asLong(), l.path("p50").asDouble(),
                    l.path("p99").asDouble(), l.path("max").asDouble(), p.path("outcomes")));
        });
        b.append("  max1s = most ERP calls the simulator received in any sliding 1 s; refus = calls the simulator refused "
                + "(strict rule: 0; adaptive: target <= 0.1 % of calls); steady = between the 10th and 90th percentile of completions\n");
        r.path("phases").fields().forEachRemaining(f -> {
            JsonNode p = f.getValue();
            JsonNode e = p.path("erp");
            b.append(String.format(Locale.ROOT, "%s: %s; %d distinct ISBNs (%d catalog lookups); ERP asked %d ISBNs (%d distinct) "
                            + "in %s, ISBNs per call %s%n", f.getKey(), p.path("what").asText(), p.path("distinctIsbns").asLong(),
                    p.path("catalogLookups").asLong(), e.path("isbnsAsked").asLong(), e.path("distinctIsbnsAsked").asLong(),
                    e.path("callsPerOperation"), e.path("isbnsPerCallHistogram")));
            if (e.has("hotIsbns")) {
                b.append(String.format(Locale.ROOT, "  hot: %d hot ISBNs were in ERP calls %d times (ideal %d)%n",
                        e.path("hotIsbns").asInt(), e.path("hotIsbnsAskedOfErp").asLong(), e.path("hotIsbns").asInt()));
            }
            b.append("  lookups completed per second: ").append(p.path("lookupsCompletedPerSecond")).append('\n');
            if (e.has("meanCallMs")) {
                b.append(String.format(Locale.ROOT, "  ERP calls took %.0f ms on average: rate-limit / (1 s + min(call, allowance)) "
                                + "= %.1f calls/s = %.0f lookups/s at most (about)%n", e.path("meanCallMs").asDouble(),
                        e.path("permitCeilingCallsPerS").asDouble(), e.path("permitCeilingLookupsPerS").asDouble()));
            }
            JsonNode lag = e.path("arrivalLagMs");
            if (lag.path("n").asInt() > 0) {
                b.append(String.format(Locale.ROOT, "  arrival lag (permit taken -> counted by the ERP), %d calls: p50 %.2f ms, "
                                + "p99 %.2f ms, max %.2f ms; arrival allowance %d ms%n", lag.path("n").asInt(),
                        lag.path("p50").asDouble(), lag.path("p99").asDouble(), lag.path("max").asDouble(),
                        lag.path("allowanceMs").asLong()));
            }
            JsonNode handOff = e.path("handOffLagMs");
            if (handOff.path("n").asInt() > 0) {
                b.append(String.format(Locale.ROOT, "  hand-off lag (request handed to the HTTP transport -> counted by the ERP), %d calls: "
                                + "p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", handOff.path("n").asInt(),
                        handOff.path("p50").asDouble(), handOff.path("p99").asDouble(), handOff.path("max").asDouble()));
            }
            JsonNode cpu = p.path("cpu");
            if (!cpu.isMissingNode()) {
                b.append(String.format(Locale.ROOT, "  cpu: %.2f ms per lookup (client %.2f, application + backends %.2f); "
                                + "warm %.2f ms per lookup (without the JIT compiler threads' %.1f CPU-s; GC and VM threads %.1f CPU-s); "
                                + "JIT compiling %.1f s; %.1f of %.1f core-seconds; system load average %.2f at start, %.2f at end; by thread group %s%n",
                        cpu.path("cpuMsPerLookup").asDouble(),
                        cpu.path("clientCpuMsPerLookup").asDouble(), cpu.path("restCpuMsPerLookup").asDouble(),
                        cpu.path("warmCpuMsPerLookup").asDouble(), cpu.path("jitThreadsCpuSeconds").asDouble(),
                        cpu.path("gcAndVmThreadsCpuSeconds").asDouble(),
                        cpu.path("jitSeconds").asDouble(),
                        cpu.path("jvmCpuSeconds").asDouble() + cpu.path("childProcessCpuSeconds").asDouble(),
                        cpu.path("availableCoreSeconds").asDouble(), cpu.path("systemLoadAverageAtStart").asDouble(),
                        cpu.path("systemLoadAverageAtEnd").asDouble(), cpu.path("threadGroupsCpuSeconds")));
            }
            if (p.path("unexpected").path("count").asLong() > 0) {
                b.append("  UNEXPECTED answers (INVALID RUN): ").append(p.path("unexpected").path("byOutcome")).append('\n');
            }
            StringBuilder routes = new StringBuilder();
            p.path("camelRoutes").forEach(rt -> routes.append(String.format(Locale.ROOT, " %s %d ex mean %d max %d ms;",
                    rt.path("route").asText(), rt.path("exchanges").asLong(), rt.path("meanMs").asLong(), rt.path("maxMs").asLong())));
            b.append("  camel:").append(routes).append('\n');
            if (p.has("targets")) {
                JsonNode t = p.path("targets");
                b.append(String.format(Locale.ROOT, "  targets (informational, never asserted): lookups/s >= %.0f: actual %.1f -> %s; "
                                + "ERP refusals <= 0.1 %% of calls: actual %.2f %% -> %s; "
                                + "max ERP calls in any 1 s <= %d: actual %d -> %s%n", TARGET_DISTINCT_LOOKUPS_PER_S,
                        t.path("lookupsPerS").path("actual").asDouble(), t.path("lookupsPerS").path("met").asBoolean() ? "met" : "NOT met",
                        t.path("refusedShare").path("actual").asDouble() * 100,
                        t.path("refusedShare").path("met").asBoolean() ? "met" : "NOT met",
                        TARGET_MAX_CALLS_IN_ANY_SECOND, t.path("maxCallsInAnySecond").path("actual").asInt(),
                        t.path("maxCallsInAnySecond").path("met").asBoolean() ? "met" : "NOT met"));
            }
        });
        JsonNode distinct = r.path("phases").path("distinct");
        JsonNode baseline = r.path("phases").path("baseline");
        if (!distinct.isMissingNode() && !baseline.isMissingNode()) {
            b.append(String.format(Locale.ROOT, "%ncoalescing vs baseline: %.1fx the lookups/s, %.3f vs %.3f ERP calls per lookup%n",
                    distinct.path("lookupsPerS").asDouble() / baseline.path("lookupsPerS").asDouble(),
                    distinct.path("erp").path("calls").asDouble() / distinct.path("lookups").asDouble(),
                    baseline.path("erp").path("calls").asDouble() / baseline.path("lookups").asDouble()));
        }
        b.append("=========================================================================\n");
        return b.toString();
    }

    static double percentile(double[] sorted, double p) {
        return BenchmarkOutput.percentile(sorted, p);
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static int intProperty(String name, int defaultValue, int min, int max) {
        String raw = System.getProperty(name);
        int value = raw == null || raw.isBlank() ? defaultValue : Integer.parseInt(raw.strip());
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be within " + min + ".." + max + ", was " + value);
        }
        return value;
    }
}
