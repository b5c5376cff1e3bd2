package mangaassist.inventory.erp;

/**
 * The ERP answered with a SOAP fault: 502 ERP_FAULT. A Server fault (overload, an internal error) is retried; a Client
 * fault (the ERP blamed the request, e.g. a refused AuthToken) would fail the same way again, and is not.
 */
public class ErpFaultException extends ErpCallException {

    private final boolean clientFault;

    public ErpFaultException(String message, boolean clientFault, Throwable cause) {
        super(ErpError.ERP_FAULT, message, cause);
        this.clientFault = clientFault;
    }

    public boolean clientFault() {
        return clientFault;
    }

    @Override
    public boolean retryable() {
        return !clientFault;
    }
}
