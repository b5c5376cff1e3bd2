package mangaassist.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import mangaassist.MangaAssistApplication;
import mangaassist.devstack.DevApplication;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.StackPorts;

/**
 * The README's two processes, started by a test: the embedded stack alone ({@code --stack-only}) and the application
 * on a stack, each a JVM of its own with this test's class path. For tests that must signal or kill a process:
 * SIGTERM ({@link #terminate()}), {@code kill -9} ({@link #kill()}), a restart on the same stack.
 *
 * <p>Everything listens on loopback, on ports chosen here. Each process writes its output to
 * {@code target/processes/<name>.log}; {@link #close()} kills what is still alive, so a failed test leaves nothing
 * running.
 */
public final class AppProcess implements AutoCloseable {

    /** A child JVM: quick start (C1 only), like the test forks. */
    private static final List<String> JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.core.impl.Log4jContextFactory");
    /** The stack holds OpenSearch, DynamoDB Local and ElasticMQ in one heap (the test JVM that holds them has 1.5 GB). */
    private static final String STACK_HEAP = "-Xmx1g";
    private static final String APPLICATION_HEAP = "-Xmx768m";
    /** What {@link DevApplication} prints once the stack alone is up. */
    private static final String STACK_RUNNING = "Stack running";

    private final String name;
    private final Process process;
    private final Path log;
    private final Map<String, Object> properties;
    private final int httpPort;
    private final int websocketPort;
    private final CountDownLatch stackRunning = new CountDownLatch(1);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private AppProcess(String name, List<String> command, Map<String, Object> properties, int httpPort,
            int websocketPort) {
        this.name = name;
        this.properties = properties;
        this.httpPort = httpPort;
        this.websocketPort = websocketPort;
        this.log = Path.of("target", "processes", name + ".log");
        try {
            Files.createDirectories(log.getParent());
            this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        Thread output = new Thread(this::copyOutput, name + "-output");
        output.setDaemon(true);
        output.start();
    }

    /**
     * The embedded stack as its own process ({@code DevApplication --stack-only}) on free loopback ports; returns
     * once it says it is running, within {@code wait}.
     */
    public static AppProcess stack(String name, Duration wait) {
        Map<String, Object> ports = new LinkedHashMap<>();
        EmbeddedStack.portProperties().forEach(property -> ports.put(property, StackPorts.free()));
        List<String> command = java(STACK_HEAP, DevApplication.class.getName());
        command.add("--stack-only");
        ports.forEach((key, value) -> command.add("--" + key + "=" + value));
        AppProcess stack = new AppProcess(name, command, ports, 0, 0);
        try {
            if (!stack.stackRunning.await(wait.toMillis(), TimeUnit.MILLISECONDS) || !stack.isAlive()) {
                stack.close();
                throw new IllegalStateException(name + " did not start within " + wait + " (see " + stack.log + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stack.close();
            throw new IllegalStateException("interrupted while " + name + " started", e);
        }
        return stack;
    }

    /**
     * The application (profile {@code embedded}) as its own process on the stack whose port properties are given
     * ({@link #properties()} of a {@link #stack} process, or {@link EmbeddedStack#properties()} of this JVM's stack),
     * with free HTTP and WebSocket ports and the extra {@code --key=value} arguments. Does not wait: see
     * {@link #awaitReady(Duration)}.
     */
    public static AppProcess application(String name, Map<String, Object> stackProperties, String... arguments) {
        int httpPort = StackPorts.free();
        int websocketPort = StackPorts.free();
        List<String> command = java(APPLICATION_HEAP, MangaAssistApplication.class.getName());
        command.addAll(List.of("--spring.profiles.active=embedded",
                "--server.port=" + httpPort, "--server.address=" + StackPorts.LOOPBACK,
                "--mangaassist.chat.websocket.host=" + StackPorts.LOOPBACK,
                "--mangaassist.chat.websocket.port=" + websocketPort));
        stackProperties.forEach((key, value) -> command.add("--" + key + "=" + value));
        command.addAll(List.of(arguments));
        return new AppProcess(name, command, stackProperties, httpPort, websocketPort);
    }

    private static List<String> java(String heap, String mainClass) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(heap);
        command.addAll(JVM);
        String s3proxy = System.getProperty("mangaassist.stack.s3proxy-jar");
        if (s3proxy != null) {
            command.add("-Dmangaassist.stack.s3proxy-jar=" + s3proxy);
        }
        // surefire's class path is a manifest-only jar naming every entry (the k-NN plugin's included): it serves the
        // child as well
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        return command;
    }

    /** Waits until readiness answers 200; fails at once if the process died, or after {@code wait}. */
    public AppProcess awaitReady(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " while starting (see "
                        + log + ")");
            }
            if (status("/actuator/health/readiness") == 200) {
                return this;
            }
            sleep(Duration.ofMillis(250));   // a poll interval while the process starts
        }
        throw new IllegalStateException(name + " not ready within " + wait + " (see " + log + ")");
    }

    /** SIGTERM (Process.destroy on POSIX): the graceful shutdown. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL ({@code kill -9}): no shutdown at all; waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the process to exit; true if it did within {@code wait}. */
    public boolean waitFor(Duration wait) throws InterruptedException {
        return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** The stack's port properties (for a stack process: its own; for an application: the stack it runs on). */
    public Map<String, Object> properties() {
        return properties;
    }

    /** A port property of the stack, e.g. {@code mangaassist.stack.bedrock-port}. */
    public int port(String property) {
        return Integer.parseInt(String.valueOf(properties.get(property)));
    }

    public int httpPort() {
        return httpPort;
    }

    public String baseUrl() {
        return "http://" + StackPorts.LOOPBACK + ":" + httpPort;
    }

    public String websocketUrl() {
        return "ws://" + StackPorts.LOOPBACK + ":" + websocketPort + "/chat";
    }

    public Path log() {
        return log;
    }

    /** True if a line of this process's output so far contains {@code text}. */
    public boolean logContains(String text) {
        try (java.util.stream.Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.anyMatch(line -> line.contains(text));
        } catch (IOException | UncheckedIOException e) {
            return false;   // not written yet, or a line cut mid-character while being written: not there yet
        }
    }

    /**
     * Waits until a line of this process's output contains {@code text}; answers how long it took, or fails after
     * {@code wait} (or at once when the process died).
     */
    public Duration awaitLog(String text, Duration wait) {
        long start = System.nanoTime();
        long deadline = start + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (logContains(text)) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited before it logged '" + text + "' (see " + log + ")");
            }
            sleep(Duration.ofMillis(100));   // a poll interval on the log file
        }
        throw new IllegalStateException(name + " did not log '" + text + "' within " + wait + " (see " + log + ")");
    }

    public String name() {
        return name;
    }

    /** The HTTP status of a GET on the application, -1 when nothing answers (not listening yet, or any more). */
    public int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(2)).GET()
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Kills the process if it is still alive. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private void copyOutput() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = lines.readLine()) != null) {
                out.println(line);
                if (line.contains(STACK_RUNNING)) {
                    stackRunning.countDown();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static void sleep(Duration interval) {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
