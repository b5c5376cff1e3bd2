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
 * {@code enrichment} map does not exist yet. Here two conditional UpdateItems do it: the nested SET on condition that
 * the map exists, and the whole map on condition that there is no {@code enrichment} yet. Each is safe whatever the
 * item holds (a failed condition writes nothing), so either may go first and the other follows when it fails. Another
 * writer creating or removing the map between the two can make both fail, so both are tried a second time before an
 * {@code enrichment} that is not a map is reported. Writing the same job twice leaves the same enrichment.
 *
 * <p>Which goes first only decides the cost: a failed condition is a second call and an exception the SDK parses (issue
 * #18: with the nested SET always first, each new item cost two calls; write was 44 % of the consumer CPU). The common
 * case is an item's first enrichment (the scheduled producer queues items lacking one; a manga gets its types one after
 * another), so an id goes whole map first, unless it is one of the last {@code catalog.known-maps} ids whose map this
 * instance wrote or found: then nested first. A map another instance wrote costs two calls once.
 */
@Component("enrichmentCatalog")
public class EnrichmentCatalog {

    static final String ENRICHMENT = "enrichment";
    static final String LAST_UPDATED = "lastUpdated";

    private final DynamoDbClient dynamoDb;
    private final EnrichmentProperties properties;
    private final Clock clock;
    private final KnownMaps knownMaps;

    @Autowired
    public EnrichmentCatalog(DynamoDbClient dynamoDb, EnrichmentProperties properties) {
        this(dynamoDb, properties, Clock.systemUTC());
    }

    EnrichmentCatalog(DynamoDbClient dynamoDb, EnrichmentProperties properties, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.properties = properties;
        this.clock = clock;
        this.knownMaps = new KnownMaps(properties.catalog().knownMaps());
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
        UpdateItemRequest nested = nested(mangaId, type, data, now);
        UpdateItemRequest whole = whole(mangaId, type, data, now);
        List<UpdateItemRequest> order = knownMaps.contains(mangaId) ? List.of(nested, whole) : List.of(whole, nested);
        ConditionalCheckFailedException failed = null;
        // a second round: the map may appear (another writer) or go between the two requests
        for (int round = 0; round < 2; round++) {
            for (UpdateItemRequest request : order) {
                try {
                    dynamoDb.updateItem(request);
                    knownMaps.add(mangaId);
                    return;
                } catch (ConditionalCheckFailedException e) {
                    failed = e;
                }
            }
        }
        knownMaps.remove(mangaId);
        // the attribute exists and is not a map: nothing this message can fix by itself
        throw new IllegalStateException("Item " + mangaId + " has an '" + ENRICHMENT + "' attribute that is not a map",
                failed);
    }

    /** How many mangaIds are remembered as having an {@code enrichment} map (at most {@code catalog.known-maps}). */
    int knownMaps() {
        return knownMaps.size();
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

    /**
     * A bounded set of mangaIds, the least recently used dropped first: an access-ordered LinkedHashMap, locked
     * (a lookup reorders it). The lock is held for a map operation only, next to a network call per write.
     */
    static final class KnownMaps {

        private final Map<String, Boolean> ids;

        KnownMaps(int bound) {
            this.ids = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > bound;
                }
            };
        }

        /** Whether the id is remembered; if so it becomes the most recently used. */
        synchronized boolean contains(String id) {
            return ids.get(id) != null;
        }

        synchronized void add(String id) {
            ids.put(id, Boolean.TRUE);
        }

        synchronized void remove(String id) {
            ids.remove(id);
        }

        synchronized int size() {
            return ids.size();
        }
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
