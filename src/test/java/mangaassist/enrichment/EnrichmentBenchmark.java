package mangaassist.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import mangaassist.MangaAssistApplication;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.EmbeddedStackInitializer;
import mangaassist.devstack.bedrock.EmulatorControl;
import mangaassist.platform.AsyncJobMetrics;
import mangaassist.support.BenchmarkMachine;
import mangaassist.support.BenchmarkOutput;
import mangaassist.support.CpuMeter;
import mangaassist.support.DevelopmentKey;
import mangaassist.support.PhaseProfiler;
import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * Enrichment benchmark (not a test of timings: it never fails on a figure). Jobs are queued through the producer API
 * ({@code POST /api/enrichment/jobs/batch}, 500 a request, a few requests at once) while the application consumes
 * them; a job is done when the consumer has stored it in DynamoDB and recorded it (AsyncJobDuration, success). Two
 * measured phases on the embedded stack (ElasticMQ FIFO, the Bedrock emulator, DynamoDB Local), after a warm-up:
 * <ol>
 *   <li>{@code zero-latency}: the emulator answers at once; figure: end-to-end jobs/s, from the first request to the
 *   last job done (issue target ≥ 500/s on this 2-core machine);</li>
 *   <li>{@code model-latency}: every model call takes 800 ms; figure: the efficiency, achieved jobs/s ÷ (concurrent
 *   consumers ÷ latency) (target ≥ 90 %).</li>
 * </ol>
 * Each job has its own manga id and, by default, its own message group (series); {@code bench.enrichment.groups=N}
 * spreads them over N series instead. ElasticMQ's FIFO receive costs time in proportion to the groups on the queue
 * (README, "Benchmarks"): 10,000 groups at once measure the emulator more than the flow.
 *
 * <p>Run: {@code ./mvnw test -Pbenchmark -Dtest=EnrichmentBenchmark [-Dbench.enrichment.jobs=10000
 * -Dbench.enrichment.latency-jobs=300 -Dbench.enrichment.latency-ms=800 -Dbench.enrichment.warmup=20000
 * -Dbench.enrichment.groups=0 -Dbench.enrichment.phase-timeout=PT10M -Dbench.profile=itimer]}; any {@code -Dmangaassist.enrichment.*} reaches the application (system
 * properties outrank application.yaml), e.g. {@code -Dmangaassist.enrichment.consumer.concurrent-consumers=10}.
 * Output: {@code target/benchmarks/enrichment-benchmark.{json,txt}}. It fails only when a run is invalid: a job not
 * queued, a job failed, or a phase over its bound.
 */
