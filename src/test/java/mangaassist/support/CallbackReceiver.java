package mangaassist.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP endpoint that receives callbacks in a test: the JDK's HTTP server on an ephemeral loopback port. It records
 * every request (path, content type, body, when) and answers 200, or, per path, a scripted series of statuses first,
 * or nothing at all until it is released or closed (a target that hangs).
 */
public final class CallbackReceiver implements AutoCloseable {

    /** One request as it arrived. */
    public record Received(String path, String query, String contentType, String body, long atNanos) {
    }

    private static final long HANG_BOUND_SECONDS = 120;

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "callback-receiver");
        t.setDaemon(true);
        return t;
    });
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Integer>> scripts = new ConcurrentHashMap<>();
    private final Set<String> hanging = ConcurrentHashMap.newKeySet();
    private final CountDownLatch released = new CountDownLatch(1);

    private CallbackReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public static CallbackReceiver start() {
        try {
            return new CallbackReceiver();
        } catch (IOException e) {
            throw new IllegalStateException("callback receiver did not start", e);
        }
    }

    /** The URL of a path on this receiver, e.g. {@code url("/cb/job-1")}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next requests to the path are answered with these statuses, in order; later ones with 200. */
    public synchronized CallbackReceiver answer(String path, int... statuses) {
        Deque<Integer> script = scripts.computeIfAbsent(path, p -> new ArrayDeque<>());
        for (int status : statuses) {
            script.add(status);
        }
        return this;
    }

    /** Requests to the path get no answer until {@link #release()} (or close; at most two minutes). */
    public CallbackReceiver hang(String path) {
        hanging.add(path);
        return this;
    }

    /** Hanging requests are answered (200) and later ones to those paths too. */
    public void release() {
        hanging.clear();
        released.countDown();
    }

    public List<Received> received(String path) {
        List<Received> matching = new ArrayList<>();
        for (Received r : received) {
            if (r.path().equals(path)) {
                matching.add(r);
            }
        }
        return matching;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String path = exchange.getRequestURI().getPath();
        received.add(new Received(path, exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders().getFirst("Content-Type"), body, System.nanoTime()));
        if (hanging.contains(path)) {
            try {
                // a target that does not answer: the client's timeout, not this, must end the call
                released.await(HANG_BOUND_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int status = next(path);
        byte[] answer = ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
        try {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        } catch (IOException clientGone) {
            // the client gave up waiting (its timeout): nothing to answer
        } finally {
            exchange.close();
        }
    }

    private synchronized int next(String path) {
        Deque<Integer> script = scripts.get(path);
        Integer status = script == null ? null : script.poll();
        return status == null ? 200 : status;
    }
}
