package mangaassist.devstack.bedrock;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds stock/catalog facts in prompt text so that answers can be grounded in them. Convention:
 * <pre>
 * [FACT] title=ワンピース 42 | isbn=9784088820000 | stock=in_stock | quantity=12 | price=484
 *
 * 在庫情報:                     (or 商品情報: / Stock facts: / Catalog facts:)
 * title=ワンピース 42 | stock=in_stock | quantity=12 | price=484
 * - title=呪術廻戦 1 | stock=out_of_stock
 * </pre>
 * A fact line holds {@code key=value} or {@code key: value} pairs separated by {@code |}. Consecutive
 * fact lines describe one item until a key repeats, so {@code [FACT] title: X} followed by
 * {@code [FACT] stock: in_stock} is one item. A block ends at the first line without a pair.
 */
final class CatalogFacts {

    private static final Pattern FACT_LINE = Pattern.compile("^\\s*\\[FACT]\\s*(.*)$");
    private static final Pattern BLOCK_HEADER =
            Pattern.compile("^\\s*(在庫情報|商品情報|stock facts|catalog facts)\\s*[:：]\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern PAIR = Pattern.compile("^\\s*([^=:：]+?)\\s*(?:=|:|：)\\s*(.*?)\\s*$");
    private static final Pattern BULLET = Pattern.compile("^\\s*(?:[-*・]\\s*)?");

    private static final Map<String, String> KEY_ALIASES = Map.ofEntries(
            Map.entry("タイトル", "title"), Map.entry("書名", "title"), Map.entry("name", "title"),
            Map.entry("在庫", "stock"), Map.entry("在庫状況", "stock"), Map.entry("status", "stock"),
            Map.entry("在庫数", "quantity"), Map.entry("数量", "quantity"), Map.entry("qty", "quantity"),
            Map.entry("価格", "price"), Map.entry("著者", "author"));

    private CatalogFacts() {
    }

    /** The items described in the text, each a map of normalised keys to values, in order. */
    static List<Map<String, String>> parse(String text) {
        List<Map<String, String>> items = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return items;
        }
        Map<String, String> current = null;
        boolean inBlock = false;
        for (String line : text.split("\\R")) {
            Matcher fact = FACT_LINE.matcher(line);
            String record = null;
            if (fact.matches()) {
                record = fact.group(1);
            } else if (BLOCK_HEADER.matcher(line).matches()) {
                inBlock = true;
                current = null;
                continue;
            } else if (inBlock) {
                record = BULLET.matcher(line).replaceFirst("");
            }
            Map<String, String> pairs = record == null ? Map.of() : pairs(record);
            if (pairs.isEmpty()) {
                inBlock = false;
                current = null;
                continue;
            }
            if (current == null || pairs.keySet().stream().anyMatch(current::containsKey)) {
                current = new LinkedHashMap<>();
                items.add(current);
            }
            current.putAll(pairs);
        }
        return items;
    }

    private static Map<String, String> pairs(String record) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String part : record.split("\\|")) {
            Matcher m = PAIR.matcher(part);
            if (m.matches() && !m.group(2).isEmpty()) {
                String key = m.group(1).toLowerCase(Locale.ROOT);
                pairs.put(KEY_ALIASES.getOrDefault(key, key), m.group(2));
            }
        }
        return pairs;
    }

    enum Stock { IN_STOCK, LOW_STOCK, OUT_OF_STOCK, PREORDER, BACKORDER, OTHER }

    static Stock stock(String value) {
        String v = value.toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        return switch (v) {
            case "in_stock", "available", "instock", "在庫あり" -> Stock.IN_STOCK;
            case "low_stock", "few_left", "残りわずか", "在庫僅少" -> Stock.LOW_STOCK;
            case "out_of_stock", "sold_out", "outofstock", "在庫切れ", "在庫なし", "品切れ" -> Stock.OUT_OF_STOCK;
            case "preorder", "pre_order", "予約", "予約受付中" -> Stock.PREORDER;
            case "backorder", "back_order", "取り寄せ", "お取り寄せ" -> Stock.BACKORDER;
            default -> Stock.OTHER;
        };
    }
}
