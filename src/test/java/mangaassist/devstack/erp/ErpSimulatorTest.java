package mangaassist.devstack.erp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator over raw HTTP, as the seed's Python adapter or a separately running stack would use it. */
class ErpSimulatorTest {

    static final Charset SJIS = Charset.forName("Shift_JIS");
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static ErpSimulator sim;

    @BeforeAll
    static void start() {
        sim = ErpSimulator.start("127.0.0.1", 0, ErpSimulator.Options.fast());
    }

    @AfterAll
    static void stop() {
        sim.stop();
    }

    @BeforeEach
    void reset() {
        sim.faults().reset();
        sim.stats().reset();
    }

    /** The seed's SOAP_BATCH_ENVELOPE_TEMPLATE, filled in: ISBNs only, no WarehouseCode. */
    static String seedBatch(String token, String... isbns) {
        StringBuilder el = new StringBuilder();
        for (String i : isbns) {
            el.append("<inv:ISBN>").append(i).append("</inv:ISBN>\n      ");
        }
        return """
                <?xml version="1.0" encoding="Shift_JIS"?>
                <soapenv:Envelope
                    xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
                    xmlns:inv="http://legacy-erp.manga-store.co.jp/inventory/v1">
                  <soapenv:Header>
                    <inv:AuthToken>%s</inv:AuthToken>
                  </soapenv:Header>
                  <soapenv:Body>
                    <inv:GetBatchStockLevels>
                      %s
                    </inv:GetBatchStockLevels>
                  </soapenv:Body>
                </soapenv:Envelope>""".formatted(token, el);
    }

    static HttpResponse<byte[]> post(String url, byte[] body, String contentType) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void acceptsTheSeedsBatchEnvelope() throws Exception {
        String op1 = sim.catalog().isbnOf("ワンピース", 1).orElseThrow();
        String op42 = sim.catalog().isbnOf("ワンピース", 42).orElseThrow();

        HttpResponse<byte[]> r = post(sim.url(), seedBatch("dev-erp-token", op1, "9784000000000", op42).getBytes(SJIS),
                "text/xml; charset=Shift_JIS");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("text/xml; charset=Shift_JIS");
        String xml = new String(r.body(), Charset.forName("Windows-31J"));
        assertThat(xml).startsWith("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>")
                .contains("ワンピース 1<", "ワンピース 42<", "<StatusCode>02</StatusCode>", "<WarehouseCode>TK01</WarehouseCode>")
                .doesNotContain("9784000000000");
        assertThat(sim.stats().isbnsPerCall()).containsExactly(Arrays.asList(op1, "9784000000000", op42));
        assertThat(sim.stats().calls("GetBatchStockLevels")).isEqualTo(1);
    }

    @Test
    void refusesUtf8Requests() throws Exception {
        HttpResponse<byte[]> r = post(sim.url(), seedBatch("dev-erp-token", "9784088725420")
                .replace("Shift_JIS", "UTF-8").getBytes(StandardCharsets.UTF_8), "text/xml; charset=UTF-8");

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(new String(r.body(), SJIS)).contains("<faultcode>soapenv:Client</faultcode>", "Shift_JIS required");
    }

    @Test
    void refusesMoreThanTwentyIsbnsPerTheSchema() throws Exception {
        String[] isbns = new String[21];
        Arrays.fill(isbns, "9784088725420");
        HttpResponse<byte[]> r = post(sim.url(), seedBatch("dev-erp-token", isbns).getBytes(SJIS), "text/xml; charset=Shift_JIS");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(new String(r.body(), SJIS)).contains("maximum of '20'");
    }

    @Test
    void missingTokenIsASoapFault() throws Exception {
        String noHeader = seedBatch("x", "9784088725420").replaceAll("(?s)<soapenv:Header>.*</soapenv:Header>", "");
        HttpResponse<byte[]> r = post(sim.url(), noHeader.getBytes(SJIS), "text/xml; charset=Shift_JIS");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(new String(r.body(), Charset.forName("Windows-31J"))).contains("認証エラー");
    }

