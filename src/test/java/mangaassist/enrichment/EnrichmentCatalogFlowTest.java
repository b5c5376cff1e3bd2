package mangaassist.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.support.FlowTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * {@link EnrichmentCatalog}'s two conditional UpdateItems against DynamoDB Local (its conditions, not a fake's), each
 * call recorded: a new item costs one, the next type of a remembered item one, a map it does not remember two, and
 * either order ends in the same item or in the same refusal.
 */
@FlowTest
class EnrichmentCatalogFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-02T10:02:30Z");
    private static final String WHOLE_OK = "whole ok";
    private static final String WHOLE_FAILED = "whole failed";
    private static final String NESTED_OK = "nested ok";
    private static final String NESTED_FAILED = "nested failed";

    @Autowired
    DynamoDbClient dynamoDb;
    @Autowired
    EnrichmentProperties properties;

    /** every UpdateItem of the test's writer, with its outcome */
    final Recording calls = new Recording();
    /** the writer under test, remembering 10 ids (a test with another bound makes its own) */
    EnrichmentCatalog catalog;

    @BeforeEach
    void writer() {
        catalog = catalog(10);
    }

    @Test
    void aNewItemIsOneUpdateItemThatCreatesTheMap() throws Exception {
        String mangaId = id();

        catalog.write(mangaId, "synopsis", JSON.readTree("{\"synopsis_en\":\"s\"}"));

        assertThat(calls.outcomes).containsExactly(WHOLE_OK);
        Map<String, AttributeValue> enrichment = item(mangaId).get("enrichment").m();
        assertThat(enrichment.get("synopsis").m().get("synopsis_en").s()).isEqualTo("s");
        assertThat(enrichment.get("lastUpdated").n()).isEqualTo(String.valueOf(NOW.getEpochSecond()));
    }

    @Test
    void theNextTypeOfTheSameItemIsOneNestedUpdateItem() throws Exception {
        String mangaId = id();
        catalog.write(mangaId, "synopsis", JSON.readTree("{\"synopsis_en\":\"s\"}"));
        calls.outcomes.clear();

        catalog.write(mangaId, "tags", JSON.readTree("{\"tags_en\":[\"pirates\"]}"));

        assertThat(calls.outcomes).containsExactly(NESTED_OK);
        assertThat(item(mangaId).get("enrichment").m()).containsOnlyKeys("synopsis", "tags", "lastUpdated");
    }

    @Test
    void aCatalogItemWithoutEnrichmentIsOneCallAndKeepsItsAttributes() throws Exception {
        String mangaId = id();
        put(mangaId, Map.of("title", AttributeValue.fromS("One Piece")));

        catalog.write(mangaId, "synopsis", JSON.readTree("\"s\""));

        assertThat(calls.outcomes).containsExactly(WHOLE_OK);
        assertThat(item(mangaId).get("title").s()).isEqualTo("One Piece");
        assertThat(item(mangaId).get("enrichment").m().get("synopsis").s()).isEqualTo("s");
    }

    @Test
    void aMapThisInstanceDoesNotRememberIsTwoCallsOnceThenOne() throws Exception {
        String mangaId = id();
        // as another instance (or this one before a restart) left it
        put(mangaId, Map.of("title", AttributeValue.fromS("Naruto"),
                "enrichment", AttributeValue.fromM(Map.of("synopsis", AttributeValue.fromS("s")))));

        catalog.write(mangaId, "tags", JSON.readTree("\"t\""));
        assertThat(calls.outcomes).containsExactly(WHOLE_FAILED, NESTED_OK);
        calls.outcomes.clear();
        catalog.write(mangaId, "recommendations", JSON.readTree("\"r\""));
        assertThat(calls.outcomes).as("found: remembered").containsExactly(NESTED_OK);

        Map<String, AttributeValue> enrichment = item(mangaId).get("enrichment").m();
        assertThat(enrichment.get("synopsis").s()).as("not replaced by the whole map").isEqualTo("s");
        assertThat(enrichment.get("tags").s()).isEqualTo("t");
        assertThat(enrichment.get("recommendations").s()).isEqualTo("r");
        assertThat(item(mangaId).get("title").s()).isEqualTo("Naruto");
    }

    @Test
    void aRememberedMapThatIsGoneIsCreatedAgain() throws Exception {
        String mangaId = id();
        catalog.write(mangaId, "synopsis", JSON.readTree("\"s\""));
        dynamoDb.deleteItem(b -> b.tableName(properties.catalogTable()).key(key(mangaId)));
        calls.outcomes.clear();

        catalog.write(mangaId, "tags", JSON.readTree("\"t\""));

        assertThat(calls.outcomes).containsExactly(NESTED_FAILED, WHOLE_OK);
        assertThat(item(mangaId).get("enrichment").m()).containsOnlyKeys("tags", "lastUpdated");
    }

    @Test
    void anEnrichmentThatIsNotAMapIsRefusedInEitherOrderAndLeftAsItIs() throws Exception {
        String unknown = id();
        put(unknown, Map.of("enrichment", AttributeValue.fromS("not a map")));

        assertThatThrownBy(() -> catalog.write(unknown, "tags", JSON.readTree("\"t\"")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(unknown).hasMessageContaining("not a map")
                .hasCauseInstanceOf(ConditionalCheckFailedException.class);
        assertThat(calls.outcomes).containsExactly(WHOLE_FAILED, NESTED_FAILED, WHOLE_FAILED, NESTED_FAILED);
        assertThat(item(unknown).get("enrichment").s()).isEqualTo("not a map");

        String remembered = id();
        catalog.write(remembered, "synopsis", JSON.readTree("\"s\""));
        put(remembered, Map.of("enrichment", AttributeValue.fromS("not a map")));
        calls.outcomes.clear();
        assertThatThrownBy(() -> catalog.write(remembered, "tags", JSON.readTree("\"t\"")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(remembered);
        assertThat(calls.outcomes).containsExactly(NESTED_FAILED, WHOLE_FAILED, NESTED_FAILED, WHOLE_FAILED);
        assertThat(item(remembered).get("enrichment").s()).isEqualTo("not a map");
        assertThat(catalog.knownMaps()).as("a refused id is forgotten").isZero();
    }

    @Test
    void aMapAnotherWriterCreatesBetweenTheTwoRequestsIsWrittenInto() throws Exception {
        // remembered, its item since deleted: the nested SET fails, then another writer creates the map before the
        // whole-map request, which fails too; the second round's nested SET writes into the other writer's map
        String mangaId = id();
        catalog.write(mangaId, "synopsis", JSON.readTree("\"s\""));
        dynamoDb.deleteItem(b -> b.tableName(properties.catalogTable()).key(key(mangaId)));
        calls.outcomes.clear();
        calls.afterCall(1, () -> put(mangaId, Map.of("enrichment",
                AttributeValue.fromM(Map.of("recommendations", AttributeValue.fromS("r"))))));

        catalog.write(mangaId, "tags", JSON.readTree("\"t\""));

        assertThat(calls.outcomes).containsExactly(NESTED_FAILED, WHOLE_FAILED, NESTED_OK);
        assertThat(item(mangaId).get("enrichment").m()).containsOnlyKeys("recommendations", "tags", "lastUpdated");
    }

    @Test
    void aMapRemovedBetweenTheTwoRequestsIsCreatedAgain() throws Exception {
        // not remembered, its map there: the whole-map request fails, then the map goes (the item deleted) before the
        // nested SET, which fails too; the second round's whole-map request creates it
        String mangaId = id();
        put(mangaId, Map.of("enrichment", AttributeValue.fromM(Map.of("synopsis", AttributeValue.fromS("s")))));
        calls.afterCall(1, () -> dynamoDb.deleteItem(b -> b.tableName(properties.catalogTable()).key(key(mangaId))));

        catalog.write(mangaId, "tags", JSON.readTree("\"t\""));

        assertThat(calls.outcomes).containsExactly(WHOLE_FAILED, NESTED_FAILED, WHOLE_OK);
        assertThat(item(mangaId).get("enrichment").m()).containsOnlyKeys("tags", "lastUpdated");
    }

    @Test
    void onlyTheLastKnownMapsIdsAreRememberedTheLeastRecentlyUsedForgottenFirst() throws Exception {
        catalog = catalog(2);
        String a = id();
        String b = id();
        String c = id();
        JsonNode value = JSON.readTree("\"x\"");
        catalog.write(a, "synopsis", value);
        catalog.write(b, "synopsis", value);
        catalog.write(a, "tags", value);
        // a was used after b: b is the one forgotten
        catalog.write(c, "synopsis", value);
        assertThat(calls.outcomes).containsExactly(WHOLE_OK, WHOLE_OK, NESTED_OK, WHOLE_OK);
        assertThat(catalog.knownMaps()).isEqualTo(2);
        calls.outcomes.clear();

        catalog.write(a, "recommendations", value);
        catalog.write(c, "tags", value);
        assertThat(calls.outcomes).as("a and c remembered").containsExactly(NESTED_OK, NESTED_OK);
        calls.outcomes.clear();
        catalog.write(b, "tags", value);
        assertThat(calls.outcomes).as("b forgotten").containsExactly(WHOLE_FAILED, NESTED_OK);
        assertThat(catalog.knownMaps()).isEqualTo(2);
        assertThat(item(b).get("enrichment").m()).containsOnlyKeys("synopsis", "tags", "lastUpdated");
    }

    @Test
    void noneRememberedEveryWriteTriesTheWholeMapFirst() throws Exception {
        catalog = catalog(0);
        String mangaId = id();
        catalog.write(mangaId, "synopsis", JSON.readTree("\"s\""));
        catalog.write(mangaId, "tags", JSON.readTree("\"t\""));

        assertThat(calls.outcomes).containsExactly(WHOLE_OK, WHOLE_FAILED, NESTED_OK);
        assertThat(catalog.knownMaps()).isZero();
    }

    private EnrichmentCatalog catalog(int knownMaps) {
        EnrichmentProperties withBound = new EnrichmentProperties(properties.queue(), properties.deadLetterQueue(),
                properties.model(), properties.maxTokens(), properties.temperature(), properties.maxBatchJobs(),
                properties.dedupWindow(), properties.catalogTable(), new EnrichmentProperties.Catalog(knownMaps));
        return new EnrichmentCatalog(calls, withBound, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static String id() {
        return "catalog-" + UUID.randomUUID();
    }

    private static Map<String, AttributeValue> key(String mangaId) {
        return Map.of("mangaId", AttributeValue.fromS(mangaId));
    }

    private void put(String mangaId, Map<String, AttributeValue> attributes) {
        Map<String, AttributeValue> item = new HashMap<>(attributes);
        item.putAll(key(mangaId));
        dynamoDb.putItem(b -> b.tableName(properties.catalogTable()).item(item));
    }

    private Map<String, AttributeValue> item(String mangaId) {
        return dynamoDb.getItem(b -> b.tableName(properties.catalogTable()).consistentRead(true).key(key(mangaId))).item();
    }

    /** The application's client; records each UpdateItem as which of the two requests it was and how it ended. */
    private final class Recording implements DynamoDbClient {

        final List<String> outcomes = new ArrayList<>();
        private final Map<Integer, Runnable> after = new HashMap<>();

        /** Runs {@code action} right after the {@code n}th UpdateItem from now (another writer in between). */
        void afterCall(int n, Runnable action) {
            after.put(outcomes.size() + n, action);
        }

        @Override
        public UpdateItemResponse updateItem(UpdateItemRequest request) {
            String which = request.conditionExpression().startsWith("attribute_not_exists") ? "whole" : "nested";
            try {
                UpdateItemResponse response = dynamoDb.updateItem(request);
                outcomes.add(which + " ok");
                return response;
            } catch (ConditionalCheckFailedException e) {
                outcomes.add(which + " failed");
                throw e;
            } finally {
                Runnable action = after.remove(outcomes.size());
                if (action != null) {
                    action.run();
                }
            }
        }

        @Override
        public UpdateItemResponse updateItem(Consumer<UpdateItemRequest.Builder> request) {
            return updateItem(UpdateItemRequest.builder().applyMutation(request).build());
        }

        @Override
        public String serviceName() {
            return dynamoDb.serviceName();
        }

        @Override
        public void close() {
            // the application's client: not this test's to close
        }
    }
}
