package mangaassist.inventoryevents;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Body;
import org.apache.camel.ExchangeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * The PutEvents side of the flow, step by step (the hops are routes: inventory-events-publish, -batch, -put): an event
 * becomes a {@link PendingEvent} whose source message waits for its outcome; the aggregator's batch becomes an
 * {@link EventBatch}, sent, settled and re-sent until accepted or out of attempts; then what is left is recorded with
 * its reason and its source message fails, so that it stays on its queue (or the API answers 503): never dropped.
 */
@Component("inventoryEventPublisher")
public class InventoryEventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(InventoryEventPublisher.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InventoryEventsProperties properties;
    private final Counter published;
    private final MeterRegistry meters;
    private final DistributionSummary entriesPerCall;

    public InventoryEventPublisher(InventoryEventsProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.meters = meters;
        this.published = Counter.builder("mangaassist.inventory.events.published").tag("flow", "inventory-events")
                .description("Inventory events accepted by the bus").register(meters);
        this.entriesPerCall = DistributionSummary.builder("mangaassist.inventory.events.put.entries")
                .tag("flow", "inventory-events").description("Entries per PutEvents call").register(meters);
    }

    /** The event and the outcome its source message will wait for. */
    public PendingEvent open(@Body InventoryChangeEvent event) {
        return PendingEvent.of(event);
    }

    /**
     * Waits (without a thread) for the entry's outcome, bounded by {@code publish.timeout}; a failure fails the source
     * message with its own exception (not wrapped), so that the route's error handling sees what it was.
     */
    public CompletionStage<InventoryChangeEvent> await(@Body PendingEvent pending) {
        CompletableFuture<InventoryChangeEvent> answer = new CompletableFuture<>();
        pending.outcome().orTimeout(properties.publish().timeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((eventId, failure) -> {
                    if (failure == null) {
                        published.increment();
                        answer.complete(pending.event());
                        return;
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    answer.completeExceptionally(cause instanceof TimeoutException
                            ? new InventoryEventPublishException(pending.event(), "no outcome within "
                            + properties.publish().timeout(), 0) : cause);
                });
        return answer;
    }

    /** The aggregator's group (≤ 10 events) as a batch to send. */
    public EventBatch batch(@Body List<PendingEvent> events) {
        return EventBatch.of(events, properties.publish().maxAttempts(), properties.publish().backoff().toMillis(),
                properties.publish().maxBackoff().toMillis());
    }

    /** The PutEvents call of the batch's unsettled entries, in order. */
    public PutEventsRequest request(@Body EventBatch batch) throws JsonProcessingException {
        entriesPerCall.record(batch.size());
        List<PutEventsRequestEntry> entries = new ArrayList<>();
        for (PendingEvent pending : batch.unsettled()) {
            InventoryChangeEvent event = pending.event();
            entries.add(PutEventsRequestEntry.builder().eventBusName(properties.eventBus()).source(properties.source())
                    .detailType(event.eventType()).detail(JSON.writeValueAsString(event))
                    .time(Instant.parse(event.timestampUtc())).build());
        }
        return PutEventsRequest.builder().entries(entries).build();
    }

    /**
     * After the last attempt: each entry still refused is recorded (WARN with its reason, counted by reason) and its
     * source message fails with that reason.
     */
    public void giveUp(@Body EventBatch batch) {
        for (PendingEvent pending : batch.unsettled()) {
            InventoryChangeEvent event = pending.event();
            String reason = batch.reasons().getOrDefault(event.correlationId(), "not sent");
            LOG.warn("inventory-events: event {} ({} of ISBN {}) refused by the bus after {} attempts: {}; its source "
                    + "message is left for redelivery", event.correlationId(), event.eventType(), event.isbn(),
                    batch.attempts(), reason);
            meters.counter("mangaassist.inventory.events.publish.failed", "flow", "inventory-events", "reason",
                    reason.split(":", 2)[0]).increment();
            pending.outcome().completeExceptionally(new InventoryEventPublishException(event, reason, batch.attempts()));
        }
    }

    /** Something unexpected broke the batch's route: its entries fail (their source messages stay), none hangs. */
    public void failAll(@Body Object body, @ExchangeException Exception failure) {
        if (body instanceof EventBatch batch) {
            batch.unsettled().forEach(p -> p.outcome().completeExceptionally(failure));
        } else if (body instanceof List<?> list) {
            list.stream().filter(PendingEvent.class::isInstance).map(PendingEvent.class::cast)
                    .forEach(p -> p.outcome().completeExceptionally(failure));
        }
    }
}
