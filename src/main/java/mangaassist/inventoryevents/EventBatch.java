package mangaassist.inventoryevents;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * One PutEvents batch (≤ 10 entries) through its sends: the entries not yet accepted, how often they were sent, and
 * why the last send refused each. Settling a response completes the accepted entries' outcomes; only the refused ones
 * are sent again.
 *
 * @param unsettled   entries still to be accepted, in order
 * @param attempts    PutEvents calls made for this batch
 * @param maxAttempts calls at most
 * @param backoffMs   wait before the first re-send (doubled each time, at most maxBackoffMs)
 * @param reasons     the last refusal per correlation id (ErrorCode: ErrorMessage, or the call's failure)
 */
public record EventBatch(List<PendingEvent> unsettled, int attempts, int maxAttempts, long backoffMs, long maxBackoffMs,
                         Map<String, String> reasons) {

    public EventBatch {
        unsettled = List.copyOf(unsettled);
        reasons = Map.copyOf(reasons);
    }

    public static EventBatch of(List<PendingEvent> events, int maxAttempts, long backoffMs, long maxBackoffMs) {
        return new EventBatch(events, 0, maxAttempts, backoffMs, maxBackoffMs, Map.of());
    }

    /** Whether another PutEvents call is due. */
    public boolean isRetrying() {
        return !unsettled.isEmpty() && attempts < maxAttempts;
    }

    /** The wait before the next call: none before the first, then the back-off, doubled for each re-send. */
    public long getBackoffMillis() {
        if (attempts == 0) {
            return 0;
        }
        long wait = backoffMs << Math.min(attempts - 1, 20);
        return Math.min(wait, maxBackoffMs);
    }

    /** Entries answered in the order sent: each with an EventId is accepted (its outcome completed), the rest stay. */
    public EventBatch settle(PutEventsResponse response) {
        List<PutEventsResultEntry> results = response.entries();
        if (results.size() != unsettled.size()) {
            return failed("PutEvents answered " + results.size() + " entries for " + unsettled.size());
        }
        List<PendingEvent> refused = new ArrayList<>();
        Map<String, String> why = new LinkedHashMap<>();
        for (int i = 0; i < results.size(); i++) {
            PendingEvent pending = unsettled.get(i);
            PutEventsResultEntry result = results.get(i);
            if (result.errorCode() == null && result.eventId() != null) {
                pending.outcome().complete(result.eventId());
            } else {
                refused.add(pending);
                why.put(pending.event().correlationId(), result.errorCode() + ": " + result.errorMessage());
            }
        }
        return new EventBatch(refused, attempts + 1, maxAttempts, backoffMs, maxBackoffMs, why);
    }

    /** The whole call failed (throttled, bus unreachable...): every entry stays, with that reason. */
    public EventBatch failed(String reason) {
        Map<String, String> why = new LinkedHashMap<>();
        unsettled.forEach(p -> why.put(p.event().correlationId(), reason));
        return new EventBatch(unsettled, attempts + 1, maxAttempts, backoffMs, maxBackoffMs, why);
    }

    public int size() {
        return unsettled.size();
    }
}
