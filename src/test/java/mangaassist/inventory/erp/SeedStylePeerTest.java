package mangaassist.inventory.erp;

import mangaassist.inventory.StockStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import javax.xml.parsers.DocumentBuilderFactory;

import com.sun.net.httpserver.HttpServer;
import mangaassist.inventory.erp.generated.StockItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Our client against a raw HTTP peer that speaks exactly the seed adapter's envelopes (inv: prefix, every
 * element qualified, Shift_JIS bytes), written by hand rather than produced by our own WSDL/JAXB.
 */
class SeedStylePeerTest {

    static final String INV = "http://legacy-erp.manga-store.co.jp/inventory/v1";
    static final String SOAP = "http://schemas.xmlsoap.org/soap/envelope/";

    HttpServer peer;
    final AtomicReference<byte[]> received = new AtomicReference<>();

    void startPeer(String responseXml, String contentType, Charset charset) throws Exception {
        peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        peer.createContext("/soap/inventory", ex -> {
            received.set(ex.getRequestBody().readAllBytes());
            byte[] out = responseXml.getBytes(charset);
            ex.getResponseHeaders().add("Content-Type", contentType);
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        peer.start();
    }

    String url() {
        return "http://127.0.0.1:" + peer.getAddress().getPort() + "/soap/inventory";
    }

    @AfterEach
    void stop() {
        if (peer != null) {
            peer.stop(0);
        }
    }

    @Test
    void singleItemEnvelopeAsTheSeedWritesIt() throws Exception {
        startPeer("""
                <?xml version="1.0" encoding="Shift_JIS"?>
                <soapenv:Envelope
                    xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
                    xmlns:inv="http://legacy-erp.manga-store.co.jp/inventory/v1">
                  <soapenv:Body>
                    <inv:GetStockLevelResponse>
                      <inv:StockItem>
                        <inv:ISBN>9784088725420</inv:ISBN>
                        <inv:Title>ワンピース 42</inv:Title>
                        <inv:Quantity>87</inv:Quantity>
                        <inv:WarehouseCode>TK01</inv:WarehouseCode>
                        <inv:StatusCode>01</inv:StatusCode>
                        <inv:LastRestockDate>2025-10-15</inv:LastRestockDate>
                        <inv:PriceJPY>528</inv:PriceJPY>
                      </inv:StockItem>
                    </inv:GetStockLevelResponse>
                  </soapenv:Body>
                </soapenv:Envelope>""", "text/xml; charset=Shift_JIS", Charset.forName("Shift_JIS"));

        try (ErpTestClient client = new ErpTestClient(ErpClientSettings.of(url(), "seed-token"))) {
            StockItem item = client.getStockLevel("9784088725420", "TK01");

            assertThat(item.getTitle()).isEqualTo("ワンピース 42");
            assertThat(item.getQuantity()).isEqualTo(87);
            assertThat(item.getPriceJPY()).isEqualTo(528);
            assertThat(item.getRestockETADays()).isNull();
        }
        // What we sent has the seed's shape: inv:AuthToken header, inv:GetStockLevel/ISBN+WarehouseCode.
        Document req = parse(received.get());
        Element header = first(req.getDocumentElement(), SOAP, "Header");
        assertThat(first(header, INV, "AuthToken").getTextContent()).isEqualTo("seed-token");
        Element op = first(first(req.getDocumentElement(), SOAP, "Body"), INV, "GetStockLevel");
        assertThat(first(op, INV, "ISBN").getTextContent()).isEqualTo("9784088725420");
        assertThat(first(op, INV, "WarehouseCode").getTextContent()).isEqualTo("TK01");
    }

    @Test
    void batchEnvelopeWithoutCharsetAndWithSparseItems() throws Exception {
        // No charset in the Content-Type, CP932 vendor characters, optional fields missing, a preorder row.
        startPeer(batchResponse("""
                      <inv:StockItem>
                        <inv:ISBN>9784088820000</inv:ISBN>
                        <inv:Title>髙橋さん家の① ～特装版～</inv:Title>
                        <inv:Quantity>0</inv:Quantity>
                        <inv:WarehouseCode>TK01</inv:WarehouseCode>
                        <inv:StatusCode>04</inv:StatusCode>
                        <inv:RestockETADays>14</inv:RestockETADays>
                      </inv:StockItem>
                      <inv:StockItem>
                        <inv:ISBN>9784063842764</inv:ISBN>
                        <inv:Title>進撃の巨人 1</inv:Title>
                        <inv:Quantity>3</inv:Quantity>
                        <inv:WarehouseCode>TK01</inv:WarehouseCode>
                        <inv:StatusCode>02</inv:StatusCode>
                      </inv:StockItem>
                """), "text/xml", Charset.forName("Windows-31J"));

        try (ErpTestClient client = new ErpTestClient(ErpClientSettings.of(url(), "seed-token"))) {
            List<StockItem> items = client.getBatchStockLevels(List.of("9784088820000", "9784063842764", "9784000000000"), null);

            assertThat(items).extracting(StockItem::getTitle).containsExactly("髙橋さん家の① ～特装版～", "進撃の巨人 1");
            assertThat(items).extracting(i -> StockStatus.fromCode(i.getStatusCode()))
                    .containsExactly(StockStatus.PREORDER, StockStatus.LOW_STOCK);
            assertThat(items.get(0).getRestockETADays()).isEqualTo(14);
            assertThat(items.get(1).getPriceJPY()).isNull();
        }
        Element op = first(first(parse(received.get()).getDocumentElement(), SOAP, "Body"), INV, "GetBatchStockLevels");
        assertThat(op.getElementsByTagNameNS(INV, "ISBN").getLength()).isEqualTo(3);
        assertThat(op.getElementsByTagNameNS(INV, "WarehouseCode").getLength()).isZero(); // like the seed's batch
    }

    @Test
    void aQuantityIsReadWithSurroundingWhitespaceAndAMissingOneStaysMissingNotZero() throws Exception {
        startPeer(batchResponse("""
                      <inv:StockItem>
                        <inv:ISBN>9784088725420</inv:ISBN>
                        <inv:Title>ワンピース 42</inv:Title>
                        <inv:Quantity>
                          87
                        </inv:Quantity>
                        <inv:WarehouseCode>TK01</inv:WarehouseCode>
                        <inv:StatusCode>01</inv:StatusCode>
                      </inv:StockItem>
                      <inv:StockItem>
                        <inv:ISBN>9784063842764</inv:ISBN>
                        <inv:Title>進撃の巨人 1</inv:Title>
                        <inv:WarehouseCode>TK01</inv:WarehouseCode>
                        <inv:StatusCode>01</inv:StatusCode>
                      </inv:StockItem>
                """), "text/xml; charset=Shift_JIS", Charset.forName("Windows-31J"));

        try (ErpTestClient client = new ErpTestClient(ErpClientSettings.of(url(), "seed-token"))) {
            List<StockItem> items = client.getBatchStockLevels(List.of("9784088725420", "9784063842764"), null);

            assertThat(items).extracting(StockItem::getQuantity).containsExactly(87, null);
        }
    }

    /** The seed's batch answer envelope around these StockItem elements. */
    static String batchResponse(String stockItems) {
        return """
                <?xml version="1.0" encoding="Shift_JIS"?>
                <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
                    xmlns:inv="http://legacy-erp.manga-store.co.jp/inventory/v1">
                  <soapenv:Body>
                    <inv:GetBatchStockLevelsResponse>
                """ + stockItems + """
                    </inv:GetBatchStockLevelsResponse>
                  </soapenv:Body>
                </soapenv:Envelope>""";
    }

    static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return dbf.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    static Element first(Element parent, String ns, String local) {
        return (Element) parent.getElementsByTagNameNS(ns, local).item(0);
    }
}
