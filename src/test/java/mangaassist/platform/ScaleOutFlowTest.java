package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.MangaAssistApplication;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.EmbeddedStackInitializer;
import mangaassist.devstack.bedrock.EmulatorControl;
import mangaassist.enrichment.EnrichmentProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import mangaassist.devstack.erp.ErpSimulator;
import mangaassist.devstack.erp.LatencyModel;
import mangaassist.devstack.erp.ErpCatalog;
import mangaassist.inventory.InventoryProperties;
import mangaassist.inventory.erp.ErpRateLimiter;
import mangaassist.support.DevelopmentKey;
import mangaassist.support.FlowTest;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.SpringCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Two application instances on one stack, as the README's second instance runs (reliability suite, scale-out): the
 * ERP's 50 calls in any second are one budget for both (permits in the shared Redis), so lookups driven through both
 * never make the ERP refuse a call; enrichment jobs are shared between them and each is done once; chat answers
 * through either, from one cache.
 */
@FlowTest
class ScaleOutFlowTest {

    private static final String SKIP_START = "skipStartingCamelContext";

    static ConfigurableApplicationContext second;

    @Autowired
    TestRestTemplate first;
    @Autowired
    MeterRegistry firstMeters;
    @Autowired
    ErpRateLimiter firstLimiter;
    @Autowired
    InventoryProperties inventory;
    @Autowired
    DynamoDbClient dynamoDb;
    @Autowired
    EnrichmentProperties enrichment;

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void startSecondInstance() throws Exception {
        // the Camel test support holds back the start of every Camel context while a test class is being prepared (it
        // starts the test's own context itself): the second instance starts its own, as its application would
        String skip = System.clearProperty(SKIP_START);
        SpringCamelContext.setNoStart(false);
        try {
            // arguments, not default properties: application.yaml's server.port would win over those
            second = new SpringApplicationBuilder(MangaAssistApplication.class)
                    .profiles("embedded")
                    .initializers(new EmbeddedStackInitializer())
                    .run("--server.port=0", "--mangaassist.inventory.erp.timeout=1s", "--mangaassist.inventory.erp.retry-delay=50ms");
        } finally {
            if (skip != null) {
                System.setProperty(SKIP_START, skip);
                SpringCamelContext.setNoStart(true);
            }
        }
        assertThat(second.getBean(CamelContext.class).isStarted()).isTrue();
    }

    @AfterAll
    static void stopSecondInstance() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void lookupsThroughTwoInstancesShareTheErpsFiftyCallsInAnySecond() throws Exception {
        // the sharing is what is tested, so both instances keep the strict rule for this test: the adaptive allowance
        // lets a call that reaches the ERP later than it (a loaded machine: the CI's) count in a second of its own,
        // which is the adaptive rule's documented bet (the refusal flow test covers it), not a failure to share
        ErpRateLimiter secondLimiter = second.getBean(ErpRateLimiter.class);
        Duration firstAllowance = firstLimiter.arrivalAllowance();
        Duration secondAllowance = secondLimiter.arrivalAllowance();
        firstLimiter.setArrivalAllowance(inventory.erp().strictAllowance());
        secondLimiter.setArrivalAllowance(inventory.erp().strictAllowance());
        try {
            shareTheBudget();
        } finally {
            firstLimiter.setArrivalAllowance(firstAllowance);
            secondLimiter.setArrivalAllowance(secondAllowance);
        }
    }

