package mangaassist.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.catalog.Product;
import mangaassist.devstack.erp.ErpCatalog;
import mangaassist.inventory.StockStatus;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes the ERP simulator's catalog to the products table ({@code manga-products}), as the ERP's CDC and the nightly
 * sync do in production; the application's catalog-cdc flow then indexes it into {@code manga-catalog} (nothing
 * writes the index directly). So the chat can resolve 「ワンピース 42巻」 to the ISBN the simulator answers for.
 *
 * <p>The table and the index belong to the application (TopologyProvisioner creates them), so the seeder waits for
 * both, in the same JVM or with the stack as its own process, then writes the items (BatchWriteItem, 25 a call,
 * unprocessed items again) and completes {@link #seeded()} once the index holds as many documents.
 */
final class CatalogSeeder {

    static final String INDEX = "manga-catalog";
    static final String TABLE = "manga-products";
    static final String WAREHOUSE = "TK01";
    private static final Logger LOG = LoggerFactory.getLogger(CatalogSeeder.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration GIVE_UP = Duration.ofMinutes(30);
    private static final Duration INDEXING = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Authors and genres of the simulator's series (the ERP has none): search and embeddings use them. */
    private static final Map<String, String[]> AUTHOR_GENRE = Map.of(
            "ワンピース", new String[] {"尾田栄一郎", "少年漫画 冒険"},
            "進撃の巨人", new String[] {"諫山創", "少年漫画 ダークファンタジー"},
            "鬼滅の刃", new String[] {"吾峠呼世晴", "少年漫画 時代劇"},
            "呪術廻戦", new String[] {"芥見下々", "少年漫画 ダークファンタジー"},
            "NARUTO -ナルト-", new String[] {"岸本斉史", "少年漫画 忍者"},
            "SPY×FAMILY", new String[] {"遠藤達哉", "少年漫画 コメディ"},
            "葬送のフリーレン", new String[] {"山田鐘人 アベツカサ", "少年漫画 ファンタジー"});

    private final String openSearchUrl;
    private final String dynamoDbUrl;
    private final ErpCatalog catalog;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final CompletableFuture<Integer> seeded = new CompletableFuture<>();

    CatalogSeeder(String openSearchUrl, String dynamoDbUrl, ErpCatalog catalog) {
        this.openSearchUrl = openSearchUrl;
        this.dynamoDbUrl = dynamoDbUrl;
        this.catalog = catalog;
    }

    /** Starts waiting for the table and index in the background; {@link #seeded()} completes with the item count. */
    CatalogSeeder start() {
        Thread worker = new Thread(this::run, "catalog-seeder");
        worker.setDaemon(true);
        worker.start();
        return this;
    }

    CompletableFuture<Integer> seeded() {
        return seeded;
    }

    /** The products of the simulator's catalog, as the table holds them. */
    static List<Product> products(ErpCatalog catalog) {
        List<Product> products = new ArrayList<>();
        for (ErpCatalog.Item item : catalog.items()) {
            String[] authorGenre = AUTHOR_GENRE.getOrDefault(item.series(), new String[] {"", ""});
            products.add(new Product(item.isbn(), item.title(), authorGenre[0], authorGenre[1], item.quantity(),
                    WAREHOUSE, StockStatus.fromCode(item.statusCode()), item.priceJpy()));
        }
        return products;
    }

    private void run() {
        try (DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(URI.create(dynamoDbUrl))
                .region(Region.AP_NORTHEAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build()) {
            Awaitility.await("table " + TABLE + " and index " + INDEX + " created by the application").pollInterval(POLL)
                    .atMost(GIVE_UP).ignoreExceptions().until(() -> tableExists(dynamoDb) && indexExists());
            List<Product> products = products(catalog);
            write(dynamoDb, products);
            LOG.info("Products table {} seeded with {} items of the ERP simulator; waiting for catalog-cdc to index them",
                    TABLE, products.size());
            Awaitility.await("catalog-cdc indexing " + products.size() + " items into " + INDEX).pollInterval(POLL)
                    .atMost(INDEXING).ignoreExceptions().until(() -> documents() >= products.size());
            LOG.info("Catalog index {} holds the {} items of the ERP simulator", INDEX, products.size());
            seeded.complete(products.size());
        } catch (RuntimeException e) { // ConditionTimeoutException included
            LOG.warn("Catalog not seeded: {}", e.getMessage());
            seeded.completeExceptionally(e);
        }
    }

    private static boolean tableExists(DynamoDbClient dynamoDb) {
        try {
            return dynamoDb.describeTable(b -> b.tableName(TABLE)).table() != null;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    private static void write(DynamoDbClient dynamoDb, List<Product> products) {
        for (int i = 0; i < products.size(); i += 25) {
            List<WriteRequest> writes = products.subList(i, Math.min(products.size(), i + 25)).stream()
                    .map(p -> WriteRequest.builder().putRequest(PutRequest.builder().item(p.toItem()).build()).build())
                    .toList();
            Map<String, List<WriteRequest>> pending = Map.of(TABLE, writes);
            while (!pending.isEmpty()) {
                BatchWriteItemResponse response = dynamoDb.batchWriteItem(
                        BatchWriteItemRequest.builder().requestItems(pending).build());
                pending = response.unprocessedItems();
            }
        }
    }

    private boolean indexExists() throws IOException, InterruptedException {
        HttpRequest head = HttpRequest.newBuilder(URI.create(openSearchUrl + "/" + INDEX))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build();
        return http.send(head, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    private long documents() throws IOException, InterruptedException {
        HttpRequest count = HttpRequest.newBuilder(URI.create(openSearchUrl + "/" + INDEX + "/_count"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        HttpResponse<String> response = http.send(count, HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? JSON.readTree(response.body()).path("count").asLong() : -1;
    }
}
