package mangaassist.devstack.eventbridge;

/**
 * An error of the AWS JSON 1.1 protocol: the status, and {@code {"__type":..., "message":...}}, from which the SDK
 * builds its typed exception (ResourceNotFoundException, ValidationException...).
 */
final class EventBridgeError extends RuntimeException {

    private final int status;
    private final String type;

    EventBridgeError(int status, String type, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }

    static EventBridgeError validation(String message) {
        return new EventBridgeError(400, "ValidationException", message);
    }

    static EventBridgeError notFound(String message) {
        return new EventBridgeError(400, "ResourceNotFoundException", message);
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }
}
