package mangaassist.inventoryevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.chat.session.ChatCache;
import mangaassist.chat.session.ChatCacheKey;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.eventbridge.EventBridgeEmulator;
import mangaassist.platform.contracts.ContractViolationCounter;
import mangaassist.support.DeadLetters;
import mangaassist.support.DevelopmentKey;
import mangaassist.support.FlowTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * inventory-events on the embedded stack: change records (API and the CDC queue fed by the ERP simulator) → the real
 * aws2-eventbridge component → the EventBridge emulator's rules → the three queues → product table, caches, re-index.
 */
@FlowTest
class InventoryEventsFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The application's REST client, sending the development API key: this flow's API needs it. */
    TestRestTemplate http;
    @Autowired
    DynamoDbClient dynamoDb;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    SqsClient sqs;
    @Autowired
    MeterRegistry meters;

    @AfterEach
    void resetEmulator() {
        eventBridge().reset();
    }

    @Autowired
    void apiClient(TestRestTemplate anonymous) {
        http = DevelopmentKey.sending(anonymous);
    }

    @Test
    void aChangeRecordUpdatesTheProductAndInvalidatesBothCachesForItsIsbnOnly() {
        String isbn = isbn("鬼滅の刃", 4);
        String neighbour = isbn.substring(0, 12) + "X";   // shares all but the last character: must survive
        redis.opsForValue().set("inventory:TK01:" + isbn, "{\"qty\":10}");
        redis.opsForValue().set("inventory:last:TK01:" + isbn, "{\"qty\":10}");
        redis.opsForValue().set("inventory:TK01:" + neighbour, "{\"qty\":1}");
        String chatKey = "chat:{flow-" + UUID.randomUUID() + "}:resp:abc";
        redis.opsForValue().set(chatKey, "{\"answer\":\"10 copies\"}");
        redis.opsForSet().add(ChatCache.ANSWERS_BY_ISBN + isbn, chatKey);

        ResponseEntity<JsonNode> answer = post(record(isbn, 3, 10, Instant.now()));

        assertThat(answer.getStatusCode().value()).isEqualTo(202);
        assertThat(answer.getBody().path("eventType").asText()).isEqualTo("inventory.updated");
        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, AttributeValue> item = product(isbn);
            assertThat(quantity(isbn)).isEqualTo("3");
            assertThat(item.get("stock_status").s()).isEqualTo("low_stock");
            assertThat(item.get("last_event_type").s()).isEqualTo("inventory.updated");
            assertThat(item.get("last_sync_utc").s()).isNotBlank();
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(redis.hasKey("inventory:TK01:" + isbn)).isFalse());
        assertThat(redis.hasKey("inventory:last:TK01:" + isbn)).isFalse();
        await().atMost(WAIT).untilAsserted(() -> assertThat(redis.hasKey(chatKey)).isFalse());
        assertThat(redis.hasKey(ChatCache.ANSWERS_BY_ISBN + isbn)).isFalse();
        assertThat(redis.hasKey("inventory:TK01:" + neighbour)).isTrue();
        // the third rule's queue got the event too: its consumer hands it to the catalog's re-indexing, after which
        // the search shows the new stock status
        await().atMost(WAIT).until(() -> eventBridge().stats().delivered() >= 3);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode results = http.getForObject("/api/catalog/search?q={q}&k=5", JsonNode.class, "鬼滅の刃 4").path("results");
            assertThat(results.findValues("isbn").stream().map(JsonNode::asText)).contains(isbn);
            for (JsonNode hit : results) {
                if (hit.path("isbn").asText().equals(isbn)) {
                    assertThat(hit.path("stockStatus").asText()).isEqualTo("low_stock");
                }
            }
        });
        redis.delete("inventory:TK01:" + neighbour);
    }

    @Test
    void eventTypesFollowTheSeedsRule() {
        assertThat(post(record(isbn("呪術廻戦", 2), 0, 4, Instant.now())).getBody().path("eventType").asText())
                .isEqualTo("inventory.depleted");
        assertThat(post(record(isbn("呪術廻戦", 3), 12, 0, Instant.now())).getBody().path("eventType").asText())
                .isEqualTo("inventory.restocked");
        assertThat(post(record(isbn("呪術廻戦", 4), 12, 30, Instant.now())).getBody().path("eventType").asText())
                .isEqualTo("inventory.updated");
    }

    @Test
    void anInvalidRecordIsRefusedWithAnErrorPerField() {
        ResponseEntity<JsonNode> answer = http.postForEntity("/api/cdc/inventory",
                json("{\"data\":{\"ISBN\":\"12\",\"QTY\":-1},\"metadata\":{}}"), JsonNode.class);
        assertThat(answer.getStatusCode().value()).isEqualTo(400);
        assertThat(answer.getBody().path("code").asText()).isEqualTo("INVALID_RECORD");
        assertThat(answer.getBody().toString()).contains("data.ISBN", "data.QTY").doesNotContain("Exception");
    }

    @Test
    void onlyTheEntriesTheBusRefusedAreSentAgain() {
        String isbn = isbn("呪術廻戦", 7);
        eventBridge().faults().failNext("ThrottlingException", 2, "inventory.restocked");
        long before = eventBridge().stats().entriesFailed();

        ResponseEntity<JsonNode> answer = post(record(isbn, 9, 0, Instant.now()));

        assertThat(answer.getStatusCode().value()).isEqualTo(202);
        assertThat(eventBridge().stats().entriesFailed() - before).isEqualTo(2);
        await().atMost(WAIT).untilAsserted(() -> assertThat(quantity(isbn)).isEqualTo("9"));
    }

    @Test
    void anEntryTheBusKeepsRefusingIsRecordedAndNotAcknowledged() {
        eventBridge().faults().failNext("InternalFailure", -1, "inventory.depleted");
        double failedBefore = failedCount();

        ResponseEntity<JsonNode> answer = post(record(isbn("呪術廻戦", 8), 0, 3, Instant.now()));

        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getBody().path("code").asText()).isEqualTo("EVENT_BUS_UNAVAILABLE");
        // recorded once per attempt at publishing: the test's HTTP client itself sends a request again after a 503
        assertThat(failedCount() - failedBefore).isGreaterThanOrEqualTo(1.0);
    }

    /**
     * Issue #22, PutEvents with failing entries: 40 change records through the CDC queue while the bus refuses 25 entries
     * (whole batches and part of one) and refuses one record's type for as long as the test says. Each of the 40 reaches
     * the product table; the one refused for ever is recorded as failed, stays on its queue, and is delivered once the
     * bus takes it again. The queue's visibility timeout is 20 s meanwhile (through SQS, as EnrichmentFlowTest does): longer
     * than a publication's time bound (publish.timeout, 15 s), so that no message is received again while it waits.
     */
    @Test
    void everyEventOfABatchWithRefusedEntriesIsDeliveredOrRecordedThenDelivered() {
        String queueUrl = sqs.getQueueUrl(b -> b.queueName("manga-inventory-cdc")).queueUrl();
        String visibility = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT)).attributes().get(QueueAttributeName.VISIBILITY_TIMEOUT);
        sqs.setQueueAttributes(b -> b.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "20")));
        try {
            long refusedBefore = eventBridge().stats().entriesFailed();
            eventBridge().faults().failNext("ThrottlingException", 25, "inventory.updated");
            Map<String, Integer> quantities = new java.util.LinkedHashMap<>();
            for (int i = 0; i < 40; i++) {
                quantities.put(randomIsbn(), 10 + i);
            }
            List<String> isbns = List.copyOf(quantities.keySet());
            for (int from = 0; from < 40; from += 10) {
                List<SendMessageBatchRequestEntry> entries = new java.util.ArrayList<>();
                for (int i = from; i < from + 10; i++) {
                    String isbn = isbns.get(i);
                    entries.add(SendMessageBatchRequestEntry.builder().id("r" + i)
                            .messageBody(record(isbn, quantities.get(isbn), 5, Instant.now())).build());
                }
                assertThat(sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)).failed()).isEmpty();
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(isbns).allSatisfy(isbn ->
                    assertThat(quantity(isbn)).as(isbn).isEqualTo(String.valueOf(quantities.get(isbn)))));
            assertThat(eventBridge().stats().entriesFailed() - refusedBefore).as("refused, then sent again").isEqualTo(25);

            // refused on every attempt: recorded, left on the queue, delivered when the bus takes it
            eventBridge().faults().failNext("InternalFailure", -1, "inventory.depleted");
            double failedBefore = failedCount();
            String depleted = randomIsbn();
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(record(depleted, 0, 4, Instant.now())));
            await().atMost(WAIT).until(() -> failedCount() > failedBefore);
            assertThat(quantity(depleted)).isNull();
            eventBridge().faults().reset();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(quantity(depleted)).isEqualTo("0"));
            assertThat(product(depleted).get("stock_status").s()).isEqualTo("out_of_stock");
        } finally {
            sqs.setQueueAttributes(b -> b.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, visibility)));
        }
    }

    /**
     * The bus's three consumers check the event (the envelope's detail: v1, or v2 when it says schema_version 2) at
     * their edge: one that breaks its schema goes to that queue's DLQ at once, received once, with the failing field
     * paths as its reason, and counted (mangaassist.contract.violations); a valid v2 event is applied as a v1 one is.
     */
    @Test
    void anEventThatBreaksItsContractGoesToItsQueuesDlqAtOnceWithItsReasonAndAValidV2OneIsApplied() throws Exception {
        String marker = "contract-" + UUID.randomUUID();
        ObjectNode v1 = JSON.createObjectNode().put("event_type", "inventory.updated").put("isbn", "12").put("title", marker)
                .put("previous_quantity", 3).put("new_quantity", -1).put("warehouse_code", "TK01")
                .put("change_source", "erp_cdc").put("timestamp_utc", Instant.now().toString()).put("correlation_id", marker);
        ObjectNode v2 = JSON.createObjectNode().put("schema_version", 2).put("event_type", "inventory.updated")
                .put("isbn", randomIsbn()).put("title", marker).put("warehouse_code", "TK01").put("change_source", "erp_cdc")
                .put("timestamp_utc", Instant.now().toString()).put("correlation_id", marker);
        v2.putObject("quantity").put("previous", 3);
        String brokenV1 = envelope(v1);
        String brokenV2 = envelope(v2);
        double v1Before = violations("inventory-change-event.v1");
        double v2Before = violations("inventory-change-event.v2");
        for (String queue : List.of("manga-inventory-product-sync", "manga-inventory-cache-invalidation", "manga-inventory-reindex")) {
            sqs.sendMessage(b -> b.queueUrl(queueUrl(queue)).messageBody(brokenV1));
        }
        sqs.sendMessage(b -> b.queueUrl(queueUrl("manga-inventory-cache-invalidation")).messageBody(brokenV2));

        for (String queue : List.of("manga-inventory-product-sync", "manga-inventory-cache-invalidation", "manga-inventory-reindex")) {
            Message dead = awaitDeadLetter(queue + "-dlq", m -> m.body().equals(brokenV1));
            assertThat(dead.messageAttributes().get(InventoryEventDeadLetters.ATTRIBUTE_REASON).stringValue()).as(queue)
                    .isEqualTo("INVALID_FIELDS: isbn does not match the regex pattern ^(\\d{9}[\\dX]|\\d{13})$;"
                            + " new_quantity must have a minimum value of 0; [inventory-change-event.v1.json]");
            assertThat(dead.messageAttributes().get(InventoryEventDeadLetters.ATTRIBUTE_SOURCE_MESSAGE).stringValue()).isNotBlank();
            // sent by the consumer after its first receive, not moved by the redrive after five
            assertThat(dead.attributes()).as(queue).doesNotContainKey(MessageSystemAttributeName.DEAD_LETTER_QUEUE_SOURCE_ARN);
        }
        Message deadV2 = awaitDeadLetter("manga-inventory-cache-invalidation-dlq", m -> m.body().equals(brokenV2));
        assertThat(deadV2.messageAttributes().get(InventoryEventDeadLetters.ATTRIBUTE_REASON).stringValue())
                .isEqualTo("INVALID_FIELDS: quantity.new is required; [inventory-change-event.v2.json]");
        // counted before each was dead-lettered: once per consumer
        assertThat(violations("inventory-change-event.v1") - v1Before).isEqualTo(3.0);
        assertThat(violations("inventory-change-event.v2") - v2Before).isEqualTo(1.0);

        // a valid v2 event on the product-sync queue: applied
        String isbn = randomIsbn();
        ObjectNode valid = v2.deepCopy().put("isbn", isbn).put("event_type", "inventory.updated");
        valid.putObject("quantity").put("previous", 3).put("new", 7);
        String validV2 = envelope(valid);
        sqs.sendMessage(b -> b.queueUrl(queueUrl("manga-inventory-product-sync")).messageBody(validV2));
        await().atMost(WAIT).untilAsserted(() -> assertThat(quantity(isbn)).isEqualTo("7"));
    }

    private String queueUrl(String queue) {
        return sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
    }

    private Message awaitDeadLetter(String queue, Predicate<Message> matches) {
        return DeadLetters.await(sqs, queueUrl(queue), matches, WAIT);
    }

    /** The event as the bus's rules deliver it: in its EventBridge envelope. */
    private static String envelope(ObjectNode detail) throws Exception {
        ObjectNode envelope = JSON.createObjectNode().put("version", "0").put("id", UUID.randomUUID().toString())
                .put("detail-type", detail.path("event_type").asText()).put("source", "manga-assist.inventory")
                .put("account", "000000000000").put("time", Instant.now().toString()).put("region", "ap-northeast-1");
        envelope.putArray("resources");
        envelope.set("detail", detail);
        return JSON.writeValueAsString(envelope);
    }

    /** A valid ISBN-13 no other test uses (the products table keeps every test's items). */
    private static String randomIsbn() {
        String first12 = "9784" + String.format("%08d", java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000_000));
        return first12 + mangaassist.devstack.erp.ErpCatalog.checkDigit(first12);
    }

    @Test
    void anOlderEventDoesNotRestoreAnOldStockLevel() {
        String isbn = isbn("呪術廻戦", 9);
        Instant now = Instant.now();
        post(record(isbn, 8, 2, now));
        await().atMost(WAIT).untilAsserted(() -> assertThat(quantity(isbn)).isEqualTo("8"));
        double ignoredBefore = ignoredCount();
        // the consumer's log line about it carries the event's correlation id (the JSON logs' correlationId)
        ch.qos.logback.classic.Logger syncLog = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(InventoryProductSync.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        syncLog.addAppender(lines);
        try {
            // delivered late: changed before the one the item shows
            String correlationId = post(record(isbn, 2, 5, now.minusSeconds(30))).getBody().path("correlationId").asText();

            await().atMost(WAIT).until(() -> ignoredCount() > ignoredBefore);
            assertThat(quantity(isbn)).isEqualTo("8");
            assertThat(product(isbn).get("stock_status").s()).isEqualTo("in_stock");
            assertThat(correlationId).isNotBlank();
            assertThat(List.copyOf(lines.list)).filteredOn(e -> e.getFormattedMessage().contains("is older than"))
                    .filteredOn(e -> e.getFormattedMessage().contains(isbn)).singleElement()
                    .satisfies(e -> assertThat(e.getMDCPropertyMap()).containsEntry("correlationId", correlationId)
                            .containsEntry("camel.routeId", "inventory-events-product-sync"));
        } finally {
            syncLog.detachAppender(lines);
        }
    }

    @Test
    void aStockChangeInTheErpReachesTheChatsAnswerThroughTheCdcQueue() {
        String isbn = isbn("進撃の巨人", 9);
        String question = "Is volume 9 of Attack on Titan in stock?";
        String[] sessions = new String[1];
        // an answer with live stock (the first ERP call of a cold JVM can miss the chat's stock time budget, and such an
        // answer is not cached)
        await().atMost(WAIT).untilAsserted(() -> {
            sessions[0] = "events-" + UUID.randomUUID();
            assertThat(chat(sessions[0], question).path("data").path("message").asText()).contains(isbn, "copies");
        });
        String session = sessions[0];
        await().atMost(WAIT).until(() -> redis.hasKey(ChatCacheKey.of(session, question)));
        assertThat(redis.opsForSet().members(ChatCache.ANSWERS_BY_ISBN + isbn)).contains(ChatCacheKey.of(session, question));

        // as the ERP's users do: the stock table changes, DMS sends the record to manga-inventory-cdc
        EmbeddedStack.shared().erp().changeStock(isbn, 137).orElseThrow();

        await().atMost(WAIT).untilAsserted(() -> assertThat(quantity(isbn)).isEqualTo("137"));
        await().atMost(WAIT).until(() -> !redis.hasKey(ChatCacheKey.of(session, question)));
        JsonNode second = chat(session, question);
        assertThat(second.path("metadata").path("cached").asBoolean()).isFalse();
        assertThat(second.path("data").path("message").asText()).contains(isbn, "137 copies");
    }

    private JsonNode chat(String session, String text) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("data").put("sessionId", session).put("message", text).put("preferredLanguage", "auto")
                .put("modelPreference", "fast");
        return http.postForEntity("/api/chat", json(root.toString()), JsonNode.class).getBody();
    }

    private double failedCount() {
        return meters.find("mangaassist.inventory.events.publish.failed").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private double violations(String schema) {
        var counter = meters.find(ContractViolationCounter.METRIC).tag("flow", "inventory-events").tag("schema", schema)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private double ignoredCount() {
        var counter = meters.find("mangaassist.inventory.events.product.sync").tag("outcome", "ignored_older").counter();
        return counter == null ? 0 : counter.count();
    }

    private String quantity(String isbn) {
        AttributeValue quantity = product(isbn).get("quantity");
        return quantity == null ? null : quantity.n();
    }

    private Map<String, AttributeValue> product(String isbn) {
        return dynamoDb.getItem(b -> b.tableName("manga-products").key(Map.of("isbn", AttributeValue.fromS(isbn))))
                .item();
    }

    private ResponseEntity<JsonNode> post(String record) {
        return http.postForEntity("/api/cdc/inventory", json(record), JsonNode.class);
    }

    static String record(String isbn, int quantity, int previous, Instant changedAt) {
        return "{\"data\":{\"ISBN\":\"" + isbn + "\",\"QTY\":" + quantity + ",\"OLD_QTY\":" + previous
                + ",\"TITLE\":\"test\",\"WAREHOUSE_CD\":\"TK01\"},\"metadata\":{\"operation\":\"update\",\"timestamp\":\""
                + changedAt + "\",\"table-name\":\"INVENTORY\"}}";
    }

    private static String isbn(String series, int volume) {
        return EmbeddedStack.shared().erp().catalog().isbnOf(series, volume).orElseThrow();
    }

    private static EventBridgeEmulator eventBridge() {
        return EmbeddedStack.shared().eventBridge();
    }

    private static HttpEntity<String> json(String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return new HttpEntity<>(body, headers);
    }
}
