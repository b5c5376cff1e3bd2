package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class InventoryPropertiesTest {

    @Test
    void theHealthProbeFollowsTheEndpointAsTheSeedDerivesIt() {
        assertThat(erp("https://erp.example.co.jp/soap/inventory", null).healthUrl())
                .isEqualTo("https://erp.example.co.jp/health");
        assertThat(erp("http://10.0.0.5:8080/legacy/InventoryService", " ").healthUrl())
                .as("any other path: /health on the same host").isEqualTo("http://10.0.0.5:8080/health");
        assertThat(erp("http://10.0.0.5:8080/soap/inventory", "http://10.0.0.5:9090/ping").healthUrl())
                .as("set explicitly").isEqualTo("http://10.0.0.5:9090/ping");
    }

    @Test
    void aBatchLargerThanTheErpTakesIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new InventoryProperties.Coalescing(21, Duration.ofMillis(25)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch-size must be 1 to 20");
        assertThat(new InventoryProperties.Coalescing(20, Duration.ofMillis(25)).batchSize()).isEqualTo(20);
    }

    @Test
    void anEndpointOrTokenLeftToAnUndefinedVariableStopsTheStart() {
        assertThatThrownBy(() -> erp("${MANGAASSIST_INVENTORY_ERP_ENDPOINT}", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mangaassist.inventory.erp.endpoint is not set (environment MANGAASSIST_INVENTORY_ERP_ENDPOINT)");
        assertThatThrownBy(() -> new InventoryProperties.Erp("http://erp/soap/inventory", null, "${MANGAASSIST_INVENTORY_ERP_AUTH_TOKEN}",
                "Windows-31J", Duration.ofSeconds(5), Duration.ofSeconds(5), 50, null, Duration.ofMillis(400), 1, null, 50, 3,
                Duration.ofMillis(500), new InventoryProperties.Breaker(5, Duration.ofSeconds(30))))
                .hasMessageContaining("auth-token is not set");
    }

    @Test
    void theAuthTokenNeverShowsInTheSettingsText() {
        assertThat(erp("http://erp/soap/inventory", null).toString()).doesNotContain("s3cret").contains("authToken=****");
    }

    static InventoryProperties.Erp erp(String endpoint, String healthUrl) {
        return new InventoryProperties.Erp(endpoint, healthUrl, "s3cret", "Windows-31J", Duration.ofSeconds(5),
                Duration.ofSeconds(5), 50, null, Duration.ofMillis(400), 1, null, 50, 3, Duration.ofMillis(500),
                new InventoryProperties.Breaker(5, Duration.ofSeconds(30)));
    }
}
