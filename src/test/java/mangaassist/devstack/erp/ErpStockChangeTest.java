package mangaassist.devstack.erp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The simulator's stock control: the ERP's table changes, and the change record DMS would capture goes out. */
class ErpStockChangeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aStockChangeUpdatesTheCatalogAndEmitsTheDmsRecord() throws Exception {
        List<String> feed = new CopyOnWriteArrayList<>();
        try (ErpSimulator erp = ErpSimulator.start("127.0.0.1", 0, ErpSimulator.Options.fast())) {
            erp.setChangeFeed(feed::add);
            String isbn = erp.catalog().isbnOf("ワンピース", 42).orElseThrow();

            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    erp.baseUrl() + ErpSimulator.STOCK_PATH + "?isbn=" + isbn + "&quantity=0"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(feed).containsExactly(answer.body());
            JsonNode record = JSON.readTree(feed.get(0));
            assertThat(record.path("data").path("ISBN").asText()).isEqualTo(isbn);
            assertThat(record.path("data").path("QTY").asInt()).isZero();
            assertThat(record.path("data").path("OLD_QTY").asInt()).isEqualTo(87);
            assertThat(record.path("data").path("TITLE").asText()).isEqualTo("ワンピース 42");
            assertThat(record.path("data").path("WAREHOUSE_CD").asText()).isEqualTo("TK01");
            assertThat(record.path("metadata").path("operation").asText()).isEqualTo("update");
            assertThat(record.path("metadata").path("table-name").asText()).isEqualTo("INVENTORY");
            assertThat(record.path("metadata").path("timestamp").asText()).isNotBlank();
            ErpCatalog.Item item = erp.catalog().byIsbn(isbn).orElseThrow();
            assertThat(item.quantity()).isZero();
            assertThat(item.statusCode()).as("out of stock").isEqualTo("03");

            HttpResponse<String> unknown = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    erp.baseUrl() + ErpSimulator.STOCK_PATH + "?isbn=9780000000000&quantity=1"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(404);
            HttpResponse<String> bad = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    erp.baseUrl() + ErpSimulator.STOCK_PATH + "?isbn=" + isbn + "&quantity=-3"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(feed).hasSize(1);
        }
    }
}
