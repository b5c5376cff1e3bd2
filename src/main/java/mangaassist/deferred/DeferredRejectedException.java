package mangaassist.deferred;

/**
 * A permanent failure of a job found while processing it (the model refused the request, the callback target refused
 * the result): no redelivery can fix it, so the message goes to the DLQ at once with this reason. The message is
 * {@code CODE: detail}, with no URL query or body in it (it is logged and becomes a message attribute).
 */
public class DeferredRejectedException extends RuntimeException {

    private final String code;

    public DeferredRejectedException(String code, String detail) {
        super(code + ": " + detail, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
