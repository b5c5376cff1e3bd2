package mangaassist.devstack.bedrock;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * An error in the shape the AWS SDK's JSON protocol expects: the status, the error code in
 * {@code x-amzn-ErrorType} (the SDK maps it to its typed exception) and {@code {"message":...}}.
 */
record AwsError(int status, String type, String message) {

    private static final String TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.bedrock/";

    static AwsError validation(String message) {
        return new AwsError(400, "ValidationException", message);
    }

    static AwsError malformedInput(String detail) {
        return validation("Malformed input request: " + detail + ", please reformat your input and try again.");
    }

    void write(HttpServerResponse response, String requestId) {
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("x-amzn-RequestId", requestId)
                .putHeader("x-amzn-ErrorType", type + TYPE_SUFFIX)
                .end(new JsonObject().put("message", message).encode());
    }

    /** Thrown by request parsing; the handler turns it into the error response. */
    static final class Failure extends RuntimeException {
        private final AwsError error;

        Failure(AwsError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }

        AwsError error() {
            return error;
        }
    }
}
