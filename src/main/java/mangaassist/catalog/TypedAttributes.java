package mangaassist.catalog;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB typed attributes ({@code {"S": "..."}}, {@code {"N": "12"}}, …) to plain values, as boto3's
 * TypeDeserializer in the seed: S → String, N → BigDecimal (exact, as boto3's Decimal), BOOL → Boolean, NULL → null,
 * B → byte[], SS/NS/BS → Set, L → List, M → Map. A stream image and a GetItem answer use the same types.
 */
public final class TypedAttributes {

    private TypedAttributes() {
    }

    /** The item's attributes as plain values, in the item's order; null or empty gives an empty map. */
    public static Map<String, Object> plain(Map<String, AttributeValue> item) {
        Map<String, Object> plain = new LinkedHashMap<>();
        if (item != null) {
            item.forEach((name, value) -> plain.put(name, plain(value)));
        }
        return plain;
    }

    public static Object plain(AttributeValue value) {
        if (value == null) {
            return null;
        }
        return switch (value.type()) {
            case S -> value.s();
            case N -> new BigDecimal(value.n());
            case BOOL -> value.bool();
            case NUL -> null;
            case B -> value.b().asByteArray();
            case SS -> new LinkedHashSet<>(value.ss());
            case NS -> {
                Set<BigDecimal> numbers = new LinkedHashSet<>();
                value.ns().forEach(n -> numbers.add(new BigDecimal(n)));
                yield numbers;
            }
            case BS -> {
                Set<byte[]> bytes = new LinkedHashSet<>();
                value.bs().forEach(b -> bytes.add(b.asByteArray()));
                yield bytes;
            }
            case L -> {
                List<Object> list = new ArrayList<>(value.l().size());
                value.l().forEach(v -> list.add(plain(v)));
                yield list;
            }
            case M -> plain(value.m());
            // a type newer than this SDK: kept visible rather than dropped
            case UNKNOWN_TO_SDK_VERSION -> value.toString();
        };
    }

    /** A plain value (String, Number, Boolean, null, byte[], List, Map) back to its typed attribute. */
    public static AttributeValue typed(Object value) {
        if (value == null) {
            return AttributeValue.fromNul(true);
        }
        if (value instanceof String s) {
            return AttributeValue.fromS(s);
        }
        if (value instanceof BigDecimal d) {
            return AttributeValue.fromN(d.toPlainString());
        }
        if (value instanceof Number n) {
            return AttributeValue.fromN(n.toString());
        }
        if (value instanceof Boolean b) {
            return AttributeValue.fromBool(b);
        }
        if (value instanceof byte[] b) {
            return AttributeValue.fromB(SdkBytes.fromByteArray(b));
        }
        if (value instanceof List<?> list) {
            return AttributeValue.fromL(list.stream().map(TypedAttributes::typed).toList());
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            map.forEach((k, v) -> m.put(String.valueOf(k), typed(v)));
            return AttributeValue.fromM(m);
        }
        throw new IllegalArgumentException("no DynamoDB type for " + value.getClass().getName());
    }
}
