package mangaassist.chat.message;

import java.util.Objects;

/** A chat failure with a stable code. The message is for logs; clients get {@link ChatErrorCode#userMessage}. */
public class ChatException extends RuntimeException implements ChatClientError {
    private static final long serialVersionUID = 1L;

    private final ChatErrorCode code;

    public ChatException(ChatErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ChatException(ChatErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    @Override
    public ChatErrorCode errorCode() {
        return code;
    }
}
