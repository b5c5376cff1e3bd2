package mangaassist.inventory.erp;

/**
 * The ERP answered, but not with something we can trust: wrong bytes for the declared charset,
 * a body too large, and so on. Maps to 502 ERP_BAD_RESPONSE (see {@link ErpErrorClassifier}).
 */
public class ErpBadResponseException extends RuntimeException {

    public ErpBadResponseException(String message) {
        super(message);
    }
}
