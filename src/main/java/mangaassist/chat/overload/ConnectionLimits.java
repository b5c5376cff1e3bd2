package mangaassist.chat.overload;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Messages in flight per WebSocket connection, capped, so that one client cannot fill the work queue (its
 * session's rate limit counts messages per minute, not at once). A connection with none in flight holds no entry.
 */
public final class ConnectionLimits {

    private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

    /** Takes a slot of the connection if it has fewer than {@code max} in flight; false: refused, nothing taken. */
    public boolean tryAcquire(String connectionKey, int max) {
        boolean[] acquired = {false};
        inFlight.compute(connectionKey, (key, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) {
                return n;
            }
            acquired[0] = true;
            return now + 1;
        });
        return acquired[0];
    }

    /** Gives back a slot taken by {@link #tryAcquire}. */
    public void release(String connectionKey) {
        inFlight.computeIfPresent(connectionKey, (key, n) -> n <= 1 ? null : n - 1);
    }

    public int inFlight(String connectionKey) {
        return inFlight.getOrDefault(connectionKey, 0);
    }

    /** Connections with a message in flight. */
    public int connections() {
        return inFlight.size();
    }
}
