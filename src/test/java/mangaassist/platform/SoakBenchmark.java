package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

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
import mangaassist.support.BenchmarkMachine;
import mangaassist.support.CpuMeter;
import mangaassist.support.DevelopmentKey;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Soak (issue #22, "Load"): {@code bench.soak.connections} (2,000) WebSocket connections held open for the whole run,
 * {@code bench.soak.chat-rate} (100) chat messages a second spread over the first {@code bench.soak.senders} (200) of
 * them, and {@code bench.soak.enrichment-rate} (200) enrichment jobs a second through the batch API, for
 * {@code bench.soak.duration} (PT5M), the model at 0 ms. Every {@code bench.soak.sample-every} (PT15S) the heap is
 * measured after a full GC: the series and its slope (MB a minute, least squares over the second half, after the
 * warm-up) say whether it grows. Error replies are counted by code; a message without a final frame by the end is
 * counted as lost. CPU per unit (chat message or job) from CpuMeter.
 *
 * <p>Jobs, spread over {@code bench.soak.groups} (100) message groups, go {@code bench.soak.jobs-per-call} (20) a call to {@code POST /api/enrichment/jobs/batch}, on the JDK
 * HttpClient, with at most {@code bench.soak.max-in-flight} (8) calls unanswered: a call due while that many wait is
 * not made, and its jobs are counted as {@code notSent} (the application answers slower than the rate: a finding, not
 * a client failure). An answer is counted by its status (each job of a 202 as accepted or refused), a call that gets
 * none by its exception's cause. After the load, the enrichment consumer's backlog (about 70 jobs/s on the shared
 * 2-core machine, so 200/s queues up) is waited for at most {@code bench.soak.backlog-wait} (PT2M): the report gives
 * the jobs done during the load and during that wait, the consumer's rate in it, and what was still queued (SQS) at the
 * end (the consumer stopped first); {@code lost} is what was accepted and is neither done, still queued (or in flight)
 * nor in the DLQ.
 *
 * <p>The heap is this JVM's: the application and the in-process backends. DynamoDB Local keeps every enriched item (in
 * memory), so a slow rise of (jobs × item size) is data, not a leak: the report gives the items written next to it.
 *
 * <p>Run: {@code flock /tmp/bench.lock ./mvnw -o -B -ntp test -Pbenchmark -Dtest=SoakBenchmark
 * [-Dbench.soak.duration=PT30S -Dbench.soak.connections=200]}. Output: {@code target/benchmarks/soak-benchmark.json}.
 * Its own context (the chat's rate limit raised: 200 senders at 0.5 a second each would hit 30 a minute). It fails only
 * when the run is invalid: connections not opened, or a message never answered.
 */
@Tag("benchmark")
@CamelSpringBootTest
@AutoConfigureObservability
@SpringBootTest(classes = MangaAssistApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "mangaassist.chat.rate-limit.max-messages=1000000")
@ActiveProfiles("embedded")
@ContextConfiguration(initializers = EmbeddedStackInitializer.class)
class SoakBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int CONNECTIONS_PER_HTTP_CLIENT = 50;
    private static final Duration DRAIN = Duration.ofSeconds(60);

    @LocalServerPort
    int port;
    @Value("${mangaassist.chat.websocket.port}")
    int websocketPort;
    @Autowired
    MeterRegistry meters;

    private final LongAdder chatSent = new LongAdder();
    private final LongAdder chatAnswered = new LongAdder();
    private final Map<String, LongAdder> chatErrors = new ConcurrentHashMap<>();
    private final LongAdder jobsAccepted = new LongAdder();
    private final LongAdder jobsRefused = new LongAdder();
    private final LongAdder jobsSent = new LongAdder();
    private final LongAdder jobsNotSent = new LongAdder();
    private final LongAdder jobsUnanswered = new LongAdder();
    private final Map<String, LongAdder> apiErrors = new ConcurrentHashMap<>();
    private final LongAdder callNanos = new LongAdder();
    private final LongAdder calls = new LongAdder();
    private final AtomicLong slowestCallNanos = new AtomicLong();
    @Autowired
    SqsClient sqs;
    @Autowired
    CamelContext camel;
    @Value("${mangaassist.enrichment.queue}")
    String enrichmentQueue;
    @Value("${mangaassist.enrichment.dead-letter-queue}")
    String enrichmentDlq;

    @Test
    void soak() throws Exception {
        Duration duration = Duration.parse(System.getProperty("bench.soak.duration", "PT5M"));
        int connections = Integer.getInteger("bench.soak.connections", 2_000);
        int senders = Math.min(connections, Integer.getInteger("bench.soak.senders", 200));
        int chatRate = Integer.getInteger("bench.soak.chat-rate", 100);
        int enrichmentRate = Integer.getInteger("bench.soak.enrichment-rate", 200);
        int jobsPerCall = Integer.getInteger("bench.soak.jobs-per-call", 20);
        int maxInFlight = Integer.getInteger("bench.soak.max-in-flight", 8);
        int groups = Integer.getInteger("bench.soak.groups", 100);
        Duration callTimeout = Duration.parse(System.getProperty("bench.soak.request-timeout", "PT30S"));
        Duration backlogWait = Duration.parse(System.getProperty("bench.soak.backlog-wait", "PT2M"));
        Duration sampleEvery = Duration.parse(System.getProperty("bench.soak.sample-every", "PT15S"));
        EmbeddedStack.shared().bedrock().control().reset();
        System.out.printf("%nSoak: %s, %d connections held, %d chat msgs/s over %d of them, %d enrichment jobs/s%n",
                duration, connections, chatRate, senders, enrichmentRate);

        List<HttpClient> httpClients = new ArrayList<>();
        List<Connection> open = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            if (i % CONNECTIONS_PER_HTTP_CLIENT == 0) {
                httpClients.add(HttpClient.newHttpClient());
            }
            open.add(new Connection(httpClients.get(httpClients.size() - 1), i));
        }
        long successBefore = jobCount(true);
        long failedBefore = jobCount(false);
        long dlqBefore = queueDepth(enrichmentDlq);
        ArrayNode heap = JSON.createArrayNode();
        ScheduledExecutorService load = Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "soak-load");
            t.setDaemon(true);
            return t;
        });
        HttpClient api = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Semaphore inFlight = new Semaphore(maxInFlight);
        AtomicLong jobSeq = new AtomicLong();
        AtomicLong chatSeq = new AtomicLong();
        String run = Long.toString(System.currentTimeMillis(), 36);
        long start = System.nanoTime();
        CpuMeter cpu = CpuMeter.start();
        // chat: one message every 1000/rate ms, round-robin over the senders, each message new (not a cache hit)
        load.scheduleAtFixedRate(() -> {
            long n = chatSeq.getAndIncrement();
            open.get((int) (n % senders)).send("Recommend a manga for a train ride (" + run + "-" + n + ")");
        }, 0, 1_000_000 / chatRate, TimeUnit.MICROSECONDS);
        // enrichment: a call of jobsPerCall jobs every jobsPerCall / rate seconds
        load.scheduleAtFixedRate(() -> submitJobs(api, inFlight, callTimeout, run, jobSeq, jobsPerCall, groups), 0,
                1_000_000L * jobsPerCall / enrichmentRate, TimeUnit.MICROSECONDS);
        long end = start + duration.toNanos();
        while (System.nanoTime() < end) {
            long wait = Math.min(sampleEvery.toNanos(), end - System.nanoTime());
            TimeUnit.NANOSECONDS.sleep(Math.max(0, wait));   // the sampling period itself, not a wait for an event
            heap.addObject().put("seconds", Math.round((System.nanoTime() - start) / 1e9))
                    .put("heapAfterGcMb", heapAfterGcMb()).put("chatSent", chatSent.sum())
                    .put("jobsDone", jobCount(true) - successBefore).put("jobsQueued", queueDepth(enrichmentQueue));
        }
        load.shutdownNow();
        load.awaitTermination(10, TimeUnit.SECONDS);
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        long jobsDoneInLoad = jobCount(true) - successBefore;
        // the last answers: bounded (the calls' own timeout bounds the API's)
        long drainEnd = System.nanoTime() + DRAIN.toNanos();
        while (System.nanoTime() < drainEnd && (chatAnswered.sum() + errorSum(chatErrors) < chatSent.sum()
                || inFlight.availablePermits() < maxInFlight)) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
        // the consumer's backlog: bounded
        long backlogStart = System.nanoTime();
        long doneAtBacklogStart = jobCount(true) - successBefore;
        long backlogEnd = backlogStart + backlogWait.toNanos();
        while (System.nanoTime() < backlogEnd
                && jobCount(true) + jobCount(false) - successBefore - failedBefore < jobsAccepted.sum()) {
            TimeUnit.MILLISECONDS.sleep(500);
        }
        double backlogSeconds = (System.nanoTime() - backlogStart) / 1e9;
        // the consumer stopped (its exchanges finished, their messages deleted) before counting: a job done between
        // reading the count and the queue's depth would be in neither
        camel.getRouteController().stopRoute("enrichment-consume");
        long chatMessages = chatSent.sum();
        long jobsDone = jobCount(true) - successBefore;
        long queuedAtEnd = queueDepth(enrichmentQueue);
        long deadLettered = queueDepth(enrichmentDlq) - dlqBefore;
        ObjectNode cpuNode = cpu.stop((int) Math.max(1, chatMessages + jobsDone), "Unit", "soak-load");
        int stillOpen = (int) open.stream().filter(Connection::isOpen).count();
        open.forEach(Connection::close);

        ObjectNode report = JSON.createObjectNode();
        report.put("benchmark", "soak: chat over WebSocket + enrichment jobs, connections held, heap after GC sampled");
        ObjectNode settings = report.putObject("settings");
        settings.put("duration", duration.toString()).put("connections", connections).put("senders", senders)
                .put("chatRatePerSecond", chatRate).put("enrichmentRatePerSecond", enrichmentRate)
                .put("modelLatencyMs", 0).put("sampleEvery", sampleEvery.toString());
        ObjectNode chat = report.putObject("chat");
        chat.put("sent", chatMessages).put("answered", chatAnswered.sum()).put("errorReplies", errorSum(chatErrors))
                .put("lost", chatMessages - chatAnswered.sum() - errorSum(chatErrors))
                .put("achievedPerSecond", round(chatMessages / loadSeconds));
        chat.set("errorsByCode", counts(chatErrors));
        ObjectNode enrichment = report.putObject("enrichment");
        long failed = jobCount(false) - failedBefore;
        enrichment.put("asked", jobsSent.sum() + jobsNotSent.sum()).put("sent", jobsSent.sum())
                .put("notSent", jobsNotSent.sum()).put("accepted", jobsAccepted.sum()).put("refused", jobsRefused.sum())
                .put("unanswered", jobsUnanswered.sum())
                .put("done", jobsDone).put("doneDuringLoad", jobsDoneInLoad).put("failedAttempts", failed)
                .put("queuedAtEnd", queuedAtEnd).put("deadLettered", deadLettered)
                .put("lost", Math.max(0, jobsAccepted.sum() - jobsDone - queuedAtEnd - deadLettered))
                .put("backlogDrained", jobsDone + failed >= jobsAccepted.sum())
                .put("backlogWaitSeconds", round(backlogSeconds))
                .put("consumerPerSecondDuringLoad", round(jobsDoneInLoad / loadSeconds))
                .put("consumerPerSecondAfterLoad", round((jobsDone - doneAtBacklogStart) / backlogSeconds))
                .put("acceptedPerSecond", round(jobsAccepted.sum() / loadSeconds))
                .put("calls", calls.sum())
                .put("callMeanMs", calls.sum() == 0 ? 0 : round(callNanos.sum() / 1e6 / calls.sum()))
                .put("callMaxMs", round(slowestCallNanos.get() / 1e6));
        enrichment.put("settings", jobsPerCall + " jobs a call, at most " + maxInFlight + " calls unanswered, "
                + callTimeout + " a call");
        enrichment.set("apiErrors", counts(apiErrors));
        report.putObject("connections").put("opened", connections).put("openAtEnd", stillOpen);
        ObjectNode heapNode = report.putObject("heap");
        heapNode.set("afterGcSeries", heap);
        heapNode.put("slopeMbPerMinuteSecondHalf", round(slope(heap)));
        heapNode.put("note", "this JVM: application and in-process backends; DynamoDB Local holds every enriched item");
        report.set("cpu", cpuNode);
        report.put("loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        BenchmarkMachine.describe(report, System.getProperty("bench.note", ""));
        String json = JSON.writeValueAsString(report);
        System.out.println(json);
        Path dir = Path.of(System.getProperty("bench.output", "target/benchmarks"));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("soak-benchmark.json"), json, StandardCharsets.UTF_8);

        // valid only when every connection stayed and every message got its final frame
        assertThat(stillOpen).as("connections open at the end").isEqualTo(connections);
        assertThat(chat.path("lost").asLong()).as("chat messages without a final frame").isZero();
    }

    private void submitJobs(HttpClient api, Semaphore inFlight, Duration timeout, String run, AtomicLong seq, int count,
                            int groups) {
        if (!inFlight.tryAcquire()) {
            jobsNotSent.add(count);   // as many calls unanswered as allowed: the application is behind the rate
            return;
        }
        StringBuilder body = new StringBuilder("{\"enrichmentType\":\"synopsis\",\"jobs\":[");
        for (int i = 0; i < count; i++) {
            long n = seq.getAndIncrement();
            // the message group is manga-<the id's first 8 characters>: ids that began "soak-<run>" put every job in
            // one group, which FIFO hands out one poll at a time (2 jobs/s). A series of the job's number modulo groups
            body.append(i == 0 ? "" : ",").append("{\"mangaId\":\"").append(String.format("s%07d", n % groups))
                    .append('-').append(run).append('-').append(n)
                    .append("\",\"title\":\"Soak ").append(n).append("\"}");
        }
        body.append("]}");
        jobsSent.add(count);
        long sentAt = System.nanoTime();
        // asynchronous: the rate is kept however long the API takes to answer (a blocking call would set the pace),
        // within the bound of calls in flight
        api.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/enrichment/jobs/batch"))
                        .timeout(timeout).header("Content-Type", "application/json")
                        .header(DevelopmentKey.HEADER, DevelopmentKey.value())
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString())
                .whenComplete((answer, failure) -> {
                    inFlight.release();
                    long nanos = System.nanoTime() - sentAt;
                    calls.increment();
                    callNanos.add(nanos);
                    slowestCallNanos.accumulateAndGet(nanos, Math::max);
                    if (failure != null) {
                        // sendAsync's future fails with a CompletionException around the cause
                        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        apiErrors.computeIfAbsent(cause.getClass().getSimpleName(), k -> new LongAdder()).increment();
                        jobsUnanswered.add(count);
                    } else if (answer.statusCode() != 202) {
                        String code = "";
                        try {
                            code = " " + JSON.readTree(answer.body()).path("code").asText("(no code)");
                        } catch (java.io.IOException e) {
                            code = " (not JSON)";
                        }
                        apiErrors.computeIfAbsent(answer.statusCode() + code, k -> new LongAdder()).increment();
                        jobsRefused.add(count);
                    } else {
                        try {
                            JsonNode result = JSON.readTree(answer.body());
                            jobsAccepted.add(result.path("successful").asLong());
                            jobsRefused.add(result.path("failed").asLong());
                        } catch (java.io.IOException e) {
                            apiErrors.computeIfAbsent("202 unreadable", k -> new LongAdder()).increment();
                        }
                    }
                });
    }

    /** Messages of a queue, visible and in flight. */
    private long queueDepth(String queue) {
        String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return attributes.values().stream().mapToLong(Long::parseLong).sum();
    }

    private long jobCount(boolean success) {
        Timer timer = meters.find(AsyncJobMetrics.JOB_DURATION).tag("flow", "enrichment").tag("type", "synopsis")
                .tag("status", success ? AsyncJobMetrics.SUCCESS : AsyncJobMetrics.FAILURE).timer();
        return timer == null ? 0 : timer.count();
    }

    private static long heapAfterGcMb() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
    }

    /** Least-squares slope of heapAfterGcMb over time (MB a minute), second half of the samples. */
    static double slope(ArrayNode series) {
        int from = series.size() / 2;
        int n = series.size() - from;
        if (n < 2) {
            return 0;
        }
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = from; i < series.size(); i++) {
            double x = series.get(i).path("seconds").asDouble() / 60;
            double y = series.get(i).path("heapAfterGcMb").asDouble();
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double d = n * sxx - sx * sx;
        return d == 0 ? 0 : (n * sxy - sx * sy) / d;
    }

    private static long errorSum(Map<String, LongAdder> errors) {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static ObjectNode counts(Map<String, LongAdder> map) {
        ObjectNode node = JSON.createObjectNode();
        map.forEach((k, v) -> node.put(k, v.sum()));
        return node;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** One held connection; a sender among them sends on its own session, a frame at a time. */
    private final class Connection implements WebSocket.Listener {
        private final WebSocket socket;
        private final String session;
        private final StringBuilder partial = new StringBuilder();

        Connection(HttpClient http, int index) {
            this.session = "soak-" + index + "-" + System.nanoTime();
            this.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(URI.create("ws://127.0.0.1:" + websocketPort + "/chat"), this).join();
        }

        synchronized void send(String text) {
            chatSent.increment();
            String frame = "{\"data\":{\"sessionId\":\"" + session + "\",\"message\":\"" + text + "\",\"modelPreference\":\"fast\"}}";
            socket.sendText(frame, true).join();
        }

        boolean isOpen() {
            return !socket.isInputClosed() && !socket.isOutputClosed();
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode frame = JSON.readTree(text);
                    String status = frame.path("status").asText();
                    if ("success".equals(status)) {
                        chatAnswered.increment();
                    } else if (!"partial".equals(status)) {
                        chatErrors.computeIfAbsent(frame.path("code").asText("UNPARSEABLE"), k -> new LongAdder()).increment();
                    }
                } catch (Exception e) {
                    chatErrors.computeIfAbsent("UNPARSEABLE", k -> new LongAdder()).increment();
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
