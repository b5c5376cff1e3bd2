package mangaassist.catalog.sync;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.GarbageCollectionNotificationInfo;
import mangaassist.MangaAssistApplication;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.EmbeddedStackInitializer;
import mangaassist.devstack.erp.ErpExport;
import mangaassist.support.BenchmarkMachine;
import mangaassist.support.CpuMeter;
import mangaassist.support.DevelopmentKey;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * Full syncs of generated exports ({@link ErpExport}: 4 files of JSON Lines, 0.1 % broken rows) through the API, on
 * the embedded stack: a warm-up, then {@code bench.sync.small} (10,000) and {@code bench.sync.large} (100,000) items.
 * Figures per phase: lines/s of the write phase (start → every file written and checkpointed), CPU per line
 * ({@link CpuMeter}: this JVM, which also runs DynamoDB Local, OpenSearch, S3Proxy's client and catalog-cdc, and the
 * child processes), and the heap: the largest heap in use right after a collection during the phase (what the run
 * keeps alive; the target is the same for 10,000 and 100,000 items) and the raw peak (garbage included), and a series
 * of live-heap samples during the phase ({@link HeapSeries}, every {@code bench.sync.heap-every-s} seconds): whole heap,
 * the application's own objects and Camel's, against the lines processed, with the application's slope.
 *
 * <p>The reconciliation waits for catalog-cdc to index what the sync wrote: its time is reported apart.
 *
 * <p>Run: {@code ./mvnw test -Pbenchmark -Dtest=CatalogSyncBenchmark [-Dbench.sync.large=100000 -Dbench.sync.small=10000
 * -Dbench.sync.warmup=5000 -Dbench.sync.timeout=PT30M]}. Output: {@code target/benchmarks/catalog-sync-benchmark.json}.
 * The phases' exports share their synthetic items (item n is the same product in each), so the table ends with the
 * largest export and the simulator's seeded catalog (300 items the exports leave out: the small phase's DynamoDB
 * count is off by them).
 */
