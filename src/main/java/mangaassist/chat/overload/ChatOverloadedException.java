package mangaassist.chat.overload;

import mangaassist.chat.message.ChatErrorCode;
import mangaassist.chat.message.ChatException;

/** A message refused at once (OVERLOADED, HTTP 503), with the reason counted and the client's retry hint. */
public class ChatOverloadedException extends ChatException {
    private static final long serialVersionUID = 1L;

    private final AdmissionRule.Reason reason;
    private final long retryAfterMs;

    public ChatOverloadedException(AdmissionRule.Reason reason, long retryAfterMs) {
        super(ChatErrorCode.OVERLOADED, "refused (" + reason.tag() + "), retry after " + retryAfterMs + " ms");
        this.reason = reason;
        this.retryAfterMs = retryAfterMs;
    }

    public AdmissionRule.Reason reason() {
        return reason;
    }

    @Override
    public Long retryAfterMs() {
        return retryAfterMs;
    }

    // thrown per refused message, thousands a second in a burst: no stack trace to fill
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
