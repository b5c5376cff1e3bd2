package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import mangaassist.inventory.erp.ErpRateLimiter;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

class InventoryBatchTimeoutTest {

    final AtomicLong nanosUntilPermit = new AtomicLong();
    final ErpRateLimiter limiter = Mockito.mock(ErpRateLimiter.class);

    InventoryBatchTimeout timeout(Duration window) {
        Mockito.when(limiter.nanosUntilPermit()).thenAnswer(call -> nanosUntilPermit.get());
        InventoryProperties inventory = new InventoryProperties("TK01", Duration.ofMinutes(5), Duration.ofHours(24),
                Duration.ofSeconds(30), 200, new InventoryProperties.Coalescing(20, window), null);
        return new InventoryBatchTimeout(inventory, limiter);
    }

    @Test
    void theWindowWhileAPermitIsFreeLongerWhileNoneIs() {
        InventoryBatchTimeout timeout = timeout(Duration.ofMillis(25));
        assertThat(timeout.evaluate((Exchange) null)).isEqualTo(25L);
        nanosUntilPermit.set(Duration.ofMillis(340).toNanos());
        assertThat(timeout.evaluate((Exchange) null)).isEqualTo(340L);
        assertThat(timeout.checkIntervalMillis()).isEqualTo(12L);
    }

    @Test
    void aWindowOfOneMillisecondIsCheckedEveryMillisecond() {
        assertThat(timeout(Duration.ofMillis(1)).checkIntervalMillis()).isEqualTo(1L);
    }
}
