package mangaassist.inventoryevents;

import java.time.Clock;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.catalog.Product;
import org.apache.camel.Body;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The product-sync consumer's write: the event's stock on its item of the product table (quantity,
 * stock_status by the seed's thresholds, last_sync_utc, last_event_type, and last_change_utc, the change's own time),
 * on condition that the item shows no later change. An older event (out-of-order or redelivered) is ignored: it must
 * not restore an old stock level, as the seed's unconditional update did. A bean, not the aws2-ddb endpoint: its
 * UpdateItem takes only the legacy AttributeUpdates and Expected, which cannot say "absent or older".
 */
@Component("inventoryProductSync")
public class InventoryProductSync {

    private static final Logger LOG = LoggerFactory.getLogger(InventoryProductSync.class);

    /** What a write did. */
    public enum Outcome { UPDATED, IGNORED_OLDER }

    private final DynamoDbClient dynamoDb;
    private final InventoryEventsProperties properties;
    private final MeterRegistry meters;
    private final Clock clock;

    @Autowired
    public InventoryProductSync(DynamoDbClient dynamoDb, InventoryEventsProperties properties, MeterRegistry meters) {
        this(dynamoDb, properties, meters, Clock.systemUTC());
    }

    InventoryProductSync(DynamoDbClient dynamoDb, InventoryEventsProperties properties, MeterRegistry meters, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
    }

    /** The seed's thresholds: 0 out of stock, up to 5 low, more in stock (as the catalog's products). */
    public static String stockStatus(int quantity) {
        return Product.stockStatusFor(quantity).value();
    }

    public Outcome apply(@Body InventoryChangeEvent event) {
        // ISO-8601 UTC instants of one format compare as strings in time order
        String changedAt = event.changedAt().toString();
        try {
            dynamoDb.updateItem(b -> b.tableName(properties.productsTable())
                    .key(Map.of("isbn", AttributeValue.fromS(event.isbn())))
                    // the table's stock attribute as catalog-cdc and catalog-sync read and write it (Product.QUANTITY)
                    .updateExpression("SET " + Product.QUANTITY + " = :qty, " + Product.STOCK_STATUS + " = :status, last_sync_utc = :now, "
                            + "last_event_type = :type, last_change_utc = :changed")
                    .conditionExpression("attribute_not_exists(last_change_utc) OR last_change_utc <= :changed")
                    .expressionAttributeValues(Map.of(
                            ":qty", AttributeValue.fromN(Integer.toString(event.newQuantity())),
                            ":status", AttributeValue.fromS(stockStatus(event.newQuantity())),
                            ":now", AttributeValue.fromS(clock.instant().toString()),
                            ":type", AttributeValue.fromS(event.eventType()),
                            ":changed", AttributeValue.fromS(changedAt))));
            count("updated");
            return Outcome.UPDATED;
        } catch (ConditionalCheckFailedException newerThere) {
            LOG.info("inventory-events: event {} for ISBN {} (changed {}) is older than the item's last change: ignored",
                    event.correlationId(), event.isbn(), changedAt);
            count("ignored_older");
            return Outcome.IGNORED_OLDER;
        }
    }

    private void count(String outcome) {
        meters.counter("mangaassist.inventory.events.product.sync", "flow", "inventory-events", "outcome", outcome)
                .increment();
    }
}