    @Test
    void controlEndpointSwitchesModesAtRunTime() throws Exception {
        String control = sim.baseUrl() + ErpSimulator.CONTROL_PATH;

        HttpResponse<String> set = HTTP.send(HttpRequest.newBuilder(URI.create(control + "?mode=down"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(set.body()).contains("\"mode\":\"DOWN\"");
        assertThat(sim.faults().current()).isEqualTo(FaultMode.DOWN);

        HttpResponse<byte[]> down = post(sim.url(), seedBatch("dev-erp-token", "1").getBytes(SJIS), "text/xml; charset=Shift_JIS");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).isEmpty();
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(503);

        HttpResponse<String> bad = HTTP.send(HttpRequest.newBuilder(URI.create(control + "?mode=EXPLODE"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);

        HttpResponse<String> state = HTTP.send(HttpRequest.newBuilder(URI.create(control + "?mode=NONE&resetStats=true"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(state.body()).contains("\"mode\":\"NONE\"", "\"totalCalls\":0");
    }

    @Test
    void controlEndpointSetsTheLatencyAtRunTime() throws Exception {
        String control = sim.baseUrl() + ErpSimulator.CONTROL_PATH;
        try {
            HttpResponse<String> set = HTTP.send(HttpRequest.newBuilder(URI.create(control + "?latencyP50Ms=300&latencyP99Ms=300"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(set.body()).contains("\"latency\":{\"p50Ms\":300,\"p99Ms\":300}");
            long start = System.nanoTime();
            assertThat(post(sim.url(), seedBatch("dev-erp-token", "9784088725420").getBytes(SJIS), "text/xml; charset=Shift_JIS")
                    .statusCode()).isEqualTo(200);
            // p50 = p99: every answer waits exactly 300 ms (a lower bound: never flaky)
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

            HttpResponse<String> bad = HTTP.send(HttpRequest.newBuilder(URI.create(control + "?latencyP50Ms=800&latencyP99Ms=300"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
        } finally {
            sim.setLatency(LatencyModel.none());
        }
        HttpResponse<String> none = HTTP.send(HttpRequest.newBuilder(URI.create(control)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(none.body()).contains("\"latency\":{\"p50Ms\":0,\"p99Ms\":0}");
    }

    @Test
    void slowModeHoldsTheAnswerWithoutBlocking() throws Exception {
        try (ErpSimulator slow = ErpSimulator.start("127.0.0.1", 0,
                ErpSimulator.Options.fast().withSlowDelay(Duration.ofSeconds(30)))) {
            slow.faults().set(FaultMode.SLOW);
            HttpRequest held = HttpRequest.newBuilder(URI.create(slow.url())).timeout(Duration.ofMillis(300))
                    .header("Content-Type", "text/xml; charset=Shift_JIS")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(seedBatch("dev-erp-token", "1").getBytes(SJIS))).build();
            var pending = HTTP.sendAsync(held, HttpResponse.BodyHandlers.discarding());
            // While that one is held, the single event loop still serves others.
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(slow.baseUrl() + "/health")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
            assertThatThrownBy(pending::join).hasCauseInstanceOf(java.net.http.HttpTimeoutException.class);
        }
    }

    @Test
    void bindsToLoopbackOnly() {
        assertThatThrownBy(() -> ErpSimulator.start("0.0.0.0", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void latencyModelMatchesTheSeedsFigures() {
        LatencyModel m = LatencyModel.legacyErp();
        long[] s = new long[20_000];
        for (int i = 0; i < s.length; i++) {
            s[i] = m.sampleMs();
        }
        Arrays.sort(s);
        assertThat(s[s.length / 2]).isBetween(270L, 330L);
        assertThat(s[(int) (s.length * 0.99)]).isBetween(700L, 900L);
        assertThat(LatencyModel.none().sampleMs()).isZero();
    }

    @Test
    void slidingWindowAdmitsFiftyPerSecond() {
        SlidingWindowLimiter limiter = new SlidingWindowLimiter(50);
        long t0 = 1_000_000_000L;
        for (int i = 0; i < 50; i++) {
            assertThat(limiter.tryAcquire(t0 + i * 1_000_000L)).isTrue();
        }
        assertThat(limiter.tryAcquire(t0 + 999_000_000L)).isFalse(); // 51st inside the same second
        assertThat(limiter.tryAcquire(t0 + 1_000_000_000L)).isTrue(); // the first one has left the window
    }
}
