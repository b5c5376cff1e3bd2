package mangaassist.inventoryevents;

import mangaassist.platform.ApiException;

/**
 * The bus refused an event up to the last re-send: its source message fails with the reason and stays queued; the API
 * answers 503 (the change was not published: send it again later).
 */
public class InventoryEventPublishException extends ApiException {

    public InventoryEventPublishException(InventoryChangeEvent event, String reason, int attempts) {
        super("EVENT_BUS_UNAVAILABLE", 503, "The event bus refused event " + event.correlationId() + " ("
                + event.eventType() + " of ISBN " + event.isbn() + ") after " + attempts + " attempts: " + reason);
    }
}
