package mangaassist.catalog.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.catalog.Product;
import mangaassist.support.RouteTestSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.core.BulkRequest;
import org.opensearch.client.opensearch.core.MgetRequest;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.opensearch.core.bulk.OperationType;
import org.opensearch.client.opensearch.core.mget.MultiGetResponseItem;
import org.springframework.test.context.TestPropertySource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * The catalog-cdc routes with the stream, DynamoDB, OpenSearch and the model replaced by mocks: one bulk request per
 * poll in stream order, rejects, vector reuse, replays skipped, a failed bulk item retried, re-index.
 */
@TestPropertySource(properties = {
        "camel.main.java-routes-exclude-pattern=routes/*",
        "camel.main.routes-include-pattern=classpath:camel/error-handling.camel.yaml,classpath:camel/catalog-cdc.camel.yaml",
        "mangaassist.errors.stream.redelivery-delay=10ms"})
class CatalogCdcRouteTest extends RouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ISBN = "9784088725093";
    private static final String OTHER = "9784088810027";

    MockEndpoint stored;
    MockEndpoint model;
    MockEndpoint bulk;
    MockEndpoint rejects;
    MockEndpoint table;
    /** The bulk requests the index got (a request builder builds once: built here, asserted from here). */
    final List<BulkRequest> bulkRequests = new ArrayList<>();
    /** The ids of each multi-get of stored documents. */
    final List<List<String>> storedIds = new ArrayList<>();

    @Override
    protected void advise(CamelContext context) throws Exception {
        AdviceWith.adviceWith(context, "catalog-cdc-stream", a -> a.replaceFromWith("direct:catalog-cdc-records"));
        AdviceWith.adviceWith(context, "catalog-cdc-stored", a -> a.weaveByToUri("opensearch:*").replace().to("mock:stored"));
        AdviceWith.adviceWith(context, "catalog-cdc-embed", a -> a.weaveByToUri("aws-bedrock:*").replace().to("mock:model"));
        AdviceWith.adviceWith(context, "catalog-cdc-bulk", a -> a.weaveByToUri("opensearch:*").replace().to("mock:bulk"));
        AdviceWith.adviceWith(context, "catalog-cdc-reject", a -> a.weaveByToUri("aws2-ddb:*").replace().to("mock:rejects"));
        AdviceWith.adviceWith(context, "catalog-cdc-reindex", a -> a.weaveByToUri("aws2-ddb:*").replace().to("mock:table"));
        AdviceWith.adviceWith(context, "catalog-cdc-quality", a -> a.weaveByToUri("aws2-ddb:*").replace().to("mock:quality"));
    }

    @BeforeEach
    void mocks() {
        stored = camelContext.getEndpoint("mock:stored", MockEndpoint.class);
        model = camelContext.getEndpoint("mock:model", MockEndpoint.class);
        bulk = camelContext.getEndpoint("mock:bulk", MockEndpoint.class);
        rejects = camelContext.getEndpoint("mock:rejects", MockEndpoint.class);
        table = camelContext.getEndpoint("mock:table", MockEndpoint.class);
        stored.whenAnyExchangeReceived(e -> e.getMessage().setBody(notFound(e)));
        model.whenAnyExchangeReceived(e -> e.getMessage().setBody(embedding(0.5f)));
        bulkRequests.clear();
        storedIds.clear();
        bulk.whenAnyExchangeReceived(e -> e.getMessage().setBody(ok(received(e))));
    }

    @Test
    void aPollIsOneBulkRequestInStreamOrderAndItsRejectIsStored() throws Exception {
        poll(insert(ISBN, "ワンピース 42", "87", "1"),
                insert("978-4-08-872509-4", "壊れたISBN", "1", "2"),
                remove(OTHER, "3"));

        assertThat(bulk.getReceivedCounter()).isEqualTo(1);
        List<BulkOperation> operations = bulkRequests.get(0).operations();
        assertThat(operations).hasSize(2);
        assertThat(operations.get(0).isIndex()).isTrue();
        assertThat(operations.get(0).index().id()).isEqualTo(ISBN);
        assertThat(operations.get(1).isDelete()).isTrue();
        assertThat(operations.get(1).delete().id()).isEqualTo(OTHER);
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) operations.get(0).index().document();
        assertThat(doc).containsEntry("title", "ワンピース 42").containsEntry("quantity_available", 87)
                .containsEntry("stock_status", "in_stock").containsEntry("cdc_sequence", "1");
        assertThat((List<?>) doc.get("embedding")).hasSize(1024);
        assertThat(model.getReceivedCounter()).isEqualTo(1);

        assertThat(rejects.getReceivedCounter()).isEqualTo(1);
        Map<String, AttributeValue> reject = rejects.getReceivedExchanges().get(0).getMessage()
                .getHeader("CamelAwsDdbItem", Map.class);
        assertThat(reject.get("isbn").s()).as("an invalid ISBN is reported as written").isEqualTo("978-4-08-872509-4");
        assertThat(reject.get("errors").l()).singleElement()
                .satisfies(e -> assertThat(e.m().get("field").s()).isEqualTo("isbn"));
    }

    @Test
    void anUnchangedTextReusesTheStoredVectorAndAReplayIsSkipped() throws Exception {
        stored.whenAnyExchangeReceived(e -> e.getMessage().setBody(found("ワンピース 42", "5", 0.25f)));
        poll(insert(ISBN, "ワンピース 42", "3", "9"));
        assertThat(model.getReceivedCounter()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) bulkRequests.get(0).operations().get(0)
                .index().document();
        assertThat((List<?>) doc.get("embedding")).first().isEqualTo(0.25f);
        assertThat(doc).containsEntry("quantity_available", 3);

        bulk.reset();
        bulk.whenAnyExchangeReceived(e -> e.getMessage().setBody(ok(received(e))));
        poll(insert(ISBN, "ワンピース 42", "3", "4")); // sequence 4 ≤ the stored 5: the index is ahead
        assertThat(bulk.getReceivedCounter()).as("nothing to write").isZero();
        assertThat(model.getReceivedCounter()).isZero();
    }

    @Test
    void aPollReadsItsStoredDocumentsOnceAndEmbedsEachNewTextOnce() throws Exception {
        poll(insert(ISBN, "ワンピース 42", "87", "1"),
                insert(OTHER, "ナルト 1", "5", "2"),
                insert(ISBN, "ワンピース 42", "86", "3")); // the same item again in the poll: its text embedded once

        assertThat(stored.getReceivedCounter()).as("one multi-get for the poll").isEqualTo(1);
        assertThat(storedIds).containsExactly(List.of(ISBN, OTHER));
        assertThat(model.getReceivedCounter()).as("one call per distinct text").isEqualTo(2);
        List<BulkOperation> operations = bulkRequests.get(0).operations();
        assertThat(operations).extracting(op -> op.index().id()).containsExactly(ISBN, OTHER, ISBN);
        assertThat(operations).allSatisfy(op -> assertThat((List<?>) ((Map<?, ?>) op.index().document())
                .get("embedding")).hasSize(1024));
        assertThat(operations.get(2).index().document()).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("quantity_available", 86);
    }

    @Test
    void aTitleChangeCallsTheModel() throws Exception {
        stored.whenAnyExchangeReceived(e -> e.getMessage().setBody(found("ワンピース 41", "5", 0.25f)));
        poll(insert(ISBN, "ワンピース 42", "3", "9"));
        assertThat(model.getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void aBulkItemTheIndexCouldNotTakeNowIsWrittenAgainAndOneItRefusesIsRejected() throws Exception {
        bulk.whenExchangeReceived(1, e -> {
            received(e);
            e.getMessage().setBody(List.of(item(ISBN, 503, "unavailable_shards_exception")));
        });
        poll(insert(ISBN, "ワンピース 42", "87", "1"));
        assertThat(bulk.getReceivedCounter()).as("written again after the 503").isEqualTo(2);
        assertThat(rejects.getReceivedCounter()).isZero();

        bulk.reset();
        bulk.whenAnyExchangeReceived(e -> {
            received(e);
            e.getMessage().setBody(List.of(item(ISBN, 400, "mapper_parsing_exception")));
        });
        poll(insert(ISBN, "ワンピース 42", "87", "2"));
        assertThat(bulk.getReceivedCounter()).isEqualTo(1);
        assertThat(rejects.getReceivedCounter()).isEqualTo(1);
        Map<String, AttributeValue> reject = rejects.getReceivedExchanges().get(0).getMessage()
                .getHeader("CamelAwsDdbItem", Map.class);
        assertThat(reject.get("errors").l().get(0).m().get("error").s()).contains("mapper_parsing_exception");
    }

    @Test
    void reindexReadsTheItemAndIndexesItOrDeletesAGoneOne() throws Exception {
        table.whenExchangeReceived(1, e -> e.getMessage().setHeader("CamelAwsDdbAttributes",
                new Product(ISBN, "ワンピース 42", "", "", 87, "TK01", null, 528).toItem()));
        template.requestBody("direct:catalog-reindex", "978-4-08-872509-3");
        assertThat(table.getReceivedExchanges().get(0).getMessage().getHeader("CamelAwsDdbKey", Map.class))
                .isEqualTo(Map.of("isbn", AttributeValue.fromS(ISBN)));
        List<BulkOperation> indexed = bulkRequests.get(0).operations();
        assertThat(indexed).singleElement().satisfies(op -> assertThat(op.index().id()).isEqualTo(ISBN));
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) indexed.get(0).index().document();
        assertThat(doc).doesNotContainKey("cdc_sequence");

        template.requestBody("direct:catalog-reindex", OTHER); // the table has no such item
        List<BulkOperation> deleted = bulkRequests.get(1).operations();
        assertThat(deleted).singleElement().satisfies(op -> assertThat(op.delete().id()).isEqualTo(OTHER));
    }

    /** The records of one poll, as aws2-ddbstream hands them: each an exchange with the batch properties. */
    private void poll(Record... records) {
        for (int i = 0; i < records.length; i++) {
            int index = i;
            Exchange done = template.send("direct:catalog-cdc-records", e -> {
                e.getMessage().setBody(records[index]);
                e.setProperty(Exchange.BATCH_INDEX, index);
                e.setProperty(Exchange.BATCH_SIZE, records.length);
                e.setProperty(Exchange.BATCH_COMPLETE, index == records.length - 1);
            });
            assertThat(done.getException()).isNull();
        }
    }

    private static Record insert(String isbn, String title, String quantity, String sequence) {
        Map<String, AttributeValue> image = Map.of("isbn", AttributeValue.fromS(isbn),
                "title", AttributeValue.fromS(title), "quantity", AttributeValue.fromN(quantity),
                "warehouse_code", AttributeValue.fromS("TK01"));
        return Record.builder().eventName("INSERT").dynamodb(StreamRecord.builder().newImage(image)
                .keys(Map.of("isbn", AttributeValue.fromS(isbn))).sequenceNumber(sequence)
                .approximateCreationDateTime(Instant.now()).build()).build();
    }

    private static Record remove(String isbn, String sequence) {
        return Record.builder().eventName("REMOVE").dynamodb(StreamRecord.builder()
                .keys(Map.of("isbn", AttributeValue.fromS(isbn))).sequenceNumber(sequence)
                .approximateCreationDateTime(Instant.now()).build()).build();
    }

    private BulkRequest received(Exchange exchange) {
        BulkRequest request = exchange.getMessage().getBody(BulkRequest.Builder.class).build();
        bulkRequests.add(request);
        return request;
    }

    /** The multi-get's answer (the component's body: its documents) for a batch none of whose documents exist. */
    private List<MultiGetResponseItem<ObjectNode>> notFound(Exchange exchange) {
        List<String> ids = exchange.getMessage().getBody(MgetRequest.Builder.class).build().ids();
        storedIds.add(ids);
        return ids.stream()
                .map(id -> MultiGetResponseItem.<ObjectNode>of(i -> i.result(r -> r.index("manga-catalog").id(id)
                        .found(false))))
                .toList();
    }

    /** The multi-get's answer: ISBN's document as given (the only one of these tests' batches that exists). */
    private static List<MultiGetResponseItem<ObjectNode>> found(String title, String sequence, float value) {
        ObjectNode source = JSON.createObjectNode().put("title", title).put("author", "").put("genre", "")
                .put("cdc_sequence", sequence);
        ArrayNode vector = source.putArray("embedding");
        for (int i = 0; i < 1024; i++) {
            vector.add(value);
        }
        return List.of(MultiGetResponseItem.of(i -> i.result(r -> r.index("manga-catalog").id(ISBN).found(true)
                .source(source))));
    }

    private static InvokeModelResponse embedding(float value) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode vector = body.putArray("embedding");
        for (int i = 0; i < 1024; i++) {
            vector.add(value);
        }
        return InvokeModelResponse.builder().body(SdkBytes.fromUtf8String(body.toString())).build();
    }

    /** A bulk answer where every operation succeeded. */
    private static List<BulkResponseItem> ok(BulkRequest request) {
        List<BulkResponseItem> items = new ArrayList<>();
        for (BulkOperation op : request.operations()) {
            String id = op.isIndex() ? op.index().id() : op.delete().id();
            items.add(BulkResponseItem.of(b -> b.operationType(op.isIndex() ? OperationType.Index : OperationType.Delete)
                    .index("manga-catalog").id(id).status(op.isIndex() ? 201 : 200)));
        }
        return items;
    }

    private static BulkResponseItem item(String id, int status, String error) {
        return BulkResponseItem.of(b -> b.operationType(OperationType.Index).index("manga-catalog").id(id).status(status)
                .error(e -> e.type(error).reason("test")));
    }
}
