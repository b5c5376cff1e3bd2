package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.devstack.erp.ErpCatalog;
import mangaassist.support.AppProcess;
import mangaassist.support.CallbackReceiver;
import mangaassist.support.DevelopmentKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The README's two processes, killed (reliability suite, "Crash and restart" and the leader's move of "Scale-out"):
 * the stack runs as its own process and the application as another, which gets {@code kill -9} while it works and is
 * started again on the same stack. Nothing is lost: every enrichment job ends in the catalog, every deferred job
 * calls back, the catalog sync resumes from its checkpoints, the CDC stream indexes every change made before, during
 * and after the outage, and every ERP stock change made meanwhile reaches the products table; no message is left in
 * flight or in a DLQ. Then two instances on the stack: the stream and the schedules run on one, and move to the other
 * within a bound when it is killed.
 *
 * <p>One stack and three application starts for the whole class (each costs 20-60 s). The application runs with the
 * production settings except: its own leader-lock directory; the sync's checkpoint every 4 batches (100 lines, so a
 * few thousand lines have several), its {@code stale-after} 5 s (a run whose instance died may be resumed at once
 * rather than after 2 min) and a 3 s reconciliation settle; the schedules of catalog-sync and enrichment on, at a time
 * that does not come during the test (their leaders are what is tested); and the stack's work queues get a visibility timeout of
 * 30 s (the topology's 60-300 s would keep what the killed process had received invisible that long; a restart takes
 * longer than 30 s anyway).
 */
