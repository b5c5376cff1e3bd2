package mangaassist.catalog;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import mangaassist.inventory.InvalidIsbnException;
import mangaassist.inventory.Isbn;

/**
 * The data-quality gate of the seed's {@code DataQualityValidator} (003 §3): a product record that fails it never
 * reaches DynamoDB or OpenSearch. Rules: {@code isbn}, {@code title}, {@code quantity} and {@code warehouse_code}
 * required; the ISBN a valid ISBN-10/13 <em>with its check digit</em>; the quantity an integer ≥ 0; the title 1–500
 * characters.
 *
 * <p>Better than the seed: the check digit is verified (the seed's regex accepts any 13 digits); a quantity of 2.5
 * or "12" (text) is refused (the seed let any float through); a missing field gives one error, not also an
 * "invalid format" one; characters are counted as code points (a kanji outside the BMP is one character); and the
 * gate keeps no state (the seed's validator kept every rejected record of the process in a list). Stateless and
 * thread-safe.
 */
public final class ProductQualityGate {

    public static final int MAX_TITLE_CHARS = 500;

    /**
     * The errors of a record of plain values ({@link TypedAttributes#plain}, a parsed JSON line or CSV row);
     * empty when the record passes.
     */
    public List<QualityError> check(Map<String, ?> item) {
        List<QualityError> errors = new ArrayList<>();
        if (item == null) {
            errors.add(new QualityError("item", "missing"));
            return errors;
        }
        checkIsbn(item.get(Product.ISBN), errors);
        checkTitle(item.get(Product.TITLE), errors);
        checkQuantity(item.get(Product.QUANTITY), errors);
        Object warehouse = item.get(Product.WAREHOUSE_CODE);
        if (isMissing(warehouse)) {
            errors.add(required(Product.WAREHOUSE_CODE));
        } else if (!(warehouse instanceof String)) {
            errors.add(new QualityError(Product.WAREHOUSE_CODE, "must be text"));
        }
        for (String optional : List.of(Product.AUTHOR, Product.GENRE, Product.STOCK_STATUS)) {
            Object value = item.get(optional);
            if (value != null && !(value instanceof String)) {
                errors.add(new QualityError(optional, "must be text"));
            }
        }
        Object price = item.get(Product.PRICE_JPY);
        BigInteger yen = price == null ? null : integer(price);
        if (price != null && (yen == null || yen.signum() < 0 || yen.bitLength() > 31)) {
            errors.add(new QualityError(Product.PRICE_JPY, "must be a whole number of yen ≥ 0"));
        }
        return errors;
    }

    private static void checkIsbn(Object isbn, List<QualityError> errors) {
        if (isMissing(isbn)) {
            errors.add(required(Product.ISBN));
        } else if (!(isbn instanceof String s)) {
            errors.add(new QualityError(Product.ISBN, "must be text"));
        } else {
            try {
                Isbn.normalize(s);
            } catch (InvalidIsbnException e) {
                errors.add(new QualityError(Product.ISBN, e.getMessage() + " (" + abbreviate(s) + ")"));
            }
        }
    }

    private static void checkTitle(Object title, List<QualityError> errors) {
        if (isMissing(title)) {
            errors.add(required(Product.TITLE));
        } else if (!(title instanceof String s)) {
            errors.add(new QualityError(Product.TITLE, "must be text"));
        } else {
            int chars = s.strip().codePointCount(0, s.strip().length());
            if (chars > MAX_TITLE_CHARS) {
                errors.add(new QualityError(Product.TITLE, "must be 1–" + MAX_TITLE_CHARS + " characters, not " + chars));
            }
        }
    }

    private static void checkQuantity(Object quantity, List<QualityError> errors) {
        if (quantity == null) {
            errors.add(required(Product.QUANTITY));
            return;
        }
        BigInteger n = integer(quantity);
        if (n == null) {
            errors.add(new QualityError(Product.QUANTITY, "must be a whole number, not " + abbreviate(String.valueOf(quantity))));
        } else if (n.signum() < 0) {
            errors.add(new QualityError(Product.QUANTITY, "must not be negative (" + n + ")"));
        } else if (n.bitLength() > 31) {
            errors.add(new QualityError(Product.QUANTITY, "too large (" + abbreviate(n.toString()) + ")"));
        }
    }

    /** The whole number a number holds (12, 12.0), or null for a fraction, text, a boolean or anything else. */
    private static BigInteger integer(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return BigInteger.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger b) {
            return b;
        }
        BigDecimal d;
        if (value instanceof BigDecimal bd) {
            d = bd;
        } else if (value instanceof Double || value instanceof Float) {
            double x = ((Number) value).doubleValue();
            if (!Double.isFinite(x)) {
                return null;
            }
            d = BigDecimal.valueOf(x);
        } else {
            return null;
        }
        try {
            return d.toBigIntegerExact();
        } catch (ArithmeticException fraction) {
            return null;
        }
    }

    private static boolean isMissing(Object value) {
        return value == null || value instanceof String s && s.isBlank();
    }

    private static QualityError required(String field) {
        return new QualityError(field, "required");
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
