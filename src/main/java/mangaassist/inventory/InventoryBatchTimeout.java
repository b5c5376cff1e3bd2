package mangaassist.inventory;

import java.util.concurrent.TimeUnit;

import mangaassist.inventory.erp.ErpRateLimiter;
import org.apache.camel.Exchange;
import org.apache.camel.support.ExpressionAdapter;
import org.springframework.stereotype.Component;

/**
 * The coalescing aggregator's completion timeout (route inventory-coalesce), evaluated for every ISBN it takes in:
 * {@code coalescing.window}, or longer while no ERP permit is free, so that a batch keeps filling instead of taking
 * a permit for a few ISBNs (permits, not threads, are what is scarce).
 */
@Component("inventoryBatchTimeout")
public class InventoryBatchTimeout extends ExpressionAdapter {

    private final long windowMillis;
    private final ErpRateLimiter erpRateLimiter;

    public InventoryBatchTimeout(InventoryProperties inventory, ErpRateLimiter erpRateLimiter) {
        this.windowMillis = inventory.coalescing().window().toMillis();
        this.erpRateLimiter = erpRateLimiter;
    }

    @Override
    public Object evaluate(Exchange exchange) {
        return Math.max(windowMillis, TimeUnit.NANOSECONDS.toMillis(erpRateLimiter.nanosUntilPermit()));
    }

    /** How often the aggregator looks for batches past their timeout: twice per window, so none waits much longer. */
    public long checkIntervalMillis() {
        return Math.max(1, windowMillis / 2);
    }

    @Override
    public String toString() {
        return "max(" + windowMillis + " ms, time until an ERP permit is free)";
    }
}
