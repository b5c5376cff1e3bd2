package mangaassist.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.devstack.erp.ErpCatalog;
import mangaassist.inventory.StockStatus;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the OpenSearch catalog index with the ERP simulator's catalog, so that the chat can resolve
 * 「ワンピース 42巻」 to the ISBN the simulator answers for. In production the catalog-cdc and
 * catalog-sync flows keep the index; on the embedded stack nothing else writes it.
 *
 * <p>The index belongs to the application (TopologyProvisioner creates it with its k-NN mapping), so
 * the seeder waits for it to exist before writing: in the same JVM or with the stack as its own process.
 * Documents follow the seed's catalog document ({@code isbn, title, quantity_available, stock_status,
 * price_jpy, last_sync_utc}); embeddings are left to the catalog flows.
 */
final class CatalogSeeder {

    static final String INDEX = "manga-catalog";
    private static final Logger LOG = LoggerFactory.getLogger(CatalogSeeder.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration GIVE_UP = Duration.ofMinutes(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final ErpCatalog catalog;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final CompletableFuture<Integer> seeded = new CompletableFuture<>();

    CatalogSeeder(String baseUrl, ErpCatalog catalog) {
        this.baseUrl = baseUrl;
        this.catalog = catalog;
    }

    /** Starts waiting for the index in the background; {@link #seeded()} completes with the document count. */
    CatalogSeeder start() {
        Thread worker = new Thread(this::run, "catalog-seeder");
        worker.setDaemon(true);
        worker.start();
        return this;
    }

    CompletableFuture<Integer> seeded() {
        return seeded;
    }

    private void run() {
        try {
            Awaitility.await("index " + INDEX + " created by the application").pollInterval(POLL).atMost(GIVE_UP)
                    .until(this::indexExists);
            int count = bulkIndex();
            LOG.info("Catalog index {} seeded with {} items of the ERP simulator", INDEX, count);
            seeded.complete(count);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            seeded.completeExceptionally(e);
        } catch (IOException | RuntimeException e) { // ConditionTimeoutException included
            LOG.warn("Catalog index {} not seeded: {}", INDEX, e.getMessage());
            seeded.completeExceptionally(e);
        }
    }

    private boolean indexExists() throws IOException, InterruptedException {
        try {
            HttpRequest head = HttpRequest.newBuilder(URI.create(baseUrl + "/" + INDEX))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build();
            return http.send(head, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    private int bulkIndex() throws IOException, InterruptedException {
        StringBuilder ndjson = new StringBuilder();
        String now = Instant.now().toString();
        int count = 0;
        for (ErpCatalog.Item item : catalog.items()) {
            ObjectNode action = JSON.createObjectNode();
            action.putObject("index").put("_id", item.isbn());
            ndjson.append(action).append('\n');
            ObjectNode doc = JSON.createObjectNode()
                    .put("isbn", item.isbn())
                    .put("title", item.title())
                    .put("quantity_available", item.quantity())
                    .put("stock_status", StockStatus.fromCode(item.statusCode()).value())
                    .put("last_sync_utc", now);
            if (item.priceJpy() != null) {
                doc.put("price_jpy", item.priceJpy());
            }
            ndjson.append(doc).append('\n');
            count++;
        }
        HttpRequest bulk = HttpRequest.newBuilder(URI.create(baseUrl + "/" + INDEX + "/_bulk?refresh=wait_for"))
                .header("Content-Type", "application/x-ndjson").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())).build();
        HttpResponse<String> response = http.send(bulk, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || JSON.readTree(response.body()).path("errors").asBoolean(true)) {
            throw new IOException("bulk index answered " + response.statusCode() + ": "
                    + response.body().substring(0, Math.min(300, response.body().length())));
        }
        return count;
    }
}
