package mangaassist.dlq;

import java.util.Locale;

/** The seed's classes of a dead-lettered message's failure, and what the reprocessor does with each. */
public enum FailureClass {
    /** Likely to succeed if tried again: back to the source queue. */
    TRANSIENT,
    /** Rate limited: back to the source queue after a delay. */
    THROTTLE,
    /** Malformed, will never succeed: archived to S3, deleted from the DLQ. */
    PERMANENT,
    /** Nothing says which: kept in the DLQ and listed for a person. */
    UNKNOWN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
