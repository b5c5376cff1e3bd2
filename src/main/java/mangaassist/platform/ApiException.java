package mangaassist.platform;

/**
 * A failure a client should hear about: a stable {@code code}, the HTTP status it maps to, and a
 * message fit for users (never internals). The shared {@code sync-errors} route configuration turns it
 * into the JSON error body.
 */
public class ApiException extends RuntimeException {

    private final String code;
    private final int httpStatus;

    public ApiException(String code, int httpStatus, String userMessage) {
        super(userMessage);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public ApiException(String code, int httpStatus, String userMessage, Throwable cause) {
        super(userMessage, cause);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
