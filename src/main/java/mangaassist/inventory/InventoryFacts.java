package mangaassist.inventory;

import java.text.NumberFormat;
import java.util.Locale;

/**
 * One line of stock facts for the chat system prompt ({@code 在庫情報:} / {@code Stock facts:} block).
 * Facts state only what the ERP said; the model is left to phrase the answer.
 */
public final class InventoryFacts {

    private static final int MAX_TITLE_CHARS = 200;

    private InventoryFacts() {
    }

    /** e.g. {@code ワンピース 42 (ISBN 9784088...): 在庫あり 12冊, 価格 ¥484}. */
    public static String describe(InventoryItem item, String language) {
        boolean ja = "ja".equals(language);
        StringBuilder sb = new StringBuilder(subject(item.title(), item.isbn())).append(": ");
        sb.append(ja ? statusJa(item) : statusEn(item));
        if (item.priceJpy() != null) {
            sb.append(ja ? ", 価格 " : ", ").append(yen(item.priceJpy()));
        }
        if (item.isStale()) {
            long minutes = Math.max(1, Math.round(item.ageSeconds() / 60.0));
            sb.append(ja ? " (在庫システムに接続できないため、約" + minutes + "分前の情報です)"
                    : " (last known " + minutes + " min ago; live stock is unavailable)");
        }
        return sb.toString();
    }

    /** The catalog or ERP has no such ISBN. */
    public static String unknownIsbn(String isbn, String language) {
        return "ja".equals(language)
                ? "ISBN " + isbn + ": 該当する商品が見つかりません"
                : "ISBN " + isbn + ": no such item in the catalog";
    }

    /** ERP down and nothing cached: say so, so the model does not guess a stock level. */
    public static String erpUnavailable(String title, String isbn, String language) {
        return subject(title, isbn) + ("ja".equals(language)
                ? ": 在庫システムに接続できないため、現在の在庫状況を確認できません"
                : ": stock cannot be checked right now (inventory system unavailable)");
    }

    private static String statusJa(InventoryItem item) {
        return switch (item.stockStatus()) {
            case IN_STOCK -> "在庫あり " + item.quantityAvailable() + "冊";
            case LOW_STOCK -> "残りわずか " + item.quantityAvailable() + "冊";
            case OUT_OF_STOCK -> "在庫切れ" + restockJa(item.estimatedRestockDays());
            case PREORDER -> "予約受付中" + restockJa(item.estimatedRestockDays());
            case UNKNOWN -> "在庫状況不明";
        };
    }

    private static String statusEn(InventoryItem item) {
        int q = item.quantityAvailable();
        return switch (item.stockStatus()) {
            case IN_STOCK -> "in stock, " + q + (q == 1 ? " copy" : " copies");
            case LOW_STOCK -> "low stock, only " + q + (q == 1 ? " copy" : " copies") + " left";
            case OUT_OF_STOCK -> "out of stock" + restockEn(item.estimatedRestockDays());
            case PREORDER -> "available for preorder" + restockEn(item.estimatedRestockDays());
            case UNKNOWN -> "stock status unknown";
        };
    }

    private static String restockJa(Integer days) {
        return days == null ? "" : ", 入荷予定 約" + days + "日後";
    }

    private static String restockEn(Integer days) {
        return days == null ? "" : ", expected in about " + days + (days == 1 ? " day" : " days");
    }

    // Titles come from the ERP: one line, bounded, so a fact cannot break the prompt's layout.
    private static String subject(String title, String isbn) {
        String t = title == null ? "" : title.replaceAll("\\s+", " ").strip();
        if (t.length() > MAX_TITLE_CHARS) {
            t = t.substring(0, MAX_TITLE_CHARS) + "…";
        }
        return t.isEmpty() ? "ISBN " + isbn : t + " (ISBN " + isbn + ")";
    }

    private static String yen(int amount) {
        return "¥" + NumberFormat.getIntegerInstance(Locale.JAPAN).format(amount);
    }
}
