package mangaassist.chat.message;

import java.util.Objects;
import mangaassist.platform.ClientError;

/** A chat failure with a stable code. The message is for logs; clients get {@link ChatErrorCode#userMessage}. */
public class ChatException extends RuntimeException implements ClientError {
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

    public ChatErrorCode errorCode() {
        return code;
    }

    @Override
    public String code() {
        return code.name();
    }

    @Override
    public int httpStatus() {
        return code.httpStatus();
    }

    @Override
    public String userMessage(String language) {
        return code.userMessage(language);
    }
}
