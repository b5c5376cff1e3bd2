package mangaassist.devstack.erp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.inventory.StockStatus;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A full export of the ERP's catalog as DMS's full load leaves it in the S3 staging area:
 * {@code <exportsPrefix>/<runId>/LOAD00000001.jsonl}, … — files of JSON Lines, one row a line, the rows split over the
 * files in order. Rows: the simulator's catalog, then {@code synthetic} generated valid items, with {@code invalid}
 * broken rows spread among them (each kind of defect the quality gate must catch).
 *
 * <p>Columns are the product table's attributes (isbn, title, author, genre, quantity, warehouse_code, stock_status,
 * price_jpy) plus ERP-only ones the sync ignores (series, volume, last_restock_date). Deterministic: the same spec
 * gives the same rows, so syncs of several exports converge on the same items. One file is in memory at a time.
 */
public final class ErpExport {

    /** Synthetic ISBNs: 978-4-9xxxxxxx, a range the simulator's catalog does not use. */
    static final String SYNTHETIC_PREFIX = "97849";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> AUTHORS = List.of("山田太郎", "佐藤花子", "鈴木一郎", "Kenji Tanaka", "高橋みどり");
    private static final List<String> GENRES = List.of("少年", "少女", "青年", "ファンタジー", "スポーツ", "SF");
    private static final Map<String, String> SERIES_AUTHORS = Map.of("ワンピース", "尾田栄一郎", "進撃の巨人", "諫山創",
            "鬼滅の刃", "吾峠呼世晴", "呪術廻戦", "芥見下々", "NARUTO -ナルト-", "岸本斉史", "SPY×FAMILY", "遠藤達哉",
            "葬送のフリーレン", "山田鐘人");

    /**
     * @param runId     the export's id: its prefix is {@code <exportsPrefix>/<runId>/}
     * @param synthetic generated valid items after the catalog's
     * @param invalid   broken rows among them
     * @param files     files the rows are split over
     * @param catalog   false: synthetic (and invalid) rows only
     */
    public record Spec(String runId, int synthetic, int invalid, int files, boolean catalog) {
        public Spec {
            if (files < 1 || synthetic < 0 || invalid < 0) {
                throw new IllegalArgumentException("files ≥ 1, synthetic and invalid ≥ 0");
            }
        }
    }

    /** What was written: keys in order, rows, and how many are valid. */
    public record Result(String bucket, String prefix, List<String> keys, int rows, int valid, int invalid) {
    }

    private ErpExport() {
    }

    public static Result write(S3Client s3, String bucket, String exportsPrefix, Spec spec, ErpCatalog catalog) {
        int catalogRows = spec.catalog() ? catalog.items().size() : 0;
        int rows = catalogRows + spec.synthetic() + spec.invalid();
        String prefix = exportsPrefix + "/" + spec.runId() + "/";
        Iterator<String> lines = lines(spec, catalog);
        List<String> keys = new ArrayList<>();
        int perFile = (rows + spec.files() - 1) / spec.files();
        for (int f = 0; f < spec.files() && lines.hasNext(); f++) {
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            for (int i = 0; i < perFile && lines.hasNext(); i++) {
                file.writeBytes(lines.next().getBytes(StandardCharsets.UTF_8));
                file.write('\n');
            }
            String key = prefix + String.format("LOAD%08d.jsonl", f + 1);
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/x-ndjson"),
                    RequestBody.fromBytes(file.toByteArray()));
            keys.add(key);
        }
        return new Result(bucket, prefix, keys, rows, catalogRows + spec.synthetic(), spec.invalid());
    }

    /** The export's rows in order: the catalog, then synthetic items with the invalid rows spread evenly among them. */
    static Iterator<String> lines(Spec spec, ErpCatalog catalog) {
        Iterator<ErpCatalog.Item> items = spec.catalog() ? catalog.items().iterator() : List.<ErpCatalog.Item>of().iterator();
        int generated = spec.synthetic() + spec.invalid();
        return new Iterator<>() {
            int next;        // synthetic or invalid rows handed out
            int valid;
            int broken;

            @Override
            public boolean hasNext() {
                return items.hasNext() || next < generated;
            }

            @Override
            public String next() {
                if (items.hasNext()) {
                    return catalogRow(items.next());
                }
                if (next >= generated) {
                    throw new NoSuchElementException();
                }
                next++;
                // Bresenham: the broken rows land evenly among the valid ones
                boolean brokenNow = broken < spec.invalid()
                        && (long) (broken + 1) * generated <= (long) next * spec.invalid();
                return brokenNow ? invalidRow(broken++) : syntheticRow(valid++);
            }
        };
    }

    static String catalogRow(ErpCatalog.Item item) {
        ObjectNode row = JSON.createObjectNode()
                .put("isbn", item.isbn())
                .put("title", item.title())
                .put("author", SERIES_AUTHORS.getOrDefault(item.series(), ""))
                .put("genre", "少年")
                .put("quantity", item.quantity())
                .put("warehouse_code", "TK01")
                .put("stock_status", StockStatus.fromCode(item.statusCode()).value())
                .put("series", item.series())
                .put("volume", item.volume());
        if (item.priceJpy() != null) {
            row.put("price_jpy", item.priceJpy());
        }
        if (item.lastRestockDate() != null) {
            row.put("last_restock_date", item.lastRestockDate());
        }
        return row.toString();
    }

    /** The {@code n}th synthetic item: a valid ISBN-13 of its own, a title, author, genre, stock and price. */
    public static String syntheticRow(int n) {
        int quantity = (n * 37) % 250;
        return JSON.createObjectNode()
                .put("isbn", syntheticIsbn(n))
                .put("title", "合成シリーズ" + (n / 50 + 1) + " 第" + (n % 50 + 1) + "巻")
                .put("author", AUTHORS.get(n % AUTHORS.size()))
                .put("genre", GENRES.get(n % GENRES.size()))
                .put("quantity", quantity)
                .put("warehouse_code", n % 3 == 0 ? "OS01" : "TK01")
                .put("stock_status", quantity == 0 ? "out_of_stock" : quantity <= 5 ? "low_stock" : "in_stock")
                .put("price_jpy", 400 + (n * 13) % 800)
                .toString();
    }

    public static String syntheticIsbn(int n) {
        String first12 = SYNTHETIC_PREFIX + String.format("%07d", n);
        return first12 + ErpCatalog.checkDigit(first12);
    }

    /** The {@code n}th broken row: in turn each defect of the seed's rules, the check digit, and a line that is no JSON. */
    static String invalidRow(int n) {
        String isbn = SYNTHETIC_PREFIX.replace("49", "48") + String.format("%07d", n);
        String good = isbn + ErpCatalog.checkDigit(isbn);
        ObjectNode row = JSON.createObjectNode().put("isbn", good).put("title", "壊れた行 " + n).put("quantity", 5)
                .put("warehouse_code", "TK01");
        switch (n % 6) {
            case 0 -> row.remove("title");                                              // required field missing
            case 1 -> row.put("isbn", isbn + ((ErpCatalog.checkDigit(isbn) + 1) % 10)); // wrong check digit
            case 2 -> row.put("quantity", -3);                                          // negative quantity
            case 3 -> row.put("title", "長".repeat(501));                               // title over 500 characters
            case 4 -> row.put("quantity", 2.5);                                         // not a whole quantity
            default -> {
                return "{\"isbn\": \"" + good + "\", \"title\": 壊れたJSON";               // not JSON at all
            }
        }
        return row.toString();
    }
}
