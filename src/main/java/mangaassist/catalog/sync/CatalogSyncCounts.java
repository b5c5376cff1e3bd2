package mangaassist.catalog.sync;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.catalog.Product;
import mangaassist.catalog.TypedAttributes;
import org.apache.camel.Body;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.RestClient;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * The reconciliation's reads: exact counts (DynamoDB Scan with Select=COUNT over every page, not the table's
 * ItemCount, which DynamoDB refreshes about every 6 hours; OpenSearch {@code _count}) and the sample's items in both
 * stores (BatchGetItem, {@code _mget}), compared field by field with what the export said.
 */
@Component("catalogSyncCounts")
public class CatalogSyncCounts {

    private final DynamoDbClient dynamoDb;
    private final RestClient openSearch;
    private final CatalogSyncProperties properties;
    private final ObjectMapper json = new ObjectMapper();

    public CatalogSyncCounts(DynamoDbClient dynamoDb, RestClient openSearch, CatalogSyncProperties properties) {
        this.dynamoDb = dynamoDb;
        this.openSearch = openSearch;
        this.properties = properties;
    }

    public Reconciling dynamoDb(@Body Reconciling reconciling) {
        long count = dynamoDb.scanPaginator(b -> b.tableName(properties.productsTable()).select(Select.COUNT))
                .stream().mapToLong(ScanResponse::count).sum();
        return reconciling.withDynamoDb(count);
    }

    public Reconciling openSearch(@Body Reconciling reconciling) throws IOException {
        Response response = openSearch.performRequest(new Request("GET", "/" + properties.searchIndex() + "/_count"));
        try (InputStream body = response.getEntity().getContent()) {
            return reconciling.withOpenSearch(json.readTree(body).path("count").asLong(), System.nanoTime());
        }
    }

    /** The sampled products read back from both stores and compared field by field. */
    public Reconciling sample(@Body Reconciling reconciling) throws IOException {
        List<Product> sample = reconciling.run().sample().items();
        if (sample.isEmpty()) {
            return reconciling.withSample(0, List.of());
        }
        Map<String, Map<String, Object>> stored = fromDynamoDb(sample);
        Map<String, JsonNode> indexed = fromOpenSearch(sample);
        List<Reconciliation.Mismatch> mismatches = new ArrayList<>();
        for (Product expected : sample) {
            compareItem(expected, stored.get(expected.isbn()), mismatches);
            compareDocument(expected, indexed.get(expected.isbn()), mismatches);
        }
        return reconciling.withSample(sample.size(), mismatches);
    }

    private Map<String, Map<String, Object>> fromDynamoDb(List<Product> sample) {
        Map<String, Map<String, Object>> items = new LinkedHashMap<>();
        for (int from = 0; from < sample.size(); from += 100) {   // BatchGetItem: 100 keys a call
            List<Map<String, AttributeValue>> keys = sample.subList(from, Math.min(sample.size(), from + 100)).stream()
                    .map(p -> Map.of(Product.ISBN, AttributeValue.fromS(p.isbn()))).toList();
            Map<String, KeysAndAttributes> request = Map.of(properties.productsTable(),
                    KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            while (!request.isEmpty()) {
                Map<String, KeysAndAttributes> asked = request;
                var response = dynamoDb.batchGetItem(b -> b.requestItems(asked));
                response.responses().getOrDefault(properties.productsTable(), List.of())
                        .forEach(item -> items.put(item.get(Product.ISBN).s(), TypedAttributes.plain(item)));
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return items;
    }

    private Map<String, JsonNode> fromOpenSearch(List<Product> sample) throws IOException {
        ObjectNode body = json.createObjectNode();
        ArrayNode ids = body.putArray("ids");
        sample.forEach(p -> ids.add(p.isbn()));
        Request mget = new Request("POST", "/" + properties.searchIndex() + "/_mget");
        mget.addParameter("_source_excludes", "embedding");   // 1,024 floats a document, not compared
        mget.setJsonEntity(body.toString());
        Map<String, JsonNode> documents = new LinkedHashMap<>();
        try (InputStream in = openSearch.performRequest(mget).getEntity().getContent()) {
            for (JsonNode doc : json.readTree(in).path("docs")) {
                if (doc.path("found").asBoolean(false)) {
                    documents.put(doc.path("_id").asText(), doc.path("_source"));
                }
            }
        }
        return documents;
    }

    /** The table item against the product the export gave (the item as Product.toItem writes it). */
    static void compareItem(Product expected, Map<String, Object> item, List<Reconciliation.Mismatch> out) {
        if (item == null) {
            out.add(new Reconciliation.Mismatch(expected.isbn(), "dynamodb", "item", "present", null));
            return;
        }
        Map<String, Object> want = TypedAttributes.plain(expected.toItem());
        for (var field : want.entrySet()) {
            Object actual = item.get(field.getKey());
            if (!same(field.getValue(), actual)) {
                out.add(new Reconciliation.Mismatch(expected.isbn(), "dynamodb", field.getKey(), field.getValue(), actual));
            }
        }
    }

    /** The search document against the product: the fields catalog-cdc indexes from it (the seed's document). */
    static void compareDocument(Product expected, JsonNode doc, List<Reconciliation.Mismatch> out) {
        if (doc == null) {
            out.add(new Reconciliation.Mismatch(expected.isbn(), "opensearch", "document", "present", null));
            return;
        }
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("isbn", expected.isbn());
        want.put("title", expected.title());
        want.put("quantity_available", expected.quantity());
        want.put("stock_status", expected.stockStatus().value());
        want.put("price_jpy", expected.priceJpy());
        want.put("warehouse_code", expected.warehouseCode());
        if (!expected.author().isEmpty()) {
            want.put("author", expected.author());
        }
        if (!expected.genre().isEmpty()) {
            want.put("genre", expected.genre());
        }
        for (var field : want.entrySet()) {
            JsonNode node = doc.get(field.getKey());
            Object actual = node == null || node.isNull() ? null : node.isNumber() ? node.decimalValue() : node.asText();
            if (!same(field.getValue(), actual)) {
                out.add(new Reconciliation.Mismatch(expected.isbn(), "opensearch", field.getKey(), field.getValue(), actual));
            }
        }
    }

    /** Equal values; numbers by value (12, 12.0 and BigDecimal 12 are the same quantity). */
    static boolean same(Object expected, Object actual) {
        if (expected instanceof Number e && actual instanceof Number a) {
            return new BigDecimal(e.toString()).compareTo(new BigDecimal(a.toString())) == 0;
        }
        return Objects.equals(expected, actual);
    }
}