@Tag("benchmark")
@CamelSpringBootTest
@SpringBootTest(classes = MangaAssistApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("embedded")
@ContextConfiguration(initializers = EmbeddedStackInitializer.class)
class CatalogSyncBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED");
    /** a phase's bound, reconciliation included (its own property: the profile's bench.timeout is the chat's 5 min) */
    private static final Duration PHASE_BOUND = Duration.parse(System.getProperty("bench.sync.timeout", "PT30M"));

    /** The application's REST client, sending the development API key (the sync API needs it). */
    TestRestTemplate http;
    @Autowired
    CatalogSyncProperties properties;

    @Autowired
    void apiClient(TestRestTemplate anonymous) {
        http = DevelopmentKey.sending(anonymous);
    }

    /** the running phase's processed lines, as its status last said (stamps the heap samples) */
    final AtomicLong lastProcessed = new AtomicLong();

    @Test
    void fullSyncs() throws Exception {
        ObjectNode report = JSON.createObjectNode();
        report.put("benchmark", "catalog-sync: ERP export in S3 → quality gate → DynamoDB BatchWriteItem (→ catalog-cdc)");
        report.put("timestamp", Instant.now().toString());
        BenchmarkMachine.describe(report, "the application and every backend share this JVM (DynamoDB Local, OpenSearch, "
                + "the Bedrock emulator; S3Proxy is a child process) on a machine other builds share: compare runs on the "
                + "same machine only");
        ObjectNode settings = report.putObject("settings");
        settings.put("batchSize", properties.batchSize());
        settings.put("checkpointEvery", properties.checkpointEvery());
        settings.put("maxHeapMb", Runtime.getRuntime().maxMemory() >> 20);
        ArrayNode phases = report.putArray("phases");
        int warmup = Integer.getInteger("bench.sync.warmup", 5_000);
        int small = Integer.getInteger("bench.sync.small", 10_000);
        int large = Integer.getInteger("bench.sync.large", 100_000);
        String stamp = Long.toString(System.currentTimeMillis() / 1000);
        phase("warmup (JIT, DynamoDB Local's first writes): not a figure", warmup, "bench-warmup-" + stamp);
        phases.add(phase("small", small, "bench-small-" + stamp));
        phases.add(phase("large", large, "bench-large-" + stamp));
        Path dir = Path.of(System.getProperty("bench.output", "target/benchmarks"));
        Files.createDirectories(dir);
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        Files.writeString(dir.resolve("catalog-sync-benchmark.json"), text, StandardCharsets.UTF_8);
        System.out.println(text);
    }

    private ObjectNode phase(String name, int items, String runId) throws Exception {
        ErpExport.Result export = EmbeddedStack.shared().erp().export(
                new ErpExport.Spec(runId, items, items / 1000, 4, false), properties.bucket(), properties.exportsPrefix());
        System.gc();
        HeapWatch heap = HeapWatch.start();
        HeapSeries series = HeapSeries.start(lastProcessed, Duration.ofSeconds(Long.getLong("bench.sync.heap-every-s", 15)));
        CpuMeter cpu = CpuMeter.start();
        long t0 = System.nanoTime();
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        JsonNode started = http.postForObject("/api/catalog/sync", new HttpEntity<>(Map.of("prefix", export.prefix()),
                headers), JsonNode.class);
        if (!runId.equals(started.path("runId").asText())) {
            throw new IllegalStateException("not started: " + started);
        }
        long deadline = t0 + PHASE_BOUND.toNanos();
        // polling the API as an operator would; the phase's end is seen within 100 ms
        JsonNode status = statusOnceNot(runId, "RUNNING"::equals, Duration.ofMillis(100), deadline);
        double writeSeconds = (System.nanoTime() - t0) / 1e9;
        ObjectNode cpuFigures = cpu.stop(export.rows(), "Line", null);
        ObjectNode heapFigures = heap.stop();
        ArrayNode samples = series.stop();
        heapFigures.set("series", samples);
        heapFigures.put("appObjectsSlopeKbPer10kLines", HeapSeries.appSlopeKbPer10k(samples));
        status = statusOnceNot(runId, state -> !TERMINAL.contains(state), Duration.ofMillis(500), deadline);
        double totalSeconds = (System.nanoTime() - t0) / 1e9;
        ObjectNode phase = JSON.createObjectNode();
        phase.put("phase", name);
        phase.put("lines", export.rows());
        phase.put("files", export.keys().size());
        phase.put("state", status.path("state").asText());
        phase.put("processed", status.path("processed").asLong());
        phase.put("rejected", status.path("rejected").asLong());
        phase.put("writeSeconds", round(writeSeconds));
        phase.put("linesPerSecond", Math.round(export.rows() / writeSeconds));
        phase.put("withReconciliationSeconds", round(totalSeconds));
        phase.set("heap", heapFigures);
        phase.set("cpu", cpuFigures);
        phase.set("reconciliation", status.path("reconciliation"));
        System.out.printf("catalog-sync benchmark %s: %d lines in %.1f s (%d lines/s), %.3f CPU ms/line, live heap max %s MB%n",
                name, export.rows(), writeSeconds, Math.round(export.rows() / writeSeconds),
                cpuFigures.path("cpuMsPerLine").asDouble(), heapFigures.path("maxAfterGcMb").asText());
        if (!"COMPLETED".equals(status.path("state").asText()) && !"RECONCILING".equals(status.path("state").asText())) {
            throw new IllegalStateException("run " + runId + " did not complete: " + status);
        }
        return phase;
    }

    /** The run's status once its state no longer matches {@code waitWhile}, or the last one seen at the deadline. */
    private JsonNode statusOnceNot(String runId, java.util.function.Predicate<String> waitWhile, Duration poll, long deadline) {
        java.util.concurrent.atomic.AtomicReference<JsonNode> last = new java.util.concurrent.atomic.AtomicReference<>(status(runId));
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))).pollInterval(poll)
                    .until(() -> !waitWhile.test(last.updateAndGet(previous -> status(runId)).path("state").asText()));
        } catch (org.awaitility.core.ConditionTimeoutException boundReached) {
            // the phase's bound: reported with the state it had
        }
        return last.get();
    }

    private JsonNode status(String runId) {
        JsonNode status = http.getForObject("/api/catalog/sync/" + runId, JsonNode.class);
        lastProcessed.set(status.path("processed").asLong());
        return status;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** The heap in use after each collection during a phase (its largest: what stays alive), and the raw peak. */
    static final class HeapWatch {
        private final AtomicLong maxAfterGc = new AtomicLong();
        private final AtomicLong collections = new AtomicLong();
        private final NotificationListener listener = (notification, handback) -> {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
                maxAfterGc.accumulateAndGet(used, Math::max);
                collections.incrementAndGet();
            }
        };

        static HeapWatch start() {
            HeapWatch watch = new HeapWatch();
            ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .forEach(MemoryPoolMXBean::resetPeakUsage);
            ManagementFactory.getGarbageCollectorMXBeans().forEach(gc ->
                    ((NotificationEmitter) gc).addNotificationListener(watch.listener, null, null));
            return watch;
        }

        ObjectNode stop() throws Exception {
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) gc).removeNotificationListener(listener);
            }
            long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            ObjectNode node = JSON.createObjectNode();
            node.put("maxAfterGcMb", maxAfterGc.get() >> 20);
            node.put("peakUsedMb", peak >> 20);
            node.put("collections", collections.get());
            node.put("what", "maxAfterGcMb: the most heap in use right after a collection (what the whole JVM kept "
                    + "alive, backends included); peakUsedMb: the pools' peak, garbage included");
            return node;
        }
    }

    /**
     * The live heap sampled during a phase: every {@code every}, a class histogram of the live objects (the JVM's
     * GC.class_histogram: a full collection first, so only what is reachable counts), summed for the whole heap, for
     * the application's own classes ({@code mangaassist.*}) and for Camel's, stamped with the lines processed so far.
     * The slope of the application's bytes over the lines processed (least squares) is the growth per 10,000 lines: a
     * flat heap is a slope near zero. The full collections cost the phase some throughput (one per sample).
     */
    static final class HeapSeries {
        private final java.util.List<long[]> samples = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        private final long t0 = System.nanoTime();
        private final java.util.concurrent.ScheduledExecutorService timer;

        private HeapSeries(AtomicLong processed, Duration every) {
            timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bench-heap-series"));
            timer.scheduleWithFixedDelay(() -> sample(processed.get()), every.toMillis(), every.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        static HeapSeries start(AtomicLong processed, Duration every) {
            processed.set(0);
            return new HeapSeries(processed, every);
        }

        private void sample(long processed) {
            try {
                String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                        new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                        new Object[] {new String[0]}, new String[] {String[].class.getName()});
                long total = 0;
                long app = 0;
                long camel = 0;
                for (String line : histogram.split("\n")) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length >= 3 && "Total".equals(f[0])) {
                        total = Long.parseLong(f[2]);
                    } else if (f.length >= 4 && f[0].endsWith(":")) {
                        long bytes = Long.parseLong(f[2]);
                        if (f[3].startsWith("mangaassist.")) {
                            app += bytes;
                        } else if (f[3].startsWith("org.apache.camel.")) {
                            camel += bytes;
                        }
                    }
                }
                samples.add(new long[] {(System.nanoTime() - t0) / 1_000_000, processed, total, app, camel});
            } catch (Exception e) {
                System.err.println("heap sample failed: " + e);
            }
        }

        ArrayNode stop() {
            timer.shutdownNow();
            sample(-1); // the phase's end (its processed count is the status's)
            ArrayNode out = JSON.createArrayNode();
            java.util.List<long[]> copy;
            synchronized (samples) {
                copy = new java.util.ArrayList<>(samples);
            }
            for (long[] s : copy) {
                out.addObject().put("atSeconds", round(s[0] / 1000.0)).put("processed", s[1])
                        .put("liveHeapMb", round(s[2] / 1048576.0)).put("appObjectsKb", round(s[3] / 1024.0))
                        .put("camelObjectsKb", round(s[4] / 1024.0));
            }
            return out;
        }

        /** Least-squares slope of the application's live bytes over the processed lines, in KB per 10,000 lines. */
        static double appSlopeKbPer10k(JsonNode series) {
            double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
            for (JsonNode s : series) {
                if (s.path("processed").asLong() < 0) {
                    continue;
                }
                double x = s.path("processed").asDouble() / 10_000;
                double y = s.path("appObjectsKb").asDouble();
                n++;
                sx += x;
                sy += y;
                sxx += x * x;
                sxy += x * y;
            }
            double d = n * sxx - sx * sx;
            return n < 2 || d == 0 ? 0 : round((n * sxy - sx * sy) / d);
        }
    }
}
