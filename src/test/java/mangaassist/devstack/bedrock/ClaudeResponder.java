package mangaassist.devstack.bedrock;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes Claude's answer: deterministic, in polite Japanese (です/ます, keigo) or English, and
 * grounded in the {@link CatalogFacts} found in the system prompt or the last user message.
 */
final class ClaudeResponder {

    /** The answer cut into tokens, why it stopped, and the usage numbers. */
    record Reply(List<String> tokens, String stopReason, String stopSequence, int inputTokens) {
        String text() {
            return String.join("", tokens);
        }

        int outputTokens() {
            return tokens.size();
        }
    }

    private static final int TOPIC_LENGTH = 40;
    /** Share of kana/kanji among the letters above which a text counts as Japanese. */
    private static final double JAPANESE_SHARE = 0.3;
    /** Role and turn framing, so that input counts are a little above the bare text. */
    private static final int TOKENS_PER_TURN = 4;
    private static final Set<String> DESCRIBED_KEYS = Set.of("title", "isbn", "stock", "quantity", "price", "author",
            "restock_days", "note");

    Reply reply(ClaudeRequest request) {
        String question = request.lastUserText();
        boolean japanese = isJapanese(request.system()) || isJapanese(question);
        List<Map<String, String>> items = CatalogFacts.parse(request.system());
        items.addAll(CatalogFacts.parse(question));
        String text = IntentAnswers.isClassification(request.system()) ? IntentAnswers.classify(question)
                : ModerationAnswers.isModeration(request.system()) ? ModerationAnswers.judge(question)
                : items.isEmpty() ? generic(question, japanese) : grounded(items, japanese);

        String stopReason = "end_turn";
        String stopSequence = null;
        int cut = -1;
        for (String stop : request.stopSequences()) {
            int at = stop.isEmpty() ? -1 : text.indexOf(stop);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
                stopSequence = stop;
            }
        }
        if (cut >= 0) {
            text = text.substring(0, cut);
            stopReason = "stop_sequence";
        }
        List<String> tokens = Tokens.split(text);
        if (tokens.size() > request.maxTokens()) {
            tokens = tokens.subList(0, request.maxTokens());
            stopReason = "max_tokens";
            stopSequence = null;
        }
        return new Reply(List.copyOf(tokens), stopReason, stopSequence, inputTokens(request));
    }

    static int inputTokens(ClaudeRequest request) {
        int count = request.system() == null ? 0 : Tokens.count(request.system()) + TOKENS_PER_TURN;
        for (ClaudeRequest.Turn turn : request.messages()) {
            count += Tokens.count(turn.text()) + TOKENS_PER_TURN;
        }
        return count;
    }

    static boolean isJapanese(String text) {
        if (text == null) {
            return false;
        }
        long letters = text.codePoints().filter(Character::isLetter).count();
        long japanese = text.codePoints().filter(Tokens::isJapaneseLetter).count();
        return letters > 0 && japanese >= JAPANESE_SHARE * letters;
    }

    private static String generic(String question, boolean japanese) {
        String topic = topic(question);
        if (japanese) {
            return "お問い合わせありがとうございます。「" + topic + "」についてのご質問ですね。"
                    + "タイトル名、巻数、ISBNなどをお知らせいただけましたら、在庫状況や価格をお調べいたします。"
                    + "おすすめの作品をお探しでしたら、お好みのジャンルや作家もお聞かせください。"
                    + "ほかにご不明な点がございましたら、お気軽にお尋ねください。";
        }
        return "Thank you for your question about \"" + topic + "\". "
                + "If you tell me the title, volume number or ISBN, I can check availability and price for you. "
                + "If you are looking for recommendations, let me know which genres or authors you enjoy. "
                + "If there is anything else I can help you with, please let me know.";
    }

    private static String grounded(List<Map<String, String>> items, boolean japanese) {
        StringBuilder answer = new StringBuilder(japanese
                ? "お問い合わせありがとうございます。ご質問の商品について、現在の状況をご案内いたします。"
                : "Thank you for your question. Here is the current information on the item"
                        + (items.size() > 1 ? "s" : "") + " you asked about.");
        for (Map<String, String> item : items) {
            answer.append(japanese ? "\n" + japaneseItem(item) : "\n" + englishItem(item));
        }
        answer.append(japanese
                ? "\nほかにご不明な点がございましたら、お気軽にお尋ねください。"
                : "\nIf there is anything else I can help you with, please let me know.");
        return answer.toString();
    }

    private static String japaneseItem(Map<String, String> item) {
        String title = item.get("title");
        String isbn = item.get("isbn");
        String subject = title != null ? "『" + title + "』" + (isbn != null ? "（ISBN: " + isbn + "）" : "")
                : isbn != null ? "ISBN " + isbn + " の商品" : "お問い合わせの商品";
        StringBuilder s = new StringBuilder(subject);
        String stock = item.get("stock");
        if (stock == null) {
            s.append("についてご案内いたします。");
        } else {
            s.append("は、").append(switch (CatalogFacts.stock(stock)) {
                case IN_STOCK -> "現在在庫がございます";
                case LOW_STOCK -> "現在在庫が残りわずかとなっております";
                case OUT_OF_STOCK -> "あいにく現在在庫切れとなっております";
                case PREORDER -> "現在ご予約を承っております";
                case BACKORDER -> "お取り寄せでのご用意となります";
                case OTHER -> "在庫状況が「" + stock + "」となっております";
            }).append("。");
        }
        if (item.containsKey("quantity")) {
            s.append("在庫数は").append(item.get("quantity")).append(isNumber(item.get("quantity")) ? "冊" : "").append("です。");
        }
        if (item.containsKey("price")) {
            s.append("価格は").append(item.get("price")).append(isNumber(item.get("price")) ? "円" : "").append("です。");
        }
        if (item.containsKey("restock_days")) {
            s.append("入荷予定は約").append(item.get("restock_days")).append("日後です。");
        }
        if (item.containsKey("author")) {
            s.append("著者は").append(item.get("author")).append("です。");
        }
        if (item.containsKey("note")) {
            s.append(item.get("note")).append("。");
        }
        item.forEach((key, value) -> {
            if (!DESCRIBED_KEYS.contains(key)) {
                s.append(key).append("は「").append(value).append("」です。");
            }
        });
        return s.toString();
    }

    private static String englishItem(Map<String, String> item) {
        String title = item.get("title");
        String isbn = item.get("isbn");
        String subject = title != null ? "\"" + title + "\"" + (isbn != null ? " (ISBN " + isbn + ")" : "")
                : isbn != null ? "The item with ISBN " + isbn : "The item you asked about";
        StringBuilder s = new StringBuilder(subject);
        String stock = item.get("stock");
        if (stock != null) {
            s.append(switch (CatalogFacts.stock(stock)) {
                case IN_STOCK -> " is in stock.";
                case LOW_STOCK -> " is in stock, but only a few copies are left.";
                case OUT_OF_STOCK -> " is currently out of stock.";
                case PREORDER -> " is available for pre-order.";
                case BACKORDER -> " can be back-ordered from our supplier.";
                case OTHER -> " has the stock status \"" + stock + "\".";
            });
        } else {
            s.append(":");
        }
        if (item.containsKey("quantity")) {
            String q = item.get("quantity");
            s.append(" Quantity available: ").append(q).append(q.equals("1") ? " copy." : isNumber(q) ? " copies." : ".");
        }
        if (item.containsKey("price")) {
            String p = item.get("price");
            s.append(" The price is ").append(isNumber(p) ? "¥" + p : p).append(".");
        }
        if (item.containsKey("restock_days")) {
            s.append(" Expected in about ").append(item.get("restock_days")).append(" days.");
        }
        if (item.containsKey("author")) {
            s.append(" The author is ").append(item.get("author")).append(".");
        }
        if (item.containsKey("note")) {
            String note = item.get("note");
            s.append(" ").append(Character.toUpperCase(note.charAt(0))).append(note.substring(1)).append(".");
        }
        item.forEach((key, value) -> {
            if (!DESCRIBED_KEYS.contains(key)) {
                s.append(" ").append(key).append(": ").append(value).append(".");
            }
        });
        return s.toString();
    }

    /** The user's question, on one line and shortened, to show what the answer is about. */
    private static String topic(String question) {
        String oneLine = question.replaceAll("\\s+", " ").strip();
        if (oneLine.codePointCount(0, oneLine.length()) <= TOPIC_LENGTH) {
            return oneLine;
        }
        int cut = oneLine.offsetByCodePoints(0, TOPIC_LENGTH);
        int space = oneLine.lastIndexOf(' ', cut);
        if (Character.isLetterOrDigit(oneLine.charAt(cut)) && space > cut / 2) {
            cut = space; // do not cut an English word in half
        }
        return oneLine.substring(0, cut) + "…";
    }

    private static boolean isNumber(String value) {
        return value.matches("\\d+(\\.\\d+)?");
    }
}
