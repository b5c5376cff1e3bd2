package mangaassist.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.inventory.StockStatus;
import mangaassist.platform.contracts.Contracts;
import mangaassist.support.TestContracts;
import org.junit.jupiter.api.Test;

/**
 * The products we write to manga-products (catalog sync, the CDC's reads back) and their schema (product-item.v1)
 * cannot drift apart: each item {@link Product#toItem} writes, read back as plain values as the stream's consumer
 * reads it, keeps the schema; and the schema's own example is a product the quality gate lets through.
 */
class ProductContractTest {

    private static final String SCHEMA = "product-item.v1.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Contracts contracts = TestContracts.contracts();

    @Test
    void theItemsWeWriteKeepTheirSchema() throws Exception {
        List<Product> products = List.of(
                new Product("9784088725093", "ワンピース 42", "尾田栄一郎", "shonen", 87, "TK01", null, 528),
                // unknown author, genre and price are left out of the item
                new Product("9784063842760", "進撃の巨人 1", null, null, 0, "OS02", null, null),
                new Product("4088725093", "x".repeat(500), "", "", 3, "TK01", StockStatus.PREORDER, 0));

        for (Product product : products) {
            String item = JSON.writeValueAsString(TypedAttributes.plain(product.toItem()));
            assertThat(contracts.violations(item, SCHEMA)).as(item).isEmpty();
            // and it reads back as the same product
            assertThat(Product.fromItem(product.toItem())).isEqualTo(product);
        }
    }

    @Test
    void theSchemasExampleIsAProductTheGateLetsThrough() throws Exception {
        JsonNode schema = JSON.readTree(getClass().getResourceAsStream("/schemas/" + SCHEMA));
        for (JsonNode example : schema.path("examples")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> item = JSON.convertValue(example, Map.class);
            assertThat(contracts.violations(example.toString(), SCHEMA)).isEmpty();
            assertThat(new ProductQualityGate().check(item)).as(example.toString()).isEmpty();
            assertThat(Product.from(item).isbn()).isEqualTo(example.path("isbn").asText());
        }
    }

    @Test
    void whatTheGateRefusesForItsFieldsTheSchemaRefusesToo() throws Exception {
        List<String> refused = List.of(
                "{\"isbn\":\"9784088725093\",\"title\":\"\",\"quantity\":1,\"warehouse_code\":\"TK01\"}",
                "{\"isbn\":\"9784088725093\",\"title\":\"" + "x".repeat(501) + "\",\"quantity\":1,\"warehouse_code\":\"TK01\"}",
                "{\"isbn\":\"9784088725093\",\"title\":\"t\",\"quantity\":-1,\"warehouse_code\":\"TK01\"}",
                "{\"isbn\":\"9784088725093\",\"title\":\"t\",\"quantity\":1.5,\"warehouse_code\":\"TK01\"}",
                "{\"title\":\"t\",\"quantity\":1,\"warehouse_code\":\"TK01\"}");
        for (String item : refused) {
            @SuppressWarnings("unchecked")
            Map<String, Object> plain = JSON.readValue(item, Map.class);
            assertThat(new ProductQualityGate().check(plain)).as(item).isNotEmpty();
            assertThat(contracts.violations(item, SCHEMA)).as(item).isNotEmpty();
        }
    }
}