@Tag("benchmark")
@CamelSpringBootTest
@DisableJmx(false)
@AutoConfigureObservability
@SpringBootTest(classes = MangaAssistApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("embedded")
@ContextConfiguration(initializers = EmbeddedStackInitializer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnrichmentBenchmark {

    /** The targets, printed next to the figures; never asserted. */
    static final double TARGET_JOBS_PER_S = 500;
    static final double TARGET_EFFICIENCY = 0.90;

    static final int BATCH = 500;
    static final int SENDERS = 4;
    static final List<String> ROUTES = List.of("enrichment-submit-batch", "enrichment-send", "enrichment-send-batch",
            "enrichment-consume", "enrichment-process", "enrichment-model");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final ObjectNode REPORT = JSON.createObjectNode();

    @LocalServerPort
    int port;
    @Autowired
    CamelContext camel;
    @Autowired
    MeterRegistry meters;
    @Value("${mangaassist.enrichment.consumer.concurrent-consumers}")
    int consumers;
    @Value("${mangaassist.enrichment.consumer.max-messages-per-poll}")
    int perPoll;
    @Value("${mangaassist.enrichment.consumer.batch-window-ms}")
    long batchWindowMs;
    @Value("${mangaassist.enrichment.consumer.wait-time-seconds}")
    int waitTimeSeconds;

    final EmulatorControl bedrock = EmbeddedStack.shared().bedrock().control();
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    final Duration bound = Duration.parse(System.getProperty("bench.enrichment.phase-timeout", "PT10M"));
    /** Message groups (manga series) the jobs are spread over; 0: one per job. */
    final int groups = intProperty("bench.enrichment.groups", 0, 0, 65_535);

    @Test
    @Order(1)
    void zeroModelLatency() throws Exception {
        describe();
        int warmup = intProperty("bench.enrichment.warmup", 20_000, 0, 100_000);
        if (warmup > 0) {
            // not measured: ElasticMQ and DynamoDB Local are much slower for their first thousands of calls (JIT)
            bedrock.reset();
            Run run = run("warmup", warmup);
            System.out.printf(Locale.ROOT, "warmup done (not measured): %d jobs in %.1f s%n", warmup, run.seconds());
            double settled = CpuMeter.settleJit();
            REPORT.putObject("warmup").put("jobs", warmup).put("seconds", round(run.seconds())).put("note", "not measured")
                    .put("jitSettleSeconds", round(settled));
        }
        bedrock.reset();
        int n = intProperty("bench.enrichment.jobs", 10_000, 1, 1_000_000);
        measure("zero-latency", "the emulator answers at once: the integration's own throughput", n, 0);
    }

    @Test
    @Order(2)
    void modelLatency() throws Exception {
        int latencyMs = intProperty("bench.enrichment.latency-ms", 800, 1, 60_000);
        bedrock.reset().latency(Duration.ofMillis(latencyMs), Duration.ZERO);
        try {
            // 300 jobs at 800 ms over 5 consumers: ~48 s at 100 %
            int n = intProperty("bench.enrichment.latency-jobs", 300, 1, 1_000_000);
            measure("model-latency", "every model call takes " + latencyMs + " ms (the emulator's time to first byte)", n, latencyMs);
        } finally {
            bedrock.reset();
        }
    }

    @AfterAll
    static void printReport() throws Exception {
        if (REPORT.has("phases")) {
            System.out.println(text(REPORT));
            System.out.println("Written: " + outputDir().toAbsolutePath().resolve("enrichment-benchmark.{json,txt}"));
        }
    }

    // ------------------------------------------------------------------------------------------ phases

    void describe() {
        BenchmarkMachine.describe(REPORT, "client (JDK HttpClient), application and every backend (ElasticMQ, DynamoDB Local, "
                + "the Bedrock emulator) share this JVM and a machine other builds share too: compare runs on the same "
                + "machine only, and look at the load average");
        ObjectNode settings = REPORT.putObject("settings");
        settings.put("concurrentConsumers", consumers);
        settings.put("maxMessagesPerPoll", perPoll);
        settings.put("waitTimeSeconds", waitTimeSeconds);
        settings.put("batchWindowMs", batchWindowMs);
        settings.put("enqueue", "POST /api/enrichment/jobs/batch, " + BATCH + " jobs a request, " + SENDERS
                + " requests at once; each job its own manga id, " + (groups == 0 ? "and its own message group (series)"
                : "the jobs spread over " + groups + " message groups (series)"));
        settings.put("messageGroups", groups);
        settings.put("done", "the consumer stored the job and recorded it (mangaassist.async.job.duration{flow=enrichment,status=success})");
        settings.put("phaseBound", bound.toString());
    }

    void measure(String name, String what, int n, int latencyMs) throws Exception {
        resetRouteStatistics();
        CpuMeter cpu = CpuMeter.start();
        PhaseProfiler profile = PhaseProfiler.start(name, outputDir());
        Run run = run(name, n);
        ObjectNode cpuFigures = cpu.stop(n, "Job", null);
        if (profile != null) {
            profile.stop();
        }
        ObjectNode phase = JSON.createObjectNode();
        phase.put("what", what);
        phase.put("jobs", n);
        phase.put("enqueueSeconds", round(run.enqueueSeconds()));
        phase.put("enqueuedJobsPerS", round(n / run.enqueueSeconds()));
        phase.put("endToEndSeconds", round(run.seconds()));
        double rate = n / run.seconds();
        phase.put("endToEndJobsPerS", round(rate));
        phase.put("firstDoneAfterMs", round(run.firstDoneMs()));
        phase.put("steadyJobsPerS", round(run.steadyRate(n)));
        if (latencyMs > 0) {
            double ideal = consumers / (latencyMs / 1000.0);
            phase.put("modelLatencyMs", latencyMs);
            phase.put("idealJobsPerS", round(ideal));
            phase.put("efficiency", round(rate / ideal));
            phase.put("steadyEfficiency", round(run.steadyRate(n) / ideal));
            phase.put("target", "efficiency >= " + TARGET_EFFICIENCY);
        } else {
            phase.put("target", "end-to-end >= " + TARGET_JOBS_PER_S + " jobs/s");
        }
        phase.put("modelCalls", bedrock.invocations());
        phase.set("cpu", cpuFigures);
        phase.set("routes", routeStatistics());
        ObjectNode phases = REPORT.has("phases") ? (ObjectNode) REPORT.get("phases") : REPORT.putObject("phases");
        phases.set(name, phase);
        write();
        System.out.println(text(REPORT));
    }

    /** Queues n jobs through the API while the consumer works, and waits until all are done. */
    Run run(String name, int n) throws Exception {
        long successBefore = count(true);
        long failureBefore = count(false);
        String prefix = UUID.randomUUID().toString().substring(0, 4);
        List<String> bodies = new ArrayList<>();
        for (int from = 0; from < n; from += BATCH) {
            ArrayNode jobs = JSON.createArrayNode();
            for (int i = from; i < Math.min(n, from + BATCH); i++) {
                // the first 8 characters make the group (the series): one per job, or jobs spread over `groups` series
                int series = groups > 0 ? i % groups : i;
                String id = String.format(Locale.ROOT, "%s%04x-%s-%d", prefix, series, name, i);
                jobs.addObject().put("mangaId", id).put("title", "Bench " + id).put("titleJp", "ベンチ");
            }
            ObjectNode body = JSON.createObjectNode();
            body.put("enrichmentType", "synopsis");
            body.set("jobs", jobs);
            bodies.add(body.toString());
        }
        Run run = new Run();
        long deadline = System.nanoTime() + bound.toNanos();
        run.startNanos = System.nanoTime();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS, r -> new Thread(r, "bench-enrichment-client"));
        // the first job is done while the jobs are still being queued: watched from the start, every 5 ms
        java.util.concurrent.ScheduledExecutorService firstDone = Executors.newSingleThreadScheduledExecutor(
                r -> new Thread(r, "bench-enrichment-first-done"));
        firstDone.scheduleWithFixedDelay(() -> {
            if (run.firstDoneNanos == 0 && count(true) - successBefore > 0) {
                run.firstDoneNanos = System.nanoTime();
                firstDone.shutdown();
            }
        }, 0, 5, TimeUnit.MILLISECONDS);
        try {
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (String body : bodies) {
                answers.add(senders.submit(() -> post(body)));
            }
            for (Future<JsonNode> answer : answers) {
                JsonNode a = answer.get(bound.toSeconds(), TimeUnit.SECONDS);
                if (a.path("failed").asInt() != 0) {
                    fail("phase %s: jobs not queued: %s", name, a.path("failures"));
                }
            }
        } finally {
            senders.shutdownNow();
        }
        run.enqueuedNanos = System.nanoTime();
        firstDone.shutdownNow();
        try {
            // polls a counter every 5 ms (the resolution of the figures) until every job is done
            org.awaitility.Awaitility.await().atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() -> {
                        assertThat(count(false) - failureBefore).as("jobs failed in phase %s", name).isZero();
                        long done = count(true) - successBefore;
                        if (done > 0 && run.firstDoneNanos == 0) {
                            run.firstDoneNanos = System.nanoTime();
                        }
                        return done >= n;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            fail("Enrichment benchmark phase %s exceeded its bound of %s (bench.enrichment.phase-timeout): %d of %d jobs "
                    + "done; the figures would be meaningless", name, bound, count(true) - successBefore, n);
        }
        run.endNanos = System.nanoTime();
        return run;
    }

    JsonNode post(String body) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/enrichment/jobs/batch")).timeout(Duration.ofMinutes(2)).header("Content-Type", "application/json")
                .header(DevelopmentKey.HEADER, DevelopmentKey.value()).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            fail("the batch was answered %d: %s", response.statusCode(), response.body());
        }
        return JSON.readTree(response.body());
    }

    long count(boolean success) {
        Timer timer = meters.find(AsyncJobMetrics.JOB_DURATION).tag("flow", "enrichment").tag("type", "synopsis")
                .tag("status", success ? AsyncJobMetrics.SUCCESS : AsyncJobMetrics.FAILURE).timer();
        return timer == null ? 0 : timer.count();
    }

    void resetRouteStatistics() throws Exception {
        ManagedCamelContext managed = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        for (String route : ROUTES) {
            ManagedRouteMBean r = managed == null ? null : managed.getManagedRoute(route);
            if (r != null) {
                r.reset(true);
            }
        }
    }

    ObjectNode routeStatistics() {
        ObjectNode routes = JSON.createObjectNode();
        ManagedCamelContext managed = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        for (String route : ROUTES) {
            ManagedRouteMBean r = managed == null ? null : managed.getManagedRoute(route);
            if (r != null) {
                routes.putObject(route).put("exchanges", r.getExchangesTotal()).put("meanMs", r.getMeanProcessingTime())
                        .put("maxMs", r.getMaxProcessingTime());
            }
        }
        return routes;
    }

    /** One phase's clock. */
    static final class Run {
        long startNanos;
        long enqueuedNanos;
        volatile long firstDoneNanos;
        long endNanos;

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        double enqueueSeconds() {
            return (enqueuedNanos - startNanos) / 1e9;
        }

        double firstDoneMs() {
            return (firstDoneNanos - startNanos) / 1e6;
        }

        /** From the first job done to the last: without the wait for the first receive. */
        double steadyRate(int n) {
            double seconds = (endNanos - firstDoneNanos) / 1e9;
            return seconds <= 0 ? 0 : (n - 1) / seconds;
        }
    }

    // ------------------------------------------------------------------------------------------ report

    static Path outputDir() {
        return BenchmarkOutput.dir();
    }

    static void write() throws Exception {
        REPORT.put("benchmark", "enrichment: jobs through POST /api/enrichment/jobs/batch → SQS FIFO → Bedrock emulator → DynamoDB");
        REPORT.put("timestamp", Instant.now().toString());
        BenchmarkOutput.write("enrichment-benchmark", REPORT, text(REPORT));
    }

    static String text(ObjectNode r) {
        StringBuilder b = new StringBuilder();
        JsonNode mc = r.path("machine");
        JsonNode s = r.path("settings");
        b.append("\n==================== MangaAssist enrichment benchmark ====================\n");
        b.append(r.path("benchmark").asText()).append('\n').append(r.path("timestamp").asText()).append('\n');
        b.append(String.format(Locale.ROOT, "machine: %d cores, %s, %s, heap %d MB%n", mc.path("availableProcessors").asInt(),
                mc.path("java").asText(), mc.path("os").asText(), mc.path("maxHeapMb").asInt()));
        b.append("jvm args: ").append(mc.path("jvmArgs").asText()).append('\n');
        b.append("NOTE: ").append(mc.path("note").asText()).append('\n');
        b.append(String.format(Locale.ROOT, "consumer: %d concurrent consumers, %d a poll, long poll %d s, batch window %d ms%n",
                s.path("concurrentConsumers").asInt(), s.path("maxMessagesPerPoll").asInt(), s.path("waitTimeSeconds").asInt(),
                s.path("batchWindowMs").asLong()));
        b.append("enqueue: ").append(s.path("enqueue").asText()).append('\n');
        b.append("done: ").append(s.path("done").asText()).append('\n');
        if (r.has("warmup")) {
            b.append(String.format(Locale.ROOT, "warm-up (not measured): %d jobs in %.1f s, then %.1f s idle until the JIT settled%n",
                    r.path("warmup").path("jobs").asInt(), r.path("warmup").path("seconds").asDouble(),
                    r.path("warmup").path("jitSettleSeconds").asDouble()));
        }
        r.path("phases").fields().forEachRemaining(e -> {
            JsonNode p = e.getValue();
            JsonNode cpu = p.path("cpu");
            b.append(String.format(Locale.ROOT, "%n--- %s: %s%n", e.getKey(), p.path("what").asText()));
            b.append(String.format(Locale.ROOT, "  jobs %d: queued in %.1f s (%.0f/s); all done after %.1f s%n",
                    p.path("jobs").asInt(), p.path("enqueueSeconds").asDouble(), p.path("enqueuedJobsPerS").asDouble(),
                    p.path("endToEndSeconds").asDouble()));
            b.append(String.format(Locale.ROOT, "  end to end %.1f jobs/s (first job done after %.0f ms; from then on %.1f jobs/s)%n",
                    p.path("endToEndJobsPerS").asDouble(), p.path("firstDoneAfterMs").asDouble(), p.path("steadyJobsPerS").asDouble()));
            if (p.has("efficiency")) {
                b.append(String.format(Locale.ROOT, "  ideal %d consumers / %d ms = %.2f jobs/s; efficiency %.1f %% (from the first job done: %.1f %%)%n",
                        s.path("concurrentConsumers").asInt(), p.path("modelLatencyMs").asInt(), p.path("idealJobsPerS").asDouble(),
                        p.path("efficiency").asDouble() * 100, p.path("steadyEfficiency").asDouble() * 100));
            }
            b.append("  target: ").append(p.path("target").asText()).append('\n');
            b.append(String.format(Locale.ROOT, "  CPU %.2f ms per job (JVM %.1f s + child processes %.1f s of %.1f core-s); load average %.1f -> %.1f%n",
                    cpu.path("cpuMsPerJob").asDouble(), cpu.path("jvmCpuSeconds").asDouble(), cpu.path("childProcessCpuSeconds").asDouble(),
                    cpu.path("availableCoreSeconds").asDouble(), cpu.path("systemLoadAverageAtStart").asDouble(),
                    cpu.path("systemLoadAverageAtEnd").asDouble()));
            b.append("  busiest threads (CPU s): ");
            List<String> top = new ArrayList<>();
            cpu.path("threadGroupsCpuSeconds").fields().forEachRemaining(t -> top.add(t.getKey() + " " + t.getValue().asText()));
            b.append(String.join(", ", top)).append('\n');
            b.append("  routes (mean/max ms): ");
            List<String> routes = new ArrayList<>();
            p.path("routes").fields().forEachRemaining(t -> routes.add(String.format(Locale.ROOT, "%s %d/%d",
                    t.getKey(), t.getValue().path("meanMs").asLong(), t.getValue().path("maxMs").asLong())));
            b.append(String.join(", ", routes)).append('\n');
        });
        return b.toString();
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
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
