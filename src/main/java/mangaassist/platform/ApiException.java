package mangaassist.platform;

/** A {@link ClientError} with one user-facing message, for flows that answer in one language. */
public class ApiException extends RuntimeException implements ClientError {

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

    @Override
    public String code() {
        return code;
    }

    @Override
    public int httpStatus() {
        return httpStatus;
    }

    @Override
    public String userMessage(String language) {
        return getMessage();
    }
}
