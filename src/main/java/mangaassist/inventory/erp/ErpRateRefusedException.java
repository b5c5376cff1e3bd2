package mangaassist.inventory.erp;

/**
 * The ERP refused a call for its rate (a SOAP Server fault naming its limit): the call reached it later than the arrival
 * allowance assumed, in a second that had given its calls away. Retried after the next free permit (its own onException
 * in inventory-erp-retry, not the back-off of {@link #retryable()} failures), counted
 * ({@code mangaassist_inventory_erp_refused_total}); when its retries are exhausted, the client sees 502 ERP_FAULT.
 */
public class ErpRateRefusedException extends ErpCallException {

    public ErpRateRefusedException(String faultMessage, Throwable fault) {
        super(ErpError.ERP_FAULT, "The ERP refused a call for its rate: " + faultMessage, fault);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
