package mangaassist.catalog.cdc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.catalog.TypedAttributes;
import org.apache.camel.Headers;
import org.apache.camel.component.aws2.ddb.Ddb2Constants;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;

/**
 * GET /api/catalog/quality: the totals of this instance's changes since it started (the counters of
 * {@link CatalogIndexWrites}) and the newest stored rejects, each with its errors.
 */
@Component("catalogQuality")
public class CatalogQuality {

    private final CatalogCdcProperties properties;
    private final MeterRegistry meters;

    public CatalogQuality(CatalogCdcProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.meters = meters;
    }

    /** The Query of the newest rejects: the flow's partition, newest first, rejects-limit of them. */
    public void rejectsQuery(@Headers Map<String, Object> headers) {
        headers.put(Ddb2Constants.KEY_CONDITIONS, Map.of("flow", Condition.builder()
                .comparisonOperator(ComparisonOperator.EQ)
                .attributeValueList(AttributeValue.fromS(CatalogIndexWrites.FLOW)).build()));
        headers.put(Ddb2Constants.SCAN_INDEX_FORWARD, false);
        headers.put(Ddb2Constants.LIMIT, properties.rejectsLimit());
    }

    /** The report: totals and the rejects (plain values) of the Query's answer. */
    public Map<String, Object> report(@Headers Map<String, Object> headers) {
        Map<String, Object> totals = new LinkedHashMap<>();
        for (String outcome : List.of("indexed", "deleted", "rejected", "skipped")) {
            totals.put(outcome, count("mangaassist.catalog.changes", "outcome", outcome));
        }
        totals.put("embeddingsMade", count("mangaassist.catalog.embeddings", "source", "model"));
        totals.put("embeddingsReused", count("mangaassist.catalog.embeddings", "source", "reused"));
        List<Map<String, Object>> rejects = new ArrayList<>();
        Object items = headers.get(Ddb2Constants.ITEMS);
        if (items instanceof List<?> list) {
            for (Object o : list) {
                @SuppressWarnings("unchecked")
                Map<String, Object> plain = TypedAttributes.plain((Map<String, AttributeValue>) o);
                plain.remove("flow");
                plain.remove("expiresAt");
                rejects.add(plain);
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("totals", totals);
        report.put("rejects", rejects);
        return report;
    }

    private long count(String name, String tag, String value) {
        Counter counter = meters.find(name).tags("flow", CatalogIndexWrites.FLOW, tag, value).counter();
        return counter == null ? 0 : (long) counter.count();
    }
}
