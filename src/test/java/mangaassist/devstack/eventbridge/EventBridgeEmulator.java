package mangaassist.devstack.eventbridge;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An emulator of Amazon EventBridge for the dev/test stack, on the real AWS JSON 1.1 protocol
 * ({@code POST /}, {@code X-Amz-Target: AWSEvents.<Operation>}), so that the SDK's EventBridgeClient and Camel's
 * aws2-eventbridge component talk to it. Operations: PutEvents, CreateEventBus, DescribeEventBus, ListEventBuses,
 * DeleteEventBus, PutRule, DescribeRule, ListRules, EnableRule, DisableRule, DeleteRule, PutTargets, ListTargetsByRule, RemoveTargets.
 *
 * <p>Rules match with AWS Event Ruler (the engine behind EventBridge) against the event's envelope, and a matched
 * event goes, in that envelope (or the target's Input / InputPath), to each target of the rule: SQS queues, through
 * {@link TargetDelivery}. Delivery is asynchronous, as on AWS: PutEvents answers once the entries are accepted.
 * SigV4 signatures are not checked. Run-time switches: {@link #faults()} or {@code /_emulator/*}.
 */
public final class EventBridgeEmulator implements AutoCloseable {

    /** PutEvents limits: entries per call, and the size of the call's entries together (AWS counts both). */
    public static final int MAX_ENTRIES = 10;
    public static final int MAX_ENTRIES_BYTES = 256 * 1024;
    public static final String ACCOUNT = "000000000000";

    private static final Logger LOG = LoggerFactory.getLogger(EventBridgeEmulator.class);
    private static final String JSON_11 = "application/x-amz-json-1.1";
    private static final String TARGET_PREFIX = "AWSEvents.";
    private static final long TIMEOUT_SECONDS = 30;

    private final ObjectMapper json = new ObjectMapper();
    private final String region;
    private final EventBuses buses;
    private final EntryFaults faults = new EntryFaults();
    private final TargetDelivery delivery;
    private final Vertx vertx = Vertx.vertx();
    /** Deliveries block (an SQS call each): off the event loop, a few at a time, like EventBridge's own fan-out. */
    private final ExecutorService deliveries = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "eventbridge-delivery");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong putEventsCalls = new AtomicLong();
    private final AtomicLong entriesAccepted = new AtomicLong();
    private final AtomicLong entriesFailed = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong deliveryFailures = new AtomicLong();
    private final AtomicLong unmatched = new AtomicLong();
    private HttpServer server;

    public EventBridgeEmulator(String region, TargetDelivery delivery) {
        this.region = region;
        this.buses = new EventBuses(region, ACCOUNT);
        this.delivery = delivery;
    }

    /** Listens on a loopback address only; port 0 picks a free one. Blocks until listening. */
    public synchronized EventBridgeEmulator start(String host, int port) {
        requireLoopback(host);
        Router router = Router.router(vertx);
        // a little over the entries' limit: the JSON around them, and an oversized call must reach the size check
        router.route().handler(BodyHandler.create(false).setBodyLimit(4L * MAX_ENTRIES_BYTES));
        router.post("/_emulator/control").handler(this::control);
        router.post("/_emulator/reset").handler(ctx -> {
            reset();
            stats(ctx);
        });
        router.get("/_emulator/stats").handler(this::stats);
        router.get("/health").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end("{\"status\":\"UP\"}"));
        router.post("/").handler(this::operation);
        try {
            server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)).requestHandler(router)
                    .listen().toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the EventBridge emulator", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("EventBridge emulator could not listen on " + host + ":" + port, e);
        }
        return this;
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.actualPort();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** Per-entry failures of PutEvents, switched by tests. */
    public EntryFaults faults() {
        return faults;
    }

    /** Forgets injected faults and counters (buses and rules stay: the application provisioned them). */
    public void reset() {
        faults.reset();
        putEventsCalls.set(0);
        entriesAccepted.set(0);
        entriesFailed.set(0);
        delivered.set(0);
        deliveryFailures.set(0);
        unmatched.set(0);
    }

    /** The counters: PutEvents calls, entries accepted and failed, deliveries and their failures. */
    public Stats stats() {
        return new Stats(putEventsCalls.get(), entriesAccepted.get(), entriesFailed.get(), delivered.get(),
                deliveryFailures.get(), unmatched.get());
    }

    public record Stats(long putEventsCalls, long entriesAccepted, long entriesFailed, long delivered,
                        long deliveryFailures, long unmatched) {
        /** Entries per PutEvents call, failed ones included. */
        public double entriesPerCall() {
            return putEventsCalls == 0 ? 0 : (double) (entriesAccepted + entriesFailed) / putEventsCalls;
        }
    }

    @Override
    public synchronized void close() {
        deliveries.shutdown();
        try {
            if (server != null) {
                server.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            deliveries.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("EventBridge emulator did not stop cleanly: {}", e.toString());
        } finally {
            server = null;
        }
    }

    // ---- the AWS JSON 1.1 protocol -------------------------------------------------------------------------------

    private void operation(RoutingContext ctx) {
        String requestId = UUID.randomUUID().toString();
        String target = ctx.request().getHeader("X-Amz-Target");
        try {
            if (target == null || !target.startsWith(TARGET_PREFIX)) {
                throw new EventBridgeError(400, "UnknownOperationException", "Missing or unknown X-Amz-Target " + target);
            }
            JsonNode request = ctx.body().isEmpty() ? json.createObjectNode() : json.readTree(ctx.body().asString());
            if (!request.isObject()) {
                throw new EventBridgeError(400, "SerializationException", "Request body is not a JSON object");
            }
            ObjectNode answer = dispatch(target.substring(TARGET_PREFIX.length()), (ObjectNode) request);
            ctx.response().putHeader("Content-Type", JSON_11).putHeader("x-amzn-RequestId", requestId)
                    .end(json.writeValueAsString(answer));
        } catch (EventBridgeError e) {
            error(ctx, requestId, e.status(), e.type(), e.getMessage());
        } catch (JsonProcessingException e) {
            error(ctx, requestId, 400, "SerializationException", "Request body is not valid JSON");
        } catch (RuntimeException e) {
            LOG.warn("EventBridge emulator failed on {}", target, e);
            error(ctx, requestId, 500, "InternalException", String.valueOf(e.getMessage()));
        }
    }

    private ObjectNode dispatch(String operation, ObjectNode request) {
        return switch (operation) {
            case "PutEvents" -> putEvents(request);
            case "CreateEventBus" -> object().put("EventBusArn", buses.createBus(required(request, "Name")));
            case "DescribeEventBus" -> describeBus(request);
            case "ListEventBuses" -> listBuses(request);
            case "DeleteEventBus" -> {
                buses.deleteBus(required(request, "Name"));
                yield object();
            }
            case "PutRule" -> object().put("RuleArn", buses.putRule(bus(request), required(request, "Name"),
                    text(request, "EventPattern"), text(request, "State"), text(request, "Description")));
            case "DescribeRule" -> ruleJson(bus(request), buses.rule(bus(request), required(request, "Name")));
            case "ListRules" -> listRules(request);
            case "EnableRule", "DisableRule" -> {
                buses.setState(bus(request), required(request, "Name"), operation.startsWith("Enable") ? "ENABLED" : "DISABLED");
                yield object();
            }
            case "DeleteRule" -> {
                buses.deleteRule(bus(request), required(request, "Name"));
                yield object();
            }
            case "PutTargets" -> putTargets(request);
            case "ListTargetsByRule" -> listTargets(request);
            case "RemoveTargets" -> removeTargets(request);
            default -> throw new EventBridgeError(400, "UnknownOperationException", "Operation " + operation
                    + " is not emulated");
        };
    }

    /**
     * PutEvents: 1 to 10 entries of at most 256 KB together (else the whole call is refused); each entry is answered
     * in its place, an EventId or an ErrorCode and ErrorMessage, and FailedEntryCount counts the failed ones.
     */
    private ObjectNode putEvents(ObjectNode request) {
        JsonNode entries = request.path("Entries");
        if (!entries.isArray() || entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            throw EventBridgeError.validation("1 validation error detected: Value at 'entries' failed to satisfy "
                    + "constraint: Member must have length less than or equal to " + MAX_ENTRIES
                    + " and greater than or equal to 1");
        }
        long size = 0;
        for (JsonNode entry : entries) {
            size += entrySize(entry);
        }
        if (size > MAX_ENTRIES_BYTES) {
            throw EventBridgeError.validation("Total size of the entries in the request is over the limit.");
        }
        putEventsCalls.incrementAndGet();
        ArrayNode results = JsonNodeFactory.instance.arrayNode();
        int failed = 0;
        // the call's matched events, gathered per target: each target gets them in as few calls as its API allows
        Map<Delivery, List<ObjectNode>> outbox = new LinkedHashMap<>();
        for (JsonNode entry : entries) {
            ObjectNode result = putEvent(entry, outbox);
            if (result.has("ErrorCode")) {
                failed++;
            }
            results.add(result);
        }
        entriesFailed.addAndGet(failed);
        entriesAccepted.addAndGet(entries.size() - failed);
        outbox.forEach((to, envelopes) -> deliveries.execute(() -> deliver(to, envelopes)));
        return object().put("FailedEntryCount", failed).set("Entries", results);
    }

    /** AWS's own size rule: Time 14 bytes if present, and the UTF-8 bytes of Source, DetailType, Detail, Resources. */
    static long entrySize(JsonNode entry) {
        long size = entry.has("Time") ? 14 : 0;
        for (String field : List.of("Source", "DetailType", "Detail")) {
            size += entry.path(field).asText("").getBytes(StandardCharsets.UTF_8).length;
        }
        for (JsonNode resource : entry.path("Resources")) {
            size += resource.asText("").getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    private ObjectNode putEvent(JsonNode entry, Map<Delivery, List<ObjectNode>> outbox) {
        String source = entry.path("Source").asText(null);
        String detailType = entry.path("DetailType").asText(null);
        String detailText = entry.path("Detail").asText(null);
        if (isBlank(source) || isBlank(detailType) || isBlank(detailText)) {
            return entryError("InvalidArgument", "Parameter(s) Source, DetailType, or Detail must be specified.");
        }
        JsonNode detail;
        try {
            detail = json.readTree(detailText);
        } catch (JsonProcessingException e) {
            return entryError("MalformedDetail", "Detail is malformed.");
        }
        if (detail == null || !detail.isObject()) {
            return entryError("MalformedDetail", "Detail is malformed.");
        }
        String bus = EventBuses.busName(entry.path("EventBusName").asText(null));
        if (!buses.hasBus(bus)) {
            return entryError("NotFoundException", "Event bus " + bus + " does not exist.");
        }
        EntryFaults.Rule fault = faults.take(detailType);
        if (fault != null) {
            return entryError(fault.errorCode(), fault.errorMessage());
        }
        String id = UUID.randomUUID().toString();
        ObjectNode envelope = envelope(id, source, detailType, entry, (ObjectNode) detail);
        List<EventBuses.Match> matches;
        try {
            matches = buses.match(bus, json.writeValueAsString(envelope));
        } catch (Exception e) {
            return entryError("InternalFailure", "Matching failed: " + e.getMessage());
        }
        if (matches.isEmpty()) {
            unmatched.incrementAndGet();
        }
        for (EventBuses.Match match : matches) {
            for (EventBuses.Target target : match.targets()) {
                outbox.computeIfAbsent(new Delivery(match, target), k -> new ArrayList<>()).add(envelope);
            }
        }
        return object().put("EventId", id);
    }

    /** The event as EventBridge hands it to targets and matches it against patterns. */
    private ObjectNode envelope(String id, String source, String detailType, JsonNode entry, ObjectNode detail) {
        ObjectNode envelope = object();
        envelope.put("version", "0");
        envelope.put("id", id);
        envelope.put("detail-type", detailType);
        envelope.put("source", source);
        envelope.put("account", ACCOUNT);
        envelope.put("time", time(entry.path("Time")).truncatedTo(ChronoUnit.SECONDS).toString());
        envelope.put("region", region);
        ArrayNode resources = envelope.putArray("resources");
        entry.path("Resources").forEach(resources::add);
        envelope.set("detail", detail);
        return envelope;
    }

    /** The JSON 1.1 protocol sends timestamps as epoch seconds (with a fraction); absent: now. */
    private static Instant time(JsonNode time) {
        if (time.isNumber()) {
            return Instant.ofEpochMilli(Math.round(time.asDouble() * 1000));
        }
        if (time.isTextual()) {
            return Instant.parse(time.asText());
        }
        return Instant.now();
    }

    /** A rule's target: what one PutEvents call's matched events are gathered by. */
    private record Delivery(EventBuses.Match match, EventBuses.Target target) {
    }

    private void deliver(Delivery to, List<ObjectNode> envelopes) {
        EventBuses.Target target = to.target();
        List<String> bodies = new ArrayList<>(envelopes.size());
        for (ObjectNode envelope : envelopes) {
            try {
                bodies.add(targetInput(target, envelope));
            } catch (Exception e) {
                failed(to, e);
            }
        }
        for (int from = 0; from < bodies.size(); from += MAX_ENTRIES) {
            List<String> batch = bodies.subList(from, Math.min(bodies.size(), from + MAX_ENTRIES));
            try {
                int refused = delivery.deliverAll(target.arn(), target.messageGroupId(), batch);
                delivered.addAndGet(batch.size() - refused);
                if (refused > 0) {
                    failed(to, new IllegalStateException(refused + " of " + batch.size() + " messages refused"));
                    deliveryFailures.addAndGet(refused - 1);
                }
            } catch (Exception e) {
                failed(to, e);
                deliveryFailures.addAndGet(batch.size() - 1);
            }
        }
    }

    private void failed(Delivery to, Exception e) {
        // EventBridge retries and then drops (or sends to the rule's DLQ): here it is counted and logged
        deliveryFailures.incrementAndGet();
        LOG.warn("EventBridge emulator: rule {}/{} could not deliver to {}: {}", to.match().bus(), to.match().rule(),
                to.target().arn(), e.toString());
    }

    /** What a target receives: the constant Input, the part InputPath names, or the whole envelope. */
    private String targetInput(EventBuses.Target target, ObjectNode envelope) throws JsonProcessingException {
        if (target.input() != null) {
            return target.input();
        }
        if (target.inputPath() != null) {
            String path = target.inputPath().equals("$") ? "" : target.inputPath().replaceFirst("^\\$\\.", "/")
                    .replace('.', '/');
            JsonNode part = envelope.at(path);
            return part.isTextual() ? part.asText() : json.writeValueAsString(part);
        }
        return json.writeValueAsString(envelope);
    }

    private ObjectNode describeBus(ObjectNode request) {
        String name = EventBuses.busName(text(request, "Name"));
        if (!buses.hasBus(name)) {
            throw EventBridgeError.notFound("Event bus " + name + " does not exist.");
        }
        return object().put("Name", name).put("Arn", buses.busArn(name));
    }

    private ObjectNode listBuses(ObjectNode request) {
        String prefix = text(request, "NamePrefix");
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        buses.busNames().stream().filter(n -> prefix == null || n.startsWith(prefix))
                .forEach(n -> list.add(object().put("Name", n).put("Arn", buses.busArn(n))));
        return object().set("EventBuses", list);
    }

    private ObjectNode listRules(ObjectNode request) {
        String bus = bus(request);
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        buses.rules(bus, text(request, "NamePrefix")).forEach(rule -> list.add(ruleJson(bus, rule)));
        return object().set("Rules", list);
    }

    private ObjectNode ruleJson(String bus, EventBuses.Rule rule) {
        ObjectNode node = object().put("Name", rule.name).put("Arn", buses.ruleArn(bus, rule.name))
                .put("EventPattern", rule.eventPattern).put("State", rule.state).put("EventBusName", bus);
        if (rule.description != null) {
            node.put("Description", rule.description);
        }
        return node;
    }

    /** Up to 10 targets a call; each either stored or listed in FailedEntries (only SQS ARNs are deliverable here). */
    private ObjectNode putTargets(ObjectNode request) {
        String bus = bus(request);
        String rule = required(request, "Rule");
        buses.rule(bus, rule);
        JsonNode targets = request.path("Targets");
        if (!targets.isArray() || targets.isEmpty() || targets.size() > MAX_ENTRIES) {
            throw EventBridgeError.validation("1 validation error detected: Value at 'targets' failed to satisfy "
                    + "constraint: Member must have length less than or equal to 10 and greater than or equal to 1");
        }
        ArrayNode failures = JsonNodeFactory.instance.arrayNode();
        for (JsonNode target : targets) {
            String id = target.path("Id").asText("");
            String arn = target.path("Arn").asText("");
            if (id.isEmpty() || arn.isEmpty()) {
                failures.add(object().put("TargetId", id).put("ErrorCode", "ValidationException")
                        .put("ErrorMessage", "Parameter(s) Id and Arn must be specified."));
                continue;
            }
            if (!arn.startsWith("arn:aws:sqs:")) {
                failures.add(object().put("TargetId", id).put("ErrorCode", "ValidationException")
                        .put("ErrorMessage", "Only SQS targets are emulated, not " + arn));
                continue;
            }
            buses.putTarget(bus, rule, new EventBuses.Target(id, arn, target.path("Input").asText(null),
                    target.path("InputPath").asText(null), target.path("SqsParameters").path("MessageGroupId").asText(null)));
        }
        return object().put("FailedEntryCount", failures.size()).set("FailedEntries", failures);
    }

    private ObjectNode listTargets(ObjectNode request) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (EventBuses.Target target : buses.targets(bus(request), required(request, "Rule"))) {
            ObjectNode node = object().put("Id", target.id()).put("Arn", target.arn());
            if (target.input() != null) {
                node.put("Input", target.input());
            }
            if (target.inputPath() != null) {
                node.put("InputPath", target.inputPath());
            }
            if (target.messageGroupId() != null) {
                node.putObject("SqsParameters").put("MessageGroupId", target.messageGroupId());
            }
            list.add(node);
        }
        return object().set("Targets", list);
    }

    private ObjectNode removeTargets(ObjectNode request) {
        String bus = bus(request);
        String rule = required(request, "Rule");
        ArrayNode failures = JsonNodeFactory.instance.arrayNode();
        for (JsonNode id : request.path("Ids")) {
            if (!buses.removeTarget(bus, rule, id.asText())) {
                failures.add(object().put("TargetId", id.asText()).put("ErrorCode", "ResourceNotFoundException")
                        .put("ErrorMessage", "Target " + id.asText() + " does not exist."));
            }
        }
        return object().put("FailedEntryCount", failures.size()).set("FailedEntries", failures);
    }

    // ---- the emulator's own control API, so that a separately running stack can be steered with curl ----------

    /**
     * {@code POST /_emulator/control {"errorCode":"InternalFailure","count":3,"detailType":"inventory.updated"}}: the
     * next 3 entries of that detail type (any, without it) fail with that code; {@code "count":-1} for ever.
     */
    private void control(RoutingContext ctx) {
        try {
            JsonNode body = ctx.body().isEmpty() ? object() : json.readTree(ctx.body().asString());
            if (body.hasNonNull("errorCode")) {
                faults.failNext(body.get("errorCode").asText(), body.path("count").asInt(1),
                        body.path("detailType").asText(null));
            }
        } catch (JsonProcessingException | IllegalArgumentException e) {
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                    .end(object().put("message", String.valueOf(e.getMessage())).toString());
            return;
        }
        stats(ctx);
    }

    private void stats(RoutingContext ctx) {
        Stats stats = stats();
        ObjectNode body = json.valueToTree(stats);
        body.put("entriesPerCall", stats.entriesPerCall());
        body.set("faults", json.valueToTree(faults.rules()));
        ArrayNode busList = body.putArray("buses");
        for (String bus : buses.busNames()) {
            ObjectNode node = busList.addObject().put("name", bus);
            ArrayNode rules = node.putArray("rules");
            buses.rules(bus, null).forEach(rule -> rules.addObject().put("name", rule.name)
                    .put("pattern", rule.eventPattern).put("state", rule.state).set("targets",
                            json.valueToTree(rule.targets.values().stream().map(EventBuses.Target::arn).toList())));
        }
        ctx.response().putHeader("Content-Type", "application/json").end(body.toPrettyString());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private void error(RoutingContext ctx, String requestId, int status, String type, String message) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", JSON_11).putHeader("x-amzn-RequestId", requestId)
                .putHeader("x-amzn-ErrorType", type)
                .end(object().put("__type", type).put("message", message).toString());
    }

    private static ObjectNode entryError(String code, String message) {
        return JsonNodeFactory.instance.objectNode().put("ErrorCode", code).put("ErrorMessage", message);
    }

    private ObjectNode object() {
        return json.createObjectNode();
    }

    private static String bus(JsonNode request) {
        return EventBuses.busName(text(request, "EventBusName"));
    }

    private static String text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String required(JsonNode request, String field) {
        String value = text(request, field);
        if (isBlank(value)) {
            throw EventBridgeError.validation("Parameter(s) " + field + " must be specified.");
        }
        return value;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static void requireLoopback(String host) {
        try {
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
                throw new IllegalArgumentException("the EventBridge emulator binds loopback addresses only, not " + host);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + host, e);
        }
    }
}
