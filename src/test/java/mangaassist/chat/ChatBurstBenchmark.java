package mangaassist.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import mangaassist.MangaAssistApplication;
import mangaassist.chat.overload.ChatWorkQueue;
import mangaassist.chat.websocket.ChatConnections;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.EmbeddedStackInitializer;
import mangaassist.devstack.bedrock.EmulatorControl;
import mangaassist.support.BenchmarkMachine;
import mangaassist.support.CpuMeter;
import mangaassist.support.PhaseProfiler;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * Chat burst benchmark (issue: chat under overload; never fails on a figure). N WebSocket clients connect and are
 * held, then each sends one fresh question at once. Every message must get exactly one final frame; the report
 * sorts them: answered within the time budget, answered late (target 0), refused at once with OVERLOADED (and how
 * fast: target p99 ≤ 50 ms), other errors (target 0); and the drained rate (answers per second from the burst to the
 * last answer), with CPU per answer.
 *
 * <p>Run: {@code ./mvnw test -Pbenchmark -Dtest=ChatBurstBenchmark [-Dbench.clients=2000 -Dbench.warmup=1000
 * -Dbench.firstTokenMs=0 -Dbench.perTokenMs=0 -Dbench.timeout=PT5M]}. Output:
 * {@code target/benchmarks/chat-burst-benchmark.{json,txt}}. The warm-up (32 clients answering {@code bench.warmup}
 * fresh questions one after the other) starts the JIT and the backends and gives the work queue a measured service
 * time, as on an instance that has been running.
 *
 * <p>Its Spring configuration is ChatBenchmark's (the rate limit raised), so the two share one context in a run.
 *
 * <p>The clients are Vert.x WebSocket clients on a Vert.x instance of their own (two event loops): the JDK's
 * WebSocket client costs several times the CPU per frame, which on two shared cores the server's event loops would
 * wait for, and the refusal times would be the client's.
 */
@Tag("benchmark")
@CamelSpringBootTest
@AutoConfigureObservability
@SpringBootTest(classes = MangaAssistApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "mangaassist.chat.rate-limit.max-messages=1000000")
@ActiveProfiles("embedded")
@ContextConfiguration(initializers = EmbeddedStackInitializer.class)
class ChatBurstBenchmark {

    /** The targets, printed next to the figures; never asserted. */
    private static final double TARGET_REFUSED_P99_MS = 50;
    private static final int MAX_CLIENTS = 5_000;
    private static final int MAX_WARMUP = 50_000;
    private static final int WARMUP_CLIENTS = 32;
    /** Far past the budget: a message without a final frame by then got none (silence, the worst outcome). */
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(60);
    private static final int SENDER_THREADS = 8;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Value("${mangaassist.chat.websocket.port}")
    int websocketPort;
    @Value("${mangaassist.chat.time-budget}")
    Duration budget;
    @Autowired
    ChatWorkQueue queue;
    @Autowired
    MeterRegistry meters;
    @Autowired
    ChatConnections connections;

    private EmulatorControl bedrock;
    private Vertx clientVertx;
    private WebSocketClient webSockets;

