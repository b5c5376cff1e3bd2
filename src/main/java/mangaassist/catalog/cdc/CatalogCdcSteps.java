package mangaassist.catalog.cdc;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.catalog.Product;
import mangaassist.catalog.ProductQualityGate;
import mangaassist.catalog.QualityError;
import mangaassist.catalog.TypedAttributes;
import mangaassist.inventory.Isbn;
import org.opensearch.client.opensearch.core.GetRequest;
import org.opensearch.client.opensearch.core.GetResponse;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * The catalog-cdc flow's steps, each one transformation of the {@link CatalogChange} in the body: a stream record or
 * a re-read item becomes a change (through the quality gate), the stored document decides whether the vector can be
 * reused or the change was already indexed, and the Titan request and answer.
 */
@Component("catalogCdcSteps")
public class CatalogCdcSteps {

    /** The stored document's field holding the stream sequence number it reflects. */
    public static final String SEQUENCE_FIELD = "cdc_sequence";
    public static final String VECTOR_FIELD = "embedding";
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

    /** The stored document's text fields, vector and sequence: what {@link #stored} compares with. */
    public GetRequest.Builder storedRequest(CatalogChange change) {
        return new GetRequest.Builder().index(properties.index()).id(change.isbn())
                .sourceIncludes(List.of(Product.TITLE, Product.AUTHOR, Product.GENRE, VECTOR_FIELD, SEQUENCE_FIELD));
    }

    /**
     * The change after a look at its stored document: SKIP when the document already reflects this record or a later
     * one of the stream (a replay after a restart: records of one item come in order on one shard); the stored vector
     * reused when title, author and genre are unchanged; else the change still needs its embedding.
     */
    public CatalogChange stored(CatalogChange change, GetResponse<?> stored) {
        if (change.action() != CatalogChange.Action.UPSERT || stored == null || !stored.found()
                || stored.source() == null) {
            return change;
        }
        JsonNode source = JSON.valueToTree(stored.source());
        String storedSequence = source.path(SEQUENCE_FIELD).asText("");
        if (change.sequence() != null && !storedSequence.isEmpty() && notAfter(change.sequence(), storedSequence)) {
            return change.skipped();
        }
        Product p = change.product();
        JsonNode vector = source.path(VECTOR_FIELD);
        if (vector.isArray() && vector.size() == properties.dimension()
                && p.title().equals(source.path(Product.TITLE).asText(null))
                && p.author().equals(source.path(Product.AUTHOR).asText(""))
                && p.genre().equals(source.path(Product.GENRE).asText(""))) {
            List<Float> reused = new ArrayList<>(vector.size());
            vector.forEach(v -> reused.add(v.floatValue()));
            return change.withEmbedding(reused, true);
        }
        return change;
    }

    /** Titan Text Embeddings V2 of the seed's text ({@code title author genre}), normalised for cosine similarity. */
    public InvokeModelRequest embeddingRequest(CatalogChange change) {
        ObjectNode body = JSON.createObjectNode()
                .put("inputText", change.product().embeddingText())
                .put("dimensions", properties.dimension())
                .put("normalize", true);
        return InvokeModelRequest.builder().modelId(properties.embeddingModel())
                .contentType("application/json").accept("application/json")
                .body(SdkBytes.fromUtf8String(body.toString())).build();
    }

    /** The change with the vector of Titan's answer. */
    public CatalogChange embedded(CatalogChange change, InvokeModelResponse response) throws JsonProcessingException {
        JsonNode embedding = JSON.readTree(response.body().asUtf8String()).path("embedding");
        if (!embedding.isArray() || embedding.size() != properties.dimension()) {
            throw new IllegalStateException("the model answered no embedding of " + properties.dimension()
                    + " dimensions for " + change.isbn());
        }
        List<Float> vector = new ArrayList<>(embedding.size());
        embedding.forEach(v -> vector.add(v.floatValue()));
        return change.withEmbedding(vector, false);
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
