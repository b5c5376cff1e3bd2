package mangaassist.devstack.bedrock;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Run-time switches of the emulator (latency, injected faults) and what it has seen (counters,
 * recent requests). Tests call it from their own threads while the event loop reads it, so every
 * method is synchronized; nothing here blocks.
 */
public final class EmulatorControl {

    /** How many requests {@link #requests()} keeps. */
    static final int HISTORY = 100;
    static final Duration DEFAULT_SLOW_DELAY = Duration.ofSeconds(10);

    /** One recorded call: the decoded model id, whether it streamed, the HTTP version, the body. */
    public record RecordedRequest(String modelId, boolean streaming, String httpVersion, JsonNode body) {
    }

    /** A fault rule; {@code remaining} < 0 means for ever. */
    public record FaultRule(Fault fault, int remaining, String modelPrefix, boolean midStream) {
    }

    private Duration timeToFirstToken = Duration.ZERO;
    private Duration perToken = Duration.ZERO;
    private Duration slowDelay = DEFAULT_SLOW_DELAY;
    private final List<FaultRule> rules = new ArrayList<>();
    private final Map<String, Integer> invocationsByModel = new LinkedHashMap<>();
    private final Deque<RecordedRequest> history = new ArrayDeque<>();
    private int historyLimit = HISTORY;
    private int invocations;

    /** Delay before the first byte (first chunk when streaming), and per generated token after it. */
    public synchronized EmulatorControl latency(Duration timeToFirstToken, Duration perToken) {
        this.timeToFirstToken = requireNonNegative(timeToFirstToken);
        this.perToken = requireNonNegative(perToken);
        return this;
    }

    /** How long a {@link Fault#SLOW} request waits before answering normally (default 10 s). */
    public synchronized EmulatorControl slowDelay(Duration delay) {
        this.slowDelay = requireNonNegative(delay);
        return this;
    }

    /** The next {@code count} invocations (of any model) fail with the fault. */
    public EmulatorControl failNext(Fault fault, int count) {
        return failNext(fault, count, null);
    }

    /** The next {@code count} invocations of models whose id starts with the prefix fail. */
    public synchronized EmulatorControl failNext(Fault fault, int count, String modelIdPrefixOrNull) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1");
        }
        rules.add(new FaultRule(Objects.requireNonNull(fault), count, modelIdPrefixOrNull, false));
        return this;
    }

    public EmulatorControl failAlways(Fault fault) {
        return failAlways(fault, null);
    }

    public synchronized EmulatorControl failAlways(Fault fault, String modelIdPrefixOrNull) {
        rules.add(new FaultRule(Objects.requireNonNull(fault), -1, modelIdPrefixOrNull, false));
        return this;
    }

    /**
     * The next {@code count} response streams start normally, send a few deltas, then end with
     * the fault as an event-stream exception event. Only streaming invocations consume these rules.
     */
    public synchronized EmulatorControl failNextMidStream(Fault fault, int count, String modelIdPrefixOrNull) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1");
        }
        rules.add(new FaultRule(Objects.requireNonNull(fault), count, modelIdPrefixOrNull, true));
        return this;
    }

    /**
     * Keeps the last {@code limit} requests instead of {@value #HISTORY} until {@link #reset()}: for a test that reads
     * the order of more calls than that (EnrichmentFlowTest's 1,000 jobs).
     */
    public synchronized EmulatorControl historyLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1");
        }
        historyLimit = limit;
        return this;
    }

    /** Back to no latency, no faults, zero counters, no recorded requests and the default history. */
    public synchronized EmulatorControl reset() {
        historyLimit = HISTORY;
        timeToFirstToken = Duration.ZERO;
        perToken = Duration.ZERO;
        slowDelay = DEFAULT_SLOW_DELAY;
        rules.clear();
        invocationsByModel.clear();
        history.clear();
        invocations = 0;
        return this;
    }

    /** Every call to an invoke endpoint, including the ones that failed. */
    public synchronized int invocations() {
        return invocations;
    }

    /** Calls whose model id (or id without inference-profile prefix) starts with the argument. */
    public synchronized int invocationsFor(String modelIdOrPrefix) {
        return invocationsByModel.entrySet().stream()
                .filter(e -> ModelIds.matches(e.getKey(), modelIdOrPrefix))
                .mapToInt(Map.Entry::getValue).sum();
    }

    /** The body of the last invocation as JSON (null if none, or if it was not JSON). */
    public synchronized JsonNode lastRequest() {
        return history.isEmpty() ? null : history.peekLast().body();
    }

    public synchronized RecordedRequest lastRecordedRequest() {
        return history.peekLast();
    }

    /** The last {@value #HISTORY} invocations (or {@link #historyLimit(int)}), oldest first. */
    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(history);
    }

    public synchronized Duration timeToFirstToken() {
        return timeToFirstToken;
    }

    public synchronized Duration perToken() {
        return perToken;
    }

    public synchronized Duration slowDelay() {
        return slowDelay;
    }

    public synchronized List<FaultRule> faultRules() {
        return List.copyOf(rules);
    }

    public synchronized Map<String, Integer> invocationsByModel() {
        return Map.copyOf(invocationsByModel);
    }

    /**
     * Counts the call and takes the first matching fault rule, consuming one use of it.
     * Returns that rule (its fault and whether it is a mid-stream one) or null.
     */
    synchronized FaultRule record(RecordedRequest request) {
        invocations++;
        invocationsByModel.merge(request.modelId(), 1, Integer::sum);
        history.addLast(request);
        while (history.size() > historyLimit) {
            history.removeFirst();
        }
        for (int i = 0; i < rules.size(); i++) {
            FaultRule rule = rules.get(i);
            if (!ModelIds.matches(request.modelId(), rule.modelPrefix()) || rule.midStream() && !request.streaming()) {
                continue;
            }
            if (rule.remaining() == 1) {
                rules.remove(i);
            } else if (rule.remaining() > 1) {
                rules.set(i, new FaultRule(rule.fault(), rule.remaining() - 1, rule.modelPrefix(), rule.midStream()));
            }
            return rule;
        }
        return null;
    }

    private static Duration requireNonNegative(Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("duration must be >= 0");
        }
        return d;
    }
}
