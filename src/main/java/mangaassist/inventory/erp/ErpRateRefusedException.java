package mangaassist.inventory.erp;

/**
 * The ERP refused a call for its rate (a SOAP Server fault naming its limit): the call reached it later than the arrival
 * allowance assumed, in a second that had given its calls away. Retried after the next free permit, counted
 * ({@code mangaassist_inventory_erp_refused_total}); never an answer to a user.
 */
public class ErpRateRefusedException extends RuntimeException {

    public ErpRateRefusedException(String faultMessage, Throwable fault) {
        super("The ERP refused a call for its rate: " + faultMessage, fault);
    }
}
