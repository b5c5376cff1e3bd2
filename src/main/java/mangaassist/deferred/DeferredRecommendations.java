package mangaassist.deferred;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.enrichment.EnrichmentCatalog;
import mangaassist.enrichment.EnrichmentType;
import mangaassist.platform.AsyncJobMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The steps of a batch_recommendation job: its manga one by one (the splitter's parts), each one's titles from the
 * catalog, the enrichment flow's recommendations prompt to the model, and the answer stored where the enrichment flow
 * stores it ({@code enrichment.recommendations} of the catalog item), so either way of asking leaves the same item.
 */
@Component("deferredRecommendations")
public class DeferredRecommendations {

    static final String TITLE = "title";
    static final String TITLE_JP = "titleJp";

    private static final Logger LOG = LoggerFactory.getLogger(DeferredRecommendations.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeferredProperties properties;
    private final EnrichmentCatalog catalog;
    private final AsyncJobMetrics metrics;

    public DeferredRecommendations(DeferredProperties properties, EnrichmentCatalog catalog, AsyncJobMetrics metrics) {
        this.properties = properties;
        this.catalog = catalog;
        this.metrics = metrics;
    }

    /** The job's manga, one part each, in the job's order. */
    public List<DeferredRecommendation> parts(DeferredTask task) {
        return task.job().mangaIds().stream()
                .map(id -> new DeferredRecommendation(task.job().jobId(), id, null, null, null)).toList();
    }

    /** The catalog key of the part's item (header {@code CamelAwsDdbKey} of the GetItem). */
    public Map<String, AttributeValue> key(DeferredRecommendation item) {
        return Map.of("mangaId", AttributeValue.fromS(item.mangaId()));
    }

    /** The attributes the GetItem reads (header {@code CamelAwsDdbAttributeNames}). */
    public List<String> titleAttributes() {
        return List.of(TITLE, TITLE_JP);
    }

    /** Aggregation of the catalog item's attributes into the part (none: the catalog does not know the manga). */
    public DeferredRecommendation withTitles(DeferredRecommendation item, Map<String, AttributeValue> attributes) {
        if (attributes == null || attributes.isEmpty()) {
            return item;
        }
        return item.withTitles(string(attributes.get(TITLE)), string(attributes.get(TITLE_JP)));
    }

    /** The enrichment flow's recommendations prompt for the part's titles. */
    public InvokeModelRequest modelRequest(DeferredRecommendation item) {
        ObjectNode body = JSON.createObjectNode();
        body.put("anthropic_version", DeferredSteps.ANTHROPIC_VERSION);
        body.put("max_tokens", properties.recommendations().maxTokens());
        body.put("temperature", properties.recommendations().temperature());
        body.putArray("messages").addObject().put("role", "user")
                .put("content", EnrichmentType.RECOMMENDATIONS.prompt(item.title(), item.titleJp()));
        return InvokeModelRequest.builder().modelId(properties.recommendations().model())
                .contentType(DeferredSteps.CONTENT_TYPE).accept(DeferredSteps.CONTENT_TYPE)
                .body(SdkBytes.fromUtf8String(body.toString())).build();
    }

    /** {@code enrichment.recommendations} and {@code enrichment.lastUpdated} of the item, as the enrichment flow writes. */
    public DeferredRecommendation store(DeferredRecommendation item) {
        catalog.write(item.mangaId(), EnrichmentType.RECOMMENDATIONS.wireName(), item.recommendations());
        return item;
    }

    /**
     * A manga the catalog does not know: no title to recommend from. Skipped (counted, logged), not a failure of the
     * job: its other manga are done, and no redelivery would make the item appear.
     */
    public void unknown(DeferredRecommendation item) {
        metrics.error(DeferredSteps.FLOW, "UNKNOWN_MANGA");
        LOG.warn("Batch recommendation {}: manga {} has no title in the catalog, skipped", item.jobId(), item.mangaId());
    }

    private static String string(AttributeValue value) {
        return value == null || value.s() == null ? null : value.s();
    }
}
