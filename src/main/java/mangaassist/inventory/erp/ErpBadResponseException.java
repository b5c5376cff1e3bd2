package mangaassist.inventory.erp;

/**
 * The ERP answered, but not with something we can trust: malformed XML, a DOCTYPE, wrong bytes for the declared
 * charset, a body too large, an item without an ISBN: 502 ERP_BAD_RESPONSE, not retried. Thrown where it is found
 * (CXF interceptors, the anti-corruption layer) and by the translation of a call's failure (ErpErrorClassifier).
 */
public class ErpBadResponseException extends ErpCallException {

    public ErpBadResponseException(String message) {
        this(message, null);
    }

    public ErpBadResponseException(String message, Throwable cause) {
        super(ErpError.BAD_RESPONSE, message, cause);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
