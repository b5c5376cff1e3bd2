package mangaassist.chat.message;

import mangaassist.platform.ClientError;

/** A chat failure answered by its {@link ChatErrorCode}: the code's name, HTTP status and user message. */
public interface ChatClientError extends ClientError {

    ChatErrorCode errorCode();

    @Override
    default String code() {
        return errorCode().name();
    }

    @Override
    default int httpStatus() {
        return errorCode().httpStatus();
    }

    @Override
    default String userMessage(String language) {
        return errorCode().userMessage(language);
    }
}
