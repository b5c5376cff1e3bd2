package mangaassist.catalog.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import mangaassist.catalog.Product;
import mangaassist.devstack.erp.ErpExport;
import mangaassist.inventory.StockStatus;
import mangaassist.platform.ApiException;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.s3.model.S3Object;

/** The catalog-sync beans without Camel: batches, rejects, back-off, tolerance, comparison, requests. */
class CatalogSyncBeansTest {

    static final CatalogSyncProperties PROPERTIES = new CatalogSyncProperties("manga-erp-staging", "batch-sync",
            "batch-sync-rejects", "manga-products", "manga-catalog-sync-runs", "manga-catalog", 25, 40, 8,
            Duration.ofMillis(50), Duration.ofSeconds(2), 10_000, Duration.ofMinutes(2),
            new CatalogSyncProperties.Reconciliation(10, 1, Duration.ofMinutes(5), Duration.ofSeconds(20),
                    Duration.ofSeconds(2), 50));

    final CatalogSyncSteps steps = new CatalogSyncSteps(PROPERTIES);

    static SyncFile file() {
        SyncRun run = new SyncRun("20261202_023000", "batch-sync/20261202_023000/", Instant.now(), 5);
        SyncFile file = new SyncFile(run, "batch-sync/20261202_023000/LOAD00000001.jsonl", 1_000_000);
        run.addFile(file);
        return file;
    }

    static String lines(int from, int to) {
        return IntStream.range(from, to).mapToObj(ErpExport::syntheticRow).collect(Collectors.joining("\n"));
    }

    @Test
    void aBatchMakesTableItemsOfValidLinesAndRejectsTheRestWithTheGatesReasons() {
        SyncFile file = file();
        String chunk = ErpExport.syntheticRow(0) + "\n"
                + "{\"isbn\":\"9784088820002\",\"title\":\"x\",\"quantity\":-1,\"warehouse_code\":\"TK01\"}\n"
                + "not json\n"
                + "\n"
                + ErpExport.syntheticRow(1);
        SyncBatch batch = steps.batch(chunk, 2, file);

        assertThat(batch.firstLine()).isEqualTo(50);
        assertThat(batch.endLine()).isEqualTo(55);
        assertThat(batch.lines()).isEqualTo(4);      // the blank line carries no record
        assertThat(batch.accepted()).isEqualTo(2);
        assertThat(batch.toWrite()).extracting(item -> item.get("isbn").s())
                .containsExactly(ErpExport.syntheticIsbn(0), ErpExport.syntheticIsbn(1));
        assertThat(batch.toWrite().get(0)).containsKeys("title", "author", "genre", "quantity", "warehouse_code",
                "stock_status", "price_jpy").doesNotContainKey("series");
        assertThat(batch.rejects()).extracting(SyncBatch.Reject::line).containsExactly(52L, 53L);
        assertThat(batch.rejects().get(0).errors()).anySatisfy(e -> assertThat(e).startsWith("quantity"));
        assertThat(batch.rejects().get(1).errors()).containsExactly("line: not a JSON object");
        assertThat(batch.bytes()).isEqualTo(chunk.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1);
    }

