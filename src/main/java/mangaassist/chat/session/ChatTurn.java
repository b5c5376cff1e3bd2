package mangaassist.chat.session;

/**
 * One stored turn of a session (DynamoDB item of the seed: role, content, timestamp in epoch millis).
 * Lenient on purpose: a bad stored row is skipped by {@link mangaassist.chat.model.BedrockRequestBuilder}, it does not fail the chat.
 */
public record ChatTurn(String role, String content, long timestamp) {

    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";

    public static ChatTurn user(String content, long timestamp) {
        return new ChatTurn(USER, content, timestamp);
    }

    public static ChatTurn assistant(String content, long timestamp) {
        return new ChatTurn(ASSISTANT, content, timestamp);
    }
}