@Tag("process")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashRestartProcessTest {

    private static final Logger LOG = LoggerFactory.getLogger(CrashRestartProcessTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STACK_START = Duration.ofMinutes(5);
    private static final Duration APP_START = Duration.ofMinutes(4);
    /** everything the restarted application has to finish, from its readiness on */
    private static final Duration RECOVERY = Duration.ofMinutes(8);
    /** the file lock: a killed leader's heartbeat is stale after 5 x 2 s; then the next try (2 s) and the consumer's 1 s */
    private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(30);

    private static final int ENRICHMENT_JOBS = 1000;
    private static final int DEFERRED_JOBS = 20;
    private static final int SYNC_LINES = 2000;
    private static final int CDC_WRITES = 10;
    private static final int STOCK_CHANGES = 10;
    /** shorter than the topology's, longer than a job takes on a loaded machine (10 s had jobs run twice or more) */
    private static final int VISIBILITY_SECONDS = 30;
    private static final String HAIKU = "anthropic.claude-3-haiku";
    private static final String SONNET = "anthropic.claude-3-sonnet-20240229-v1:0";
    private static final String SYNC_RUN = "20261201_000000";
    private static final String CATALOG = "manga-catalog";
    private static final String PRODUCTS = "manga-products";
    private static final String CALLBACK_PATH = "/deferred";
    /**
     * the master: namespaces: the stream, and the two schedules the applications here switch on (with a cron that does
     * not fire during the test: only who leads them matters). The DLQ schedule stays off: it would reprocess at once.
     */
    private static final List<String> LEADER_NAMESPACES = List.of("catalog-cdc", "catalog-sync", "enrichment-schedule");
    private static final String NEVER_DURING_THE_TEST = "0 0 0 1 1 *";

    static AppProcess stack;
    static AppProcess app;
    static Path clusterRoot;
    static CallbackReceiver callbacks;
    static SqsClient sqs;
    static DynamoDbClient dynamoDb;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static int starts;

    @BeforeAll
    static void startStackAndApplication() throws Exception {
        stack = AppProcess.stack("crash-stack", STACK_START);
        clusterRoot = Files.createTempDirectory("mangaassist-cluster-crash");
        callbacks = CallbackReceiver.start();
        StaticCredentialsProvider local = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        sqs = SqsClient.builder().endpointOverride(URI.create(stackUrl("sqs"))).region(Region.AP_NORTHEAST_1)
                .credentialsProvider(local).build();
        dynamoDb = DynamoDbClient.builder().endpointOverride(URI.create(stackUrl("dynamodb")))
                .region(Region.AP_NORTHEAST_1).credentialsProvider(local).build();
        app = startApplication();
    }

    @AfterAll
    static void stopAll() {
        for (AutoCloseable closeable : new AutoCloseable[] {app, stack, callbacks, sqs, dynamoDb}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                LOG.warn("could not close {}: {}", closeable, e.toString());
            }
        }
    }

    @Test
    @Order(1)
    void aKilledApplicationRestartedOnTheSameStackLosesNothing() throws Exception {
        Map<String, String> queues = workQueues();
        queues.values().forEach(url -> sqs.setQueueAttributes(b -> b.queueUrl(url)
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(VISIBILITY_SECONDS)))));
        // model calls of 150 ms: 5 enrichment threads do about 30 jobs a second, so the 1,000 take half a minute
        bedrock("/_emulator/control", "{\"timeToFirstTokenMs\":150,\"perTokenMs\":0}");
        // the deferred jobs' callbacks hang until after the kill: those jobs are surely in flight when it comes
        callbacks.hang(CALLBACK_PATH);
        // the export without the simulator's own books: its resumed run must not put back the stock of the books whose
        // stock changes below
        JsonNode export = post(stackUrl("erp") + "/_erp/export?runId=" + SYNC_RUN + "&synthetic=" + SYNC_LINES
                + "&invalid=0&files=2&catalog=false", null, false);
        int exportRows = export.path("valid").asInt();

        List<String> mangaIds = enqueueEnrichment();
        List<String> jobIds = enqueueDeferred();
        List<Map<String, AttributeValue>> cdcItems = new ArrayList<>(writeProducts(0, CDC_WRITES));
        List<ErpCatalog.Item> books = new ErpCatalog().items().stream()
                .filter(item -> !"04".equals(item.statusCode())).limit(STOCK_CHANGES + STOCK_CHANGES / 2).toList();
        Map<String, Integer> stock = new LinkedHashMap<>();
        for (int i = 0; i < STOCK_CHANGES; i++) {
            changeStock(books.get(i).isbn(), 1000 + i, stock);
        }
        JsonNode sync = post(app.baseUrl() + "/api/catalog/sync", "{\"prefix\":\"batch-sync/" + SYNC_RUN + "/\"}", true);
        assertThat(sync.path("runId").asText()).as(sync.toString()).isEqualTo(SYNC_RUN);

        // kill while the sync has written a checkpoint but not finished, and jobs of both queues are in flight
        JsonNode[] atKill = new JsonNode[1];
        await("the sync past its first checkpoint, jobs in flight").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    atKill[0] = get(app.baseUrl() + "/api/catalog/sync/" + SYNC_RUN);
                    return atKill[0].path("processed").asInt() >= 200 && inFlight(queues.get("manga-enrichment-queue.fifo")) > 0
                            && inFlight(queues.get("manga-deferred-queue")) > 0;
                });
        app.kill();
        long enrichedAtKill = enriched(mangaIds).size();
        Map<String, Long> inFlightAtKill = new TreeMap<>();
        queues.forEach((name, url) -> inFlightAtKill.put(name, inFlight(url)));
        LOG.info("kill -9 at: sync {}, {} of {} enrichment jobs stored, in flight {}", atKill[0], enrichedAtKill,
                ENRICHMENT_JOBS, inFlightAtKill);
        assertThat(atKill[0].path("state").asText()).as("the sync was running at the kill").isEqualTo("RUNNING");
        assertThat(atKill[0].path("processed").asInt()).as("the sync was not done").isLessThan(exportRows);
        assertThat(enrichedAtKill).as("enrichment jobs were left to do").isLessThan(ENRICHMENT_JOBS);

        // the outage: the product table changes (the stream keeps it), the ERP's stock too (DMS records queue up)
        bedrock("/_emulator/control", "{\"timeToFirstTokenMs\":0,\"perTokenMs\":0}");
        cdcItems.addAll(writeProducts(CDC_WRITES, CDC_WRITES));
        for (int i = STOCK_CHANGES / 2; i < STOCK_CHANGES + STOCK_CHANGES / 2; i++) {
            changeStock(books.get(i).isbn(), 2000 + i, stock);   // half of them again, half for the first time
        }
        callbacks.release();
        long releasedAt = System.nanoTime();

        app = startApplication();
        JsonNode resumed = post(app.baseUrl() + "/api/catalog/sync", "{\"prefix\":\"batch-sync/" + SYNC_RUN + "/\"}", true);
        assertThat(resumed.path("runId").asText()).as(resumed.toString()).isEqualTo(SYNC_RUN);

        Map<String, Object> missing = new LinkedHashMap<>();
        await("everything done after the restart").atMost(RECOVERY).pollInterval(Duration.ofSeconds(2)).until(() -> {
            missing.clear();
            int enrichedNow = enriched(mangaIds).size();
            if (enrichedNow < ENRICHMENT_JOBS) {
                missing.put("enrichment", ENRICHMENT_JOBS - enrichedNow);
            }
            int calledBack = calledBack(releasedAt).size();
            if (calledBack < DEFERRED_JOBS) {
                missing.put("deferred", DEFERRED_JOBS - calledBack);
            }
            JsonNode run = get(app.baseUrl() + "/api/catalog/sync/" + SYNC_RUN);
            if (!"COMPLETED".equals(run.path("state").asText()) && !"FAILED".equals(run.path("state").asText())) {
                missing.put("sync", run.path("state").asText() + " " + run.path("processed").asInt());
            }
            int indexed = indexed(cdcItems);
            if (indexed < cdcItems.size()) {
                missing.put("cdc", cdcItems.size() - indexed);
            }
            int stocked = stocked(stock);
            if (stocked < stock.size()) {
                missing.put("stock", stock.size() - stocked);
            }
            queues.forEach((name, url) -> {
                long left = waiting(url) + inFlight(url);
                if (left > 0) {
                    missing.put(name, left);
                }
            });
            if (!missing.isEmpty()) {
                LOG.info("after the restart, still to do: {}", missing);
            }
            return missing.isEmpty();
        });

        JsonNode run = get(app.baseUrl() + "/api/catalog/sync/" + SYNC_RUN);
        assertThat(run.path("state").asText()).as(run.toString()).isEqualTo("COMPLETED");
        assertThat(run.path("resumedFrom").asInt()).as("resumed from its checkpoints").isPositive()
                .isLessThan(exportRows);
        assertThat(run.path("accepted").asInt()).as("every line of the export, once").isEqualTo(exportRows);
        assertThat(run.path("rejected").asInt()).isZero();
        Map<String, Long> dlqs = new TreeMap<>();
        deadLetterQueues().forEach((name, url) -> dlqs.put(name, waiting(url) + inFlight(url)));
        assertThat(dlqs).as("dead-letter queues").allSatisfy((name, count) -> assertThat(count).as(name).isZero());
        assertThat(enriched(mangaIds)).hasSize(ENRICHMENT_JOBS);
        assertThat(calledBack(releasedAt)).containsExactlyInAnyOrderElementsOf(jobIds);

        JsonNode models = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(stackUrl("bedrock") + "/_emulator/stats"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body()).path("invocationsByModel");
        long enrichmentCalls = 0;
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) models::fields) {
            if (field.getKey().startsWith(HAIKU)) {
                enrichmentCalls += field.getValue().asLong();
            }
        }
        long callbackRequests = callbacks.received(CALLBACK_PATH).size();
        LOG.info("Crash and restart: {} enrichment jobs sent, {} stored before the kill, {} after, 0 lost; {} model calls "
                        + "(redelivered after the kill: {}); {} deferred jobs, each called back ({} callback requests in all, "
                        + "hung ones before the kill included); sync of {} lines killed at {} lines, resumed from {}, "
                        + "{} accepted; {} CDC writes ({} during the outage) all indexed; {} ERP stock changes ({} during the "
                        + "outage, on {} books) all in {}; in flight at the kill {}; DLQs {}", ENRICHMENT_JOBS, enrichedAtKill,
                ENRICHMENT_JOBS - enrichedAtKill, enrichmentCalls, enrichmentCalls - ENRICHMENT_JOBS, DEFERRED_JOBS,
                callbackRequests, exportRows, atKill[0].path("processed").asInt(), run.path("resumedFrom").asInt(),
                run.path("accepted").asInt(), cdcItems.size(), CDC_WRITES, 2 * STOCK_CHANGES, STOCK_CHANGES, stock.size(), PRODUCTS, inFlightAtKill, dlqs);
        assertThat(enrichmentCalls).as("at least one model call per job").isGreaterThanOrEqualTo(ENRICHMENT_JOBS);
    }

    @Test
    @Order(2)
    void theStreamAndTheSchedulesMoveToTheOtherInstanceWhenTheLeaderIsKilled() throws Exception {
        // the instance of the test above leads every namespace: it was alone when it started
        if (app == null || !app.isAlive()) {
            app = startApplication();   // the test above failed before its restart: an instance alone leads as well
        }
        AppProcess leader = app;
        for (String namespace : LEADER_NAMESPACES) {
            leader.awaitLog(lockAcquired(namespace), TAKEOVER_BOUND);
        }
        try (AppProcess follower = startApplication()) {
            // the follower has tried for the locks every 2 s since it started (tens of tries): none was free
            for (String namespace : LEADER_NAMESPACES) {
                assertThat(follower.logContains(lockAcquired(namespace))).as(follower.name() + " leads " + namespace)
                        .isFalse();
            }

            List<Map<String, AttributeValue>> around = new ArrayList<>(writeProducts(100, CDC_WRITES));
            leader.kill();
            long killedAt = System.nanoTime();
            around.addAll(writeProducts(100 + CDC_WRITES, CDC_WRITES));
            Map<String, Duration> takeover = new TreeMap<>();
            for (String namespace : LEADER_NAMESPACES) {
                follower.awaitLog(lockAcquired(namespace), TAKEOVER_BOUND);
                takeover.put(namespace, Duration.ofNanos(System.nanoTime() - killedAt));   // from the kill, +100 ms polls
            }
            assertThat(takeover).as("takeover after the kill").allSatisfy((namespace, took) ->
                    assertThat(took).as(namespace).isLessThanOrEqualTo(TAKEOVER_BOUND));
            app = follower;
            await("the writes made around the kill, indexed by the new leader").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1)).until(() -> indexed(around) == around.size());
            LOG.info("Leader move: {} killed, {} took over after {}, {} CDC writes around the "
                    + "kill ({} after it) all indexed", leader.name(), follower.name(), takeover, around.size(), CDC_WRITES);
            app = null;   // closed here; the class's clean-up has nothing left to stop
        }
    }

    // ---- the application and the stack

    private static String lockAcquired(String namespace) {
        return "Lock on file " + clusterRoot.resolve(namespace) + " acquired";
    }

    private static AppProcess startApplication() {
        starts++;
        AppProcess started = AppProcess.application("crash-app-" + starts, stack.properties(),
                "--mangaassist.cluster.root=" + clusterRoot,
                "--mangaassist.catalog-sync.checkpoint-every=4",
                "--mangaassist.catalog-sync.stale-after=5s",
                "--mangaassist.catalog-sync.reconciliation.settle-quiet=3s",
                "--mangaassist.catalog-sync.schedule.enabled=true",
                "--mangaassist.catalog-sync.schedule.cron=" + NEVER_DURING_THE_TEST,
                "--mangaassist.enrichment.schedule.enabled=true",
                "--mangaassist.enrichment.schedule.cron=" + NEVER_DURING_THE_TEST);
        try {
            return started.awaitReady(APP_START);
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
    }

    private static String stackUrl(String backend) {
        return "http://127.0.0.1:" + stack.port("mangaassist.stack." + backend + "-port");
    }

    private static void bedrock(String path, String body) throws Exception {
        post(stackUrl("bedrock") + path, body, false);
    }

    // ---- queues

    /** the stack's queues without the DLQs, by name */
    private static Map<String, String> workQueues() {
        Map<String, String> queues = new TreeMap<>();
        sqs.listQueues().queueUrls().forEach(url -> {
            String name = url.substring(url.lastIndexOf('/') + 1);
            if (!name.contains("-dlq")) {
                queues.put(name, url);
            }
        });
        return queues;
    }

    private static Map<String, String> deadLetterQueues() {
        Map<String, String> queues = new TreeMap<>();
        sqs.listQueues().queueUrls().forEach(url -> {
            String name = url.substring(url.lastIndexOf('/') + 1);
            if (name.contains("-dlq")) {
                queues.put(name, url);
            }
        });
        return queues;
    }

    private static long waiting(String url) {
        return attribute(url, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)
                + attribute(url, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);
    }

    private static long inFlight(String url) {
        return attribute(url, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
    }

    private static long attribute(String url, QueueAttributeName name) {
        return Long.parseLong(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(name)).attributes().get(name));
    }

    // ---- enrichment

    private static List<String> enqueueEnrichment() throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        List<String> mangaIds = new ArrayList<>();
        // batches of 100: one of 500 took longer than the servlet's 30 s on a loaded machine (answered 500)
        for (int batch = 0; batch < ENRICHMENT_JOBS / 100; batch++) {
            List<Map<String, Object>> jobs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String mangaId = String.format("crash-%s-%04d", run, batch * 100 + i);
                mangaIds.add(mangaId);
                jobs.add(Map.of("mangaId", mangaId, "title", "Crash " + mangaId));
            }
            JsonNode answer = post(app.baseUrl() + "/api/enrichment/jobs/batch",
                    JSON.writeValueAsString(Map.of("enrichmentType", "synopsis", "jobs", jobs)), true);
            assertThat(answer.path("successful").asInt()).as(answer.toString()).isEqualTo(100);
        }
        return mangaIds;
    }

    /** the jobs whose item in manga-catalog has its synopsis */
    private static Set<String> enriched(List<String> mangaIds) {
        Set<String> done = new LinkedHashSet<>();
        for (int i = 0; i < mangaIds.size(); i += 100) {
            List<Map<String, AttributeValue>> keys = mangaIds.subList(i, Math.min(mangaIds.size(), i + 100)).stream()
                    .map(id -> Map.of("mangaId", AttributeValue.fromS(id))).toList();
            Map<String, KeysAndAttributes> pending = Map.of(CATALOG, KeysAndAttributes.builder().keys(keys)
                    .consistentRead(true).build());
            while (!pending.isEmpty()) {
                Map<String, KeysAndAttributes> request = pending;
                var response = dynamoDb.batchGetItem(b -> b.requestItems(request));
                response.responses().getOrDefault(CATALOG, List.of()).forEach(item -> {
                    AttributeValue enrichment = item.get("enrichment");
                    if (enrichment != null && enrichment.hasM() && enrichment.m().containsKey("synopsis")) {
                        done.add(item.get("mangaId").s());
                    }
                });
                pending = response.unprocessedKeys();
            }
        }
        return done;
    }

    // ---- deferred

    private static List<String> enqueueDeferred() throws Exception {
        List<String> jobIds = new ArrayList<>();
        for (int i = 0; i < DEFERRED_JOBS; i++) {
            String jobId = "crash-deferred-" + i;
            jobIds.add(jobId);
            JsonNode answer = post(app.baseUrl() + "/api/deferred/jobs", JSON.writeValueAsString(Map.of(
                    "jobType", "deferred_inference", "jobId", jobId, "prompt", "Crash test " + i, "modelId", SONNET,
                    "callbackUrl", callbacks.url(CALLBACK_PATH))), true);
            assertThat(answer.path("jobId").asText()).as(answer.toString()).isEqualTo(jobId);
        }
        return jobIds;
    }

    /** the job ids of the callbacks that arrived after the hang was released (answered 200) */
    private static Set<String> calledBack(long releasedAt) throws IOException {
        Set<String> jobIds = new LinkedHashSet<>();
        for (CallbackReceiver.Received received : callbacks.received(CALLBACK_PATH)) {
            JsonNode body = JSON.readTree(received.body());
            if (received.atNanos() > releasedAt && "completed".equals(body.path("status").asText())) {
                jobIds.add(body.path("jobId").asText());
            }
        }
        return jobIds;
    }

    // ---- catalog CDC and inventory events

    /** products written straight to manga-products, as the ERP's own CDC would: the stream must index each */
    private static List<Map<String, AttributeValue>> writeProducts(int from, int count) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int n = from; n < from + count; n++) {
            String first12 = String.format("97912990%04d", n);
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("isbn", AttributeValue.fromS(first12 + ErpCatalog.checkDigit(first12)));
            item.put("title", AttributeValue.fromS("クラッシュテスト " + n));
            item.put("author", AttributeValue.fromS("Crash Test"));
            item.put("genre", AttributeValue.fromS("test"));
            item.put("quantity", AttributeValue.fromN(Integer.toString(10 + n)));
            item.put("warehouse_code", AttributeValue.fromS("TK01"));
            dynamoDb.putItem(b -> b.tableName(PRODUCTS).item(item));
            items.add(item);
        }
        return items;
    }

    private static int indexed(List<Map<String, AttributeValue>> items) throws Exception {
        List<String> ids = items.stream().map(item -> item.get("isbn").s()).toList();
        JsonNode found = post(stackUrl("opensearch") + "/" + CATALOG + "/_mget",
                JSON.writeValueAsString(Map.of("ids", ids)), false);
        int indexed = 0;
        for (JsonNode doc : found.path("docs")) {
            String isbn = doc.path("_id").asText();
            Map<String, AttributeValue> item = items.stream().filter(i -> i.get("isbn").s().equals(isbn)).findFirst()
                    .orElseThrow();
            if (doc.path("found").asBoolean() && doc.path("_source").path("title").asText().equals(item.get("title").s())) {
                indexed++;
            }
        }
        return indexed;
    }

    private static void changeStock(String isbn, int quantity, Map<String, Integer> stock) throws Exception {
        post(stackUrl("erp") + "/_erp/stock?isbn=" + isbn + "&quantity=" + quantity, null, false);
        stock.put(isbn, quantity);
    }

    /** the books whose quantity in manga-products is the last one the ERP set */
    private static int stocked(Map<String, Integer> stock) {
        int matching = 0;
        for (Map.Entry<String, Integer> change : stock.entrySet()) {
            Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(PRODUCTS).consistentRead(true)
                    .key(Map.of("isbn", AttributeValue.fromS(change.getKey())))).item();
            if (item != null && item.containsKey("quantity")
                    && Integer.parseInt(item.get("quantity").n()) == change.getValue()) {
                matching++;
            }
        }
        return matching;
    }

    // ---- HTTP

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header(DevelopmentKey.HEADER, DevelopmentKey.value()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode post(String url, String json, boolean withKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (withKey) {
            request.header(DevelopmentKey.HEADER, DevelopmentKey.value());
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isBetween(200, 202);
        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }
}
