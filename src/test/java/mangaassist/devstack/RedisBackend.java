package mangaassist.devstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * Redis: the redis-server binary shipped by embedded-redis, run as a child process that this backend alone stops.
 *
 * <p>Not embedded-redis's {@code RedisServer}: its {@code start()} always adds a JVM shutdown hook that stops the
 * server, which ran in parallel with Spring's and stopped redis-server under the still-closing application: Lettuce
 * then reconnected into its own shut-down event loops (17 ERROR stack traces at the end of every test JVM). Here the
 * stack's hook stops it, after the applications on it (see {@link EmbeddedStack#stopsAfter}).
 */
public final class RedisBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(RedisBackend.class);
    private static final long START_TIMEOUT_SECONDS = 20;
    private static final long STOP_TIMEOUT_SECONDS = 10;

    private Process server;

    @Override
    public String name() {
        return "Redis (redis-server)";
    }

    @Override
    public String portProperty() {
        return "mangaassist.stack.redis-port";
    }

    @Override
    public void start(int port) throws IOException, InterruptedException {
        String binary = ExecutableProvider.newJarResourceProvider().get().getAbsolutePath();
        server = new ProcessBuilder(List.of(binary, "--port", Integer.toString(port), "--bind", StackPorts.LOOPBACK,
                "--save", "", "--appendonly", "no"))
                .redirectErrorStream(true)
                .start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        StringBuilder startLog = new StringBuilder();
        Thread output = new Thread(() -> drain(ready, startLog), "redis-server-output");
        output.setDaemon(true);
        output.start();
        try {
            ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            close();   // the stack stops only the backends that started: the child must not outlive a failed start
            throw new IOException("redis-server did not start on port " + port + ": " + startLog.toString().strip(), e);
        }
    }

    /** Reads the server's output to its end (a full pipe would block it); ready on its "accept connections" line. */
    private void drain(CompletableFuture<Void> ready, StringBuilder startLog) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (!ready.isDone()) {
                    synchronized (startLog) {
                        startLog.append(line).append('\n');
                    }
                    if (line.contains("Ready to accept connections")) {
                        ready.complete(null);
                    }
                }
                LOG.debug("{}", line);
            }
        } catch (IOException e) {
            LOG.debug("redis-server output closed: {}", e.toString());
        }
        ready.completeExceptionally(new IOException("redis-server exited"));
    }

    @Override
    public String url(int port) {
        return "redis://" + StackPorts.LOOPBACK + ":" + port;
    }

    @Override
    public void close() {
        if (server == null || !server.isAlive()) {
            return;
        }
        server.destroy();   // SIGTERM: redis-server shuts down at once (nothing to save)
        try {
            if (!server.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
