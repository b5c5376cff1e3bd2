package mangaassist.devstack.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.devstack.StackPorts;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.InvalidEventPatternException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import software.amazon.awssdk.services.eventbridge.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Conformance of the EventBridge emulator, through the real SDK client: the operations, pattern matching by Event Ruler
 * as on EventBridge, per-entry results and injected failures, the limits, and delivery of the envelope to SQS
 * (a real ElasticMQ).
 */
class EventBridgeEmulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static SQSRestServer elasticMq;
    private static SqsClient sqs;
    private static EventBridgeEmulator emulator;
    private static EventBridgeClient client;
    /** What the recording rules' targets received: every target whose ARN is arn:aws:sqs:...:record-* lands here. */
    private static final List<String[]> recorded = new CopyOnWriteArrayList<>();

    private String bus;

    @BeforeAll
    static void start() {
        int sqsPort = StackPorts.free();
        elasticMq = SQSRestServerBuilder.withInterface(StackPorts.LOOPBACK).withPort(sqsPort)
                .withServerAddress(new NodeAddress("http", StackPorts.LOOPBACK, sqsPort, "")).start();
        elasticMq.waitUntilStarted();
        URI sqsEndpoint = URI.create("http://127.0.0.1:" + sqsPort);
        sqs = SqsClient.builder().endpointOverride(sqsEndpoint).region(Region.AP_NORTHEAST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).credentialsProvider(credentials()).build();
        SqsTargetDelivery toSqs = new SqsTargetDelivery(() -> sqsEndpoint);
        emulator = new EventBridgeEmulator("ap-northeast-1", new TargetDelivery() {
            @Override
            public void deliver(String arn, String group, String body) {
                deliverAll(arn, group, List.of(body));
            }

            @Override
            public int deliverAll(String arn, String group, List<String> bodies) {
                if (!arn.contains(":record-")) {
                    return toSqs.deliverAll(arn, group, bodies);
                }
                bodies.forEach(body -> recorded.add(new String[] {arn.substring(arn.lastIndexOf(':') + 1), body}));
                return 0;
            }
        }).start(StackPorts.LOOPBACK, 0);
        client = EventBridgeClient.builder().endpointOverride(emulator.endpoint()).region(Region.AP_NORTHEAST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).credentialsProvider(credentials())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        emulator.close();
        sqs.close();
        elasticMq.stopAndWait();
    }

    @BeforeEach
    void freshBus() {
        emulator.reset();
        recorded.clear();
        bus = "test-bus-" + UUID.randomUUID().toString().substring(0, 8);
        client.createEventBus(b -> b.name(bus));
    }

    @Test
    void busesRulesAndTargetsAreCreatedListedAndRemovedAsOnEventBridge() {
        assertThatThrownBy(() -> client.createEventBus(b -> b.name(bus))).isInstanceOf(ResourceAlreadyExistsException.class);
        assertThat(client.describeEventBus(b -> b.name(bus)).arn())
                .isEqualTo("arn:aws:events:ap-northeast-1:000000000000:event-bus/" + bus);

        String ruleArn = client.putRule(b -> b.eventBusName(bus).name("stock").description("stock changes")
                .eventPattern("{\"source\":[\"manga-assist.inventory\"]}")).ruleArn();
        assertThat(ruleArn).isEqualTo("arn:aws:events:ap-northeast-1:000000000000:rule/" + bus + "/stock");
        client.putRule(b -> b.eventBusName(bus).name("orders").eventPattern("{\"detail-type\":[\"order.placed\"]}"));
        assertThat(client.listRules(b -> b.eventBusName(bus)).rules()).extracting(Rule::name, Rule::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("stock", software.amazon.awssdk.services.eventbridge.model.RuleState.ENABLED),
                        org.assertj.core.groups.Tuple.tuple("orders", software.amazon.awssdk.services.eventbridge.model.RuleState.ENABLED));
        assertThat(client.listRules(b -> b.eventBusName(bus).namePrefix("ord")).rules()).extracting(Rule::name)
                .containsExactly("orders");

        var put = client.putTargets(b -> b.eventBusName(bus).rule("stock").targets(
                Target.builder().id("a").arn("arn:aws:sqs:ap-northeast-1:000000000000:record-a").build(),
                Target.builder().id("b").arn("arn:aws:lambda:ap-northeast-1:000000000000:function:f").build()));
        assertThat(put.failedEntryCount()).isEqualTo(1);
        assertThat(put.failedEntries().get(0).targetId()).isEqualTo("b");
        assertThat(client.listTargetsByRule(b -> b.eventBusName(bus).rule("stock")).targets()).extracting(Target::id)
                .containsExactly("a");

        // a rule with targets cannot be deleted: remove them first
        assertThatThrownBy(() -> client.deleteRule(b -> b.eventBusName(bus).name("stock")))
                .isInstanceOf(AwsServiceException.class).hasMessageContaining("has targets");
        assertThat(client.removeTargets(b -> b.eventBusName(bus).rule("stock").ids("a", "zzz")).failedEntryCount())
                .isEqualTo(1);
        client.deleteRule(b -> b.eventBusName(bus).name("stock"));
        assertThat(client.listRules(b -> b.eventBusName(bus)).rules()).extracting(Rule::name).containsExactly("orders");
        assertThatThrownBy(() -> client.listTargetsByRule(b -> b.eventBusName(bus).rule("stock")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> client.putRule(b -> b.eventBusName("no-such-bus").name("x")
                .eventPattern("{\"source\":[\"a\"]}"))).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void aPatternEventBridgeRefusesIsRefused() {
        assertThatThrownBy(() -> client.putRule(b -> b.eventBusName(bus).name("bad")
                .eventPattern("{\"detail\":{\"qty\":[{\"numeric\":[\"<\"]}]}}")))
                .isInstanceOf(InvalidEventPatternException.class);
        assertThatThrownBy(() -> client.putRule(b -> b.eventBusName(bus).name("bad").eventPattern("{\"source\":\"not-an-array\"}")))
                .isInstanceOf(InvalidEventPatternException.class);
    }

    @Test
    void patternsMatchPrefixAnythingButNumericAndExistsAsEventBridgeDoes() {
        recordingRule("prefix", "{\"source\":[{\"prefix\":\"manga-assist.\"}]}");
        recordingRule("anything-but", "{\"detail-type\":[{\"anything-but\":[\"inventory.updated\"]}]}");
        recordingRule("numeric", "{\"detail\":{\"new_quantity\":[{\"numeric\":[\">\",0,\"<=\",5]}]}}");
        recordingRule("exists", "{\"detail\":{\"warehouse_code\":[{\"exists\":true}]}}");
        recordingRule("not-exists", "{\"detail\":{\"warehouse_code\":[{\"exists\":false}]}}");

        PutEventsResponse response = client.putEvents(b -> b.entries(
                entry("manga-assist.inventory", "inventory.updated", "{\"new_quantity\":3,\"warehouse_code\":\"TK01\"}"),
                entry("erp.legacy", "inventory.depleted", "{\"new_quantity\":0}"),
                entry("manga-assist.orders", "order.placed", "{\"new_quantity\":12.5,\"warehouse_code\":\"OS02\"}")));
        assertThat(response.failedEntryCount()).isZero();

        await().atMost(Duration.ofSeconds(5)).until(() -> recorded.size() >= 8);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> recorded.size() == 8);
        Map<String, List<String>> byRule = new java.util.TreeMap<>();
        for (String[] delivery : recorded) {
            JsonNode event = read(delivery[1]);
            byRule.computeIfAbsent(delivery[0], k -> new ArrayList<>()).add(event.path("detail-type").asText());
        }
        assertThat(byRule.get("record-prefix")).containsExactlyInAnyOrder("inventory.updated", "order.placed");
        assertThat(byRule.get("record-anything-but")).containsExactlyInAnyOrder("inventory.depleted", "order.placed");
        assertThat(byRule.get("record-numeric")).containsExactly("inventory.updated");
        assertThat(byRule.get("record-exists")).containsExactlyInAnyOrder("inventory.updated", "order.placed");
        assertThat(byRule.get("record-not-exists")).containsExactly("inventory.depleted");
    }

    @Test
    void aDisabledRuleMatchesNothing() {
        recordingRule("off", "{\"source\":[\"manga-assist.inventory\"]}");
        client.disableRule(b -> b.eventBusName(bus).name("off"));
        client.putEvents(b -> b.entries(entry("manga-assist.inventory", "inventory.updated", "{}")));
        await().atMost(Duration.ofSeconds(2)).until(() -> emulator.stats().unmatched() == 1);
        assertThat(recorded).isEmpty();
    }

    @Test
    void eachEntryIsAnsweredInItsPlaceAndInjectedFailuresFailOnlyTheirEntries() {
        emulator.faults().failNext("ThrottlingException", 2, "inventory.depleted");
        List<PutEventsRequestEntry> entries = List.of(
                entry("s", "inventory.updated", "{\"n\":0}"),
                entry("s", "inventory.depleted", "{\"n\":1}"),
                entry("s", "inventory.updated", "not json"),
                entry("s", "inventory.depleted", "{\"n\":3}"),
                entry("s", "inventory.depleted", "{\"n\":4}"),
                PutEventsRequestEntry.builder().eventBusName(bus).source("s").detail("{}").build(),
                entry("s", "inventory.restocked", "{\"n\":6}").toBuilder().eventBusName("no-such-bus").build());
        PutEventsResponse response = client.putEvents(b -> b.entries(entries));

        List<PutEventsResultEntry> results = response.entries();
        assertThat(results).hasSize(7);
        assertThat(results).extracting(PutEventsResultEntry::errorCode).containsExactly(
                null, "ThrottlingException", "MalformedDetail", "ThrottlingException", null, "InvalidArgument",
                "NotFoundException");
        assertThat(results.get(0).eventId()).isNotBlank();
        assertThat(results.get(4).eventId()).isNotBlank();
        assertThat(results.get(1).eventId()).isNull();
        assertThat(response.failedEntryCount()).isEqualTo(5);
        assertThat(emulator.stats().entriesAccepted()).isEqualTo(2);

        // the injected rule is used up: the same entries now succeed
        assertThat(client.putEvents(b -> b.entries(entries.get(1), entries.get(3))).failedEntryCount()).isZero();
    }

    @Test
    void limitsAreTenEntriesAndTwoHundredFiftySixKilobytesPerCall() {
        List<PutEventsRequestEntry> ten = IntStream.range(0, 10).mapToObj(i -> entry("s", "t", "{\"i\":" + i + "}")).toList();
        assertThat(client.putEvents(b -> b.entries(ten)).entries()).hasSize(10);

        List<PutEventsRequestEntry> eleven = new ArrayList<>(ten);
        eleven.add(entry("s", "t", "{}"));
        assertThatThrownBy(() -> client.putEvents(b -> b.entries(eleven)))
                .satisfies(e -> assertThat(errorCode(e)).isEqualTo("ValidationException"))
                .hasMessageContaining("less than or equal to 10");

        String big = "{\"text\":\"" + "x".repeat(256 * 1024 - 40) + "\"}";
        assertThat(EventBridgeEmulator.entrySize(read(JSON.valueToTree(Map.of("Source", "s", "DetailType", "t",
                "Detail", big)).toString()))).isLessThanOrEqualTo(EventBridgeEmulator.MAX_ENTRIES_BYTES);
        assertThat(client.putEvents(b -> b.entries(entry("s", "t", big))).failedEntryCount()).isZero();
        String tooBig = "{\"text\":\"" + "x".repeat(256 * 1024) + "\"}";
        assertThatThrownBy(() -> client.putEvents(b -> b.entries(entry("s", "t", tooBig))))
                .satisfies(e -> assertThat(errorCode(e)).isEqualTo("ValidationException")).hasMessageContaining("over the limit");
        // two entries that are each small enough but not together
        String half = "{\"text\":\"" + "x".repeat(140 * 1024) + "\"}";
        assertThatThrownBy(() -> client.putEvents(b -> b.entries(entry("s", "t", half), entry("s", "t", half))))
                .satisfies(e -> assertThat(errorCode(e)).isEqualTo("ValidationException")).hasMessageContaining("over the limit");
    }

    @Test
    void aMatchedEventReachesItsSqsTargetInTheEventBridgeEnvelope() {
        String url = inventoryRuleToANewQueue();

        Instant time = Instant.parse("2026-12-02T10:15:30Z");
        String eventId = client.putEvents(b -> b.entries(entry("manga-assist.inventory", "inventory.restocked",
                "{\"isbn\":\"9784088820002\",\"new_quantity\":7}").toBuilder().time(time)
                .resources("arn:aws:events:ap-northeast-1:000000000000:resource/x").build())).entries().get(0).eventId();

        List<Message> received = new ArrayList<>();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            received.addAll(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1)).messages());
            return !received.isEmpty();
        });
        JsonNode event = read(received.get(0).body());
        assertThat(event.path("version").asText()).isEqualTo("0");
        assertThat(event.path("id").asText()).isEqualTo(eventId);
        assertThat(event.path("detail-type").asText()).isEqualTo("inventory.restocked");
        assertThat(event.path("source").asText()).isEqualTo("manga-assist.inventory");
        assertThat(event.path("account").asText()).isEqualTo("000000000000");
        assertThat(event.path("time").asText()).isEqualTo("2026-12-02T10:15:30Z");
        assertThat(event.path("region").asText()).isEqualTo("ap-northeast-1");
        assertThat(event.path("resources").get(0).asText()).isEqualTo("arn:aws:events:ap-northeast-1:000000000000:resource/x");
        assertThat(event.path("detail").path("isbn").asText()).isEqualTo("9784088820002");
        assertThat(event.path("detail").path("new_quantity").asInt()).isEqualTo(7);
        // counted once SendMessage returned, which may be after the test received the message
        await().atMost(Duration.ofSeconds(5)).until(() -> emulator.stats().delivered() == 1);
    }

    @Test
    void theEventsOfOneCallReachAnSqsTargetEachOnceWithItsOwnId() {
        String url = inventoryRuleToANewQueue();

        // seven entries, one not matching the rule: six events for the target, sent together
        List<PutEventsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            entries.add(entry("manga-assist.inventory", "inventory.updated", "{\"n\":" + i + "}"));
        }
        entries.add(entry("other.source", "inventory.updated", "{\"n\":6}"));
        List<String> eventIds = client.putEvents(b -> b.entries(entries)).entries().stream()
                .map(PutEventsResultEntry::eventId).toList();

        List<JsonNode> received = new ArrayList<>();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()
                    .forEach(m -> received.add(read(m.body())));
            return received.size() >= 6;
        });
        assertThat(received).extracting(e -> e.path("detail").path("n").asInt()).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        assertThat(received).extracting(e -> e.path("id").asText()).containsExactlyInAnyOrderElementsOf(eventIds.subList(0, 6));
        await().atMost(Duration.ofSeconds(5)).until(() -> emulator.stats().delivered() == 6);
        assertThat(emulator.stats().unmatched()).isEqualTo(1);
        assertThat(emulator.stats().deliveryFailures()).isZero();
    }

    @Test
    void theControlEndpointInjectsFailuresForACurlUser() throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        emulator.endpoint().resolve("/_emulator/control"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"errorCode\":\"InternalFailure\",\"count\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(read(answer.body()).path("faults").get(0).path("errorCode").asText()).isEqualTo("InternalFailure");

        PutEventsResponse response = client.putEvents(b -> b.entries(entry("s", "t", "{}"), entry("s", "t", "{}")));
        assertThat(response.entries()).extracting(PutEventsResultEntry::errorCode).containsExactly("InternalFailure", null);
        HttpResponse<String> stats = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                emulator.endpoint().resolve("/_emulator/stats")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(read(stats.body()).path("entriesFailed").asInt()).isEqualTo(1);
        assertThat(read(stats.body()).path("entriesPerCall").asDouble()).isEqualTo(2.0);
    }

    /** A rule for the inventory's events with a new SQS queue as its target; answers the queue's URL. */
    private String inventoryRuleToANewQueue() {
        String queue = "eb-target-" + UUID.randomUUID().toString().substring(0, 8);
        String url = sqs.createQueue(b -> b.queueName(queue)).queueUrl();
        String arn = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("QueueArn")).attributesAsStrings()
                .get("QueueArn");
        client.putRule(b -> b.eventBusName(bus).name("to-sqs").eventPattern("{\"source\":[\"manga-assist.inventory\"]}"));
        client.putTargets(b -> b.eventBusName(bus).rule("to-sqs").targets(Target.builder().id("q").arn(arn).build()));
        return url;
    }

    private void recordingRule(String name, String pattern) {
        client.putRule(b -> b.eventBusName(bus).name(name).eventPattern(pattern));
        client.putTargets(b -> b.eventBusName(bus).rule(name).targets(Target.builder().id(name)
                .arn("arn:aws:sqs:ap-northeast-1:000000000000:record-" + name).build()));
    }

    private PutEventsRequestEntry entry(String source, String detailType, String detail) {
        return PutEventsRequestEntry.builder().eventBusName(bus).source(source).detailType(detailType).detail(detail).build();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static String errorCode(Throwable e) {
        return ((AwsServiceException) e).awsErrorDetails().errorCode();
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }
}
