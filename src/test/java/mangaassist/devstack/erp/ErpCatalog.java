package mangaassist.devstack.erp;

import java.text.Normalizer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deterministic manga catalog of the ERP simulator: same ISBNs, titles, stock and prices on every run.
 * ISBN-13s are fictitious but carry valid check digits and real publisher prefixes (集英社 4-08,
 * 講談社 4-06, 小学館 4-09). A few fixtures are pinned so demos and tests can rely on them; see
 * {@link #pinned}.
 */
public final class ErpCatalog {

    /** One row of the ERP's stock table. Null optional fields are left out of the XML. */
    public record Item(String isbn, String series, int volume, String title, int quantity, String statusCode,
                       String lastRestockDate, Integer priceJpy, Integer restockEtaDays) {
    }

    /** A series and how the chat may call it. */
    public record Series(String name, String publisherPrefix, int titleBase, int volumes, int priceJpy,
                         List<String> aliases) {
    }

    public static final List<Series> SERIES = List.of(
            new Series("ワンピース", "97840887", 2500, 110, 528, List.of("ONE PIECE", "ワンピ", "one piece")),
            new Series("進撃の巨人", "97840639", 5000, 34, 528, List.of("進撃", "Attack on Titan")),
            new Series("鬼滅の刃", "97840888", 1000, 23, 484, List.of("鬼滅", "Demon Slayer")),
            new Series("呪術廻戦", "97840881", 5000, 30, 484, List.of("呪術", "Jujutsu Kaisen")),
            new Series("NARUTO -ナルト-", "97840887", 3000, 72, 460, List.of("ナルト", "NARUTO")),
            new Series("SPY×FAMILY", "97840882", 1000, 15, 528, List.of("スパイファミリー", "SPY FAMILY")),
            new Series("葬送のフリーレン", "97840985", 1000, 14, 594, List.of("フリーレン", "Frieren")));

    /** Base date of LastRestockDate values: fixed so the catalog never depends on the clock. */
    static final LocalDate BASE_DATE = LocalDate.of(2025, 11, 1);

    private final Map<String, Item> byIsbn = new LinkedHashMap<>();

    public ErpCatalog() {
        for (Series s : SERIES) {
            for (int v = 1; v <= s.volumes(); v++) {
                add(generate(s, v));
            }
        }
        // Special editions whose titles use CP932-only characters (①, ～, 髙): they exercise the
        // Windows-31J decoding the client must do, and Shift_JIS-strict tooling fails on them.
        add(new Item(isbn13("97840888", 1999), "鬼滅の刃", 0, "鬼滅の刃 公式ファンブック ① ～鬼殺隊見聞録～",
                12, "01", "2025-10-20", 1100, null));
        add(new Item(isbn13("97840887", 2999), "ワンピース", 0, "ONE PIECE 髙橋書店コラボ特装版 ①",
                0, "04", null, 1980, 30));
    }

    private void add(Item item) {
        byIsbn.put(item.isbn(), item);
    }

    private static Item generate(Series s, int volume) {
        String isbn = isbn13(s.publisherPrefix(), s.titleBase() + volume);
        SplittableRandom rnd = new SplittableRandom(isbn.hashCode());
        String title = s.name() + " " + volume;
        int price = s.priceJpy() + (volume > s.volumes() / 2 ? 44 : 0);
        String date = BASE_DATE.minusDays(rnd.nextInt(1, 200)).toString();
        Item pinned = pinned(s, volume, isbn, title, price, date);
        if (pinned != null) {
            return pinned;
        }
        if (volume == s.volumes()) { // the newest volume is not out yet
            return new Item(isbn, s.name(), volume, title, 0, "04", null, price, rnd.nextInt(7, 45));
        }
        int roll = rnd.nextInt(100);
        if (roll < 65) {
            return new Item(isbn, s.name(), volume, title, rnd.nextInt(10, 250), "01", date, price, null);
        } else if (roll < 85) {
            return new Item(isbn, s.name(), volume, title, rnd.nextInt(1, 6), "02", date, price, null);
        }
        return new Item(isbn, s.name(), volume, title, 0, "03", date, price, rnd.nextInt(3, 22));
    }

    /**
     * Fixtures: ワンピース 42 in stock (the seed's example question), 1 low, 100 out of stock,
     * 110 preorder. Other volumes are pseudo-random but stable.
     */
    private static Item pinned(Series s, int volume, String isbn, String title, int price, String date) {
        if (!s.name().equals("ワンピース")) {
            return null;
        }
        return switch (volume) {
            case 1 -> new Item(isbn, s.name(), volume, title, 3, "02", date, price, null);
            case 42 -> new Item(isbn, s.name(), volume, title, 87, "01", "2025-10-15", price, null);
            case 100 -> new Item(isbn, s.name(), volume, title, 0, "03", date, price, 10);
            case 110 -> new Item(isbn, s.name(), volume, title, 0, "04", null, price, 21);
            default -> null;
        };
    }

    /** Builds an ISBN-13 from an 8-digit prefix (978 + group + publisher) and a 4-digit title number. */
    static String isbn13(String prefix8, int titleNumber) {
        String first12 = prefix8 + String.format("%04d", titleNumber);
        if (first12.length() != 12) {
            throw new IllegalArgumentException("need 12 digits: " + first12);
        }
        return first12 + checkDigit(first12);
    }

    /** ISBN-13 check digit: weights 1,3,1,3…; (10 - sum mod 10) mod 10. */
    public static int checkDigit(String first12) {
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (first12.charAt(i) - '0') * (i % 2 == 0 ? 1 : 3);
        }
        return (10 - sum % 10) % 10;
    }

    public static boolean isValidIsbn13(String isbn) {
        String d = isbn.replace("-", "");
        return d.matches("\\d{13}") && checkDigit(d.substring(0, 12)) == d.charAt(12) - '0';
    }

    /**
     * Sets an item's stock (its status follows: 01 more than 5, 02 1 to 5, 03 none; a preorder stays 04 until stock
     * arrives) and answers the item as it was before. Unknown ISBN: empty.
     */
    public synchronized Optional<Item> setQuantity(String isbn, int quantity) {
        Item old = byIsbn(isbn).orElse(null);
        if (old == null) {
            return Optional.empty();
        }
        String status = quantity > 5 ? "01" : quantity > 0 ? "02" : "04".equals(old.statusCode()) ? "04" : "03";
        byIsbn.put(old.isbn(), new Item(old.isbn(), old.series(), old.volume(), old.title(), quantity, status,
                old.lastRestockDate(), old.priceJpy(), quantity > 0 ? null : old.restockEtaDays()));
        return Optional.of(old);
    }

    public Optional<Item> byIsbn(String isbn) {
        return isbn == null ? Optional.empty() : Optional.ofNullable(byIsbn.get(isbn.replace("-", "").strip()));
    }

    public Collection<Item> items() {
        return Collections.unmodifiableCollection(byIsbn.values());
    }

    /** ISBN of a regular volume; series may be given by name or alias. */
    public Optional<String> isbnOf(String series, int volume) {
        return findSeries(series)
                .filter(s -> volume >= 1 && volume <= s.volumes())
                .map(s -> isbn13(s.publisherPrefix(), s.titleBase() + volume));
    }

    private static final Pattern VOLUME_QUERY =
            Pattern.compile("^(.*?)(?:第|vol\\.?|#)?\\s*(\\d{1,3})\\s*(?:巻|集)?$", Pattern.CASE_INSENSITIVE);

    /**
     * Resolves free text such as 「ワンピース42巻」, 「ONE PIECE 第42巻」, 「鬼滅の刃 vol.3」 to an ISBN.
     * Full-width digits and spaces are normalised (NFKC) first.
     */
    public Optional<String> resolve(String query) {
        if (query == null) {
            return Optional.empty();
        }
        String q = Normalizer.normalize(query, Normalizer.Form.NFKC).strip();
        q = q.replaceAll("^[「『]+", "").replaceAll("[」』?は在庫ありますか。]+$", "").strip();
        Matcher m = VOLUME_QUERY.matcher(q);
        if (!m.matches()) {
            return Optional.empty();
        }
        return isbnOf(m.group(1).strip(), Integer.parseInt(m.group(2)));
    }

    /** Items whose title contains the text (normalised, case- and space-insensitive). */
    public List<Item> searchTitle(String text) {
        String needle = key(text);
        List<Item> hits = new ArrayList<>();
        for (Item i : byIsbn.values()) {
            if (key(i.title()).contains(needle)) {
                hits.add(i);
            }
        }
        return hits;
    }

    private static Optional<Series> findSeries(String name) {
        String k = key(name);
        for (Series s : SERIES) {
            if (key(s.name()).equals(k) || s.aliases().stream().anyMatch(a -> key(a).equals(k))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private static String key(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT).replaceAll("[\\s\\-ー・]", "");
    }
}
