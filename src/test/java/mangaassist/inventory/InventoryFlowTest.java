package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.erp.ErpCatalog;
import mangaassist.devstack.erp.ErpSimulator;
import mangaassist.devstack.erp.FaultMode;
import mangaassist.devstack.erp.LatencyModel;
import mangaassist.inventory.erp.ErpRateLimiter;
import mangaassist.support.FlowTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The inventory flow end to end: HTTP → Camel → CXF (Shift_JIS) → the ERP simulator. The shared flow
 * context shortens the ERP's timeout (1 s), retry delay (50 ms) and breaker wait (1 s); see FlowTest.
 */
@FlowTest
class InventoryFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Autowired
    TestRestTemplate http;
    @Autowired
    CircuitBreaker erpCircuitBreaker;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    MeterRegistry meters;
    @Autowired
    ErpRateLimiter erpRateLimiter;
    @Autowired
    InventoryProperties inventory;
    @Autowired
    org.apache.camel.CamelContext camel;

    ErpSimulator erp;
    ErpCatalog catalog;

    @BeforeEach
    void freshErp() {
        erp = EmbeddedStack.shared().erp();
        catalog = erp.catalog();
        erp.faults().reset();
        erp.setLatency(LatencyModel.none());
        erp.stats().reset();
        erpCircuitBreaker.reset();
    }

    @AfterEach
    void calmErp() {
        erp.holdArrivals(Duration.ZERO);
        erp.setRateLimit(erp.options().rateLimitPerSecond());
        erpRateLimiter.setArrivalAllowance(inventory.erp().arrivalAllowance());
        erp.faults().reset();
        erp.setLatency(LatencyModel.none());
        erpCircuitBreaker.reset();
    }

    @Test
    void aKanjiTitleComesBackThroughShiftJisAsACleanInventoryItem() {
        String isbn = catalog.isbnOf("ワンピース", 42).orElseThrow();
        redis.delete("inventory:TK01:" + isbn); // the chat's stock questions cache it too: this test needs the wire
        ResponseEntity<JsonNode> response = get(isbn);
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        JsonNode item = response.getBody();
        ErpCatalog.Item expected = catalog.byIsbn(isbn).orElseThrow();
        assertThat(item.path("isbn").asText()).isEqualTo(isbn);
        assertThat(item.path("title").asText()).isEqualTo(expected.title()).contains("ワンピース");
        assertThat(item.path("quantityAvailable").asInt()).isEqualTo(expected.quantity());
        assertThat(item.path("stockStatus").asText()).isEqualTo("in_stock");
        assertThat(item.path("warehouseLocation").asText()).isEqualTo("TK01");
        assertThat(item.has("stale")).isFalse();
        String wire = new String(erp.stats().lastRequest().body(), java.nio.charset.Charset.forName("Shift_JIS"));
        assertThat(wire).startsWith("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>");
        assertThat(erp.stats().lastRequest().contentType()).containsIgnoringCase("charset=Shift_JIS");
    }

    @Test
    void vendorCharactersInTitlesDecodeAsWindows31J() {
        ErpCatalog.Item special = catalog.items().stream().filter(i -> i.title().contains("①")).findFirst().orElseThrow();
        assertThat(get(special.isbn()).getBody().path("title").asText()).isEqualTo(special.title());
    }

    @Test
    void hyphensAndFullWidthDigitsAreAcceptedAndEverythingElseIsA400() {
        String isbn = catalog.isbnOf("ワンピース", 43).orElseThrow();
        String hyphenated = isbn.substring(0, 3) + "-" + isbn.substring(3, 4) + "-" + isbn.substring(4, 12) + "-" + isbn.substring(12);
        assertThat(get(hyphenated).getBody().path("isbn").asText()).as(get(hyphenated).getBody().toString()).isEqualTo(isbn);
        String fullWidth = isbn.chars().mapToObj(c -> String.valueOf((char) (c - '0' + '０'))).reduce("", String::concat);
        assertThat(get(fullWidth).getBody().path("isbn").asText()).as(get(fullWidth).getBody().toString()).isEqualTo(isbn);

        long calls = erp.stats().totalCalls();
        for (String bad : List.of("9784088725094", "12345", "978408872509X", "978<ISBN>1&lt;")) {
            ResponseEntity<JsonNode> response = get(bad);
            assertThat(response.getStatusCode().value()).as(bad).isEqualTo(400);
            assertThat(response.getBody().path("code").asText()).isEqualTo("INVALID_ISBN");
        }
        assertThat(erp.stats().totalCalls()).as("an invalid ISBN never reaches the ERP").isEqualTo(calls);
    }

    @Test
    void anIsbn10IsLookedUpAsItsIsbn13() {
        String isbn13 = catalog.isbnOf("ワンピース", 47).orElseThrow();
        String body = isbn13.substring(3, 12);
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (10 - i) * (body.charAt(i) - '0');
        }
        int check = (11 - sum % 11) % 11;
        String isbn10 = body.charAt(0) + "-" + body.substring(1, 3) + "-" + body.substring(3) + "-" + (check == 10 ? "X" : check);

        ResponseEntity<JsonNode> response = get(isbn10);

        assertThat(response.getStatusCode().value()).as(response.getBody().toString()).isEqualTo(200);
        assertThat(response.getBody().path("isbn").asText()).isEqualTo(isbn13);
        assertThat(response.getBody().path("title").asText()).isEqualTo(catalog.byIsbn(isbn13).orElseThrow().title());
        assertThat(redis.hasKey("inventory:TK01:" + isbn13)).as("one cache key per book, under its ISBN-13").isTrue();
        assertThat(redis.hasKey("inventory:TK01:" + isbn10.replace("-", ""))).isFalse();
    }

    @Test
    void anUnknownIsbnIsA404AndACachedOneCostsNoErpCall() {
        ResponseEntity<JsonNode> unknown = get(randomIsbn());
        assertThat(unknown.getStatusCode().value()).isEqualTo(404);
        assertThat(unknown.getBody().path("code").asText()).isEqualTo("INVENTORY_NOT_FOUND");

        String isbn = catalog.isbnOf("ワンピース", 44).orElseThrow();
        assertThat(get(isbn).getStatusCode().value()).isEqualTo(200);
        long calls = erp.stats().totalCalls();
        assertThat(get(isbn).getStatusCode().value()).isEqualTo(200);
        assertThat(erp.stats().totalCalls()).isEqualTo(calls);
        assertThat(redis.getExpire("inventory:TK01:" + isbn)).isBetween(1L, 300L);
    }

    @Test
    void aRedisTimeoutOnTheCacheReadIsAMissAndTheErpAnswers() {
        String isbn = catalog.isbnOf("ワンピース", 46).orElseThrow();
        double readErrors = cacheErrors("read");
        // every Redis client waits longer than the command timeout (2 s): the cache read times out
        pauseRedis(Duration.ofSeconds(4));
        try {
            ResponseEntity<JsonNode> response = get(isbn);
            assertThat(response.getStatusCode().value()).as(String.valueOf(response.getBody())).isEqualTo(200);
            assertThat(response.getBody().path("isbn").asText()).isEqualTo(isbn);
            assertThat(response.getBody().has("stale")).isFalse();
        } finally {
            awaitRedis();
        }
        assertThat(erp.stats().totalCalls()).as("the miss went to the ERP").isEqualTo(1);
        // the lookup's read, and the batch's re-read too if Redis was still paused then: both count as misses
        assertThat(cacheErrors("read")).isGreaterThanOrEqualTo(readErrors + 1);
    }

    @Test
    void theFlowsThreadPoolsAreSizedByItsSettings() {
        var profiles = camel.getExecutorServiceManager();
        assertThat(profiles.getThreadPoolProfile("inventory-erp-call").getPoolSize())
                .as("ERP calls in parallel").isEqualTo(inventory.erp().maxConcurrentCalls());
        assertThat(profiles.getThreadPoolProfile("inventory-batch").getMaxPoolSize())
                .as("a batch's lookups in parallel").isEqualTo(inventory.maxBatchIsbns());
    }

    @Test
    void identicalLookupsInFlightShareOneCallAndDistinctOnesShareBatchCalls() throws Exception {
        erp.setLatency(LatencyModel.logNormal(Duration.ofMillis(200), Duration.ofMillis(250)));
        String isbn = catalog.isbnOf("進撃の巨人", 3).orElseThrow();
        List<ResponseEntity<JsonNode>> same = concurrently(30, i -> get(isbn));
        assertThat(same).allSatisfy(r -> assertThat(r.getStatusCode().value()).isEqualTo(200));
        assertThat(erp.stats().totalCalls()).as("30 identical lookups in flight").isEqualTo(1);

        erp.stats().reset();
        DistributionSummary lookupsPerCall = meters.get("mangaassist.inventory.erp.lookups-per-call").summary();
        long callsTimed = meters.get("mangaassist.inventory.erp.call").timer().count();
        double lookupsCounted = lookupsPerCall.totalAmount();
        List<String> distinct = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            distinct.add(randomIsbn());
        }
        // one batch request: its 100 lookups run in parallel and reach the coalescer together
        JsonNode answer = http.postForEntity("/api/inventory/batch", json(distinct), JsonNode.class).getBody();
        assertThat(answer.path("errors")).hasSize(100)
                .allSatisfy(e -> assertThat(e.path("code").asText()).isEqualTo("INVENTORY_NOT_FOUND"));
        assertThat(erp.stats().isbnCountPerCall()).allSatisfy(n -> assertThat(n).isBetween(1, 20));
        assertThat(erp.stats().isbnCountPerCall().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
        // 5 full batches when the 100 lookups reach the aggregator within its window; on a loaded machine (CI) they
        // straggle in over several windows: still at least five ISBNs a call on average (the benchmark measures 19)
        assertThat(erp.stats().totalCalls()).as("100 distinct ISBNs in batches of up to 20: %s", erp.stats().isbnCountPerCall())
                .isLessThanOrEqualTo(20);
        // the call meters saw the same: each call timed, its ISBNs counted
        assertThat(meters.get("mangaassist.inventory.erp.call").timer().count() - callsTimed).isEqualTo(erp.stats().totalCalls());
        assertThat(lookupsPerCall.totalAmount() - lookupsCounted).isEqualTo(100);
    }

    @Test
    void theErpNeverSeesMoreThanFiftyCallsInAnySecondUnderTheStrictRule() {
        // the certainty under test is the strict rule's (a permit until 1 s after its call ended): the adaptive
        // default starts narrower and may let a late call be refused, retried and counted (tested below)
        erpRateLimiter.setArrivalAllowance(inventory.erp().strictAllowance());
        // 6 batch requests of 200 fresh ISBNs each: 1,200 lookups, at least 60 ERP calls
        assertFiftyCallsAtMostInAnySecond(6);
    }

    @Test
    void theErpCountsNoMoreThanFiftyCallsInAnySecondEvenWhenCallsReachItLate() {
        // the ERP takes nothing in for 400 ms, then everything at once: calls sent over that time are counted together,
        // in the same second as the calls that follow them (CPU starvation or a network hiccup does that too, less neatly)
        erp.holdArrivals(Duration.ofMillis(400));
        // the limiter assumes a call reaches the ERP within its arrival allowance: here one that covers the hold (held
        // calls arrive up to 400 ms after their permits; a rate checked only when sending crowds one second here)
        erpRateLimiter.setArrivalAllowance(Duration.ofSeconds(1));
        assertFiftyCallsAtMostInAnySecond(8);
    }

    @Test
    void aCallTheErpRefusesForItsRateIsRetriedOnTheNextPermitCountedAndNeverSeenByAUser() throws Exception {
        // for a moment the ERP takes 40 calls in a second while we may send 50: what it does when calls reach it later
        // than the arrival allowance assumed (the limiter then lets calls of two seconds land in one), made certain;
        // back to 50 once it has refused, as a late burst passes (a lasting lower limit is a misconfiguration, which
        // retries cannot absorb)
        erp.setRateLimit(40);
        erpRateLimiter.setArrivalAllowance(Duration.ofMillis(50));
        double refusedBefore = meters.get("mangaassist.inventory.erp.refused").counter().count();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<ResponseEntity<JsonNode>>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(clients.submit(() -> {
                    List<String> isbns = new ArrayList<>();
                    for (int n = 0; n < 200; n++) {
                        isbns.add(randomIsbn());
                    }
                    return http.postForEntity("/api/inventory/batch", json(isbns), JsonNode.class);
                }));
            }
            await().atMost(WAIT).until(() -> erp.stats().rateLimitedCalls() > 0);
            erp.setRateLimit(erp.options().rateLimitPerSecond());
            for (Future<ResponseEntity<JsonNode>> answer : answers) {
                assertThat(answer.get(60, java.util.concurrent.TimeUnit.SECONDS).getBody().path("errors")).hasSize(200)
                        .allSatisfy(e -> assertThat(e.path("code").asText()).as(e.toString()).isEqualTo("INVENTORY_NOT_FOUND"));
            }
        } finally {
            clients.shutdownNow();
        }
        long refusals = erp.stats().rateLimitedCalls();
        assertThat(meters.get("mangaassist.inventory.erp.refused").counter().count() - refusedBefore)
                .as("each refusal counted").isEqualTo(refusals);
        assertThat(erpRateLimiter.arrivalAllowance()).as("the allowance learnt from them").isGreaterThan(Duration.ofMillis(50));
    }

    /** Sends {@code requests} batches of 200 fresh ISBNs at once: every lookup answered, never over the ERP's limit. */
    private void assertFiftyCallsAtMostInAnySecond(int requests) {
        List<ResponseEntity<JsonNode>> answers = concurrently(requests, i -> {
            List<String> isbns = new ArrayList<>();
            for (int n = 0; n < 200; n++) {
                isbns.add(randomIsbn());
            }
            return http.postForEntity("/api/inventory/batch", json(isbns), JsonNode.class);
        });
        assertThat(answers).allSatisfy(r -> {
            assertThat(r.getStatusCode().value()).isEqualTo(200);
            assertThat(r.getBody().path("errors")).hasSize(200)
                    .allSatisfy(e -> assertThat(e.path("code").asText()).as(e.toString()).isEqualTo("INVENTORY_NOT_FOUND"));
        });
        assertThat(erp.stats().totalCalls()).isGreaterThanOrEqualTo(requests * 10L);
        assertThat(erp.stats().maxCallsInAnySecond()).isLessThanOrEqualTo(50);
        assertThat(erp.stats().rateLimitedCalls()).isZero();
    }

    @Test
    void aBatchAnswersItemsAndPerIsbnErrorsInOrder() {
        String known = catalog.isbnOf("鬼滅の刃", 2).orElseThrow();
        ResponseEntity<JsonNode> response = http.postForEntity("/api/inventory/batch",
                json(List.of(known, "not-an-isbn", randomIsbn())), JsonNode.class);
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        assertThat(response.getBody().path("items")).hasSize(1);
        assertThat(response.getBody().path("items").get(0).path("isbn").asText()).isEqualTo(known);
        assertThat(response.getBody().path("errors")).extracting(e -> e.path("code").asText())
                .containsExactly("INVALID_ISBN", "INVENTORY_NOT_FOUND");
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 201; i++) {
            tooMany.add(known);
        }
        ResponseEntity<JsonNode> rejected = http.postForEntity("/api/inventory/batch", json(tooMany), JsonNode.class);
        assertThat(rejected.getStatusCode().value()).isEqualTo(400);
        assertThat(rejected.getBody().path("code").asText()).isEqualTo("TOO_MANY_ISBNS");
    }

    @Test
    void aSoapFaultIsRetriedThreeTimesThenA502() {
        erp.faults().set(FaultMode.HTTP_500);
        ResponseEntity<JsonNode> response = get(randomIsbn());
        assertThat(response.getStatusCode().value()).isEqualTo(502);
        assertThat(response.getBody().path("code").asText()).isEqualTo("ERP_FAULT");
        assertThat(erp.stats().totalCalls()).as("one call and three retries").isEqualTo(4);
    }

    @Test
    void unreadableAnswersAreA502WithoutRetries() {
        int volume = 60;
        for (FaultMode mode : List.of(FaultMode.MALFORMED_XML, FaultMode.WRONG_ENCODING, FaultMode.DOCTYPE_BOMB)) {
            erp.faults().set(mode);
            erp.stats().reset();
            // a title in kanji: UTF-8 bytes labelled Shift_JIS are only recognisable where there is non-ASCII text
            ResponseEntity<JsonNode> response = get(catalog.isbnOf("ワンピース", volume++).orElseThrow());
            assertThat(response.getStatusCode().value()).as(mode.name()).isEqualTo(502);
            assertThat(response.getBody().path("code").asText()).as(mode.name()).isEqualTo("ERP_BAD_RESPONSE");
            assertThat(erp.stats().totalCalls()).as(mode.name()).isEqualTo(1);
            erpCircuitBreaker.reset();
        }
    }

    @Test
    void anUnavailableErpServesTheLastKnownStockAsStaleElseA503() {
        String isbn = catalog.isbnOf("呪術廻戦", 5).orElseThrow();
        assertThat(get(isbn).getStatusCode().value()).isEqualTo(200);
        await().atMost(WAIT).until(() -> Boolean.TRUE.equals(redis.hasKey("inventory:last:TK01:" + isbn)));
        redis.delete("inventory:TK01:" + isbn);  // the fresh entry expired; the last known one remains
        erp.faults().set(FaultMode.DOWN);

        JsonNode stale = get(isbn).getBody();
        assertThat(stale.path("stale").asBoolean()).as(stale.toString()).isTrue();
        assertThat(stale.path("isbn").asText()).isEqualTo(isbn);
        assertThat(stale.path("stale").asBoolean()).isTrue();
        assertThat(stale.path("ageSeconds").asLong()).isGreaterThanOrEqualTo(0);

        erpCircuitBreaker.reset();
        ResponseEntity<JsonNode> never = get(randomIsbn());
        assertThat(never.getStatusCode().value()).isEqualTo(503);
        assertThat(never.getBody().path("code").asText()).isEqualTo("ERP_UNAVAILABLE");
    }

    @Test
    void aSlowErpTimesOutAndIsUnavailable() {
        erp.faults().set(FaultMode.SLOW);
        ResponseEntity<JsonNode> response = get(randomIsbn());
        assertThat(response.getStatusCode().value()).isEqualTo(503);
        assertThat(response.getBody().path("code").asText()).isEqualTo("ERP_UNAVAILABLE");
    }

    @Test
    void theBreakerOpensAfterFiveFailuresHalfOpensAndClosesAgain() {
        erp.faults().set(FaultMode.HTTP_500);
        for (int i = 0; i < 5; i++) {
            assertThat(erpCircuitBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            get(randomIsbn());   // a call that failed after its retries
        }
        assertThat(erpCircuitBreaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        long calls = erp.stats().totalCalls();
        ResponseEntity<JsonNode> whileOpen = get(randomIsbn());
        assertThat(whileOpen.getStatusCode().value()).as(whileOpen.getBody().toString()).isEqualTo(503);
        assertThat(whileOpen.getBody().path("code").asText()).isEqualTo("ERP_UNAVAILABLE");
        assertThat(erp.stats().totalCalls()).as("an open breaker sends nothing").isEqualTo(calls);
        assertThat(http.getForObject("/actuator/health", JsonNode.class).path("components").path("erp")
                .path("details").path("breaker").asText()).isEqualTo("OPEN");

        erp.faults().reset();
        await().atMost(WAIT).until(() -> erpCircuitBreaker.getState() == CircuitBreaker.State.HALF_OPEN);
        assertThat(get(catalog.isbnOf("ワンピース", 45).orElseThrow()).getStatusCode().value()).isEqualTo(200);
        assertThat(erpCircuitBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        JsonNode health = http.getForObject("/actuator/health", JsonNode.class).path("components").path("erp");
        assertThat(health.path("status").asText()).as(health.toString()).isEqualTo("UP");
        assertThat(health.path("details").path("probe").asText()).as("the probe URL derived from the endpoint").isEqualTo("UP");
    }

    /**
     * Issue #22: while the breaker is open, a book whose stock was known is answered from the last known stock (stale)
     * without an ERP call; one never known is a 503. The time of such an answer is a benchmark's figure
     * (InventoryBenchmark), not asserted here.
     */
    @Test
    void whileTheBreakerIsOpenTheLastKnownStockIsServedWithoutAnErpCall() {
        String isbn = catalog.isbnOf("呪術廻戦", 6).orElseThrow();
        // a cold JVM's first ERP call can miss the 1 s timeout of the flow tests: known once it is answered
        await().atMost(WAIT).until(() -> get(isbn).getStatusCode().value() == 200);
        await().atMost(WAIT).until(() -> Boolean.TRUE.equals(redis.hasKey("inventory:last:TK01:" + isbn)));
        redis.delete("inventory:TK01:" + isbn);  // the fresh entry expired; the last known one remains
        erpCircuitBreaker.reset();
        erp.faults().set(FaultMode.HTTP_500);
        for (int i = 0; i < 5; i++) {
            get(randomIsbn());
        }
        assertThat(erpCircuitBreaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        long calls = erp.stats().totalCalls();

        ResponseEntity<JsonNode> stale = get(isbn);

        assertThat(stale.getStatusCode().value()).as(String.valueOf(stale.getBody())).isEqualTo(200);
        assertThat(stale.getBody().path("stale").asBoolean()).isTrue();
        assertThat(stale.getBody().path("isbn").asText()).isEqualTo(isbn);
        assertThat(get(randomIsbn()).getStatusCode().value()).isEqualTo(503);
        assertThat(erp.stats().totalCalls()).as("an open breaker sends nothing").isEqualTo(calls);
    }

    private double cacheErrors(String operation) {
        return meters.get("mangaassist.inventory.cache.errors").tag("operation", operation).counter().count();
    }

    /** CLIENT PAUSE: Redis holds every client's commands (ours included) for the duration. */
    private void pauseRedis(Duration duration) {
        redis.execute((RedisCallback<Object>) c -> c.execute("CLIENT", "PAUSE".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                Long.toString(duration.toMillis()).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    /** Redis answers again (the pause is over), so the next test starts on a working cache. */
    private void awaitRedis() {
        await().atMost(WAIT).ignoreExceptions().until(() -> "PONG".equals(redis.execute((RedisCallback<String>) c -> c.ping())));
    }

    /** A GET by the JDK client: TestRestTemplate's client would retry a 503 by itself and blur what happened. */
    private ResponseEntity<JsonNode> get(String isbn) {
        try {
            java.net.http.HttpResponse<String> response = JDK.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            http.getRootUri() + "/api/inventory/" + java.net.URLEncoder.encode(isbn, java.nio.charset.StandardCharsets.UTF_8)
                                    .replace("+", "%20"))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return ResponseEntity.status(response.statusCode()).body(JSON.readTree(response.body()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static final java.net.http.HttpClient JDK = java.net.http.HttpClient.newHttpClient();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static HttpEntity<List<String>> json(List<String> isbns) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return new HttpEntity<>(isbns, headers);
    }

    /** A valid ISBN-13 the catalog does not have (979 prefix: the catalog uses 978). */
    static String randomIsbn() {
        String first12 = "979" + String.format("%09d", ThreadLocalRandom.current().nextInt(1_000_000_000));
        return first12 + ErpCatalog.checkDigit(first12);
    }

    private static <T> List<T> concurrently(int n, java.util.function.IntFunction<T> call) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 100));
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> call.apply(index)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            return results;
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }
}
