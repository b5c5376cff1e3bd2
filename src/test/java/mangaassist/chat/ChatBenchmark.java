package mangaassist.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.cumulative.CumulativeTimer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.MangaAssistApplication;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.EmbeddedStackInitializer;
import mangaassist.devstack.bedrock.EmulatorControl;
import mangaassist.support.BenchmarkMachine;
import mangaassist.support.BenchmarkOutput;
import mangaassist.support.CpuMeter;
import mangaassist.support.PhaseProfiler;
import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedProcessorMBean;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * Chat benchmark (not a test of timings: it never fails on a figure). N concurrent WebSocket sessions
 * each send M fresh messages, each followed by the same message again (the answer is cached before it is sent), against
 * the emulator at 0 ms model latency. The integration's overhead is the server's time for an answer
 * less its model calls, exactly as the application records it ({@code mangaassist.chat.overhead}, every
 * sample kept by a registry of the benchmark's own); the model call itself (request to last streamed
 * byte) is not the integration's, even at 0 ms latency.
 *
 * <p>Two loads: saturated (the default, {@code bench.thinkMs=0}: each session sends its next message as
 * soon as the last is answered, so the figures include queueing for the worker threads, DynamoDB Local
 * and the CPU) and paced ({@code bench.thinkMs=N}: each session waits N ms, jittered ±50 %, before each
 * message, from a random offset; offered load ≈ sessions × 1000 / N messages per second).
 *
 * <p>Run: {@code ./mvnw test -Pbenchmark -Dtest=ChatBenchmark [-Dbench.sessions=200 -Dbench.messages=5
 * -Dbench.thinkMs=0 -Dbench.warmup=2000 -Dbench.warmup-sessions=32 -Dbench.timeout=PT5M
 * -Dbench.profile=itimer]}. Output:
 * {@code target/benchmarks/chat-benchmark-{saturated,paced}.{json,txt}}.
 *
 * <p>Its own Spring context (the rate limit raised), so it never changes the flow tests' shared one;
 * the {@code benchmark} tag keeps it out of {@code ./mvnw test}. It fails only when the run is invalid:
 * error replies, a timeout, or the whole run over its time bound.
 */
@Tag("benchmark")
@CamelSpringBootTest
@DisableJmx(false)
@AutoConfigureObservability
@SpringBootTest(classes = MangaAssistApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "mangaassist.chat.rate-limit.max-messages=1000000")
@ActiveProfiles("embedded")
@ContextConfiguration(initializers = EmbeddedStackInitializer.class)
@Import(ChatBenchmark.Samples.class)
class ChatBenchmark {

    /** The targets, printed next to the figures; never asserted. */
    private static final double TARGET_OVERHEAD_P99_MS = 10;
    private static final double TARGET_CACHE_HIT_P99_MS = 5;

