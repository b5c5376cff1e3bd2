package mangaassist.devstack.eventbridge;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Per-entry failures to inject into PutEvents: the next {@code count} entries (of a detail type, or any) are refused
 * with an error code of EventBridge's own (InternalFailure, ThrottlingException...), while the other entries of the same
 * call succeed, as a partial failure does on AWS. Tests call it from their threads while the event loop reads it.
 */
public final class EntryFaults {

    /** One rule; {@code remaining} < 0 means for ever; {@code detailType} null means any entry. */
    public record Rule(String errorCode, String errorMessage, int remaining, String detailType) {
    }

    private final List<Rule> rules = new ArrayList<>();

    /** The next {@code count} entries whose DetailType is {@code detailTypeOrNull} (null: any) fail with the code. */
    public synchronized EntryFaults failNext(String errorCode, int count, String detailTypeOrNull) {
        if (count == 0 || count < -1) {
            throw new IllegalArgumentException("count must be >= 1, or -1 for always");
        }
        rules.add(new Rule(Objects.requireNonNull(errorCode), messageFor(errorCode), count, detailTypeOrNull));
        return this;
    }

    public EntryFaults failNext(String errorCode, int count) {
        return failNext(errorCode, count, null);
    }

    public synchronized void reset() {
        rules.clear();
    }

    public synchronized List<Rule> rules() {
        return List.copyOf(rules);
    }

    /** The fault for this entry, consuming one use of the first rule that applies; null: none. */
    synchronized Rule take(String detailType) {
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            if (rule.detailType() != null && !rule.detailType().equals(detailType)) {
                continue;
            }
            if (rule.remaining() > 0) {
                if (rule.remaining() == 1) {
                    rules.remove(i);
                } else {
                    rules.set(i, new Rule(rule.errorCode(), rule.errorMessage(), rule.remaining() - 1, rule.detailType()));
                }
            }
            return rule;
        }
        return null;
    }

    private static String messageFor(String errorCode) {
        return switch (errorCode) {
            case "ThrottlingException" -> "Rate exceeded.";
            case "InternalFailure", "InternalException" -> "An internal failure occurred. Retry the entry.";
            default -> "Injected failure " + errorCode + ".";
        };
    }
}
