package mangaassist.catalog.cdc;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.catalog.Product;
import mangaassist.catalog.ProductQualityGate;
import mangaassist.catalog.QualityError;
import mangaassist.catalog.TitanEmbeddings;
import mangaassist.catalog.TypedAttributes;
import mangaassist.inventory.Isbn;
import org.opensearch.client.opensearch.core.MgetRequest;
import org.opensearch.client.opensearch.core.mget.MultiGetResponseItem;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * The catalog-cdc flow's steps, each one transformation of the {@link CatalogChange} in the body: a stream record or
 * a re-read item becomes a change (through the quality gate); per batch, the stored documents (one multi-get) decide
 * whether a vector can be reused or a change was already indexed, and the changes still needing the model are
 * embedded (Titan's request and answer per change) and put back.
 */
@Component("catalogCdcSteps")
public class CatalogCdcSteps {

    /** The stored document's field holding the stream sequence number it reflects. */
    public static final String SEQUENCE_FIELD = "cdc_sequence";
    public static final String VECTOR_FIELD = "embedding";
    /** The document's stock field (the table's {@code quantity}). */
    public static final String QUANTITY_FIELD = "quantity_available";
    static final String STREAM = "stream";
    static final String REINDEX = "reindex";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CatalogCdcProperties properties;
    private final ProductQualityGate gate = new ProductQualityGate();
    private final Clock clock;

    @Autowired
    public CatalogCdcSteps(CatalogCdcProperties properties) {
        this(properties, Clock.systemUTC());
    }

    CatalogCdcSteps(CatalogCdcProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /** A stream record: INSERT and MODIFY upsert the new image (if it passes the gate), REMOVE deletes. */
    public CatalogChange fromRecord(Record record) {
        StreamRecord data = record.dynamodb();
        Instant at = data.approximateCreationDateTime() == null ? clock.instant() : data.approximateCreationDateTime();
        String sequence = data.sequenceNumber();
        if (record.eventName() == OperationType.REMOVE) {
            Map<String, Object> keys = TypedAttributes.plain(data.keys());
            return new CatalogChange(documentId(keys.get(Product.ISBN)), CatalogChange.Action.DELETE, null, null, keys,
                    sequence, at, STREAM, null, false);
        }
        return upsertOrReject(TypedAttributes.plain(data.newImage()), sequence, at, STREAM);
    }

    /** The GetItem key of a re-index request's ISBN (canonical when valid: the table's key form). */
    public Map<String, AttributeValue> reindexKey(String isbn) {
        return Map.of(Product.ISBN, AttributeValue.fromS(documentId(isbn)));
    }

    /** A re-read item (GetItem's attributes): indexed as the stream would; gone (no attributes) deletes. */
    public CatalogChange fromItem(String isbn, Map<String, AttributeValue> attributes) {
        if (attributes == null || attributes.isEmpty()) {
            return new CatalogChange(documentId(isbn), CatalogChange.Action.DELETE, null, null,
                    Map.of(Product.ISBN, String.valueOf(isbn)), null, clock.instant(), REINDEX, null, false);
        }
        return upsertOrReject(TypedAttributes.plain(attributes), null, clock.instant(), REINDEX);
    }

    private CatalogChange upsertOrReject(Map<String, Object> item, String sequence, Instant at, String source) {
        List<QualityError> errors = gate.check(item);
        if (!errors.isEmpty()) {
            return new CatalogChange(documentId(item.get(Product.ISBN)), CatalogChange.Action.REJECT, null, errors,
                    item, sequence, at, source, null, false);
        }
        Product product = Product.from(item);
        return new CatalogChange(product.isbn(), CatalogChange.Action.UPSERT, product, null, item, sequence, at,
                source, null, false);
    }

    /**
     * One multi-get for the batch's upserts (distinct ISBNs): the stored documents' text fields, vectors and stream
     * positions, what {@link #stored} compares with.
     */
    public MgetRequest.Builder storedRequest(CatalogBatch batch) {
        List<String> ids = batch.changes().stream().filter(CatalogChange::upsert).map(CatalogChange::isbn).distinct()
                .toList();
        return new MgetRequest.Builder().index(properties.index()).ids(ids)
                .sourceIncludes(List.of(Product.TITLE, Product.AUTHOR, Product.GENRE, QUANTITY_FIELD,
                        Product.STOCK_STATUS, Product.PRICE_JPY, Product.WAREHOUSE_CODE, VECTOR_FIELD, SEQUENCE_FIELD));
    }

    /** The batch after a look at the stored documents of its upserts (the multi-get's items, any order). */
    public CatalogBatch stored(CatalogBatch batch, List<MultiGetResponseItem<?>> items) {
        Map<String, JsonNode> sources = new HashMap<>();
        for (MultiGetResponseItem<?> item : items == null ? List.<MultiGetResponseItem<?>>of() : items) {
            if (item.isFailure()) {
                // a document that could not be read is not "absent": retried with the batch (stream-errors)
                throw new CatalogIndexException("stored document " + item.failure().id() + " not readable: "
                        + item.failure().error().reason());
            }
            if (item.result().found() && item.result().source() != null) {
                sources.put(item.result().id(), JSON.valueToTree(item.result().source()));
            }
        }
        return new CatalogBatch(batch.changes().stream().map(c -> stored(c, sources.get(c.isbn()))).toList());
    }

    /**
     * A change after a look at its stored document: SKIP when the document already reflects this record or a later
     * one of the stream (a replay after a restart: records of one item come in order on one shard), or already shows
     * the product as this change would write it (inventory-events' re-index of a stock change reaches the item before
     * or after catalog-cdc indexed the same write: whichever comes second has nothing to write); the stored vector
     * reused when title, author and genre are unchanged; else the change still needs its embedding.
     */
    CatalogChange stored(CatalogChange change, JsonNode source) {
        if (change.action() != CatalogChange.Action.UPSERT || change.embedding() != null || source == null) {
            return change;
        }
        String storedSequence = source.path(SEQUENCE_FIELD).asText("");
        if (change.sequence() != null && !storedSequence.isEmpty() && notAfter(change.sequence(), storedSequence)) {
            return change.skipped();
        }
        Product p = change.product();
        JsonNode vector = source.path(VECTOR_FIELD);
        boolean sameText = vector.isArray() && vector.size() == properties.dimension()
                && p.title().equals(source.path(Product.TITLE).asText(null))
                && p.author().equals(source.path(Product.AUTHOR).asText(""))
                && p.genre().equals(source.path(Product.GENRE).asText(""));
        if (sameText && showsStock(source, p)) {
            return change.skipped();
        }
        if (sameText) {
            List<Float> reused = new ArrayList<>(vector.size());
            vector.forEach(v -> reused.add(v.floatValue()));
            return change.withEmbedding(reused, true);
        }
        return change;
    }

    /** The stored document's quantity, stock status, price and warehouse are the product's. */
    private static boolean showsStock(JsonNode source, Product p) {
        JsonNode quantity = source.path(QUANTITY_FIELD);
        JsonNode price = source.path(Product.PRICE_JPY);
        return quantity.isIntegralNumber() && quantity.asInt() == p.quantity()
                && p.stockStatus().value().equals(source.path(Product.STOCK_STATUS).asText(null))
                && p.warehouseCode().equals(source.path(Product.WAREHOUSE_CODE).asText(null))
                && (p.priceJpy() == null ? price.isMissingNode() || price.isNull()
                        : price.isIntegralNumber() && price.asInt() == p.priceJpy());
    }

    /**
     * The batch's changes that need the model, one per distinct text (an item inserted and modified in one poll is
     * embedded once): each is embedded on its own (in parallel), then {@link #embeddedAll} puts the vectors back.
     */
    public List<CatalogChange> toEmbed(CatalogBatch batch) {
        Map<String, CatalogChange> byText = new LinkedHashMap<>();
        for (CatalogChange c : batch.changes()) {
            if (c.needsEmbedding()) {
                byText.putIfAbsent(c.product().embeddingText(), c);
            }
        }
        return List.copyOf(byText.values());
    }

    /** The batch with the vectors of its embedded changes (matched by text), each change that needed one. */
    public CatalogBatch embeddedAll(CatalogBatch batch, List<CatalogChange> embedded) {
        Map<String, List<Float>> vectors = new HashMap<>();
        for (CatalogChange c : embedded) {
            vectors.put(c.product().embeddingText(), c.embedding());
        }
        return new CatalogBatch(batch.changes().stream().map(c -> {
            if (!c.needsEmbedding()) {
                return c;
            }
            List<Float> vector = vectors.get(c.product().embeddingText());
            if (vector == null) {
                throw new IllegalStateException("no embedding came back for " + c.isbn());
            }
            return c.withEmbedding(vector, false);
        }).toList());
    }

    /** Titan Text Embeddings V2 of the seed's text ({@code title author genre}). */
    public InvokeModelRequest embeddingRequest(CatalogChange change) {
        return TitanEmbeddings.request(properties.embeddingModel(), change.product().embeddingText(),
                properties.dimension());
    }

    /** The change with the vector of Titan's answer. */
    public CatalogChange embedded(CatalogChange change, InvokeModelResponse response) {
        return change.withEmbedding(TitanEmbeddings.vector(response, properties.dimension()), false);
    }

    /** Canonical ISBN when valid, else as written (a refused item is reported under what it says). */
    static String documentId(Object isbn) {
        String text = isbn == null ? "" : String.valueOf(isbn).strip();
        return Isbn.isValid(text) ? Isbn.normalize(text) : text;
    }

    /** Stream sequence numbers are decimal strings of up to 40 digits: compared as numbers. */
    static boolean notAfter(String sequence, String stored) {
        try {
            return new BigInteger(sequence).compareTo(new BigInteger(stored)) <= 0;
        } catch (NumberFormatException e) {
            return false; // not comparable: index again (idempotent)
        }
    }
}