    private void shareTheBudget() throws Exception {
        ErpSimulator erp = EmbeddedStack.shared().erp();
        erp.faults().reset();
        erp.setLatency(LatencyModel.none());
        erp.stats().reset();
        MeterRegistry secondMeters = second.getBean(MeterRegistry.class);
        double firstCalls = calls(firstMeters);
        double secondCalls = calls(secondMeters);
        TestRestTemplate secondHttp = new TestRestTemplate(new RestTemplateBuilder()
                .rootUri("http://127.0.0.1:" + second.getEnvironment().getProperty("local.server.port")));

        // 8 batches of 200 fresh ISBNs, half through each instance: 1,600 lookups, at least 80 ERP calls, more than
        // either instance alone could send in one second
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<ResponseEntity<JsonNode>>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                TestRestTemplate http = i % 2 == 0 ? first : secondHttp;
                answers.add(clients.submit(() -> http.postForEntity("/api/inventory/batch", batch(), JsonNode.class)));
            }
            for (Future<ResponseEntity<JsonNode>> answer : answers) {
                ResponseEntity<JsonNode> response = answer.get(120, TimeUnit.SECONDS);
                assertThat(response.getStatusCode().value()).isEqualTo(200);
                assertThat(response.getBody().path("errors")).hasSize(200).allSatisfy(e ->
                        assertThat(e.path("code").asText()).as(e.toString()).isEqualTo("INVENTORY_NOT_FOUND"));
            }
        } finally {
            clients.shutdownNow();
        }

        LoggerFactory.getLogger(ScaleOutFlowTest.class).info("Two instances: {} and {} ERP calls, {} counted by the ERP, "
                        + "at most {} in any second, {} refused", calls(firstMeters) - firstCalls, calls(secondMeters) - secondCalls,
                erp.stats().totalCalls(), erp.stats().maxCallsInAnySecond(), erp.stats().rateLimitedCalls());
        assertThat(calls(firstMeters) - firstCalls).as("the first instance called the ERP").isPositive();
        assertThat(calls(secondMeters) - secondCalls).as("the second instance called the ERP").isPositive();
        assertThat(erp.stats().totalCalls()).isGreaterThanOrEqualTo(80);
        assertThat(erp.stats().maxCallsInAnySecond()).as("both instances together").isLessThanOrEqualTo(50);
        assertThat(erp.stats().rateLimitedCalls()).as("refused by the ERP").isZero();
    }

    @Test
    void enrichmentJobsAreSharedBetweenTheInstancesAndEachIsDoneOnce() {
        // a model call of 300 ms: an instance holds at most concurrent-consumers x max-messages-per-poll (5 x 10) jobs
        // at once and works through its polls for seconds, so the 120 jobs cannot all go to the faster of the two: 70
        // wait while the first works through its 50, for 3 s at least (the second instance, just started, may take a
        // loaded second or two for its first receive: with 60 jobs it once found none left)
        EmulatorControl bedrock = EmbeddedStack.shared().bedrock().control().reset()
                .latency(Duration.ofMillis(300), Duration.ZERO);
        try {
            MeterRegistry secondMeters = second.getBean(MeterRegistry.class);
            double firstDone = jobsDone(firstMeters);
            double secondDone = jobsDone(secondMeters);
            // 120 jobs in 120 message groups (the group is manga-<first 8 characters of mangaId>: the number comes first),
            // queued through the first instance in batches of 10: both consume the queue
            String run = UUID.randomUUID().toString().substring(0, 8);
            List<String> mangaIds = new ArrayList<>();
            for (int b = 0; b < 12; b++) {
                List<Map<String, Object>> jobs = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    String mangaId = String.format("%03d-scale-%s", b * 10 + i, run);
                    mangaIds.add(mangaId);
                    jobs.add(Map.of("mangaId", mangaId, "title", "Scale-out " + mangaId));
                }
                Map<String, Object> body = new HashMap<>(Map.of("jobs", jobs, "enrichmentType", "synopsis"));
                ResponseEntity<JsonNode> answer = DevelopmentKey.sending(first).postForEntity("/api/enrichment/jobs/batch", json(body),
                        JsonNode.class);
                assertThat(answer.getStatusCode().value()).as(String.valueOf(answer.getBody())).isEqualTo(202);
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> mangaIds.stream().allMatch(this::hasSynopsis));
            // one model call per job (the emulator's request history keeps only the latest 100: its counter, not the list)
            assertThat(bedrock.invocationsFor("anthropic.claude-3-haiku")).as("enrichment model calls").isEqualTo(120);
            double byFirst = jobsDone(firstMeters) - firstDone;
            double bySecond = jobsDone(secondMeters) - secondDone;
            LoggerFactory.getLogger(ScaleOutFlowTest.class).info("Two instances: {} and {} of 120 enrichment jobs", byFirst, bySecond);
            assertThat(byFirst + bySecond).as("each job done once, by one of them").isEqualTo(120);
            assertThat(byFirst).as("the first instance took jobs").isPositive();
            assertThat(bySecond).as("the second instance took jobs").isPositive();
        } finally {
            bedrock.reset();
        }
    }

    @Test
    void chatAnswersThroughEitherInstanceFromOneCache() {
        TestRestTemplate secondHttp = secondHttp();
        String session = "scale-" + UUID.randomUUID();
        String question = "Which manga would you recommend to a new reader? " + UUID.randomUUID();
        JsonNode fresh = first.postForEntity("/api/chat", json(chatMessage(session, question)), JsonNode.class).getBody();
        assertThat(fresh.path("status").asText()).as(String.valueOf(fresh)).isEqualTo("success");
        assertThat(fresh.path("metadata").path("cached").asBoolean()).isFalse();
        JsonNode repeat = secondHttp.postForEntity("/api/chat", json(chatMessage(session, question)), JsonNode.class).getBody();
        assertThat(repeat.path("status").asText()).as(String.valueOf(repeat)).isEqualTo("success");
        assertThat(repeat.path("metadata").path("cached").asBoolean()).as("the repeat, through the other instance").isTrue();
        assertThat(repeat.path("data").path("message").asText()).isEqualTo(fresh.path("data").path("message").asText());
    }

    private static Map<String, Object> chatMessage(String session, String text) {
        return Map.of("data", Map.of("sessionId", session, "message", text, "modelPreference", "fast"));
    }

    private static double jobsDone(MeterRegistry meters) {
        return meters.find("mangaassist.async.job.duration").tag("flow", "enrichment").tag("status", "success").timers()
                .stream().mapToDouble(t -> t.count()).sum();
    }

    private boolean hasSynopsis(String mangaId) {
        AttributeValue enriched = dynamoDb.getItem(b -> b.tableName(enrichment.catalogTable()).consistentRead(true)
                .key(Map.of("mangaId", AttributeValue.fromS(mangaId)))).item().get("enrichment");
        return enriched != null && enriched.m().containsKey("synopsis");
    }

    private static TestRestTemplate secondHttp() {
        return new TestRestTemplate(new RestTemplateBuilder()
                .rootUri("http://127.0.0.1:" + second.getEnvironment().getProperty("local.server.port")));
    }

    private static <T> HttpEntity<T> json(T body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return new HttpEntity<>(body, headers);
    }

    private static double calls(MeterRegistry meters) {
        return meters.get("mangaassist.inventory.erp.call").timer().count();
    }

    private static HttpEntity<List<String>> batch() {
        List<String> isbns = new ArrayList<>();
        for (int n = 0; n < 200; n++) {
            isbns.add(isbnNotInCatalog());
        }
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return new HttpEntity<>(isbns, headers);
    }

    /** A valid ISBN-13 the catalog does not have (979 prefix: the catalog uses 978): each costs the ERP a lookup. */
    private static String isbnNotInCatalog() {
        String first12 = "979" + String.format("%09d", java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000_000_000));
        return first12 + ErpCatalog.checkDigit(first12);
    }
}
