package mangaassist.inventory.erp;

/** Our request cannot be expressed in Shift_JIS; nothing was sent: 400 ERP_REQUEST_INVALID, not retried. */
public class ErpRequestRejectedException extends ErpCallException {

    public ErpRequestRejectedException(String message, Throwable cause) {
        super(ErpError.REQUEST_REJECTED, message, cause);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
