package mangaassist.inventoryevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import mangaassist.devstack.erp.ErpCatalog;
import mangaassist.inventory.Isbn;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Property-based tests of the DMS change-record parser (the reliability suite's fuzzing): a record is an event that
 * says what the record said, or a 400-class error naming its fields; never anything else, whatever arrives.
 */
class InventoryChangeRecordsPropertiesTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final InventoryEventsProperties PROPERTIES = new InventoryEventsProperties("manga-assist-inventory",
            "manga-assist.inventory", "TK01", "manga-products",
            new InventoryEventsProperties.Publish(3, Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(5)));
    private final InventoryChangeRecords records = new InventoryChangeRecords(PROPERTIES, Clock.fixed(NOW, ZoneOffset.UTC));

    @Property(tries = 2000)
    void anyBodyIsAnEventOrARequestErrorNeverAnythingElse(@ForAll("bodies") String body) {
        Throwable failure = catchThrowable(() -> records.read(body, "erp_cdc", "c-1"));
        if (failure == null) {
            InventoryChangeEvent event = records.read(body, "erp_cdc", "c-1");
            assertThat(Isbn.isValid(event.isbn())).isTrue();
            assertThat(event.newQuantity()).isNotNegative();
            assertThat(event.eventType()).isEqualTo(InventoryChangeEvent.typeOf(event.previousQuantity(), event.newQuantity()));
        } else {
            assertThat(failure).isInstanceOfSatisfying(InventoryEventRequestException.class,
                    e -> assertThat(e.errors()).allSatisfy(f -> assertThat(f.get("field")).startsWith("data.")));
        }
    }

    @Property
    void aValidRecordSaysWhatItsRecordSaid(@ForAll("isbn13") String isbn, @ForAll @IntRange(max = 999_999_999) int quantity,
            @ForAll @IntRange(max = 999_999_999) int previous, @ForAll boolean asText, @ForAll boolean fullWidth) {
        String written = fullWidth ? isbn.chars().mapToObj(c -> String.valueOf((char) (c + 0xFEE0))).reduce("", String::concat) : isbn;
        String qty = asText ? "\"" + quantity + "\"" : String.valueOf(quantity);
        InventoryChangeEvent event = records.read("{\"data\":{\"ISBN\":\"" + written + "\",\"QTY\":" + qty + ",\"OLD_QTY\":"
                + previous + ",\"WAREHOUSE_CD\":\"OS02\"},\"metadata\":{\"operation\":\"update\"}}", "erp_cdc", "c-1");
        // full-width digits are folded, not refused
        assertThat(event.isbn()).isEqualTo(isbn);
        assertThat(event.newQuantity()).isEqualTo(quantity);
        assertThat(event.previousQuantity()).isEqualTo(previous);
        assertThat(event.warehouseCode()).isEqualTo("OS02");
        assertThat(event.eventType()).isEqualTo(InventoryChangeEvent.typeOf(previous, quantity));
    }

    @Property
    void aWrongCheckDigitIsRefusedOnItsField(@ForAll("isbn13") String isbn, @ForAll @IntRange(min = 1, max = 9) int shift) {
        String wrong = isbn.substring(0, 12) + (char) ('0' + (isbn.charAt(12) - '0' + shift) % 10);
        Throwable failure = catchThrowable(() -> records.read("{\"data\":{\"ISBN\":\"" + wrong + "\",\"QTY\":1}}", "erp_cdc", "c"));
        assertThat(failure).isInstanceOfSatisfying(InventoryEventRequestException.class,
                e -> assertThat(e.errors()).extracting(f -> f.get("field")).containsExactly("data.ISBN"));
    }

    @Provide
    Arbitrary<String> isbn13() {
        return Combinators.combine(Arbitraries.of("978", "979"), Arbitraries.strings().numeric().ofLength(9))
                .as((prefix, body) -> prefix + body + ErpCatalog.checkDigit(prefix + body));
    }

    /** Record-shaped JSON with random field values, broken JSON, other shapes, random text. */
    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> values = Arbitraries.oneOf(
                isbn13().map(i -> "\"" + i + "\""),
                Arbitraries.strings().withChars("0123456789X-<>'\"\\ ").ofMaxLength(16).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
                Arbitraries.integers().map(String::valueOf), Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("null", "true", "[]", "{}", "1.5", "-0", "1e3", "\"\"", "\" 12 \"", "\"１２\"", "99999999999"));
        Arbitrary<String> records = Combinators.combine(values, values, values, values)
                .as((isbn, qty, old, warehouse) -> "{\"data\":{\"ISBN\":" + isbn + ",\"QTY\":" + qty + ",\"OLD_QTY\":" + old
                        + ",\"WAREHOUSE_CD\":" + warehouse + "},\"metadata\":{\"operation\":" + warehouse + ",\"timestamp\":"
                        + old + "}}");
        return Arbitraries.oneOf(records, records.map(r -> r.substring(0, r.length() / 2)),
                values.map(v -> "{\"data\":" + v + "}"), values, Arbitraries.strings().ofMaxLength(80),
                Arbitraries.of("", " ", "null", "[]", "{\"ISBN\":\"9784088820002\"}"));
    }
}
