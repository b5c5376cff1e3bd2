package mangaassist.chat.model;

/** The parts of a Claude answer the chat reply needs. */
public record ModelReply(String text, int inputTokens, int outputTokens, String model, String stopReason) {
}
