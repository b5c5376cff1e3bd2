package mangaassist.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The seed's DataQualityValidator cases (003 §3), and where this gate is stricter on purpose. */
class ProductQualityGateTest {

    private final ProductQualityGate gate = new ProductQualityGate();

    private static Map<String, Object> valid() {
        Map<String, Object> item = new HashMap<>();
        item.put("isbn", "9784088725093");
        item.put("title", "ワンピース 42");
        item.put("quantity", new BigDecimal("87"));
        item.put("warehouse_code", "TK01");
        return item;
    }

    private List<String> fields(Map<String, Object> item) {
        return gate.check(item).stream().map(QualityError::field).toList();
    }

    @Test
    void aCompleteRecordPasses() {
        assertThat(gate.check(valid())).isEmpty();
        Map<String, Object> hyphenated = valid();
        hyphenated.put("isbn", "978-4-08-872509-3"); // the seed strips hyphens before its check
        hyphenated.put("author", "尾田栄一郎");
        hyphenated.put("genre", "少年");
        hyphenated.put("price_jpy", new BigDecimal("528"));
        assertThat(gate.check(hyphenated)).isEmpty();
        Map<String, Object> isbn10 = valid();
        isbn10.put("isbn", "4-08-872509-3");
        assertThat(gate.check(isbn10)).isEmpty();
    }

    @Test
    void eachRequiredFieldMissingIsOneError() {
        for (String field : List.of("isbn", "title", "quantity", "warehouse_code")) {
            Map<String, Object> item = valid();
            item.remove(field);
            assertThat(gate.check(item)).as(field).containsExactly(new QualityError(field, "required"));
        }
        // the seed reported a missing ISBN twice (missing fields, then "Invalid ISBN format: ")
        assertThat(gate.check(Map.of())).hasSize(4);
    }

    @Test
    void blankTextIsMissing() {
        Map<String, Object> item = valid();
        item.put("title", "   ");
        item.put("warehouse_code", "");
        assertThat(fields(item)).containsExactly("title", "warehouse_code");
    }

    @Test
    void theSeedsIsbnFormatCases() {
        for (String bad : List.of("12345", "97840887250931", "978408872509A", "ABCDEFGHIJ")) {
            Map<String, Object> item = valid();
            item.put("isbn", bad);
            assertThat(fields(item)).as(bad).containsExactly("isbn");
        }
    }

    @Test
    void checkDigitIsVerifiedWhichTheSeedDidNot() {
        // 13 digits pass the seed's regex ^\d{13}$; the check digit of this one is wrong (3 is right)
        Map<String, Object> item = valid();
        item.put("isbn", "9784088725094");
        assertThat(gate.check(item)).singleElement()
                .satisfies(e -> assertThat(e.error()).contains("check digit").contains("9784088725094"));
        item.put("isbn", "4-08-872509-4"); // ISBN-10, wrong check digit
        assertThat(fields(item)).containsExactly("isbn");
    }

    @Test
    void negativeQuantityIsRefusedAsInTheSeed() {
        Map<String, Object> item = valid();
        item.put("quantity", new BigDecimal("-1"));
        assertThat(gate.check(item)).singleElement().satisfies(e -> assertThat(e.error()).contains("negative"));
    }

    @Test
    void quantityMustBeAWholeNumberWhereTheSeedTookAnyFloatOrRefusedOnlyNonNumbers() {
        Map<String, Object> item = valid();
        for (Object bad : List.of(new BigDecimal("2.5"), 2.5d, "12", true, Double.NaN, new BigDecimal("1e12"))) {
            item.put("quantity", bad);
            assertThat(fields(item)).as(String.valueOf(bad)).containsExactly("quantity");
        }
        for (Object ok : List.of(0, 12L, new BigDecimal("12.0"), 3.0d, new BigDecimal("0"))) {
            item.put("quantity", ok);
            assertThat(gate.check(item)).as(String.valueOf(ok)).isEmpty();
        }
    }

    @Test
    void titleIsOneTo500Characters() {
        Map<String, Object> item = valid();
        item.put("title", "あ".repeat(500));
        assertThat(gate.check(item)).isEmpty();
        item.put("title", "あ".repeat(501));
        assertThat(gate.check(item)).singleElement().satisfies(e -> assertThat(e.error()).contains("501"));
        // 500 characters outside the BMP are 1000 UTF-16 units: still 500 characters
        item.put("title", "𠮷".repeat(500));
        assertThat(gate.check(item)).isEmpty();
        item.put("title", 42);
        assertThat(fields(item)).containsExactly("title");
    }

    @Test
    void optionalFieldsOfTheWrongTypeAreErrorsNotCrashes() {
        Map<String, Object> item = valid();
        item.put("author", new BigDecimal("1"));
        item.put("price_jpy", "528円");
        assertThat(fields(item)).containsExactlyInAnyOrder("author", "price_jpy");
        item.put("author", "尾田栄一郎");
        item.put("price_jpy", new BigDecimal("-5"));
        assertThat(fields(item)).containsExactly("price_jpy");
    }

    @Test
    void allErrorsOfARecordAreReportedTogether() {
        Map<String, Object> item = new HashMap<>();
        item.put("isbn", "978-0-00-000000-1");
        item.put("title", "");
        item.put("quantity", new BigDecimal("-3"));
        assertThat(fields(item)).containsExactly("isbn", "title", "quantity", "warehouse_code");
        assertThat(gate.check(null)).hasSize(1);
    }
}
