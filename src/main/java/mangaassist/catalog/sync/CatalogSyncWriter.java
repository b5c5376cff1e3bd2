package mangaassist.catalog.sync;

import java.util.List;
import java.util.Map;

import org.apache.camel.Body;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * One BatchWriteItem of a batch's pending items into the products table (the aws2-ddb component has no such
 * operation). What DynamoDB leaves unprocessed (throttling) stays pending: the route calls again after
 * {@link #backoff}, at most write-attempts times, then the run fails and resumes from its checkpoint. Writing an item
 * again stores the same item: a PutItem of an unchanged item changes nothing, and DynamoDB Streams records no change.
 */
@Component("catalogSyncWriter")
public class CatalogSyncWriter {

    private final DynamoDbClient dynamoDb;
    private final CatalogSyncProperties properties;

    public CatalogSyncWriter(DynamoDbClient dynamoDb, CatalogSyncProperties properties) {
        this.dynamoDb = dynamoDb;
        this.properties = properties;
    }

    public SyncBatch write(@Body SyncBatch batch) {
        if (batch.attempts() >= properties.writeAttempts()) {
            throw new SyncWriteException(batch.toWrite().size() + " items of " + batch.file().name() + " lines "
                    + (batch.firstLine() + 1) + "–" + batch.endLine() + " still unprocessed after "
                    + batch.attempts() + " BatchWriteItem calls");
        }
        List<WriteRequest> puts = batch.toWrite().stream()
                .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build())
                .toList();
        BatchWriteItemResponse response = dynamoDb.batchWriteItem(b -> b.requestItems(Map.of(properties.productsTable(), puts)));
        List<Map<String, AttributeValue>> unprocessed = response.hasUnprocessedItems()
                ? response.unprocessedItems().getOrDefault(properties.productsTable(), List.of()).stream()
                        .map(w -> w.putRequest().item()).toList()
                : List.of();
        return batch.afterWrite(unprocessed);
    }

    /** Milliseconds before the next call for a batch's unprocessed items: write-backoff doubled per call made, capped. */
    public long backoff(@Body SyncBatch batch) {
        long base = properties.writeBackoff().toMillis();
        int doublings = Math.min(20, Math.max(0, batch.attempts() - 1));
        return Math.min(properties.writeBackoffMax().toMillis(), base << doublings);
    }

    /** A batch DynamoDB would not take within its attempts: the run fails; its checkpoints let it resume. */
    public static class SyncWriteException extends RuntimeException {
        public SyncWriteException(String message) {
            super(message);
        }
    }
}