    private static final int MAX_SESSIONS = 2_000;
    private static final int MAX_MESSAGES = 200;
    private static final int MAX_WARMUP = 50_000;
    private static final int MAX_THINK_MS = 60_000;
    /** Longer than the chat's 3 s time budget: a reply that takes this long is an error, not a sample. */
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);
    /** WebSocket connections per JDK HttpClient (one selector thread each). */
    private static final int CONNECTIONS_PER_HTTP_CLIENT = 50;
    private static final List<String> ROUTES = List.of("chat-websocket", "chat-handle", "chat-history",
            "chat-model", "chat-invoke", "chat-reply", "chat-remember");
    private static final List<String> QUESTIONS = List.of(
            "Could you recommend a shonen manga for a beginner? (%d)",
            "おすすめの少年漫画を教えてください（%d）",
            "What are some good romance manga series? (%d)",
            "最近人気のファンタジー漫画は何ですか？（%d）",
            "Tell me about the history of seinen manga (%d)");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Value("${mangaassist.chat.websocket.port}")
    int websocketPort;
    @Value("${mangaassist.chat.rate-limit.max-messages}")
    int rateLimit;
    @Autowired
    CamelContext camel;
    @Autowired
    SampleRegistry samples;

    private EmulatorControl bedrock;

    @BeforeEach
    void setUp() {
        bedrock = EmbeddedStack.shared().bedrock().control().reset().latency(Duration.ZERO, Duration.ZERO);
    }

    @AfterEach
    void tearDown() {
        bedrock.reset();
    }

    @Test
    void chatOverWebSocket() throws Exception {
        int sessions = intProperty("bench.sessions", 200, 1, MAX_SESSIONS);
        int messages = intProperty("bench.messages", 5, 1, MAX_MESSAGES);
        int warmupMessages = intProperty("bench.warmup", 2_000, 0, MAX_WARMUP);
        int thinkMs = intProperty("bench.thinkMs", 0, 0, MAX_THINK_MS);
        Duration bound = Duration.parse(System.getProperty("bench.timeout", "PT5M"));
        long deadline = System.nanoTime() + bound.toNanos();
        System.out.printf("%nChat benchmark: %d sessions x %d messages (+ cached repeats), %s, warm-up %d messages, "
                + "bound %s%n", sessions, messages, thinkMs == 0 ? "saturated" : "think time " + thinkMs + " ms",
                warmupMessages, bound);

        // warm-up: the same workload on other sessions, not measured (ElasticMQ, DynamoDB Local, JIT start slow)
        Phase warmup = null;
        if (warmupMessages > 0) {
            // closed loop whatever the mode: it is there to warm up, not to be measured. No more sessions at once than
            // the chat-work workers: with all 200 the admission refused most of it (OVERLOADED), so the answer's path
            // stayed cold and the JIT compiled it during the measured phase (C2 half of its CPU samples)
            int warmupSessions = Math.min(sessions, intProperty("bench.warmup-sessions", 32, 1, sessions));
            int pairs = Math.max(1, (int) Math.ceil(warmupMessages / (2.0 * warmupSessions)));
            warmup = run("warmup", warmupSessions, pairs, 0, deadline, bound);
            System.out.printf("Warm-up done: %d messages in %.1f s, %d errors %s%n", warmup.sent.get(),
                    warmup.seconds(), warmup.errorCount(), warmup.errors);
            CpuMeter.settleJit();
        }

        bedrock.reset().latency(Duration.ZERO, Duration.ZERO);
        ManagedCamelContext managed = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        for (String route : ROUTES) {
            managed.getManagedRoute(route).reset(true);
        }
        samples.forgetSamples();
        // -Dbench.profile=itimer|cpu|wall|lock|alloc: the measured phase's stacks (PhaseProfiler)
        PhaseProfiler profile = PhaseProfiler.start("chat-" + (thinkMs == 0 ? "saturated" : "paced"),
                Path.of(System.getProperty("bench.output", "target/benchmarks")));
        Phase measured = run("measured", sessions, messages, thinkMs, deadline, bound);
        if (profile != null) {
            profile.stop();
        }
        int modelCalls = bedrock.invocations();

        ObjectNode report = report(sessions, messages, thinkMs, bound, warmup, measured, modelCalls, managed);
        String text = text(report);
        System.out.println(text);
        String name = "chat-benchmark-" + (thinkMs == 0 ? "saturated" : "paced");
        BenchmarkOutput.write(name, report, text);
        System.out.println("Written: " + BenchmarkOutput.dir().toAbsolutePath().resolve(name + ".{json,txt}"));

        // the run is only valid without errors (the figures themselves are never asserted)
        assertThat(measured.errors).as("errors by code in the measured phase (see the report)").isEmpty();
        assertThat(measured.fresh.size() + measured.cachedClient.size())
                .as("answers in the measured phase").isEqualTo(2 * sessions * messages);
        assertThat(report.path("latencyMs").path("integrationOverheadServer").path("n").asInt())
                .as("overhead samples, one per fresh answer").isEqualTo(measured.fresh.size());
    }

    // ------------------------------------------------------------------------------------------ workload

    /** One phase: every session connects, then all start together; each sends fresh + cached pairs in turn. */
    private Phase run(String name, int sessions, int pairs, int thinkMs, long deadline, Duration bound)
            throws Exception {
        Phase phase = new Phase();
        List<HttpClient> httpClients = new ArrayList<>();
        for (int i = 0; i < (sessions + CONNECTIONS_PER_HTTP_CLIENT - 1) / CONNECTIONS_PER_HTTP_CLIENT; i++) {
            httpClients.add(HttpClient.newHttpClient());
        }
        List<BenchClient> clients = new ArrayList<>();
        try {
            for (int s = 0; s < sessions; s++) {
                clients.add(new BenchClient(httpClients.get(s / CONNECTIONS_PER_HTTP_CLIENT),
                        URI.create("ws://127.0.0.1:" + websocketPort + "/chat")));
            }
            ExecutorService pool = Executors.newFixedThreadPool(sessions, runnable -> {
                Thread t = new Thread(runnable, "bench-" + name);
                t.setDaemon(true);
                return t;
            });
            CountDownLatch start = new CountDownLatch(1);
            for (int s = 0; s < sessions; s++) {
                BenchClient client = clients.get(s);
                String session = "bench-" + name + "-" + s + "-" + System.nanoTime();
                int index = s;
                HttpClient http = httpClients.get(s / CONNECTIONS_PER_HTTP_CLIENT);
                Pacing pacing = new Pacing(thinkMs, index);
                pool.execute(() -> session(phase, client, http, session, index, pairs, pacing, start, deadline));
            }
            phase.startNanos = System.nanoTime();
            phase.cpuStartNanos = processCpuNanos();
            phase.loadAverageStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            start.countDown();
            pool.shutdown();
            long left = deadline - System.nanoTime();
            if (!pool.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                pool.shutdownNow();
                fail("Chat benchmark exceeded its bound of %s (bench.timeout) in the %s phase: %d of %d messages "
                        + "answered; the stack is too slow or stuck, the figures would be meaningless",
                        bound, name, phase.sent.get(), 2 * sessions * pairs);
            }
            phase.endNanos = phase.lastFinalNanos.get() == 0 ? System.nanoTime() : phase.lastFinalNanos.get();
            phase.cpuEndNanos = processCpuNanos();
            phase.loadAverageEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        } finally {
            clients.forEach(BenchClient::close);
        }
        return phase;
    }

    private void session(Phase phase, BenchClient first, HttpClient http, String session, int index, int pairs,
                         Pacing pacing, CountDownLatch start, long deadline) {
        BenchClient client = first;
        try {
            start.await();
            pacing.offset();
            for (int i = 0; i < pairs; i++) {
                if (i > 0) {
                    pacing.think();
                }
                if (System.nanoTime() > deadline) {
                    phase.error("RUN_DEADLINE");
                    return;
                }
                String text = String.format(QUESTIONS.get((index + i) % QUESTIONS.size()), i + 1);
                String frame = message(session, text);

                Reply fresh = client.ask(frame, phase);
                if (!fresh.success()) {
                    phase.error(fresh.code());
                    if (fresh.fatal()) {
                        // a late frame would be taken for the next reply's: go on on a new connection
                        client = reconnect(client, http);
                    }
                    continue;
                }
                if (fresh.cached()) {
                    phase.error("FRESH_WAS_CACHED");
                    continue;
                }
                if (fresh.partials == 0) {
                    phase.error("NOT_STREAMED");
                    continue;
                }
                if (!fresh.streamed.toString().equals(fresh.last.path("data").path("message").asText())) {
                    // not an error: the final text is post-processed (JapaneseSpacing for ja), the deltas are not
                    phase.streamedDiffers.computeIfAbsent(fresh.last.path("data").path("language").asText(),
                            l -> new LongAdder()).increment();
                }
                phase.fresh.add(fresh.totalNanos());
                phase.freshFirstPartial.add(fresh.firstPartialNanos - fresh.sentNanos);
                phase.partials.add(fresh.partials);

                // the same message again: its answer was cached before it was sent, so it is a hit
                pacing.think();
                Reply again = client.ask(frame, phase);
                if (!again.success()) {
                    phase.error(again.code());
                    if (again.fatal()) {
                        // a late frame would be taken for the next reply's: go on on a new connection
                        client = reconnect(client, http);
                    }
                    continue;
                }
                if (!again.cached()) {
                    phase.error("REPEAT_NOT_CACHED");
                    continue;
                }
                phase.cachedClient.add(again.totalNanos());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            phase.error("INTERRUPTED");
        } catch (RuntimeException e) {
            phase.error("CLIENT_" + e.getClass().getSimpleName());
        } finally {
            if (client != first) {
                client.close();
            }
        }
    }

    private BenchClient reconnect(BenchClient client, HttpClient http) {
        client.close();
        return new BenchClient(http, URI.create("ws://127.0.0.1:" + websocketPort + "/chat"));
    }

    private static String message(String session, String text) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("data").put("sessionId", session).put("message", text).put("preferredLanguage", "auto")
                .put("modelPreference", "auto");
        root.putObject("metadata").put("clientVersion", "benchmark");
        return root.toString();
    }

    /** The benchmark's registry beside the application's (Spring Boot makes them a composite). */
    @TestConfiguration
    static class Samples {
        @Bean
        SampleRegistry sampleRegistry() {
            return new SampleRegistry();
        }
    }

    /** Keeps every sample of the chat timers; the application's registry keeps histograms only. */
    static final class SampleRegistry extends SimpleMeterRegistry {
        private final Map<Meter.Id, Collection<Long>> samples = new ConcurrentHashMap<>();

        @Override
        protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
            if (!id.getName().startsWith("mangaassist.chat.")) {
                return super.newTimer(id, config, pauseDetector);
            }
            Collection<Long> kept = samples.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>());
            return new CumulativeTimer(id, clock, config, pauseDetector, getBaseTimeUnit(), false) {
                @Override
                protected void recordNonNegative(long amount, TimeUnit unit) {
                    super.recordNonNegative(amount, unit);
                    kept.add(unit.toNanos(amount));
                }
            };
        }

        /** Every sample (ns) of the timer, over every model. */
        List<Long> samples(String name, boolean cached) {
            List<Long> all = new ArrayList<>();
            samples.forEach((id, kept) -> {
                if (id.getName().equals(name) && String.valueOf(cached).equals(id.getTag("cached"))) {
                    all.addAll(kept);
                }
            });
            return all;
        }

        void forgetSamples() {
            samples.values().forEach(Collection::clear);
        }
    }

    /**
     * Think time of one session: none when saturated; else uniform in [N/2, 3N/2] ms, and a first
     * message at a uniform offset in [0, N) ms, so that sessions do not send in step.
     */
    private static final class Pacing {
        private final int thinkMs;
        private final java.util.Random random;

        Pacing(int thinkMs, int session) {
            this.thinkMs = thinkMs;
            this.random = new java.util.Random(session); // the same schedule run after run
        }

        void offset() throws InterruptedException {
            if (thinkMs > 0) {
                Thread.sleep(random.nextInt(thinkMs));
            }
        }

        void think() throws InterruptedException {
            if (thinkMs > 0) {
                Thread.sleep(thinkMs / 2 + random.nextInt(thinkMs + 1));
            }
        }
    }

    /** Samples of one phase; every list is complete (no sampling). */
    private static final class Phase {
        final Collection<Long> fresh = new ConcurrentLinkedQueue<>();
        final Collection<Long> freshFirstPartial = new ConcurrentLinkedQueue<>();
        final Collection<Long> cachedClient = new ConcurrentLinkedQueue<>();
        final Collection<Integer> partials = new ConcurrentLinkedQueue<>();
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        /** Fresh answers whose concatenated deltas differ from the final text, by language. */
        final Map<String, LongAdder> streamedDiffers = new ConcurrentHashMap<>();
        final AtomicInteger sent = new AtomicInteger();
        final AtomicLong lastFinalNanos = new AtomicLong();
        volatile long startNanos;
        volatile long endNanos;
        volatile long cpuStartNanos;
        volatile long cpuEndNanos;
        volatile double loadAverageStart;
        volatile double loadAverageEnd;

        void error(String code) {
            errors.computeIfAbsent(code, c -> new LongAdder()).increment();
        }

        long errorCount() {
            return errors.values().stream().mapToLong(LongAdder::sum).sum();
        }

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }
    }

    /** The frames of one message: the partials, then the final frame (success or error). */
    private static final class Reply {
        long sentNanos;
        long firstPartialNanos;
        long finalNanos;
        int partials;
        final StringBuilder streamed = new StringBuilder();
        JsonNode last;
        String clientError;

        boolean success() {
            return clientError == null && "success".equals(last.path("status").asText());
        }

        /** A client-side failure leaves the connection in an unknown state: the session stops. */
        boolean fatal() {
            return clientError != null;
        }

        String code() {
            return clientError != null ? clientError : last.path("code").asText("NO_CODE");
        }

        boolean cached() {
            return last.path("metadata").path("cached").asBoolean();
        }

        long totalNanos() {
            return finalNanos - sentNanos;
        }
    }

    /** A JDK WebSocket client that stamps each frame with System.nanoTime() on arrival (in the listener). */
    private static final class BenchClient implements WebSocket.Listener {
        private record Frame(long nanos, String text) {
        }

        private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket socket;

        BenchClient(HttpClient http, URI uri) {
            this.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, this).join();
        }

        Reply ask(String frame, Phase phase) throws InterruptedException {
            Reply reply = new Reply();
            reply.sentNanos = System.nanoTime();
            socket.sendText(frame, true).join();
            phase.sent.incrementAndGet();
            long until = reply.sentNanos + REPLY_TIMEOUT.toNanos();
            String requestId = null;
            while (true) {
                Frame f = frames.poll(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (f == null) {
                    reply.clientError = "CLIENT_TIMEOUT";
                    return reply;
                }
                JsonNode json;
                try {
                    json = JSON.readTree(f.text());
                } catch (IOException e) {
                    reply.clientError = "UNPARSEABLE_FRAME";
                    return reply;
                }
                String id = json.path("requestId").asText();
                if (requestId != null && !requestId.equals(id)) {
                    reply.clientError = "FOREIGN_FRAME";
                    return reply;
                }
                requestId = id;
                if ("partial".equals(json.path("status").asText())) {
                    if (reply.partials++ == 0) {
                        reply.firstPartialNanos = f.nanos();
                    }
                    reply.streamed.append(json.path("data").path("delta").asText());
                    continue;
                }
                reply.finalNanos = f.nanos();
                reply.last = json;
                phase.lastFinalNanos.accumulateAndGet(f.nanos(), Math::max);
                return reply;
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(new Frame(System.nanoTime(), partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        void close() {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
    }

    // ------------------------------------------------------------------------------------------ report

    private ObjectNode report(int sessions, int messages, int thinkMs, Duration bound, Phase warmup, Phase measured,
                              int modelCalls,
                              ManagedCamelContext managed) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.put("benchmark", "chat over WebSocket (streaming on), embedded stack, Bedrock emulator at 0 ms");
        root.put("timestamp", Instant.now().toString());
        BenchmarkMachine.describe(root, "client, application and every backend (Redis, DynamoDB Local, ElasticMQ, OpenSearch, "
                + "emulator) share this machine and JVM: figures are noisy, compare runs on the same machine only");

        ObjectNode config = root.putObject("config");
        config.put("sessions", sessions);
        config.put("messagesPerSession", messages);
        config.put("cachedRepeatsPerSession", messages);
        config.put("load", thinkMs == 0 ? "saturated" : "paced");
        config.put("thinkMs", thinkMs);
        config.put("loadNote", thinkMs == 0
                ? "closed loop: each session sends its next message as soon as the last is answered (and, for a "
                        + "repeat, cached): the figures include queueing, for worker threads, backends and the CPU"
                : "paced: each session waits thinkMs (uniform in [thinkMs/2, 3*thinkMs/2]) before each message, "
                        + "the first at a uniform offset in [0, thinkMs)");
        if (thinkMs > 0) {
            config.put("offeredMessagesPerSecondAtMost", round(sessions * 1000.0 / thinkMs));
        }
        config.put("streaming", true);
        config.put("modelLatencyMs", 0);
        config.put("rateLimitMaxMessages", rateLimit);
        config.put("replyTimeoutMs", REPLY_TIMEOUT.toMillis());
        config.put("runBound", bound.toString());
        config.put("percentiles", "nearest rank over all samples (sorted), no sampling");

        ObjectNode warm = root.putObject("warmup");
        warm.put("note", "not measured: ElasticMQ, DynamoDB Local and the JIT are slow at first");
        warm.put("messages", warmup == null ? 0 : warmup.sent.get());
        warm.put("seconds", warmup == null ? 0 : round(warmup.seconds()));
        warm.set("errors", errors(warmup == null ? Map.of() : warmup.errors));

        ObjectNode m = root.putObject("measured");
        int answers = measured.fresh.size() + measured.cachedClient.size();
        m.put("seconds", round(measured.seconds()));
        m.put("messagesSent", measured.sent.get());
        m.put("answers", answers);
        m.put("freshAnswers", measured.fresh.size());
        m.put("cachedAnswers", measured.cachedClient.size());
        m.put("throughputAnswersPerSecond", round(answers / measured.seconds()));
        m.put("throughputNote", "answers over the wall clock from the common start to the last final frame ("
                + (thinkMs == 0 ? "saturated: the most this machine answered)" : "paced: the offered load)"));
        m.put("modelInvocations", modelCalls);
        // less sensitive to the other builds on the machine than latencies: CPU this JVM spent per answer
        m.put("processCpuMsPerAnswer", round((measured.cpuEndNanos - measured.cpuStartNanos) / 1e6 / answers));
        m.put("processCpuNote", "CPU time of the whole JVM (application, embedded backends but redis-server, "
                + "benchmark client) over the measured phase, per answer");
        m.put("systemLoadAverageAtStart", round(measured.loadAverageStart));
        m.put("systemLoadAverageAtEnd", round(measured.loadAverageEnd));
        m.put("partialFramesPerFreshAnswerMean", round(measured.partials.stream().mapToInt(Integer::intValue)
                .average().orElse(0)));
        m.set("streamedTextDiffersFromFinalByLanguage", errors(measured.streamedDiffers));
        m.put("streamedTextNote", "not an error: the final message is post-processed (JapaneseSpacing for ja), "
                + "the streamed deltas are not");
        m.set("errors", errors(measured.errors));
        m.put("errorCount", measured.errorCount());

        ObjectNode latency = root.putObject("latencyMs");
        latency.set("freshEndToEndClient", stats(measured.fresh, 1e6,
                "client: send to final frame, fresh (uncached) answers, streaming on"));
        latency.set("freshFirstPartialClient", stats(measured.freshFirstPartial, 1e6,
                "client: send to first partial frame, fresh answers"));
        List<Long> overhead = samples.samples(ChatMetrics.OVERHEAD, false);
        List<Long> cacheHit = samples.samples(ChatMetrics.LATENCY, true);
        latency.set("integrationOverheadServer", stats(overhead, 1e6,
                "server: a fresh answer's time less its model call(s), request to last streamed byte "
                        + "(mangaassist.chat.overhead, cached=false)"));
        latency.set("freshServerInclModel", stats(samples.samples(ChatMetrics.LATENCY, false), 1e6,
                "server: a fresh answer's time, model call(s) included (mangaassist.chat.latency, cached=false)"));
        latency.set("cacheHitClient", stats(measured.cachedClient, 1e6,
                "client: send to final frame, cached answers"));
        latency.set("cacheHitServer", stats(cacheHit, 1e6,
                "server: a cached answer's time (mangaassist.chat.latency, cached=true)"));
        latency.put("serverNote", "server time runs from the start of chat-handle to the answer frame being built: "
                + "it leaves out the wait for a WebSocket worker thread and the frame's write, which the client "
                + "figures include");

        ObjectNode targets = root.putObject("targets");
        targets.put("note", "informational: the benchmark never fails on them");
        double overheadP99 = latency.path("integrationOverheadServer").path("p99").asDouble();
        double cacheP99 = latency.path("cacheHitServer").path("p99").asDouble();
        targets.putObject("integrationOverheadP99").put("targetMs", TARGET_OVERHEAD_P99_MS).put("actualMs", overheadP99)
                .put("met", overheadP99 <= TARGET_OVERHEAD_P99_MS);
        targets.putObject("cacheHitP99").put("targetMs", TARGET_CACHE_HIT_P99_MS).put("actualMs", cacheP99)
                .put("met", cacheP99 <= TARGET_CACHE_HIT_P99_MS)
                .put("basis", "server timers: mangaassist.chat.overhead (fresh), mangaassist.chat.latency (cached)");

        root.set("camelRouteStats", routeStats(managed));
        return root;
    }

    private static ObjectNode errors(Map<String, LongAdder> errors) {
        ObjectNode node = JSON.createObjectNode();
        new TreeMap<>(errors).forEach((code, count) -> node.put(code, count.sum()));
        return node;
    }

    /** Percentiles by nearest rank over every sample. */
    private static ObjectNode stats(Collection<? extends Number> samples, double perMs, String what) {
        double[] sorted = BenchmarkOutput.sortedMs(samples, perMs);
        ObjectNode node = JSON.createObjectNode();
        node.put("what", what);
        node.put("n", sorted.length);
        if (sorted.length == 0) {
            return node;
        }
        node.put("p50", round(percentile(sorted, 50)));
        node.put("p95", round(percentile(sorted, 95)));
        node.put("p99", round(percentile(sorted, 99)));
        node.put("max", round(sorted[sorted.length - 1]));
        node.put("mean", round(java.util.Arrays.stream(sorted).average().orElse(0)));
        node.set("histogram", BenchmarkOutput.histogram(sorted));
        return node;
    }

    static double percentile(double[] sorted, double p) {
        return BenchmarkOutput.percentile(sorted, p);
    }

    /** Camel's own per-route and per-step statistics (mean and max only, ms), measured phase only. */
    private static ArrayNode routeStats(ManagedCamelContext managed) throws Exception {
        ArrayNode routes = JSON.createArrayNode();
        for (String id : ROUTES) {
            ManagedRouteMBean route = managed.getManagedRoute(id);
            ObjectNode r = routes.addObject();
            r.put("route", id).put("exchanges", route.getExchangesCompleted()).put("failed", route.getExchangesFailed())
                    .put("meanMs", route.getMeanProcessingTime()).put("maxMs", route.getMaxProcessingTime());
            ArrayNode steps = r.putArray("processors");
            List<ManagedProcessorMBean> processors = new ArrayList<>();
            for (String pid : route.processorIds()) {
                ManagedProcessorMBean p = managed.getManagedProcessor(pid);
                if (p != null) {
                    processors.add(p);
                }
            }
            processors.sort(Comparator.comparing(p -> p.getIndex() == null ? Integer.MAX_VALUE : p.getIndex()));
            for (ManagedProcessorMBean p : processors) {
                steps.addObject().put("id", p.getProcessorId()).put("level", p.getLevel())
                        .put("label", p.getModelLabel()).put("exchanges", p.getExchangesCompleted())
                        .put("meanMs", p.getMeanProcessingTime()).put("maxMs", p.getMaxProcessingTime());
            }
        }
        return routes;
    }

    private static String text(ObjectNode r) {
        StringBuilder b = new StringBuilder();
        JsonNode mc = r.path("machine");
        JsonNode c = r.path("config");
        JsonNode w = r.path("warmup");
        JsonNode m = r.path("measured");
        JsonNode l = r.path("latencyMs");
        JsonNode t = r.path("targets");
        b.append("\n==================== MangaAssist chat benchmark ====================\n");
        b.append(r.path("benchmark").asText()).append('\n').append(r.path("timestamp").asText()).append('\n');
        b.append(String.format("machine: %d cores, %s, %s, heap %d MB%n", mc.path("availableProcessors").asInt(),
                mc.path("java").asText(), mc.path("os").asText(), mc.path("maxHeapMb").asInt()));
        b.append("jvm args: ").append(mc.path("jvmArgs").asText()).append('\n');
        b.append("NOTE: ").append(mc.path("note").asText()).append('\n');
        b.append(String.format("load: %d concurrent WebSocket sessions x %d fresh messages + %d cached repeats each; "
                        + "rate limit raised to %d/session for the benchmark only%n", c.path("sessions").asInt(),
                c.path("messagesPerSession").asInt(), c.path("cachedRepeatsPerSession").asInt(),
                c.path("rateLimitMaxMessages").asInt()));
        b.append(c.path("load").asText()).append(c.path("thinkMs").asInt() > 0
                ? String.format(" (think time %d ms, offered at most %.1f messages/s)", c.path("thinkMs").asInt(),
                        c.path("offeredMessagesPerSecondAtMost").asDouble()) : "").append(": ")
                .append(c.path("loadNote").asText()).append('\n');
        b.append(String.format("warm-up: %d messages in %.1f s, %s; errors %s%n",
                w.path("messages").asInt(), w.path("seconds").asDouble(), w.path("note").asText(), w.path("errors")));
        b.append(String.format("measured: %.1f s, %d answers (%d fresh, %d cached), %.1f answers/s, "
                        + "%d model invocations, %.1f partial frames per fresh answer%n",
                m.path("seconds").asDouble(), m.path("answers").asInt(), m.path("freshAnswers").asInt(),
                m.path("cachedAnswers").asInt(), m.path("throughputAnswersPerSecond").asDouble(),
                m.path("modelInvocations").asInt(), m.path("partialFramesPerFreshAnswerMean").asDouble()));
        b.append(String.format("process CPU %.2f ms per answer (%s); system load average (1 min) %.2f at start, "
                        + "%.2f at end, on %d cores%n", m.path("processCpuMsPerAnswer").asDouble(),
                m.path("processCpuNote").asText(), m.path("systemLoadAverageAtStart").asDouble(),
                m.path("systemLoadAverageAtEnd").asDouble(), mc.path("availableProcessors").asInt()));
        b.append(String.format("streamed deltas != final text (by language, not an error): %s%n",
                m.path("streamedTextDiffersFromFinalByLanguage")));
        b.append(String.format("errors: %d %s%s%n", m.path("errorCount").asLong(), m.path("errors"),
                m.path("errorCount").asLong() == 0 ? "" : "  <-- INVALID RUN"));
        b.append("\nlatency, ms (").append(c.path("percentiles").asText()).append(")\n");
        b.append(String.format("  %-34s %7s %8s %8s %8s %8s %8s%n", "", "n", "p50", "p95", "p99", "max", "mean"));
        row(b, "fresh, end to end (client)", l.path("freshEndToEndClient"));
        row(b, "fresh, first partial (client)", l.path("freshFirstPartialClient"));
        row(b, "fresh, incl. model call (server)", l.path("freshServerInclModel"));
        row(b, "integration overhead (server)", l.path("integrationOverheadServer"));
        row(b, "cache hit (client)", l.path("cacheHitClient"));
        row(b, "cache hit (server)", l.path("cacheHitServer"));
        b.append("  client = nanoTime send -> frame arrival; server = the application's own timers, every sample:\n")
                .append("  overhead = server time less the model call(s); ").append(l.path("serverNote").asText())
                .append('\n');
        b.append(String.format("%ntargets (informational, never asserted):%n"));
        b.append(String.format("  integration overhead p99 <= %.0f ms: actual %.2f ms -> %s%n",
                TARGET_OVERHEAD_P99_MS, t.path("integrationOverheadP99").path("actualMs").asDouble(),
                t.path("integrationOverheadP99").path("met").asBoolean() ? "met" : "NOT met"));
        b.append(String.format("  cache hit p99 (server) <= %.0f ms: actual %.2f ms -> %s%n",
                TARGET_CACHE_HIT_P99_MS, t.path("cacheHitP99").path("actualMs").asDouble(),
                t.path("cacheHitP99").path("met").asBoolean() ? "met" : "NOT met"));
        b.append(String.format("%nCamel route stats, measured phase (mean/max only, ms):%n"));
        for (JsonNode route : r.path("camelRouteStats")) {
            b.append(String.format("  %-20s exchanges %6d  failed %3d  mean %5d  max %6d%n", route.path("route").asText(),
                    route.path("exchanges").asLong(), route.path("failed").asLong(), route.path("meanMs").asLong(),
                    route.path("maxMs").asLong()));
            for (JsonNode p : route.path("processors")) {
                if (p.path("meanMs").asLong() > 0 || p.path("maxMs").asLong() >= 10) {
                    b.append(String.format("      %-52s mean %5d  max %6d%n",
                            abbreviate(p.path("id").asText() + " " + p.path("label").asText(), 52),
                            p.path("meanMs").asLong(), p.path("maxMs").asLong()));
                }
            }
        }
        b.append("====================================================================\n");
        return b.toString();
    }

    private static void row(StringBuilder b, String name, JsonNode s) {
        if (s.path("n").asInt() == 0) {
            b.append(String.format(Locale.ROOT, "  %-34s %7d%n", name, 0));
            return;
        }
        b.append(String.format(Locale.ROOT, "  %-34s %7d %8.2f %8.2f %8.2f %8.2f %8.2f%n", name, s.path("n").asInt(),
                s.path("p50").asDouble(), s.path("p95").asDouble(), s.path("p99").asDouble(),
                s.path("max").asDouble(), s.path("mean").asDouble()));
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static int intProperty(String name, int defaultValue, int min, int max) {
        String raw = System.getProperty(name);
        int value = raw == null || raw.isBlank() ? defaultValue : Integer.parseInt(raw.strip());
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be within " + min + ".." + max + ", was " + value);
        }
        return value;
    }
}
