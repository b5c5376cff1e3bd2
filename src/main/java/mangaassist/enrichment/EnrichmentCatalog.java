package mangaassist.enrichment;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Writes a task's enrichment to the catalog table: {@code enrichment.<type>} and {@code enrichment.lastUpdated} (epoch
 * seconds) of item {@code mangaId}, other attributes untouched. A bean, not the aws2-ddb endpoint: its UpdateItem
 * takes only the legacy AttributeUpdates, which cannot set a path inside a map.
 *
 * <p>Better than the seed: its {@code SET enrichment.#type = ...} fails ("document path invalid") when the item or its
 * {@code enrichment} map does not exist yet. Here the nested SET is tried on condition that the map exists; when it
 * does not, the whole map is set on condition that it still does not (two writers racing: the loser tries the nested
 * SET again). Writing the same job twice leaves the same enrichment.
 */
@Component("enrichmentCatalog")
public class EnrichmentCatalog {

    static final String ENRICHMENT = "enrichment";
    static final String LAST_UPDATED = "lastUpdated";

    private final DynamoDbClient dynamoDb;
    private final EnrichmentProperties properties;
    private final Clock clock;

    @Autowired
    public EnrichmentCatalog(DynamoDbClient dynamoDb, EnrichmentProperties properties) {
        this(dynamoDb, properties, Clock.systemUTC());
    }

    EnrichmentCatalog(DynamoDbClient dynamoDb, EnrichmentProperties properties, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.properties = properties;
        this.clock = clock;
    }

    public EnrichmentTask store(EnrichmentTask task) {
        write(task.job().mangaId(), task.job().enrichmentType(), task.enrichment());
        return task;
    }

    /**
     * Writes {@code enrichment.<type>} of item {@code mangaId} as this flow does: also what other flows produce for the
     * catalog (the deferred flow's batch recommendations are {@code enrichment.recommendations}).
     */
    public void write(String mangaId, String type, JsonNode enrichment) {
        AttributeValue data = attribute(enrichment);
        AttributeValue now = AttributeValue.fromN(String.valueOf(clock.instant().getEpochSecond()));
        for (int attempt = 0; ; attempt++) {
            try {
                dynamoDb.updateItem(nested(mangaId, type, data, now));
                return;
            } catch (ConditionalCheckFailedException noMap) {
                try {
                    dynamoDb.updateItem(whole(mangaId, type, data, now));
                    return;
                } catch (ConditionalCheckFailedException mapAppeared) {
                    if (attempt > 0) {
                        // the attribute exists and is not a map: nothing this message can fix by itself
                        throw new IllegalStateException("Item " + mangaId + " has an '" + ENRICHMENT
                                + "' attribute that is not a map", mapAppeared);
                    }
                }
            }
        }
    }

    /** {@code SET enrichment.<type> = :data, enrichment.lastUpdated = :ts} if {@code enrichment} is a map. */
    UpdateItemRequest nested(String mangaId, String type, AttributeValue data, AttributeValue now) {
        return UpdateItemRequest.builder().tableName(properties.catalogTable())
                .key(Map.of("mangaId", AttributeValue.fromS(mangaId)))
                .updateExpression("SET #e.#t = :data, #e.#u = :ts")
                .conditionExpression("attribute_type(#e, :map)")
                .expressionAttributeNames(Map.of("#e", ENRICHMENT, "#t", type, "#u", LAST_UPDATED))
                .expressionAttributeValues(Map.of(":data", data, ":ts", now, ":map", AttributeValue.fromS("M")))
                .build();
    }

    /** {@code SET enrichment = {<type>: :data, lastUpdated: :ts}} if there is no {@code enrichment} yet (nor item). */
    UpdateItemRequest whole(String mangaId, String type, AttributeValue data, AttributeValue now) {
        return UpdateItemRequest.builder().tableName(properties.catalogTable())
                .key(Map.of("mangaId", AttributeValue.fromS(mangaId)))
                .updateExpression("SET #e = :enrichment")
                .conditionExpression("attribute_not_exists(#e)")
                .expressionAttributeNames(Map.of("#e", ENRICHMENT))
                .expressionAttributeValues(Map.of(":enrichment", AttributeValue.fromM(Map.of(type, data, LAST_UPDATED, now))))
                .build();
    }

    /** JSON as a DynamoDB value: objects are maps, arrays lists, numbers N, text S. */
    static AttributeValue attribute(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return AttributeValue.fromNul(true);
        }
        if (node.isObject()) {
            Map<String, AttributeValue> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), attribute(e.getValue())));
            return AttributeValue.fromM(map);
        }
        if (node.isArray()) {
            List<AttributeValue> list = new ArrayList<>();
            node.forEach(n -> list.add(attribute(n)));
            return AttributeValue.fromL(list);
        }
        if (node.isBoolean()) {
            return AttributeValue.fromBool(node.booleanValue());
        }
        if (node.isNumber()) {
            return AttributeValue.fromN(node.asText());
        }
        return AttributeValue.fromS(node.asText());
    }
}
