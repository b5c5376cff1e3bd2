package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
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
import mangaassist.devstack.erp.ErpSimulator;
import mangaassist.devstack.erp.LatencyModel;
import mangaassist.inventory.erp.ErpRateLimiter;
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
 * Two application instances on one stack, as the README's second instance runs: the ERP's 50 calls in any second are
 * one budget for both (permits in the shared Redis), so lookups driven through both never make the ERP refuse a call.
 */
@FlowTest
class InventoryScaleOutTest {

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

        LoggerFactory.getLogger(InventoryScaleOutTest.class).info("Two instances: {} and {} ERP calls, {} counted by the ERP, "
                        + "at most {} in any second, {} refused", calls(firstMeters) - firstCalls, calls(secondMeters) - secondCalls,
                erp.stats().totalCalls(), erp.stats().maxCallsInAnySecond(), erp.stats().rateLimitedCalls());
        assertThat(calls(firstMeters) - firstCalls).as("the first instance called the ERP").isPositive();
        assertThat(calls(secondMeters) - secondCalls).as("the second instance called the ERP").isPositive();
        assertThat(erp.stats().totalCalls()).isGreaterThanOrEqualTo(80);
        assertThat(erp.stats().maxCallsInAnySecond()).as("both instances together").isLessThanOrEqualTo(50);
        assertThat(erp.stats().rateLimitedCalls()).as("refused by the ERP").isZero();
    }

    private static double calls(MeterRegistry meters) {
        return meters.get("mangaassist.inventory.erp.call").timer().count();
    }

    private static HttpEntity<List<String>> batch() {
        List<String> isbns = new ArrayList<>();
        for (int n = 0; n < 200; n++) {
            isbns.add(InventoryFlowTest.randomIsbn());
        }
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return new HttpEntity<>(isbns, headers);
    }
}
