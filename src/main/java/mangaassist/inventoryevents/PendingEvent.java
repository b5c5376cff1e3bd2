package mangaassist.inventoryevents;

import java.util.concurrent.CompletableFuture;

/**
 * An event on its way to the bus, and the outcome its source message waits for: the EventBridge event id, or the
 * failure after the last re-send.
 */
public record PendingEvent(InventoryChangeEvent event, CompletableFuture<String> outcome) {

    public static PendingEvent of(InventoryChangeEvent event) {
        return new PendingEvent(event, new CompletableFuture<>());
    }
}
