package mangaassist.chat.session;

import mangaassist.chat.message.ChatErrorCode;
import mangaassist.chat.message.ChatException;

/** RATE_LIMITED with the time until the session's window ends: the body's retryAfterMs, HTTP's Retry-After. */
public class ChatRateLimitedException extends ChatException {

    private static final long serialVersionUID = 1L;

    private final long retryAfterMs;

    public ChatRateLimitedException(String message, long retryAfterMs) {
        super(ChatErrorCode.RATE_LIMITED, message);
        this.retryAfterMs = retryAfterMs;
    }

    @Override
    public Long retryAfterMs() {
        return retryAfterMs;
    }
}
