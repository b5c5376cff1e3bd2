package mangaassist.inventory.erp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import mangaassist.devstack.erp.ErpSimulator;
import mangaassist.devstack.erp.FaultMode;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.transport.http.HTTPException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each ERP failure reaches the route as a recognisable exception and maps to the right API error. */
class ErpFaultModesTest {

    static ErpSimulator sim;
    static ErpTestClient client;
    static String isbn;

    @BeforeAll
    static void start() {
        sim = ErpSimulator.start("127.0.0.1", 0, ErpSimulator.Options.fast().withSlowDelay(Duration.ofSeconds(20)));
        client = new ErpTestClient(ErpClientSettings.of(sim.url(), "dev-erp-token")
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)));
        isbn = sim.catalog().isbnOf("進撃の巨人", 1).orElseThrow();
    }

    @AfterAll
    static void stop() {
        client.close();
        sim.stop();
    }

    @BeforeEach
    void reset() {
        sim.faults().reset();
        sim.stats().reset();
        sim.setRateLimit(50);
    }

    @ParameterizedTest
    @CsvSource({
            "HTTP_500,       ERP_FAULT",
            "MALFORMED_XML,  BAD_RESPONSE",
            "WRONG_ENCODING, BAD_RESPONSE",
            "DOCTYPE_BOMB,   BAD_RESPONSE",
            "SLOW,           TIMEOUT",
            "DOWN,           UNAVAILABLE"})
    void faultModeIsClassified(FaultMode mode, ErpError expected) {
        sim.faults().set(mode);

        Throwable t = catchThrowable(() -> client.getStockLevel(isbn, "TK01"));

        assertThat(t).isNotNull();
        assertThat(ErpErrorClassifier.classify(t)).as("%s: %s", mode, t).isEqualTo(expected);
    }

    @Test
    void soapFaultCarriesTheErpMessage() {
        sim.faults().set(FaultMode.HTTP_500);
        Throwable t = catchThrowable(() -> client.getStockLevel(isbn, "TK01"));
        assertThat(t).isInstanceOf(SoapFault.class).hasNoCause();
        assertThat(ErpErrorClassifier.faultMessage(t)).contains("システムエラー");
    }

    @Test
    void entityBombIsRefusedByTheParserNotExpanded() {
        sim.faults().set(FaultMode.DOCTYPE_BOMB);
        Throwable t = catchThrowable(() -> client.getStockLevel(isbn, "TK01"));
        assertThat(t).isInstanceOf(SoapFault.class).hasMessageContaining("DTD");
    }

    @Test
    void slowErpHitsTheReceiveTimeout() {
        sim.faults().set(FaultMode.SLOW);
        long start = System.nanoTime();
        Throwable t = catchThrowable(() -> client.getStockLevel(isbn, "TK01"));
        assertThat(ErpErrorClassifier.find(t, HttpTimeoutException.class)).isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void serviceUnavailableWithoutBodyIsAnHttpException() {
        sim.faults().set(FaultMode.DOWN);
        Throwable t = catchThrowable(() -> client.getStockLevel(isbn, "TK01"));
        assertThat(ErpErrorClassifier.find(t, HTTPException.class).getResponseCode()).isEqualTo(503);
    }

    @Test
    void connectionRefusedIsUnavailable() {
        ErpSimulator gone = ErpSimulator.start("127.0.0.1", 0, ErpSimulator.Options.fast());
        String url = gone.url();
        gone.stop();
        try (ErpTestClient c = new ErpTestClient(ErpClientSettings.of(url, "dev-erp-token"))) {
            Throwable t = catchThrowable(() -> c.getStockLevel(isbn, "TK01"));
            assertThat(ErpErrorClassifier.find(t, java.net.ConnectException.class)).isNotNull();
            assertThat(ErpErrorClassifier.classify(t)).isEqualTo(ErpError.UNAVAILABLE);
        }
    }

    @Test
    void wrongTokenIsASoapFault() {
        try (ErpTestClient c = new ErpTestClient(ErpClientSettings.of(sim.url(), "wrong-token"))) {
            Throwable t = catchThrowable(() -> c.getStockLevel(isbn, "TK01"));
            assertThat(ErpErrorClassifier.classify(t)).isEqualTo(ErpError.ERP_FAULT);
            assertThat(t).hasMessageContaining("AuthToken").hasMessageNotContaining("wrong-token");
            assertThat(ErpErrorClassifier.isClientFault(t)).as("not worth a retry").isTrue();
            assertThat(sim.stats().authFailures()).isEqualTo(1);
        }
    }

    @Test
    void clientRecoversWhenTheFaultIsCleared() throws Exception {
        sim.faults().set(FaultMode.MALFORMED_XML);
        catchThrowable(() -> client.getStockLevel(isbn, "TK01"));
        sim.faults().reset();
        assertThat(client.getStockLevel(isbn, "TK01").getTitle()).isEqualTo("進撃の巨人 1");
    }

    @Test
    void fiftyFirstRequestWithinOneSecondIsRefused() throws Exception {
        // A fresh simulator: its 1 s window starts empty whatever the other tests did.
        try (ErpSimulator fresh = ErpSimulator.start("127.0.0.1", 0, ErpSimulator.Options.fast());
             ErpTestClient c = new ErpTestClient(ErpClientSettings.of(fresh.url(), "dev-erp-token"))) {
            c.getStockLevel(isbn, "TK01"); // warms the client up; counted well over a second before the others
            // 51 requests held at the door and let in together: all within one second however slow the machine
            fresh.holdArrivals(Duration.ofSeconds(3));
            ExecutorService pool = Executors.newFixedThreadPool(51);
            List<Future<ErpError>> results = new ArrayList<>();
            for (int i = 0; i < 51; i++) {
                results.add(pool.submit(() -> {
                    try {
                        c.getStockLevel(isbn, "TK01");
                        return null;
                    } catch (Exception e) {
                        return ErpErrorClassifier.classify(e);
                    }
                }));
            }
            List<ErpError> errors = new ArrayList<>();
            for (Future<ErpError> f : results) {
                if (f.get() != null) {
                    errors.add(f.get());
                }
            }
            pool.shutdown();
            assertThat(fresh.stats().maxCallsInAnySecond()).isEqualTo(51);
            assertThat(errors).containsExactly(ErpError.ERP_FAULT);
            assertThat(fresh.stats().rateLimitedCalls()).isEqualTo(1);
        }
    }
}
