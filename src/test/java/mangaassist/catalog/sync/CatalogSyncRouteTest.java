package mangaassist.catalog.sync;

import static org.apache.camel.builder.Builder.constant;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import mangaassist.devstack.erp.ErpExport;
import mangaassist.support.RouteTestSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentMatchers;
import org.mockito.Mockito;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The batch route of catalog-sync with DynamoDB (a mocked client behind the real writer), S3 and the checkpoint
 * replaced by mocks: what DynamoDB leaves unprocessed is written again after a back-off until it takes everything, at
 * most write-attempts calls (DynamoDB Local never throttles, so the flow tests cannot show it); rejects go to S3
 * with their own key.
 */
@TestPropertySource(properties = {
        "camel.main.java-routes-exclude-pattern=routes/*",
        "camel.main.routes-include-pattern=classpath:camel/error-handling.camel.yaml,classpath:camel/catalog-sync.camel.yaml",
        // the same loop, in milliseconds
        "mangaassist.catalog-sync.write-backoff=2ms",
        "mangaassist.catalog-sync.write-backoff-max=8ms",
        "mangaassist.catalog-sync.write-attempts=4",
        // the nightly route exists (its from is replaced: no leader election, no cron here)
        "mangaassist.catalog-sync.schedule.enabled=true"})
class CatalogSyncRouteTest extends RouteTestSupport {

    @Autowired
    CatalogSyncSteps steps;
    @Autowired
    CatalogSyncRuns runs;
    @MockitoBean
    DynamoDbClient dynamoDb;

    /** the items of each BatchWriteItem call */
    final List<Integer> calls = new CopyOnWriteArrayList<>();
    MockEndpoint rejects;
    MockEndpoint checkpoint;

    @Override
    protected void advise(CamelContext context) throws Exception {
        AdviceWith.adviceWith(context, "catalog-sync-batch", a -> {
            a.weaveById("catalog-sync-checkpoint").replace().to("mock:checkpoint");
        });
        AdviceWith.adviceWith(context, "catalog-sync-rejects", a -> a.weaveByToUri("aws2-s3:*").replace().to("mock:rejects"));
        AdviceWith.adviceWith(context, "catalog-sync-list", a -> a.weaveByToUri("aws2-s3:*").replace().to("mock:list"));
        AdviceWith.adviceWith(context, "catalog-sync-scheduled", a -> a.replaceFromWith("direct:catalog-sync-nightly"));
        AdviceWith.adviceWith(context, "catalog-sync-open", a -> {
            // the newest export is n1
            a.weaveById("catalog-sync-find-export").replace()
                    .setBody(constant(new SyncRequest("batch-sync/n1/", List.of())));
            a.weaveByToUri("seda:*").replace().to("mock:runs");
        });
        AdviceWith.adviceWith(context, "catalog-sync-file", a -> {
            a.weaveByToUri("aws2-s3:*").replace().to("mock:read");
            a.weaveById("catalog-sync-checkpoint-file").replace().to("mock:checkpoint");
        });
    }

    @BeforeEach
    void mocks() {
        camelContext.getEndpoint("mock:list", MockEndpoint.class).whenAnyExchangeReceived(e -> e.getMessage().setBody(
                List.of(S3Object.builder().key("batch-sync/n1/LOAD00000001.jsonl").size(1000L).build())));
        calls.clear();
        rejects = camelContext.getEndpoint("mock:rejects", MockEndpoint.class);
        checkpoint = camelContext.getEndpoint("mock:checkpoint", MockEndpoint.class);
    }

    /** DynamoDB leaves {@code unprocessed[i]} items of the request unprocessed at call i (then none). */
    @SuppressWarnings("unchecked")
    void dynamoDbLeaves(int... unprocessed) {
        AtomicInteger call = new AtomicInteger();
        Mockito.when(dynamoDb.batchWriteItem(ArgumentMatchers.<Consumer<BatchWriteItemRequest.Builder>>any()))
                .thenAnswer(invocation -> {
                    BatchWriteItemRequest.Builder builder = BatchWriteItemRequest.builder();
                    ((Consumer<BatchWriteItemRequest.Builder>) invocation.getArgument(0)).accept(builder);
                    List<WriteRequest> writes = builder.build().requestItems().get("manga-products");
                    calls.add(writes.size());
                    int i = call.getAndIncrement();
                    int left = Math.min(i < unprocessed.length ? unprocessed[i] : 0, writes.size());
                    return BatchWriteItemResponse.builder()
                            .unprocessedItems(left == 0 ? Map.of() : Map.of("manga-products", writes.subList(0, left)))
                            .build();
                });
    }

