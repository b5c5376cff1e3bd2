package mangaassist.chat.message;

/**
 * Stable error codes of the chat contract. The wire text comes only from here (never from an
 * exception message), so no internals can leak to a client.
 */
public enum ChatErrorCode {
    INVALID_JSON(400, "リクエストの形式が正しくありません。", "The request is not valid."),
    MESSAGE_REQUIRED(400, "メッセージを入力してください。", "Please enter a message."),
    MESSAGE_TOO_LONG(413, "メッセージが長すぎます。短くしてもう一度お送りください。",
            "The message is too long. Please shorten it and try again."),
    RATE_LIMITED(429, "リクエストが多すぎます。しばらくしてからもう一度お試しください。",
            "Too many requests. Please wait a moment and try again."),
    MODEL_TIMEOUT(504, "応答に時間がかかっています。もう一度お試しください。",
            "The answer took too long. Please try again."),
    MODEL_THROTTLED(503, "ただいま混み合っています。しばらくしてからもう一度お試しください。",
            "We are busy right now. Please try again shortly."),
    /** Refused at once (the work queue cannot answer within the time budget, or the instance is shutting down): retry after retryAfterMs. */
    OVERLOADED(503, "ただいま大変混み合っています。少し時間をおいてもう一度お送りください。",
            "We are very busy right now. Please send your message again in a moment."),
    MODEL_NO_RESPONSE(502, "回答を作成できませんでした。もう一度お試しください。",
            "No answer could be produced. Please try again."),
    INTERNAL(500, "申し訳ございません。エラーが発生しました。", "Sorry, something went wrong.");

    private final int httpStatus;
    private final String messageJa;
    private final String messageEn;

    ChatErrorCode(int httpStatus, String messageJa, String messageEn) {
        this.httpStatus = httpStatus;
        this.messageJa = messageJa;
        this.messageEn = messageEn;
    }

    /** HTTP status for the REST endpoint ({@code POST /api/chat}). */
    public int httpStatus() {
        return httpStatus;
    }

    /** User-facing text; Japanese unless the language is "en" (the store's default is Japanese). */
    public String userMessage(String language) {
        return "en".equals(language) ? messageEn : messageJa;
    }
}
