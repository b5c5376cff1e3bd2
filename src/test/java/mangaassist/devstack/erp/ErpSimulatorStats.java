package mangaassist.devstack.erp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the simulated ERP has seen. Window counts include every SOAP request received (also refused
 * ones): they measure the load our side offers, which is what throttling tests assert on.
 */
public final class ErpSimulatorStats {

    /** The last SOAP request exactly as received. */
    public record RawRequest(byte[] body, String contentType, Map<String, String> headers) {
    }

    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final AtomicLong total = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong authFailures = new AtomicLong();
    private final Map<String, AtomicLong> perOperation = new ConcurrentHashMap<>();
    private final Deque<Long> window = new ArrayDeque<>();
    private final List<Long> arrivals = new ArrayList<>();
    private final List<List<String>> isbnsPerCall = new ArrayList<>();
    private final List<Long> arrivalLagNanos = new ArrayList<>();
    private final List<Long> handOffLagNanos = new ArrayList<>();
    private int maxInWindow;
    private volatile RawRequest lastRequest;

    synchronized void received(RawRequest request, long nowNanos) {
        total.incrementAndGet();
        lastRequest = request;
        evict(nowNanos);
        window.addLast(nowNanos);
        arrivals.add(nowNanos);
        maxInWindow = Math.max(maxInWindow, window.size());
    }

    void operation(String name, List<String> isbns) {
        perOperation.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
        synchronized (this) {
            isbnsPerCall.add(List.copyOf(isbns));
        }
    }

    /** A call arrived this long after it took its permit (only calls that say when: benchmarks). */
    synchronized void arrivalLag(long nanos) {
        arrivalLagNanos.add(nanos);
    }

    /** A call arrived this long after the client handed it to its HTTP transport (benchmarks only). */
    synchronized void handOffLag(long nanos) {
        handOffLagNanos.add(nanos);
    }

    /** Hand-off lags recorded since the last reset (ns): request handed to the client's HTTP transport to counted. */
    public synchronized long[] handOffLagsNanos() {
        return handOffLagNanos.stream().mapToLong(Long::longValue).toArray();
    }

    /** Arrival lags recorded since the last reset, in arrival order (ns): permit taken to request counted. */
    public synchronized long[] arrivalLagsNanos() {
        return arrivalLagNanos.stream().mapToLong(Long::longValue).toArray();
    }

    void rateLimited() {
        rateLimited.incrementAndGet();
    }

    void authFailure() {
        authFailures.incrementAndGet();
    }

    private void evict(long nowNanos) {
        while (!window.isEmpty() && nowNanos - window.peekFirst() >= WINDOW_NANOS) {
            window.removeFirst();
        }
    }

    public long totalCalls() {
        return total.get();
    }

    /** Calls per operation name ({@code GetStockLevel}, {@code GetBatchStockLevels}) that reached the service. */
    public Map<String, Long> callsPerOperation() {
        Map<String, Long> m = new TreeMap<>();
        perOperation.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    public long calls(String operation) {
        AtomicLong n = perOperation.get(operation);
        return n == null ? 0 : n.get();
    }

    /** Requests received during the last second (sliding). */
    public synchronized int callsInCurrentSecond() {
        evict(System.nanoTime());
        return window.size();
    }

    /** When each request since the last reset was received ({@code System.nanoTime()}): calls per second over time. */
    public synchronized long[] arrivalNanos() {
        return arrivals.stream().mapToLong(Long::longValue).toArray();
    }

    /** Largest number of requests received within any 1 s sliding window so far. */
    public synchronized int maxCallsInAnySecond() {
        return maxInWindow;
    }

    /** ISBNs of each served call, in arrival order (for coalescing/batching tests). */
    public synchronized List<List<String>> isbnsPerCall() {
        return List.copyOf(isbnsPerCall);
    }

    public synchronized List<Integer> isbnCountPerCall() {
        return isbnsPerCall.stream().map(List::size).toList();
    }

    public long rateLimitedCalls() {
        return rateLimited.get();
    }

    public long authFailures() {
        return authFailures.get();
    }

    public RawRequest lastRequest() {
        return lastRequest;
    }

    public synchronized void reset() {
        total.set(0);
        rateLimited.set(0);
        authFailures.set(0);
        perOperation.clear();
        window.clear();
        arrivals.clear();
        isbnsPerCall.clear();
        arrivalLagNanos.clear();
        handOffLagNanos.clear();
        maxInWindow = 0;
        lastRequest = null;
    }

    synchronized String toJson() {
        StringBuilder ops = new StringBuilder();
        callsPerOperation().forEach((k, v) -> ops.append(ops.length() == 0 ? "" : ",")
                .append('"').append(k).append("\":").append(v));
        return "{\"totalCalls\":" + total.get() + ",\"callsPerOperation\":{" + ops + "}"
                + ",\"callsInCurrentSecond\":" + callsInCurrentSecond()
                + ",\"maxCallsInAnySecond\":" + maxInWindow
                + ",\"rateLimitedCalls\":" + rateLimited.get()
                + ",\"authFailures\":" + authFailures.get()
                + ",\"isbnCountPerCall\":" + isbnCountPerCall() + "}";
    }
}
