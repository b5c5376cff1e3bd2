package mangaassist.platform.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.support.TestContracts;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The AsyncAPI document (static/asyncapi.yaml) against what the application really does: the WebSocket path of
 * application.yaml, every queue and every event type of platform/topology.yaml, and the schemas the edges validate
 * with. A queue or an event type without its description fails here.
 */
class AsyncApiContractsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode ASYNCAPI = yaml("static/asyncapi.yaml");
    private static final JsonNode TOPOLOGY = yaml("platform/topology.yaml").path("mangaassist").path("topology");
    private static final JsonNode APPLICATION = yaml("application.yaml");
    private final Contracts contracts = TestContracts.contracts();

    @Test
    void itIsAsyncApi3WithTheChatWebSocketAtItsConfiguredPath() {
        assertThat(ASYNCAPI.path("asyncapi").asText()).startsWith("3.");
        assertThat(ASYNCAPI.path("info").path("description").asText()).isNotBlank();
        String path = APPLICATION.path("mangaassist").path("chat").path("websocket").path("path").asText();
        JsonNode chat = ASYNCAPI.path("channels").path("chat");
        assertThat(chat.path("address").asText()).isEqualTo(path).isNotBlank();
        assertThat(chat.path("messages").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("chatRequest", "chatPartial", "chatFinal", "chatError");
    }

    @Test
    void everyQueueOfTheTopologyIsAChannelWithItsDescription() {
        List<String> queues = new ArrayList<>();
        TOPOLOGY.path("queues").forEach(q -> queues.add(q.path("name").asText()));
        assertThat(queues).isNotEmpty();
        Map<String, JsonNode> byAddress = channelsByAddress();
        for (String queue : queues) {
            assertThat(byAddress).as("a channel for queue " + queue).containsKey(queue);
            JsonNode channel = byAddress.get(queue);
            assertThat(channel.path("description").asText()).as("description of " + queue).isNotBlank();
            assertThat(channel.path("messages").size()).as("messages of " + queue).isPositive();
        }
        // and no channel for a queue that does not exist
        Set<String> known = new HashSet<>(queues);
        TOPOLOGY.path("event-buses").forEach(b -> known.add(b.path("name").asText()));
        known.add(ASYNCAPI.path("channels").path("chat").path("address").asText());
        assertThat(byAddress.keySet()).allMatch(known::contains);
    }

    @Test
    void everyEventTypeTheBusRoutesIsAMessageOfTheBusWithItsDescription() throws IOException {
        Map<String, JsonNode> byAddress = channelsByAddress();
        for (JsonNode bus : TOPOLOGY.path("event-buses")) {
            JsonNode channel = byAddress.get(bus.path("name").asText());
            assertThat(channel).as("a channel for bus " + bus.path("name").asText()).isNotNull();
            assertThat(channel.path("description").asText()).isNotBlank();
            Set<String> types = new TreeSet<>();
            for (JsonNode rule : bus.path("rules")) {
                JSON.readTree(rule.path("pattern").asText()).path("detail-type").forEach(t -> types.add(t.asText()));
            }
            assertThat(types).contains("inventory.updated", "inventory.restocked", "inventory.depleted");
            for (String type : types) {
                JsonNode message = resolve(channel.path("messages").path(type));
                assertThat(message.isMissingNode()).as("a message for event type " + type).isFalse();
                assertThat(message.path("name").asText()).isEqualTo(type);
                assertThat(message.path("summary").asText()).as("summary of " + type).isNotBlank();
            }
        }
    }

    /**
     * Every event type the application can publish (the InventoryChangeEvent's, in both schema versions), not only
     * those the rules route today, is a message of the bus with its description.
     */
    @Test
    void everyEventTypeTheApplicationPublishesIsAMessageOfTheBus() throws IOException {
        Set<String> types = new TreeSet<>();
        for (String schema : List.of("inventory-change-event.v1.json", "inventory-change-event.v2.json")) {
            JSON.readTree(Path.of("src/main/resources/schemas", schema).toFile()).path("properties").path("event_type")
                    .path("enum").forEach(t -> types.add(t.asText()));
        }
        assertThat(types).containsExactlyInAnyOrder(mangaassist.inventoryevents.InventoryChangeEvent.DEPLETED,
                mangaassist.inventoryevents.InventoryChangeEvent.RESTOCKED, mangaassist.inventoryevents.InventoryChangeEvent.UPDATED);
        JsonNode bus = channelsByAddress().get(TOPOLOGY.path("event-buses").path(0).path("name").asText());
        for (String type : types) {
            JsonNode message = resolve(bus.path("messages").path(type));
            assertThat(message.isMissingNode()).as("a message for event type " + type).isFalse();
            assertThat(message.path("summary").asText()).as("summary of " + type).isNotBlank();
        }
    }

    /** Every payload is one of the schemas (and the fragment exists); every example of those schemas keeps it. */
    @Test
    void everyPayloadIsAPublishedSchema() throws IOException {
        Set<String> used = new TreeSet<>();
        ASYNCAPI.path("components").path("messages").fields().forEachRemaining(entry -> {
            JsonNode message = entry.getValue();
            assertThat(message.path("summary").asText()).as(entry.getKey()).isNotBlank();
            assertThat(message.path("payload").path("schemaFormat").asText()).contains("draft-2020-12");
            refs(message.path("payload").path("schema"), used);
        });
        for (String ref : used) {
            String file = ref.substring("schemas/".length()).split("#")[0];
            JsonNode schema = JSON.readTree(Path.of("src/main/resources/schemas", file).toFile());
            if (ref.contains("#")) {
                assertThat(schema.at(ref.substring(ref.indexOf('#') + 1)).isMissingNode()).as(ref).isFalse();
            }
        }
        assertThat(used).extracting(r -> r.split("#")[0]).contains("schemas/chat-request.v1.json",
                "schemas/chat-frame.v1.json", "schemas/enrichment-job.v1.json", "schemas/deferred-job.v1.json",
                "schemas/moderation-job.v1.json", "schemas/dms-inventory-record.v1.json",
                "schemas/inventory-change-event.v1.json");
    }

    @Test
    void operationsAreOnChannelsOfTheDocument() {
        ASYNCAPI.path("operations").fields().forEachRemaining(entry -> {
            JsonNode operation = entry.getValue();
            assertThat(operation.path("action").asText()).isIn("send", "receive");
            assertThat(operation.path("description").asText()).as(entry.getKey()).isNotBlank();
            assertThat(resolve(operation.path("channel")).isMissingNode()).as(entry.getKey()).isFalse();
            operation.path("messages").forEach(m -> assertThat(resolve(m).isMissingNode()).as(m.toString()).isFalse());
        });
    }

    /** An example of an event as the bus delivers it to the rule queues keeps the envelope's schema. */
    @Test
    void theEnvelopeOfARuleDeliveryKeepsItsSchema() throws IOException {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("detail-type", "inventory.depleted").put("source", "manga-assist.inventory");
        envelope.set("detail", JSON.readTree(Path.of("src/main/resources/schemas/inventory-change-event.v1.json").toFile())
                .path("examples").get(0));
        JsonNode payload = ASYNCAPI.path("components").path("messages").path("inventoryEventEnvelope").path("payload").path("schema");
        assertThat(payload.path("properties").path("detail").path("$ref").asText()).isEqualTo("schemas/inventory-change-event.v1.json");
        assertThat(contracts.violations(envelope.path("detail"), "inventory-change-event.v1.json")).isEmpty();
        assertThat(payload.path("properties").path("detail-type").path("enum").toString()).contains("inventory.depleted");
    }

    private static Map<String, JsonNode> channelsByAddress() {
        Map<String, JsonNode> byAddress = new java.util.LinkedHashMap<>();
        ASYNCAPI.path("channels").forEach(c -> byAddress.put(c.path("address").asText(), c));
        return byAddress;
    }

    /** A local {@code $ref} followed, once or more. */
    private static JsonNode resolve(JsonNode node) {
        JsonNode at = node;
        for (int i = 0; i < 5 && at.has("$ref") && at.path("$ref").asText().startsWith("#/"); i++) {
            at = ASYNCAPI.at(at.path("$ref").asText().substring(1));
        }
        return at;
    }

    private static void refs(JsonNode node, Set<String> into) {
        if (node.has("$ref") && node.path("$ref").asText().startsWith("schemas/")) {
            into.add(node.path("$ref").asText());
        }
        node.forEach(child -> refs(child, into));
    }

    private static JsonNode yaml(String resource) {
        try (InputStream in = AsyncApiContractsTest.class.getClassLoader().getResourceAsStream(resource)) {
            // application.yaml holds several documents: the first is the defaults
            Object first = new Yaml().loadAll(in).iterator().next();
            return JSON.valueToTree(first);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
