package mangaassist.catalog.sync;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.platform.ApiException;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Starts, resumes and ends sync runs, and answers their status. A run's id is its export's id: starting an export
 * whose run did not complete resumes it from its checkpoints (a crashed instance's run once its record is stale-after
 * old); one that completed is not synced again. This instance runs one sync at a time.
 */
@Component("catalogSyncRuns")
public class CatalogSyncRuns {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogSyncRuns.class);

    private final CatalogSyncRecords records;
    private final CatalogSyncProperties properties;
    private final MeterRegistry meters;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    /** the runs this instance executes (at most one: the seda queue has one consumer) */
    private final Map<String, SyncRun> active = new ConcurrentHashMap<>();

    @Autowired
    public CatalogSyncRuns(CatalogSyncRecords records, CatalogSyncProperties properties, MeterRegistry meters) {
        this(records, properties, meters, Clock.systemUTC());
    }

    CatalogSyncRuns(CatalogSyncRecords records, CatalogSyncProperties properties, MeterRegistry meters, Clock clock) {
        this.records = records;
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
    }

    /** {@code POST /api/catalog/sync}: an empty body (the newest export) or {@code {"prefix":"batch-sync/<runId>/"}}. */
    public SyncRequest request(@Body String body) {
        if (body == null || body.isBlank()) {
            return new SyncRequest(null, List.of());
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException("INVALID_BODY", 400, "The body must be empty or a JSON object {\"prefix\": ...}.");
        }
        if (!node.isObject()) {
            throw new ApiException("INVALID_BODY", 400, "The body must be empty or a JSON object {\"prefix\": ...}.");
        }
        JsonNode prefix = node.path("prefix");
        if (prefix.isMissingNode() || prefix.isNull()) {
            return new SyncRequest(null, List.of());
        }
        if (!prefix.isTextual() || prefix.asText().isBlank()) {
            throw new ApiException("INVALID_PREFIX", 400, "prefix must be the export's key prefix, e.g. "
                    + properties.exportsPrefix() + "/20261202_023000/.");
        }
        return new SyncRequest(prefix.asText(), List.of());
    }

    /**
     * The run of a listed export: a new one, or its stored run resumed. 409 RUN_ACTIVE when it runs (here, or on
     * another instance that wrote its record less than stale-after ago) or when another run runs here;
     * 409 ALREADY_SYNCED when it completed; 409 EXPORT_CHANGED when its files are not those the run began with.
     */
    public synchronized SyncRun open(@Body SyncRequest request) {
        String runId = request.runId();
        if (!active.isEmpty()) {
            String running = active.keySet().iterator().next();
            throw new ApiException("RUN_ACTIVE", 409, "Run " + running + " is running on this instance.");
        }
        Optional<CatalogSyncRecords.Stored> stored = records.load(runId);
        SyncRun run;
        if (stored.isEmpty()) {
            run = new SyncRun(runId, request.prefix(), clock.instant(), properties.reconciliation().sampleSize());
            request.files().forEach(f -> run.addFile(new SyncFile(run, f.key(), f.size())));
            LOG.info("catalog-sync {}: new run over s3://{}/{} ({} files, {} bytes)", runId, properties.bucket(),
                    request.prefix(), run.files().size(), run.bytes());
        } else {
            run = stored.get().run();
            checkResumable(run, stored.get().owner(), request);
            run.state(SyncRun.State.RUNNING);
            run.error(null);
            LOG.info("catalog-sync {}: resuming: {} of {} files done, {} lines done ({} rejected)", runId,
                    run.files().size() - run.filesToDo().size(), run.files().size(), run.processed(), run.rejected());
        }
        run.executionBegins();
        records.save(run);
        active.put(runId, run);
        return run;
    }

    private void checkResumable(SyncRun run, String owner, SyncRequest request) {
        if (run.state() == SyncRun.State.COMPLETED) {
            throw new ApiException("ALREADY_SYNCED", 409, "Export " + run.runId() + " was synced (" + run.finishedAt()
                    + "): GET /api/catalog/sync/" + run.runId() + " has its reconciliation.");
        }
        boolean running = run.state() == SyncRun.State.RUNNING || run.state() == SyncRun.State.RECONCILING;
        Duration age = Duration.between(run.updatedAt(), clock.instant());
        if (running && !records.owner().equals(owner) && age.compareTo(properties.staleAfter()) < 0) {
            throw new ApiException("RUN_ACTIVE", 409, "Run " + run.runId() + " is running on " + owner + ".");
        }
        List<SyncRequest.ExportFile> began = run.files().stream()
                .map(f -> new SyncRequest.ExportFile(f.key(), f.size())).toList();
        if (!began.equals(request.files())) {
            throw new ApiException("EXPORT_CHANGED", 409, "The files of export " + run.runId()
                    + " are not those its run began with: export again under a new run id.");
        }
    }

    /** 202 {@code {"runId","state","status"}}. */
    public Map<String, Object> accepted(@Body SyncRun run, Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("runId", run.runId());
        answer.put("state", run.state().name());
        answer.put("export", "s3://" + properties.bucket() + "/" + run.prefix());
        answer.put("status", "/api/catalog/sync/" + run.runId());
        return answer;
    }

    /** The files are written: reconciliation next. */
    public SyncRun filesDone(@ExchangeProperty(SyncRun.PROPERTY) SyncRun run) {
        run.state(SyncRun.State.RECONCILING);
        records.save(run);
        LOG.info("catalog-sync {}: {} lines written ({} accepted, {} rejected) at {} lines/s; reconciling", run.runId(),
                run.processed(), run.accepted(), run.rejected(), Math.round(run.rate()));
        return run;
    }

    public void completed(@ExchangeProperty(SyncRun.PROPERTY) SyncRun run) {
        run.state(SyncRun.State.COMPLETED);
        run.finished(clock.instant());
        records.save(run);
        Reconciliation r = run.reconciliation();
        meters.counter("mangaassist.catalog.sync.runs", "flow", "catalog-sync", "outcome",
                r.ok() ? "reconciled" : "discrepancy").increment();
        if (r.ok()) {
            LOG.info("catalog-sync {}: completed and reconciled: {} accepted, DynamoDB {}, OpenSearch {} (tolerance {}), "
                    + "{} sampled items alike", run.runId(), r.accepted(), r.dynamoDb(), r.openSearch(), r.tolerance(),
                    r.sampled());
        } else {
            LOG.warn("catalog-sync {}: completed OUTSIDE tolerance or with differences: {} accepted, DynamoDB {} (off {}), "
                    + "OpenSearch {} (off {}), tolerance {}, {} of {} sampled items differ: {}", run.runId(), r.accepted(),
                    r.dynamoDb(), r.dynamoDbOff(), r.openSearch(), r.openSearchOff(), r.tolerance(),
                    r.mismatches().stream().map(Reconciliation.Mismatch::isbn).distinct().count(), r.sampled(),
                    r.mismatches());
        }
    }

    /** The run failed: its checkpoints stay, and starting its export again resumes it. */
    public void failed(@ExchangeProperty(SyncRun.PROPERTY) SyncRun run, Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        run.state(SyncRun.State.FAILED);
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();   // the split's CamelExchangeExceptions wrap what failed
        }
        run.error(root == null ? "failed" : root.getClass().getSimpleName() + ": " + root.getMessage());
        meters.counter("mangaassist.catalog.sync.runs", "flow", "catalog-sync", "outcome", "failed").increment();
        LOG.warn("catalog-sync {}: FAILED after {} lines ({}); POST /api/catalog/sync with its prefix resumes it",
                run.runId(), run.processed(), run.error());
        try {
            records.save(run);
        } catch (RuntimeException e) {
            LOG.warn("catalog-sync {}: the failure could not be recorded ({}); the run stays RUNNING until stale",
                    run.runId(), e.toString());
        }
    }

    /** The run's execution ended (completed or failed): this instance may run another. */
    public void released(@ExchangeProperty(SyncRun.PROPERTY) SyncRun run) {
        active.remove(run.runId());
    }

    /** {@code GET /api/catalog/sync/{runId}}: this instance's live run, or the stored one; 404 UNKNOWN_RUN. */
    public Map<String, Object> status(@Header("runId") String runId) {
        SyncRun run = active.get(runId);
        boolean live = run != null && (run.state() == SyncRun.State.RUNNING || run.state() == SyncRun.State.RECONCILING);
        if (!live) {
            // what is durable: a failed run's counts are those of its checkpoints, where it resumes
            run = records.load(runId).map(CatalogSyncRecords.Stored::run)
                    .orElseThrow(() -> new ApiException("UNKNOWN_RUN", 404, "No sync run " + runId + "."));
        }
        return status(run, live);
    }

    Map<String, Object> status(SyncRun run, boolean live) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("runId", run.runId());
        status.put("state", run.state().name());
        status.put("export", "s3://" + properties.bucket() + "/" + run.prefix());
        status.put("files", run.files().size());
        status.put("filesDone", run.files().size() - run.filesToDo().size());
        long processed = run.processed();
        long bytes = Math.max(1, run.bytes());
        boolean written = run.allFilesDone();
        // lines are known only once read: until then the total is estimated from the bytes read so far
        long total = written ? processed
                : run.bytesDone() == 0 ? 0 : Math.round((double) processed * bytes / run.bytesDone());
        status.put("processed", processed);
        status.put("accepted", run.accepted());
        status.put("rejected", run.rejected());
        status.put("total", total);
        status.put("totalEstimated", !written);
        status.put("percent", written ? 100.0 : Math.min(99.9, Math.round(1000.0 * run.bytesDone() / bytes) / 10.0));
        status.put("rate", live ? Math.round(run.rate()) : null);
        status.put("resumedFrom", run.linesBeforeExecution());
        status.put("startedAt", run.startedAt().toString());
        status.put("updatedAt", run.updatedAt().toString());
        status.put("finishedAt", run.finishedAt() == null ? null : run.finishedAt().toString());
        status.put("rejects", "s3://" + properties.bucket() + "/" + properties.rejectsPrefix() + "/" + run.runId() + "/");
        status.put("error", run.error());
        status.put("reconciliation", run.reconciliation());
        return status;
    }
}
