package mangaassist.enrichment;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.component.aws2.ddb.Ddb2Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The scheduled producer's steps (the seed's EventBridge schedule): the catalog is scanned once per enrichment type
 * for the items that lack it ({@code attribute_not_exists(enrichment.<type>)}), page by page, and each such item
 * becomes a job of that type, queued as the API queues jobs (same group and dedup ids: a job queued again within the
 * dedup window is queued once). An item without a title is skipped (no prompt can be made of it); a run queues at most
 * {@code max-jobs-per-run} jobs.
 *
 * <p>Metrics: {@code mangaassist.enrichment.backfill.jobs{status=queued|failed|skipped}}.
 */
@Component("enrichmentBacklog")
public class EnrichmentBacklog {

    static final String ENRICHMENT = EnrichmentCatalog.ENRICHMENT;

    private static final Logger LOG = LoggerFactory.getLogger(EnrichmentBacklog.class);

    /**
     * Where a run is: the type being scanned ({@code typeIndex} of the types), the key to continue the scan from (null:
     * the type's first page), the jobs found so far, how many items were skipped for want of a title, and whether the
     * scan is over.
     */
    public record Backlog(List<String> types, int typeIndex, Map<String, AttributeValue> startKey, List<EnrichmentJob> jobs,
                          int skipped, boolean done) {
        public Backlog {
            types = List.copyOf(types);
            jobs = List.copyOf(jobs);
        }

        public String type() {
            return types.get(typeIndex);
        }
    }

    /** One Scan's answer: the items and the key to continue from (null or empty: the type's last page). */
    public record Page(List<Map<String, AttributeValue>> items, Map<String, AttributeValue> lastKey) {
    }

    private final EnrichmentScheduleProperties schedule;
    private final EnrichmentProperties properties;
    private final MeterRegistry meters;
    private final Clock clock;

    @Autowired
    public EnrichmentBacklog(EnrichmentScheduleProperties schedule, EnrichmentProperties properties, MeterRegistry meters) {
        this(schedule, properties, meters, Clock.systemUTC());
    }

    EnrichmentBacklog(EnrichmentScheduleProperties schedule, EnrichmentProperties properties, MeterRegistry meters,
                      Clock clock) {
        this.schedule = schedule;
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
        schedule.types().forEach(t -> EnrichmentType.fromWire(t).orElseThrow(() -> new IllegalArgumentException(
                "mangaassist.enrichment.schedule.types: unknown enrichment type '" + t + "' (" + EnrichmentType.NAMES + ")")));
    }

    public Backlog start() {
        return new Backlog(schedule.types(), 0, null, List.of(), 0, schedule.types().isEmpty());
    }

    public boolean scanning(Backlog backlog) {
        return !backlog.done();
    }

    /**
     * The Scan of the next page as the aws2-ddb endpoint's headers: the items lacking the type, only their id and
     * titles read, from where the last page ended.
     */
    public void scanRequest(Backlog backlog, Exchange exchange) {
        var message = exchange.getMessage();
        message.setHeader(Ddb2Constants.FILTER_EXPRESSION, "attribute_not_exists(#e.#t)");
        message.setHeader(Ddb2Constants.FILTER_EXPRESSION_ATTRIBUTE_NAMES,
                Map.of("#e", ENRICHMENT, "#t", backlog.type(), "#title", "title", "#titleJp", "titleJp"));
        message.setHeader(Ddb2Constants.PROJECT_EXPRESSION, "mangaId, #title, #titleJp");
        message.setHeader(Ddb2Constants.LIMIT, schedule.pageSize());
        if (backlog.startKey() != null) {
            message.setHeader(Ddb2Constants.START_KEY, backlog.startKey());
        }
    }

    /** The Scan's answer, from the endpoint's headers. */
    public Page page(@Header(Ddb2Constants.ITEMS) List<Map<String, AttributeValue>> items,
                     @Header(Ddb2Constants.LAST_EVALUATED_KEY) Map<String, AttributeValue> lastKey) {
        return new Page(items == null ? List.of() : items, lastKey);
    }

    /** Aggregation of a page into the run: its items as jobs; on to the next page, the next type, or done. */
    public Backlog next(Backlog backlog, Page page) {
        List<EnrichmentJob> jobs = new ArrayList<>(backlog.jobs());
        int skipped = backlog.skipped();
        EnrichmentType type = EnrichmentType.fromWire(backlog.type()).orElseThrow();
        long now = clock.instant().getEpochSecond();
        for (Map<String, AttributeValue> item : page.items()) {
            if (jobs.size() >= schedule.maxJobsPerRun()) {
                break;
            }
            String mangaId = string(item.get("mangaId"));
            String title = string(item.get("title"));
            if (mangaId == null || !EnrichmentIds.MANGA_ID.matcher(mangaId).matches() || title == null || title.isBlank()) {
                skipped++;
                continue;
            }
            jobs.add(EnrichmentJob.of(mangaId, title, string(item.get("titleJp")), type, schedule.priority(), now));
        }
        boolean lastPage = page.lastKey() == null || page.lastKey().isEmpty();
        boolean full = jobs.size() >= schedule.maxJobsPerRun();
        if (full || lastPage && backlog.typeIndex() + 1 >= backlog.types().size()) {
            return new Backlog(backlog.types(), backlog.typeIndex(), null, jobs, skipped, true);
        }
        return lastPage ? new Backlog(backlog.types(), backlog.typeIndex() + 1, null, jobs, skipped, false)
                : new Backlog(backlog.types(), backlog.typeIndex(), page.lastKey(), jobs, skipped, false);
    }

    /** The run's jobs as a submission for the producer's send route. */
    public EnrichmentSubmission submission(Backlog backlog) {
        if (backlog.skipped() > 0) {
            meters.counter("mangaassist.enrichment.backfill.jobs", "status", "skipped").increment(backlog.skipped());
            LOG.info("Enrichment backfill: {} catalog items without a title skipped", backlog.skipped());
        }
        return EnrichmentSubmission.of(backlog.jobs(), clock.instant(), properties.dedupWindow());
    }

    /** What the run queued: {@code {queued, failed, jobs:[{mangaId, enrichmentType, messageId|failure}]}}. */
    public Map<String, Object> report(EnrichmentSubmission submission) {
        List<Map<String, Object>> jobs = new ArrayList<>();
        int queued = 0;
        for (EnrichmentSubmission.Entry entry : submission.entries()) {
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("mangaId", entry.job().mangaId());
            job.put("enrichmentType", entry.job().enrichmentType());
            if (entry.queued()) {
                queued++;
                job.put("messageId", entry.messageId());
            } else {
                job.put("failure", entry.failureCode());
            }
            jobs.add(job);
        }
        int failed = jobs.size() - queued;
        meters.counter("mangaassist.enrichment.backfill.jobs", "status", "queued").increment(queued);
        meters.counter("mangaassist.enrichment.backfill.jobs", "status", "failed").increment(failed);
        LOG.info("Enrichment backfill: {} jobs queued, {} not queued", queued, failed);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("queued", queued);
        report.put("failed", failed);
        report.put("jobs", jobs);
        return report;
    }

    private static String string(AttributeValue value) {
        return value == null ? null : value.s();
    }
}
