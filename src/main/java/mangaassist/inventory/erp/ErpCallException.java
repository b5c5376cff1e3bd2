package mangaassist.inventory.erp;

import mangaassist.platform.ClientError;

/**
 * An ERP call that failed, translated once, where the call is made (ErpCalls, from what CXF threw: ErpErrorClassifier),
 * into what the routes act on by type: {@link ErpUnavailableException} (retried; a lookup falls back to the last known
 * stock), {@link ErpFaultException} (retried unless the ERP blamed the request), {@link ErpBadResponseException} and
 * {@link ErpRequestRejectedException} (not retried), {@link ErpRateRefusedException} (retried on the next permit).
 * It is also the client's answer: its code, HTTP status and message (ClientError). It carries no stack trace of its
 * own (the answer to a failed call is not a bug); its cause, what CXF threw, keeps one.
 */
public abstract class ErpCallException extends RuntimeException implements ClientError {

    private final ErpError error;

    protected ErpCallException(ErpError error, String message, Throwable cause) {
        super(message, cause, false, false);
        this.error = error;
    }

    public ErpError error() {
        return error;
    }

    /** Worth another try with back-off (the retry route's retryWhile). */
    public abstract boolean retryable();

    @Override
    public String code() {
        return error.code();
    }

    @Override
    public int httpStatus() {
        return error.httpStatus();
    }

    @Override
    public String userMessage(String language) {
        return switch (error) {
            case ERP_FAULT -> "The stock system reported an error.";
            case BAD_RESPONSE -> "The stock system sent an answer that could not be read.";
            case REQUEST_REJECTED -> "The request contains characters the stock system cannot accept.";
            case TIMEOUT, UNAVAILABLE -> "The stock system is unavailable. Please try again later.";
            case UNKNOWN -> "Something went wrong on our side.";
        };
    }
}