    @Test
    void aLineThatWasNotUtf8IsRejectedNotStoredGarbled() {
        // a Shift_JIS line read as UTF-8, as the split decodes the file: its title's bytes became U+FFFD
        byte[] shiftJis = "{\"isbn\":\"9784088820002\",\"title\":\"ワンピース 1\",\"quantity\":3,\"warehouse_code\":\"TK01\"}"
                .getBytes(java.nio.charset.Charset.forName("Shift_JIS"));
        String decoded = new String(shiftJis, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(decoded).contains("\uFFFD");

        SyncBatch batch = steps.batch(ErpExport.syntheticRow(0) + "\n" + decoded, 0, file());

        assertThat(batch.accepted()).isEqualTo(1);
        assertThat(batch.rejects()).extracting(SyncBatch.Reject::line).containsExactly(2L);
        assertThat(batch.rejects().get(0).errors()).containsExactly(CatalogSyncSteps.NOT_UTF8);
    }

    @Test
    void theFileIsReadAsUtf8WithBytesThatAreNotAsReplacementCharacters() throws Exception {
        byte[] bytes = {'o', 'k', '\n', '{', (byte) 0x83, (byte) 0x8f, '}', '\n', (byte) 0xe3, (byte) 0x81, (byte) 0x82};

        java.io.BufferedReader text = (java.io.BufferedReader) steps.text(new java.io.ByteArrayInputStream(bytes));

        assertThat(text.lines().toList()).containsExactly("ok", "{\uFFFD\uFFFD}", "あ");
    }

    @Test
    void theSameIsbnTwiceInABatchWritesTheLaterLineOnce() {
        String later = ErpExport.syntheticRow(0).replace("\"quantity\":0", "\"quantity\":7");
        SyncBatch batch = steps.batch(ErpExport.syntheticRow(0) + "\n" + later, 0, file());

        assertThat(batch.toWrite()).hasSize(1);
        assertThat(batch.toWrite().get(0).get("quantity").n()).isEqualTo("7");
        assertThat(batch.rejects()).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(1);
            assertThat(r.errors().get(0)).contains("superseded by line 2");
        });
        assertThat(batch.accepted() + batch.rejects().size()).isEqualTo(batch.lines());
    }

    @Test
    void aResumedFileSkipsTheLinesItsCheckpointCovers() {
        SyncFile file = file();
        file.restore(60, 60, 60, 0, 10_000, false);   // checkpoint at line 60 (e.g. batch size 20 before)

        SyncBatch before = steps.batch(lines(25, 50), 1, file);
        assertThat(before.isSkipped()).isTrue();
        SyncBatch across = steps.batch(lines(50, 75), 2, file);
        assertThat(across.isSkipped()).isFalse();
        assertThat(across.lines()).isEqualTo(15);
        assertThat(across.toWrite()).extracting(i -> i.get("isbn").s()).first().isEqualTo(ErpExport.syntheticIsbn(60));

        file.advance(across, 40);
        assertThat(file.linesDone()).isEqualTo(75);
        assertThat(file.processed()).isEqualTo(75);
    }

    @Test
    void aCheckpointIsDueEveryCheckpointEveryBatches() {
        SyncFile file = file();
        for (int i = 0; i < 39; i++) {
            file.advance(steps.batch(lines(i * 25, i * 25 + 25), i, file), 40);
        }
        assertThat(file.isCheckpointDue()).isFalse();
        file.advance(steps.batch(lines(975, 1000), 39, file), 40);
        assertThat(file.isCheckpointDue()).isTrue();
        file.checkpointed();
        assertThat(file.isCheckpointDue()).isFalse();
        assertThat(file.run().processed()).isEqualTo(1000);
    }

    @Test
    void aFailedRunStopsItsOtherFilesAtTheirNextBatch() {
        SyncFile file = file();
        file.run().state(SyncRun.State.FAILED);
        assertThatThrownBy(() -> steps.batch(lines(0, 25), 0, file)).hasMessageContaining("failed");
    }

    @Test
    void rejectsAreJsonLinesWithTheirFileLineAndErrors() {
        SyncBatch batch = steps.batch("not json", 0, file());
        assertThat(steps.rejectsKey(batch)).isEqualTo("batch-sync-rejects/20261202_023000/LOAD00000001.jsonl-000000001.jsonl");
        assertThat(steps.rejectsJson(batch)).isEqualTo(
                "{\"file\":\"LOAD00000001.jsonl\",\"line\":1,\"errors\":[\"line: not a JSON object\"],\"text\":\"not json\"}\n");
    }

    @Test
    void unprocessedItemsWaitLongerEachCallUpToTheMaxThenFailTheRun() {
        CatalogSyncWriter writer = new CatalogSyncWriter(null, PROPERTIES);
        SyncBatch batch = steps.batch(lines(0, 3), 0, file());
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            batch = batch.afterWrite(batch.toWrite());
            waits.add(writer.backoff(batch));
        }
        assertThat(waits).containsExactly(50L, 100L, 200L, 400L, 800L, 1600L, 2000L, 2000L);
        SyncBatch exhausted = batch;
        assertThatThrownBy(() -> writer.write(exhausted)).isInstanceOf(CatalogSyncWriter.SyncWriteException.class)
                .hasMessageContaining("still unprocessed after 8");
    }

    @Test
    void theToleranceIsTheSeedsMaxOfTenAndOnePercent() {
        assertThat(Reconciliation.tolerance(500, 10, 1)).isEqualTo(10);
        assertThat(Reconciliation.tolerance(100_000, 10, 1)).isEqualTo(1000);
        Reconciliation inside = Reconciliation.of(100_100, 100_000, 100, 100_990, 99_000, 10, 1, 50, List.of(), 1200);
        assertThat(inside.withinTolerance()).isTrue();
        assertThat(inside.ok()).isTrue();
        Reconciliation outside = Reconciliation.of(100_100, 100_000, 100, 101_001, 100_000, 10, 1, 50, List.of(), 1200);
        assertThat(outside.dynamoDbOff()).isEqualTo(1001);
        assertThat(outside.withinTolerance()).isFalse();
    }

    @Test
    void sampledItemsAreComparedFieldByFieldInBothStores() throws Exception {
        Product product = new Product("9784900000008", "合成 1", "山田太郎", "少年", 3, "TK01", null, 500);
        List<Reconciliation.Mismatch> out = new ArrayList<>();
        Map<String, Object> stored = new java.util.LinkedHashMap<>(mangaassist.catalog.TypedAttributes.plain(product.toItem()));
        CatalogSyncCounts.compareItem(product, stored, out);
        assertThat(out).isEmpty();
        stored.put("quantity", new BigDecimal("4"));
        CatalogSyncCounts.compareItem(product, stored, out);
        assertThat(out).singleElement().satisfies(m -> {
            assertThat(m.store()).isEqualTo("dynamodb");
            assertThat(m.field()).isEqualTo("quantity");
        });
        out.clear();
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"isbn\":\"9784900000008\",\"title\":\"合成 1\","
                + "\"author\":\"山田太郎\",\"genre\":\"少年\",\"quantity_available\":3,\"stock_status\":\""
                + StockStatus.LOW_STOCK.value() + "\",\"price_jpy\":500.0,\"warehouse_code\":\"TK01\"}");
        CatalogSyncCounts.compareDocument(product, doc, out);
        assertThat(out).isEmpty();
        CatalogSyncCounts.compareDocument(product, null, out);
        assertThat(out).singleElement().extracting(Reconciliation.Mismatch::field).isEqualTo("document");
    }

    @Test
    void aRequestNamesAnExportOrNoneAndAListingKeepsItsFilesInOrder() {
        CatalogSyncRuns runs = new CatalogSyncRuns(null, PROPERTIES, null);
        assertThat(runs.request("").prefix()).isNull();
        assertThat(runs.request("{\"prefix\":\"batch-sync/x1/\"}").prefix()).isEqualTo("batch-sync/x1/");
        assertThatThrownBy(() -> runs.request("[1]")).isInstanceOf(ApiException.class).hasMessageContaining("JSON object");

        CatalogSyncExports exports = new CatalogSyncExports(null, PROPERTIES);
        assertThat(exports.resolve(new SyncRequest("batch-sync/20261202_023000", null)).prefix())
                .isEqualTo("batch-sync/20261202_023000/");
        assertThat(exports.resolve(new SyncRequest("s3://manga-erp-staging/batch-sync/a/", null)).runId()).isEqualTo("a");
        assertThatThrownBy(() -> exports.resolve(new SyncRequest("batch-sync/../x/", null)))
                .isInstanceOf(ApiException.class).extracting("code").isEqualTo("INVALID_PREFIX");
        SyncRequest listed = exports.listed(new SyncRequest("batch-sync/a/", null), List.of(
                S3Object.builder().key("batch-sync/a/LOAD00000002.jsonl").size(10L).build(),
                S3Object.builder().key("batch-sync/a/").size(0L).build(),
                S3Object.builder().key("batch-sync/a/LOAD00000001.jsonl").size(20L).build()));
        assertThat(listed.files()).extracting(SyncRequest.ExportFile::key)
                .containsExactly("batch-sync/a/LOAD00000001.jsonl", "batch-sync/a/LOAD00000002.jsonl");
        assertThatThrownBy(() -> exports.listed(new SyncRequest("batch-sync/b/", null), List.of()))
                .isInstanceOf(ApiException.class).extracting("code").isEqualTo("EXPORT_NOT_FOUND");
    }

    @Test
    void theSampleKeepsAFixedNumberOfItemsWhateverTheCatalogsSize() {
        SyncRun.Sample sample = new SyncRun.Sample(5, 1);
        for (int i = 0; i < 10_000; i++) {
            sample.offer(new Product(ErpExport.syntheticIsbn(i), "t" + i, "", "", 1, "TK01", null, null));
        }
        assertThat(sample.items()).hasSize(5).doesNotHaveDuplicates();
        // a uniform sample of 10,000: not just the first five
        assertThat(sample.items()).anySatisfy(p -> assertThat(p.title()).isNotIn("t0", "t1", "t2", "t3", "t4"));
    }

    @Test
    void utf8LengthCountsBytesWithoutEncoding() {
        for (String s : List.of("abc", "é", "ワンピース", "𠮷野家", "")) {
            assertThat(CatalogSyncSteps.utf8Length(s)).isEqualTo(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
    }
}
