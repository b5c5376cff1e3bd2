package mangaassist.inventoryevents;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the inventory-events flow ({@code mangaassist.inventory-events.*}). The routes read the endpoint options
 * as placeholders; the beans read the rest from here.
 *
 * @param eventBus          the EventBridge bus (from the topology)
 * @param source            the events' source
 * @param warehouse         the warehouse of a record without WAREHOUSE_CD (the seed's TK01)
 * @param productsTable     the product table the product-sync consumer updates
 * @param publish           PutEvents batching and re-sending
 */
@ConfigurationProperties("mangaassist.inventory-events")
public record InventoryEventsProperties(String eventBus, String source, String warehouse, String productsTable,
                                        Publish publish) {

    /**
     * @param maxAttempts  PutEvents calls for an entry at most (the first and its re-sends)
     * @param backoff      wait before the first re-send; doubled for each further one
     * @param maxBackoff   the longest wait between two sends
     * @param timeout      how long a source message waits for its entry's outcome at most
     */
    public record Publish(int maxAttempts, Duration backoff, Duration maxBackoff, Duration timeout) {
    }
}