    @Test
    void theNightlyRunSyncsTheNewestExportOnce() throws Exception {
        MockEndpoint queued = camelContext.getEndpoint("mock:runs", MockEndpoint.class);
        Mockito.when(dynamoDb.query(ArgumentMatchers.any(QueryRequest.class))).thenReturn(QueryResponse.builder().build());

        Exchange nightly = template.send("direct:catalog-sync-nightly", e -> e.getMessage().setBody(""));

        assertThat(nightly.getException()).isNull();
        assertThat(queued.getReceivedExchanges()).singleElement().satisfies(e -> {
            SyncRun run = e.getMessage().getBody(SyncRun.class);
            assertThat(run.runId()).isEqualTo("n1");
            assertThat(run.files()).extracting(SyncFile::key).containsExactly("batch-sync/n1/LOAD00000001.jsonl");
            runs.released(run);   // the runner (replaced here) releases it when it ends
        });

        // the next night the export is the same, and its run completed: nothing is started, nothing fails
        queued.reset();
        Mockito.when(dynamoDb.query(ArgumentMatchers.any(QueryRequest.class))).thenReturn(QueryResponse.builder()
                .items(List.of(Map.of("runId", AttributeValue.fromS("n1"), "part", AttributeValue.fromS("run"),
                        "state", AttributeValue.fromS("COMPLETED"), "prefix", AttributeValue.fromS("batch-sync/n1/"),
                        "startedAt", AttributeValue.fromS("2026-12-02T02:30:00Z"),
                        "updatedAt", AttributeValue.fromS("2026-12-02T02:41:00Z"),
                        "finishedAt", AttributeValue.fromS("2026-12-02T02:41:00Z"),
                        "files", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of(
                                "key", AttributeValue.fromS("batch-sync/n1/LOAD00000001.jsonl"),
                                "size", AttributeValue.fromN("1000")))))))).build());

        Exchange again = template.send("direct:catalog-sync-nightly", e -> e.getMessage().setBody(""));

        assertThat(again.getException()).isNull();
        assertThat(queued.getReceivedExchanges()).isEmpty();
    }

    SyncBatch batch(String lines) {
        SyncRun run = new SyncRun("r1", "batch-sync/r1/", Instant.now(), 5);
        SyncFile file = new SyncFile(run, "batch-sync/r1/LOAD00000001.jsonl", 100_000);
        run.addFile(file);
        return steps.batch(lines, 0, file);
    }

    @Test
    void unprocessedItemsAreWrittenAgainUntilDynamoDbTookThemAll() throws Exception {
        dynamoDbLeaves(3, 1);
        SyncBatch batch = batch(String.join("\n", ErpExport.syntheticRow(0), ErpExport.syntheticRow(1),
                ErpExport.syntheticRow(2), ErpExport.syntheticRow(3)));

        Exchange done = template.send("direct:catalog-sync-batch", e -> {
            e.setProperty(CatalogSyncSteps.FILE, batch.file());
            e.getMessage().setBody(batch);
        });

        assertThat(done.getException()).isNull();
        assertThat(calls).containsExactly(4, 3, 1);
        assertThat(batch.file().linesDone()).isEqualTo(4);
        assertThat(batch.file().accepted()).isEqualTo(4);
        rejects.expectedMessageCount(0);
        rejects.assertIsSatisfied();
    }

    @Test
    void aBatchDynamoDbNeverTakesFailsAfterWriteAttemptsWithoutCountingItsLines() throws Exception {
        dynamoDbLeaves(2, 2, 2, 2, 2, 2, 2, 2);
        SyncBatch batch = batch(String.join("\n", ErpExport.syntheticRow(0), ErpExport.syntheticRow(1)));

        Exchange done = template.send("direct:catalog-sync-batch", e -> {
            e.setProperty(CatalogSyncSteps.FILE, batch.file());
            e.getMessage().setBody(batch);
        });

        assertThat(done.getException()).isInstanceOf(CatalogSyncWriter.SyncWriteException.class)
                .hasMessageContaining("still unprocessed after 4");
        assertThat(calls).containsExactly(2, 2, 2, 2);
        assertThat(batch.file().linesDone()).isZero();
        assertThat(checkpoint.getReceivedExchanges()).isEmpty();
    }

    @Test
    void rejectsGoToS3UnderTheirOwnKeyNotWithTheExportFilesHeaders() throws Exception {
        dynamoDbLeaves();
        rejects.expectedMessageCount(1);
        SyncBatch batch = batch(ErpExport.syntheticRow(0) + "\nnot json");

        template.send("direct:catalog-sync-batch", e -> {
            e.setProperty(CatalogSyncSteps.FILE, batch.file());
            // what getObject of the export file left on the exchange
            e.getMessage().setHeader("CamelAwsS3ContentLength", 100_000L);
            e.getMessage().setHeader("CamelAwsS3Key", batch.file().key());
            e.getMessage().setBody(batch);
        });

        rejects.assertIsSatisfied();
        Exchange put = rejects.getReceivedExchanges().get(0);
        assertThat(put.getMessage().getHeader("CamelAwsS3Key")).isEqualTo("batch-sync-rejects/r1/LOAD00000001.jsonl-000000001.jsonl");
        assertThat(put.getMessage().getHeader("CamelAwsS3ContentLength")).isNull();
        assertThat(put.getMessage().getBody(String.class)).contains("\"line\":2").contains("not a JSON object");
        assertThat(List.of(batch.file().accepted(), batch.file().rejected())).containsExactly(1L, 1L);
    }
}
