package mangaassist.inventory.erp;

import mangaassist.inventory.StockStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import mangaassist.devstack.erp.ErpCatalog;
import mangaassist.devstack.erp.ErpSimulator;
import mangaassist.devstack.erp.ErpSimulatorStats.RawRequest;
import mangaassist.inventory.erp.generated.InventoryPortType;
import mangaassist.inventory.erp.generated.StockItem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Shift_JIS on the wire, both ways, through the production CxfEndpoint against the simulator. */
class ErpShiftJisClientTest {

    static final Charset SJIS = Charset.forName("Shift_JIS");
    static ErpSimulator sim;
    static ErpTestClient client;

    @BeforeAll
    static void start() {
        sim = ErpSimulator.start("127.0.0.1", 0, ErpSimulator.Options.fast());
        client = new ErpTestClient(ErpClientSettings.of(sim.url(), "dev-erp-token"));
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
    }

    @Test
    void stockLevelRoundTripIsShiftJisOnTheWire() throws Exception {
        String isbn = sim.catalog().isbnOf("ワンピース", 42).orElseThrow();

        StockItem item = client.getStockLevel(isbn, "TK01");

        assertThat(item.getTitle()).isEqualTo("ワンピース 42");
        assertThat(item.getQuantity()).isEqualTo(87);
        assertThat(StockStatus.fromCode(item.getStatusCode())).isEqualTo(StockStatus.IN_STOCK);
        assertThat(item.getPriceJPY()).isEqualTo(528);
        RawRequest wire = sim.stats().lastRequest();
        assertThat(wire.contentType()).isEqualToIgnoringCase("text/xml; charset=Shift_JIS");
        assertThat(new String(wire.body(), StandardCharsets.US_ASCII))
                .startsWith("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>")
                .contains("AuthToken").contains(isbn);
        assertThat(wire.headers()).containsKey("Content-Length")
                .doesNotContainKey("Upgrade").doesNotContainKey("Transfer-Encoding");
    }

    @Test
    void nonAsciiRequestValuesAreNativeShiftJisBytesNotCharacterReferences() throws Exception {
        String isbn = sim.catalog().isbnOf("呪術廻戦", 3).orElseThrow();

        StockItem item = client.getStockLevel(isbn, "東京第一倉庫");

        byte[] body = sim.stats().lastRequest().body();
        assertThat(indexOf(body, "東京第一倉庫".getBytes(SJIS))).isNotNegative();
        assertThat(new String(body, StandardCharsets.US_ASCII)).doesNotContain("&#");
        assertThat(item.getWarehouseCode()).isEqualTo("東京第一倉庫");
        assertThat(item.getTitle()).isEqualTo("呪術廻戦 3");
    }

    @Test
    void vendorCharactersInTitlesDecodeAsWindows31J() throws Exception {
        List<String> specials = sim.catalog().items().stream()
                .filter(i -> i.title().contains("①")).map(ErpCatalog.Item::isbn).toList();

        List<StockItem> items = client.getBatchStockLevels(specials, "TK01");

        assertThat(items).extracting(StockItem::getTitle).containsExactlyInAnyOrder(
                "鬼滅の刃 公式ファンブック ① ～鬼殺隊見聞録～", "ONE PIECE 髙橋書店コラボ特装版 ①");
    }

    @Test
    void responseWithoutCharsetIsDecodedWithTheConfiguredCodepage() throws Exception {
        try (ErpSimulator bare = ErpSimulator.start("127.0.0.1", 0,
                ErpSimulator.Options.fast().withCharsetInContentType(false));
             ErpTestClient c = new ErpTestClient(ErpClientSettings.of(bare.url(), "dev-erp-token"))) {
            String isbn = bare.catalog().searchTitle("鬼殺隊").get(0).isbn();

            StockItem item = c.getStockLevel(isbn, "TK01");

            assertThat(item.getTitle()).isEqualTo("鬼滅の刃 公式ファンブック ① ～鬼殺隊見聞録～");
        }
    }

    @Test
    void batchOfTwentyLeavesUnknownIsbnsOut() throws Exception {
        List<String> isbns = new ArrayList<>();
        for (int v = 1; v <= 17; v++) {
            isbns.add(sim.catalog().isbnOf("NARUTO", v).orElseThrow());
        }
        isbns.add(5, "9784000000000"); // not in the catalog
        isbns.add(11, "9780000000002");
        isbns.add("9999999999999");

        List<StockItem> items = client.getBatchStockLevels(isbns, "OS01");

        assertThat(isbns).hasSize(20);
        assertThat(items).hasSize(17);
        assertThat(items).extracting(StockItem::getTitle).startsWith("NARUTO -ナルト- 1", "NARUTO -ナルト- 2");
        assertThat(items).extracting(StockItem::getISBN).doesNotContain("9784000000000", "9780000000002", "9999999999999");
        assertThat(items).extracting(StockItem::getWarehouseCode).containsOnly("OS01");
        assertThat(sim.stats().isbnCountPerCall()).containsExactly(20);
    }

    @Test
    void unknownSingleIsbnIsAbsentNotAnError() throws Exception {
        assertThat(client.getStockLevel("9784000000000", "TK01")).isNull();
    }

    @Test
    void characterOutsideShiftJisIsRefusedBeforeSending() {
        Throwable t = catchThrowable(() -> client.getStockLevel("ワンピース①", "TK01"));

        assertThat(ErpErrorClassifier.classify(t)).isEqualTo(ErpError.REQUEST_REJECTED);
        assertThat(ErpErrorClassifier.find(t, UnencodableCharacterException.class))
                .hasMessageContaining("U+2460").hasMessageContaining("Shift_JIS");
        assertThat(sim.stats().totalCalls()).isZero();
    }

    @Test
    void xmlInjectionInIsbnArrivesAsOneLiteralString() throws Exception {
        String evil = "1</ISBN><ISBN>2&amp;";

        StockItem item = client.getStockLevel(evil, "TK01");

        assertThat(item).isNull(); // looked up as one (unknown) ISBN
        assertThat(sim.stats().isbnsPerCall()).containsExactly(List.of(evil));
        assertThat(new String(sim.stats().lastRequest().body(), SJIS)).contains("<ISBN>1&lt;/ISBN&gt;&lt;ISBN&gt;2&amp;amp;</ISBN>");
    }

    @Test
    void jaxWsProxyAlternativeHasTheSameWireFormat() {
        InventoryPortType port = new ErpCxfClientFactory(ErpClientSettings.of(sim.url(), "dev-erp-token"))
                .createJaxWsProxy();

        StockItem item = port.getStockLevel(sim.catalog().isbnOf("葬送のフリーレン", 2).orElseThrow(), "TK01");

        assertThat(item.getTitle()).isEqualTo("葬送のフリーレン 2");
        assertThat(sim.stats().lastRequest().contentType()).isEqualToIgnoringCase("text/xml; charset=Shift_JIS");
    }

    @Test
    void settingsNeverPrintTheToken() {
        assertThat(ErpClientSettings.of("http://x", "s3cret-token").toString()).doesNotContain("s3cret");
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
