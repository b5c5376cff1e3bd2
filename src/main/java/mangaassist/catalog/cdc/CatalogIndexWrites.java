package mangaassist.catalog.cdc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import mangaassist.catalog.Product;
import mangaassist.catalog.QualityError;
import mangaassist.catalog.TypedAttributes;
import org.opensearch.client.opensearch.core.BulkRequest;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The catalog-cdc flow's writes: a batch as one bulk request (document id = ISBN, so a replay writes the same
 * documents again), the bulk answer checked item by item, rejects as items of the rejects table, and the counts.
 *
 * <p>Metrics: {@code mangaassist.catalog.changes{flow=catalog-cdc,outcome=indexed|deleted|rejected|skipped}},
 * {@code mangaassist.catalog.embeddings{flow=catalog-cdc,source=model|reused}} and the timer
 * {@code mangaassist.catalog.lag{flow=catalog-cdc}} (DynamoDB's change → written to the index).
 */
@Component("catalogIndexWrites")
public class CatalogIndexWrites {

    static final String FLOW = "catalog-cdc";
    private static final Logger LOG = LoggerFactory.getLogger(CatalogIndexWrites.class);

    private final CatalogCdcProperties properties;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Timer lag;

    @Autowired
    public CatalogIndexWrites(CatalogCdcProperties properties, MeterRegistry meters) {
        this(properties, meters, Clock.systemUTC());
    }

    CatalogIndexWrites(CatalogCdcProperties properties, MeterRegistry meters, Clock clock) {
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
        this.lag = Timer.builder("mangaassist.catalog.lag").tag("flow", FLOW)
                .description("DynamoDB change to written in the index").publishPercentiles(0.5, 0.99).register(meters);
    }

    /** One bulk request: index each upsert's document, delete each delete's, in the batch's (stream) order. */
    public BulkRequest.Builder bulkRequest(CatalogBatch batch) {
        List<BulkOperation> operations = new ArrayList<>();
        String now = clock.instant().toString();
        for (CatalogChange change : batch.writes()) {
            if (change.action() == CatalogChange.Action.DELETE) {
                operations.add(BulkOperation.of(b -> b.delete(d -> d.index(properties.index()).id(change.isbn()))));
            } else {
                Map<String, Object> doc = document(change, now);
                operations.add(BulkOperation.of(b -> b.index(i -> i.index(properties.index()).id(change.isbn())
                        .document(doc))));
            }
        }
        return new BulkRequest.Builder().operations(operations);
    }

    /** The seed's document, plus the warehouse and the stream position it reflects. */
    static Map<String, Object> document(CatalogChange change, String now) {
        Product p = change.product();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put(Product.ISBN, p.isbn());
        doc.put(Product.TITLE, p.title());
        doc.put(Product.AUTHOR, p.author());
        doc.put(Product.GENRE, p.genre());
        doc.put(CatalogCdcSteps.QUANTITY_FIELD, p.quantity());
        doc.put(Product.STOCK_STATUS, p.stockStatus().value());
        doc.put(Product.PRICE_JPY, p.priceJpy());
        doc.put(Product.WAREHOUSE_CODE, p.warehouseCode());
        doc.put(CatalogCdcSteps.VECTOR_FIELD, change.embedding());
        doc.put("last_sync_utc", now);
        if (change.sequence() != null) {
            doc.put(CatalogCdcSteps.SEQUENCE_FIELD, change.sequence());
        }
        return doc;
    }

    /**
     * The batch after its bulk answer. An item the index could not take for a reason a retry can fix (429, 5xx)
     * fails the whole batch, which is written again (same ids: idempotent); an item it refuses for good (4xx: a
     * document its mapping cannot take) becomes a reject. A delete of a missing document (404) is done.
     */
    public CatalogBatch written(CatalogBatch batch, List<BulkResponseItem> items) {
        List<CatalogChange> writes = batch.writes();
        Map<CatalogChange, String> refused = new LinkedHashMap<>();
        for (int i = 0; i < items.size() && i < writes.size(); i++) {
            BulkResponseItem item = items.get(i);
            if (item.error() == null) {
                continue;
            }
            String reason = item.error().type() + ": " + item.error().reason();
            if (item.status() == 429 || item.status() >= 500) {
                throw new CatalogIndexException("index answered " + item.status() + " for " + item.id() + " (" + reason
                        + "); the batch of " + writes.size() + " is written again");
            }
            if (!(item.status() == 404 && writes.get(i).action() == CatalogChange.Action.DELETE)) {
                refused.put(writes.get(i), item.status() + " " + reason);
            }
        }
        if (refused.isEmpty()) {
            return batch;
        }
        List<CatalogChange> changes = new ArrayList<>();
        for (CatalogChange c : batch.changes()) {
            String reason = refused.get(c);
            changes.add(reason == null ? c : new CatalogChange(c.isbn(), CatalogChange.Action.REJECT, null,
                    List.of(new QualityError("index", reason)), c.item(), c.sequence(), c.changedAt(), c.source(),
                    null, false));
        }
        return new CatalogBatch(changes);
    }

    /** Counts the batch's outcomes and the lag of what was written. */
    public CatalogBatch done(CatalogBatch batch) {
        Instant now = clock.instant();
        for (CatalogChange c : batch.changes()) {
            String outcome = switch (c.action()) {
                case UPSERT -> "indexed";
                case DELETE -> "deleted";
                case REJECT -> "rejected";
                case SKIP -> "skipped";
            };
            meters.counter("mangaassist.catalog.changes", "flow", FLOW, "outcome", outcome).increment();
            if (c.action() == CatalogChange.Action.UPSERT) {
                meters.counter("mangaassist.catalog.embeddings", "flow", FLOW, "source", c.reused() ? "reused" : "model")
                        .increment();
            }
            if ((c.action() == CatalogChange.Action.UPSERT || c.action() == CatalogChange.Action.DELETE)
                    && CatalogCdcSteps.STREAM.equals(c.source())) {
                lag.record(Duration.between(c.changedAt(), now).isNegative() ? Duration.ZERO
                        : Duration.between(c.changedAt(), now));
            }
        }
        LOG.debug("catalog-cdc: batch of {} written", batch.changes().size());
        return batch;
    }

    /** The rejected changes of the batch (the gate's and the index's), for the rejects table. */
    public List<CatalogChange> rejects(CatalogBatch batch) {
        return batch.changes().stream().filter(CatalogChange::rejected).toList();
    }

    /**
     * The rejects table's item of a reject: key {@code flow} + {@code rejectedAt} (the change's time and ISBN, so
     * that a replayed record writes the same item again), its errors and the refused item's values.
     */
    public Map<String, AttributeValue> rejectItem(CatalogChange reject) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("flow", AttributeValue.fromS(FLOW));
        item.put("rejectedAt", AttributeValue.fromS(reject.changedAt() + "#" + reject.isbn()
                + (reject.sequence() == null ? "" : "#" + reject.sequence())));
        item.put(Product.ISBN, AttributeValue.fromS(reject.isbn().isEmpty() ? "(none)" : reject.isbn()));
        item.put("source", AttributeValue.fromS(reject.source()));
        item.put("errors", AttributeValue.fromL(reject.errors().stream()
                .map(e -> AttributeValue.fromM(Map.of("field", AttributeValue.fromS(e.field()),
                        "error", AttributeValue.fromS(e.error()))))
                .toList()));
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        reject.item().forEach((k, v) -> {
            try {
                values.put(k, TypedAttributes.typed(v));
            } catch (IllegalArgumentException e) {
                values.put(k, AttributeValue.fromS(String.valueOf(v)));
            }
        });
        item.put("item", AttributeValue.fromM(values));
        item.put("expiresAt", AttributeValue.fromN(Long.toString(
                clock.instant().plus(properties.rejectsTtl()).getEpochSecond())));
        return item;
    }
}
