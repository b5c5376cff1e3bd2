package mangaassist.devstack.bedrock;

/**
 * Failures the emulator can inject. HTTP faults answer before any output; in a response stream a
 * mid-stream rule sends the same fault as an event-stream exception event instead.
 */
public enum Fault {
    /** 429, the SDK's {@code ThrottlingException}. */
    THROTTLING(429, "ThrottlingException", "Too many requests, please wait before trying again."),
    /** 408, {@code ModelTimeoutException}. */
    MODEL_TIMEOUT(408, "ModelTimeoutException", "Model has timed out in processing the request. Try your request again."),
    /** 500, {@code InternalServerException}. */
    INTERNAL(500, "InternalServerException", "The server encountered an internal error while processing the request."),
    /** 503, {@code ServiceUnavailableException}. */
    SERVICE_UNAVAILABLE(503, "ServiceUnavailableException", "Service is unavailable. Try your request again."),
    /** 200 with a body that is not valid JSON (in a stream: a chunk whose bytes are not JSON). */
    MALFORMED(200, null, null),
    /** A normal answer held back for {@link EmulatorControl#slowDelay()} before the first byte. */
    SLOW(200, null, null);

    private final int status;
    private final String errorType;
    private final String message;

    Fault(int status, String errorType, String message) {
        this.status = status;
        this.errorType = errorType;
        this.message = message;
    }

    /** The AWS error this fault answers with, or null for MALFORMED and SLOW. */
    AwsError error() {
        return errorType == null ? null : new AwsError(status, errorType, message);
    }

    /** Event-stream {@code :exception-type}: the error name with a lower-case first letter. */
    String exceptionEventType() {
        return errorType == null ? null : Character.toLowerCase(errorType.charAt(0)) + errorType.substring(1);
    }
}
