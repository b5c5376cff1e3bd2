package mangaassist.platform;

/**
 * A {@link ClientError} with one user-facing message, for flows that answer in one language.
 *
 * <p>It carries no stack trace of its own: it is an answer (an unknown ISBN is a 404, as common as a hit), never
 * logged with one, and filling in a Camel route's deep stack cost every such answer far more than the answer
 * itself. A cause keeps its own trace.
 */
public class ApiException extends RuntimeException implements ClientError {

    private final String code;
    private final int httpStatus;

    public ApiException(String code, int httpStatus, String userMessage) {
        super(userMessage, null, false, false);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public ApiException(String code, int httpStatus, String userMessage, Throwable cause) {
        super(userMessage, cause, false, false);
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
