package mangaassist.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

import mangaassist.inventory.StockStatus;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ProductTest {

    private static Map<String, AttributeValue> streamImage() {
        return Map.of(
                "isbn", AttributeValue.fromS("978-4-08-872509-3"),
                "title", AttributeValue.fromS(" ワンピース 42 "),
                "author", AttributeValue.fromS("尾田栄一郎"),
                "quantity", AttributeValue.fromN("87"),
                "warehouse_code", AttributeValue.fromS("TK01"),
                "price_jpy", AttributeValue.fromN("528"));
    }

    @Test
    void typedAttributesBecomePlainValuesAsBoto3sDeserializer() {
        Map<String, Object> plain = TypedAttributes.plain(Map.of(
                "s", AttributeValue.fromS("x"),
                "n", AttributeValue.fromN("12.50"),
                "bool", AttributeValue.fromBool(true),
                "nul", AttributeValue.fromNul(true),
                "l", AttributeValue.fromL(List.of(AttributeValue.fromN("1"), AttributeValue.fromS("a"))),
                "m", AttributeValue.fromM(Map.of("k", AttributeValue.fromS("v"))),
                "ss", AttributeValue.fromSs(List.of("a", "b")),
                "ns", AttributeValue.fromNs(List.of("1", "2")),
                "b", AttributeValue.fromB(SdkBytes.fromUtf8String("hi"))));
        assertThat(plain).containsEntry("s", "x").containsEntry("n", new BigDecimal("12.50"))
                .containsEntry("bool", true).containsEntry("nul", null)
                .containsEntry("l", List.of(BigDecimal.ONE, "a")).containsEntry("m", Map.of("k", "v"))
                .containsEntry("ss", Set.of("a", "b")).containsEntry("ns", Set.of(BigDecimal.ONE, new BigDecimal("2")));
        assertThat((byte[]) plain.get("b")).isEqualTo("hi".getBytes());
        assertThat(TypedAttributes.plain((Map<String, AttributeValue>) null)).isEmpty();
    }

    @Test
    void aStreamImageBecomesTheProduct() {
        Product p = Product.fromItem(streamImage());
        assertThat(p).isEqualTo(new Product("9784088725093", "ワンピース 42", "尾田栄一郎", "", 87, "TK01",
                StockStatus.IN_STOCK, 528));
        assertThat(p.embeddingText()).isEqualTo("ワンピース 42 尾田栄一郎");
    }

    @Test
    void theStoredStockStatusWinsElseTheSeedsThresholds() {
        assertThat(Product.stockStatusFor(0)).isEqualTo(StockStatus.OUT_OF_STOCK);
        assertThat(Product.stockStatusFor(5)).isEqualTo(StockStatus.LOW_STOCK);
        assertThat(Product.stockStatusFor(6)).isEqualTo(StockStatus.IN_STOCK);
        Map<String, Object> item = TypedAttributes.plain(streamImage());
        item.put("quantity", BigDecimal.ZERO);
        item.put("stock_status", "preorder");
        assertThat(Product.from(item).stockStatus()).isEqualTo(StockStatus.PREORDER);
        item.put("stock_status", "something-new");
        assertThat(Product.from(item).stockStatus()).isEqualTo(StockStatus.OUT_OF_STOCK);
    }

    @Test
    void itemRoundTrip() {
        Product p = new Product("9784088725093", "ワンピース 42", "", "少年", 3, "TK01", null, null);
        assertThat(p.stockStatus()).isEqualTo(StockStatus.LOW_STOCK);
        assertThat(p.toItem()).doesNotContainKeys("author", "price_jpy").containsEntry("quantity", AttributeValue.fromN("3"));
        assertThat(Product.fromItem(p.toItem())).isEqualTo(p);
        assertThat(TypedAttributes.plain(TypedAttributes.typed(Map.of("a", List.of(1, "x"))).m()))
                .isEqualTo(Map.of("a", List.of(BigDecimal.ONE, "x")));
    }

    @Test
    void anInvalidItemIsNoProduct() {
        assertThatThrownBy(() -> Product.from(Map.of("isbn", "1"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("title: required");
    }

    @Test
    void embeddingTextChangesOnlyWithTitleAuthorOrGenre() {
        Product p = Product.fromItem(streamImage());
        Product restocked = new Product(p.isbn(), p.title(), p.author(), p.genre(), 0, "OS02", null, 600);
        assertThat(p.sameEmbeddingText(restocked)).isTrue();
        assertThat(p.sameEmbeddingText(new Product(p.isbn(), p.title(), p.author(), "青年", 0, "TK01", null, null))).isFalse();
        assertThat(p.sameEmbeddingText(null)).isFalse();
    }
}
