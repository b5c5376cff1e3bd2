package mangaassist.chat.intent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import mangaassist.inventory.InventoryItem;

/**
 * One line of stock facts for the chat system prompt ({@code 在庫情報:} / {@code Stock facts:} block),
 * as {@code key=value} pairs separated by {@code |}:
 * <pre>title=ワンピース 42 | isbn=9784088725093 | stock=in_stock | quantity=87 | price=528</pre>
 * Keys and stock values are the API's own words, so the model reads the same facts whatever the
 * customer's language; only the {@code note} (why a fact is missing or old) is in that language.
 * Facts state only what the ERP or the catalog said; the model is left to phrase the answer.
 */
public final class InventoryFacts {

    private static final int MAX_VALUE_CHARS = 200;

    private InventoryFacts() {
    }

    /** What the ERP said of one item (stale items say how old the figure is). */
    public static String describe(InventoryItem item, String language) {
        Map<String, Object> facts = subject(item.title(), item.isbn());
        facts.put("stock", item.stockStatus().value());
        facts.put("quantity", item.quantityAvailable());
        facts.put("price", item.priceJpy());
        facts.put("restock_days", item.estimatedRestockDays());
        if (item.isStale()) {
            long minutes = Math.max(1, Math.round(item.ageSeconds() / 60.0));
            facts.put("note", ja(language) ? "在庫システムに接続できないため、約" + minutes + "分前の情報です"
                    : "last known " + minutes + " min ago; live stock is unavailable");
        }
        return line(facts);
    }

    /** The catalog has the title but the ERP does not know its ISBN. */
    public static String unknownIsbn(String title, String isbn, String language) {
        Map<String, Object> facts = subject(title, isbn);
        facts.put("note", ja(language) ? "該当する商品が見つかりません" : "no such item in the catalog");
        return line(facts);
    }

    /** The ERP is down and nothing is cached: say so, so the model does not guess a stock level. */
    public static String erpUnavailable(String title, String isbn, String language) {
        Map<String, Object> facts = subject(title, isbn);
        facts.put("note", ja(language) ? "在庫システムに接続できないため、現在の在庫状況を確認できません"
                : "stock cannot be checked right now (inventory system unavailable)");
        return line(facts);
    }

    /** The customer asked for a title (and volume) the catalog does not list. */
    public static String notInCatalog(String title, Integer volume, String language) {
        Map<String, Object> facts = subject(volume == null ? title : title + " " + volume, null);
        facts.put("note", ja(language) ? "当店のカタログに該当する商品が見つかりません"
                : "not found in the store's catalog");
        return line(facts);
    }

    private static boolean ja(String language) {
        return "ja".equals(language);
    }

    private static Map<String, Object> subject(String title, String isbn) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("title", title);
        facts.put("isbn", isbn);
        return facts;
    }

    // Titles come from the ERP and the customer: one bounded line without the separators, so a value
    // cannot open a new pair, a new fact or a new prompt section.
    private static String line(Map<String, Object> facts) {
        StringJoiner line = new StringJoiner(" | ");
        facts.forEach((key, value) -> {
            String v = value == null ? "" : value.toString().replaceAll("[|=\\s]+", " ").strip();
            if (v.length() > MAX_VALUE_CHARS) {
                v = v.substring(0, MAX_VALUE_CHARS) + "…";
            }
            if (!v.isEmpty()) {
                line.add(key + "=" + v);
            }
        });
        return line.toString();
    }
}
