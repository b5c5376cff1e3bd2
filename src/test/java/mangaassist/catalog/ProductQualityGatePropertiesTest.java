package mangaassist.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import mangaassist.devstack.erp.ErpCatalog;
import mangaassist.inventory.Isbn;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property-based tests of the data-quality gate (the reliability suite's fuzzing): whatever a DMS record, a stream image
 * or an export line holds, the gate answers with errors or lets through a record that {@link Product#from} turns into a
 * sound product; it never throws, and what it lets through is always within the rules.
 */
class ProductQualityGatePropertiesTest {

    private final ProductQualityGate gate = new ProductQualityGate();

    @Property(tries = 3000)
    void whateverARecordHoldsTheGateAnswersAndWhatPassesIsASoundProduct(@ForAll("records") Map<String, Object> record) {
        List<QualityError> errors = gate.check(record);
        if (errors.isEmpty()) {
            Product product = Product.from(record);
            assertThat(Isbn.isValid(product.isbn())).isTrue();
            assertThat(product.title()).isNotBlank();
            assertThat(product.title().codePointCount(0, product.title().length()))
                    .isLessThanOrEqualTo(ProductQualityGate.MAX_TITLE_CHARS);
            assertThat(product.quantity()).isNotNegative();
            assertThat(product.warehouseCode()).isNotBlank();
            assertThat(product.stockStatus()).isNotNull();
        } else {
            assertThat(errors).allSatisfy(e -> assertThat(e.toString()).isNotBlank());
            // one error per field at most: a missing field is not also "invalid"
            assertThat(errors.stream().map(QualityError::field).distinct().count()).isEqualTo(errors.size());
        }
    }

    @Property
    void aRecordWithinTheRulesPasses(@ForAll("validRecords") Map<String, Object> record) {
        assertThat(gate.check(record)).isEmpty();
    }

    @Property
    void aNegativeOrFractionalQuantityIsAlwaysAnErrorOnQuantity(@ForAll("validRecords") Map<String, Object> record,
            @ForAll("badQuantities") Object quantity) {
        record.put(Product.QUANTITY, quantity);
        assertThat(gate.check(record)).extracting(QualityError::field).containsExactly(Product.QUANTITY);
    }

    @Provide
    Arbitrary<Map<String, Object>> validRecords() {
        Arbitrary<String> isbn = Combinators.combine(Arbitraries.of("978", "979"), Arbitraries.strings().numeric().ofLength(9))
                .as((prefix, body) -> prefix + body + ErpCatalog.checkDigit(prefix + body));
        Arbitrary<String> title = Arbitraries.strings().withCharRange('\u3041', '\u9FFF').withCharRange('A', 'z')
                .ofMinLength(1).ofMaxLength(ProductQualityGate.MAX_TITLE_CHARS);
        Arbitrary<Object> quantity = Arbitraries.oneOf(Arbitraries.integers().between(0, Integer.MAX_VALUE).map(i -> i),
                Arbitraries.longs().between(0, Integer.MAX_VALUE).map(l -> l),
                Arbitraries.integers().between(0, 100_000).map(i -> new BigDecimal(i + ".0")));
        return Combinators.combine(isbn, title, quantity, Arbitraries.of("TK01", "OS02", "倉庫1"))
                .as((i, t, q, w) -> {
                    Map<String, Object> record = new HashMap<>();
                    record.put(Product.ISBN, i);
                    record.put(Product.TITLE, t);
                    record.put(Product.QUANTITY, q);
                    record.put(Product.WAREHOUSE_CODE, w);
                    return record;
                });
    }

    @Provide
    Arbitrary<Object> badQuantities() {
        return Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(-1).map(i -> i),
                Arbitraries.doubles().between(0.01, 1e6).filter(d -> d != Math.rint(d)).map(d -> d),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, "12", true, List.of(1), BigInteger.TWO.pow(40)));
    }

    /** Records of random fields: each of the gate's fields absent, of a wrong type, or of an edge value. */
    @Provide
    Arbitrary<Map<String, Object>> records() {
        Arbitrary<Object> anyValue = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(600).map(s -> s),
                Arbitraries.of("", " ", "\u3000", "9784088820019", "978-4-08-882001-9", "４８８２００１", "<x>", "0", "-1"),
                Arbitraries.integers().map(i -> i), Arbitraries.longs().map(l -> l),
                Arbitraries.doubles().map(d -> d), Arbitraries.of(Double.NaN, Float.NEGATIVE_INFINITY, 2.5f),
                Arbitraries.bigIntegers().map(b -> b), Arbitraries.bigDecimals().map(b -> b),
                Arbitraries.of(true, false, List.of(), Map.of("S", "x"), new Object()));
        Arbitrary<String> field = Arbitraries.of(Product.ISBN, Product.TITLE, Product.QUANTITY, Product.WAREHOUSE_CODE,
                Product.AUTHOR, Product.GENRE, Product.STOCK_STATUS, Product.PRICE_JPY, "extra");
        return Arbitraries.oneOf(
                Arbitraries.maps(field, anyValue.injectNull(0.1)).ofMaxSize(9),
                // mostly valid records with one field replaced: the interesting edge
                Combinators.combine(validRecords(), field, anyValue.injectNull(0.2)).as((record, f, v) -> {
                    record.put(f, v);
                    return record;
                }));
    }

}
