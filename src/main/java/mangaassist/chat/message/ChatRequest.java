package mangaassist.chat.message;

import java.util.Objects;
import mangaassist.chat.model.ModelPreference;

/**
 * A validated chat request. {@code message} is already normalised ({@link JapaneseTextNormalizer});
 * {@code preferredLanguage} is one of ja, en, auto.
 */
public record ChatRequest(
        String requestId,
        String sessionId,
        String message,
        String preferredLanguage,
        ModelPreference modelPreference,
        String clientVersion) {

    public ChatRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(preferredLanguage, "preferredLanguage");
        Objects.requireNonNull(modelPreference, "modelPreference");
        Objects.requireNonNull(clientVersion, "clientVersion");
    }
}
