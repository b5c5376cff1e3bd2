package mangaassist.enrichment;

/**
 * A message left on the queue unprocessed because an earlier message of its group failed in the same poll:
 * processing it now would overtake that one. No stack trace: it is a decision, not a fault.
 */
public class EnrichmentHeldBackException extends RuntimeException {

    public EnrichmentHeldBackException(String message) {
        super(message, null, false, false);
    }
}