    @BeforeEach
    void setUp() {
        bedrock = EmbeddedStack.shared().bedrock().control().reset();
        clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        webSockets = clientVertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(MAX_CLIENTS * 2)
                .setConnectTimeout(10_000));
    }

    @AfterEach
    void tearDown() {
        bedrock.reset();
        clientVertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void burstOfFreshQuestions() throws Exception {
        int clients = intProperty("bench.clients", 2_000, 1, MAX_CLIENTS);
        int warmup = intProperty("bench.warmup", 1_000, 0, MAX_WARMUP);
        Duration firstToken = Duration.ofMillis(intProperty("bench.firstTokenMs", 0, 0, 10_000));
        Duration perToken = Duration.ofMillis(intProperty("bench.perTokenMs", 0, 0, 1_000));
        Duration bound = Duration.parse(System.getProperty("bench.timeout", "PT5M"));
        long deadline = System.nanoTime() + bound.toNanos();
        bedrock.latency(firstToken, perToken);
        System.out.printf("%nChat burst benchmark: %d clients, one fresh question each at once; warm-up %d; model "
                + "first token %d ms, %d ms a token; budget %s; bound %s%n", clients, warmup, firstToken.toMillis(),
                perToken.toMillis(), budget, bound);

        if (warmup > 0) {
            long start = System.nanoTime();
            List<Client> warm = connect(WARMUP_CLIENTS);
            ExecutorService pool = Executors.newFixedThreadPool(WARMUP_CLIENTS);
            // the warm-up saturates the workers too: its failures (MODEL_TIMEOUT) are printed, not hidden
            Map<String, Integer> warmupErrors = new java.util.concurrent.ConcurrentSkipListMap<>();
            try {
                for (int c = 0; c < WARMUP_CLIENTS; c++) {
                    Client client = warm.get(c);
                    int share = warmup / WARMUP_CLIENTS + (c < warmup % WARMUP_CLIENTS ? 1 : 0);
                    pool.execute(() -> {
                        for (int m = 0; m < share && System.nanoTime() < deadline; m++) {
                            Reply reply = client.ask("warmup-" + client.index + "-" + m).join();
                            if (!reply.success()) {
                                warmupErrors.merge(String.valueOf(reply.code()), 1, Integer::sum);
                            }
                        }
                    });
                }
                pool.shutdown();
                assertThat(pool.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
                        .as("warm-up within bench.timeout").isTrue();
            } finally {
                pool.shutdownNow();
                warm.forEach(Client::close);
            }
            System.out.printf("Warm-up done: %d messages in %.1f s; measured service time %d ms; not answered %s%n",
                    warmup, (System.nanoTime() - start) / 1e9, queue.meanServiceTime().toMillis(), warmupErrors);
        }
        // bench.bursts > 1: bursts one after another (the first meets a refusal path the JIT has not compiled yet)
        int bursts = intProperty("bench.bursts", 1, 1, 5);
        for (int b = 1; b <= bursts; b++) {
            System.out.printf("%nBurst %d of %d%n", b, bursts);
            await(() -> queue.busy() == 0, deadline);

            List<Client> burst = connect(clients);
            // held before they send, as the clients: every open event handled (the server knows them all)
            await(() -> connections.size() >= clients, deadline);
            // as on an instance that has been running: the JIT done with what the warm-up (and an earlier burst) ran
            CpuMeter.settleJit();
            Map<String, Double> refusalsBefore = refusals();
            long serviceTimeBefore = queue.meanServiceTime().toMillis();
            CpuMeter cpu = CpuMeter.start();
            // -Dbench.profile=itimer|cpu|wall|lock: the burst's stacks (PhaseProfiler)
            PhaseProfiler profile = PhaseProfiler.start("chat-burst", Path.of(System.getProperty("bench.output", "target/benchmarks")));
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService senders = Executors.newFixedThreadPool(SENDER_THREADS);
            List<CompletableFuture<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                replies.add(new CompletableFuture<>());
            }
            for (int t = 0; t < SENDER_THREADS; t++) {
                int first = t;
                senders.execute(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = first; i < clients; i += SENDER_THREADS) {
                        Client client = burst.get(i);
                        CompletableFuture<Reply> reply = replies.get(i);
                        client.ask("burst-" + i).whenComplete((r, e) -> {
                            if (e != null) {
                                reply.completeExceptionally(e);
                            } else {
                                reply.complete(r);
                            }
                        });
                    }
                });
            }
            long burstStart = System.nanoTime();
            go.countDown();
            senders.shutdown();
            CompletableFuture<Void> all = CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new));
            try {
                all.get(Math.max(1, Math.min(REPLY_TIMEOUT.toNanos(), deadline - System.nanoTime())), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // reported below as messages without a final frame
            }
            List<Reply> done = new ArrayList<>();
            int silent = 0;
            for (CompletableFuture<Reply> r : replies) {
                if (r.isDone() && !r.isCompletedExceptionally()) {
                    done.add(r.join());
                } else {
                    silent++;
                }
            }
            if (profile != null) {
                profile.stop();
            }
            int answers = (int) done.stream().filter(Reply::success).count();
            ObjectNode cpuReport = cpu.stop(Math.max(1, answers), "Answer", null);
            burst.forEach(Client::close);

            ObjectNode report = report(clients, warmup, firstToken, perToken, burstStart, done, silent, cpuReport,
                    refusalsBefore, serviceTimeBefore);
            String text = text(report);
            System.out.println(text);
            Path dir = Path.of(System.getProperty("bench.output", "target/benchmarks"));
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("chat-burst-benchmark.json"), JSON.writeValueAsString(report), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("chat-burst-benchmark.txt"), text, StandardCharsets.UTF_8);
            System.out.println("Written: " + dir.toAbsolutePath().resolve("chat-burst-benchmark.{json,txt}"));

            // the run is valid only if every message got its one final frame (figures are never asserted)
            assertThat(silent).as("messages without a final frame within %s", REPLY_TIMEOUT).isZero();
        }
    }

    // ------------------------------------------------------------------------------------------ report

    private ObjectNode report(int clients, int warmup, Duration firstToken, Duration perToken, long burstStart,
                              List<Reply> done, int silent, ObjectNode cpu, Map<String, Double> refusalsBefore,
                              long serviceTimeBefore) {
        long budgetNanos = budget.toNanos();
        List<Long> withinBudget = new ArrayList<>();
        List<Long> late = new ArrayList<>();
        List<Long> refused = new ArrayList<>();
        List<Long> retryHints = new ArrayList<>();
        Map<String, Integer> errors = new TreeMap<>();
        long lastAnswer = burstStart;
        for (Reply r : done) {
            long latency = r.finalNanos - r.sentNanos;
            if (r.success()) {
                (latency <= budgetNanos ? withinBudget : late).add(latency);
                lastAnswer = Math.max(lastAnswer, r.finalNanos);
            } else if ("OVERLOADED".equals(r.code)) {
                refused.add(latency);
                retryHints.add(TimeUnit.MILLISECONDS.toNanos(r.retryAfterMs));
            } else {
                errors.merge(r.code, 1, Integer::sum);
            }
        }
        if (silent > 0) {
            errors.put("NO_FINAL_FRAME", silent);
        }
        int answered = withinBudget.size() + late.size();
        double drainSeconds = (lastAnswer - burstStart) / 1e9;

        ObjectNode root = JSON.createObjectNode();
        root.put("benchmark", "chat burst: N WebSocket clients held, one fresh question each at once");
        root.put("timestamp", Instant.now().toString());
        BenchmarkMachine.describe(root, "client, application and every backend share this machine and JVM: figures are "
                + "noisy, compare runs on the same machine only");
        ObjectNode config = root.putObject("config");
        config.put("clients", clients);
        config.put("warmupMessages", warmup);
        config.put("modelFirstTokenMs", firstToken.toMillis());
        config.put("modelPerTokenMs", perToken.toMillis());
        config.put("timeBudgetMs", budget.toMillis());
        config.put("workers", queue.load().workers());
        config.put("queueCapacity", queue.load().capacity());
        config.put("serviceTimeAtBurstMs", serviceTimeBefore);

        ObjectNode outcome = root.putObject("outcome");
        outcome.put("answeredWithinBudget", withinBudget.size());
        outcome.put("answeredLate", late.size());
        outcome.put("answeredLateTarget", 0);
        outcome.put("refusedOverloaded", refused.size());
        outcome.put("errors", errors.values().stream().mapToInt(Integer::intValue).sum());
        outcome.put("errorsTarget", 0);
        outcome.set("errorsByCode", JSON.valueToTree(errors));
        ObjectNode reasons = outcome.putObject("refusalsByReason");
        refusals().forEach((reason, count) -> reasons.put(reason, Math.round(count - refusalsBefore.getOrDefault(reason, 0.0))));

        ObjectNode latency = root.putObject("latencyMs");
        latency.set("answered", percentiles(concat(withinBudget, late)));
        latency.set("refused", percentiles(refused));
        latency.put("refusedP99Target", TARGET_REFUSED_P99_MS);
        latency.set("retryAfterHint", percentiles(retryHints));

        ObjectNode drain = root.putObject("drain");
        drain.put("answers", answered);
        drain.put("seconds", round(drainSeconds));
        drain.put("answersPerSecond", round(drainSeconds > 0 ? answered / drainSeconds : 0));
        drain.put("serviceTimeAfterMs", queue.meanServiceTime().toMillis());
        root.set("cpu", cpu);
        return root;
    }

    private static String text(ObjectNode r) {
        JsonNode o = r.path("outcome");
        JsonNode l = r.path("latencyMs");
        JsonNode d = r.path("drain");
        JsonNode c = r.path("config");
        return String.format("""

                Chat burst: %d clients at once (budget %d ms, %d workers, queue %d, service time %d ms at the burst)
                  answered within budget  %6d
                  answered late           %6d   (target 0)
                  refused (OVERLOADED)    %6d   %s
                  errors                  %6d   (target 0) %s
                  refused latency ms      p50 %s  p99 %s  max %s   (target p99 <= %.0f)
                  answered latency ms     p50 %s  p99 %s  max %s
                  retryAfterMs hint       p50 %s  max %s
                  drained                 %d answers in %.2f s = %.1f answers/s
                  CPU                     %.2f ms per answer (JVM %.1f s + children %.1f s; JIT %.1f s)
                """,
                c.path("clients").asInt(), c.path("timeBudgetMs").asLong(), c.path("workers").asInt(),
                c.path("queueCapacity").asInt(), c.path("serviceTimeAtBurstMs").asLong(),
                o.path("answeredWithinBudget").asInt(), o.path("answeredLate").asInt(), o.path("refusedOverloaded").asInt(),
                o.path("refusalsByReason"), o.path("errors").asInt(), o.path("errorsByCode"),
                l.path("refused").path("p50").asText(), l.path("refused").path("p99").asText(),
                l.path("refused").path("max").asText(), TARGET_REFUSED_P99_MS,
                l.path("answered").path("p50").asText(), l.path("answered").path("p99").asText(),
                l.path("answered").path("max").asText(),
                l.path("retryAfterHint").path("p50").asText(), l.path("retryAfterHint").path("max").asText(),
                d.path("answers").asInt(), d.path("seconds").asDouble(), d.path("answersPerSecond").asDouble(),
                r.path("cpu").path("cpuMsPerAnswer").asDouble(), r.path("cpu").path("jvmCpuSeconds").asDouble(),
                r.path("cpu").path("childProcessCpuSeconds").asDouble(), r.path("cpu").path("jitSeconds").asDouble());
    }

    private static ObjectNode percentiles(List<Long> nanos) {
        ObjectNode node = JSON.createObjectNode();
        node.put("n", nanos.size());
        if (nanos.isEmpty()) {
            return node;
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        node.put("p50", ms(sorted[index(sorted.length, 0.50)]));
        node.put("p90", ms(sorted[index(sorted.length, 0.90)]));
        node.put("p99", ms(sorted[index(sorted.length, 0.99)]));
        node.put("max", ms(sorted[sorted.length - 1]));
        node.put("mean", ms((long) Arrays.stream(sorted).average().orElse(0)));
        return node;
    }

    private static int index(int n, double q) {
        return Math.min(n - 1, (int) Math.ceil(q * n) - 1);
    }

    private static double ms(long nanos) {
        return round(nanos / 1e6);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static List<Long> concat(List<Long> a, List<Long> b) {
        List<Long> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private Map<String, Double> refusals() {
        Map<String, Double> counts = new TreeMap<>();
        meters.find(ChatWorkQueue.REFUSALS).counters()
                .forEach(c -> counts.put(c.getId().getTag("reason"), c.count()));
        return counts;
    }

    // ------------------------------------------------------------------------------------------ clients

    private List<Client> connect(int n) {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(new Client(webSockets, websocketPort, i));
        }
        return clients;
    }

    /** Waits for the condition, failing the run if it does not hold within bench.timeout. */
    private static void await(java.util.function.BooleanSupplier condition, long deadline) {
        org.awaitility.Awaitility.await("within bench.timeout")
                .atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                .pollInterval(Duration.ofMillis(10))
                .until(condition::getAsBoolean);
    }

    private static int intProperty(String name, int fallback, int min, int max) {
        String raw = System.getProperty(name);
        int value = raw == null || raw.isBlank() ? fallback : Integer.parseInt(raw.trim());
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + value);
        }
        return value;
    }

    /** One message's outcome: when it was sent, when its final frame came, and what that frame said. */
    record Reply(long sentNanos, long finalNanos, String status, String code, long retryAfterMs) {
        boolean success() {
            return "success".equals(status);
        }
    }

    /** One WebSocket client asking one question at a time; partial frames are skipped, the final one completes it. */
    private static final class Client {
        final int index;
        private final WebSocket socket;
        private volatile CompletableFuture<Reply> pending;
        private volatile long sentNanos;

        Client(WebSocketClient webSockets, int port, int index) {
            this.index = index;
            this.socket = webSockets.connect(port, "127.0.0.1", "/chat").toCompletionStage().toCompletableFuture().join();
            socket.textMessageHandler(this::onText);
        }

        CompletableFuture<Reply> ask(String tag) {
            CompletableFuture<Reply> reply = new CompletableFuture<>();
            pending = reply;
            ObjectNode frame = ChatFlowTest.message("burst-" + tag + "-" + System.nanoTime(),
                    "Could you recommend a manga for me? (" + tag + ")", "fast");
            sentNanos = System.nanoTime();
            socket.writeTextMessage(frame.toString()).toCompletionStage().toCompletableFuture().join();
            return reply;
        }

        private void onText(String frame) {
            long now = System.nanoTime();
            CompletableFuture<Reply> reply = pending;
            try {
                JsonNode json = JSON.readTree(frame);
                String status = json.path("status").asText();
                if (!"partial".equals(status) && reply != null) {
                    reply.complete(new Reply(sentNanos, now, status, json.path("code").asText(null),
                            json.path("retryAfterMs").asLong(0)));
                }
            } catch (Exception e) {
                if (reply != null) {
                    reply.complete(new Reply(sentNanos, now, "error", "UNREADABLE_FRAME", 0));
                }
            }
        }

        void close() {
            try {
                socket.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the client's Vert.x closes it at the end
            }
        }
    }
}
