package mangaassist.inventory.erp;

/**
 * The ERP could not be reached, did not answer in time, or its circuit breaker is open: 503 ERP_UNAVAILABLE. Retried;
 * a lookup then serves the last known stock, marked stale.
 */
public class ErpUnavailableException extends ErpCallException {

    public ErpUnavailableException(ErpError error, String message, Throwable cause) {
        super(error, message, cause);
    }

    public ErpUnavailableException(String message, Throwable cause) {
        this(ErpError.UNAVAILABLE, message, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
