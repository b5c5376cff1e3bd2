package mangaassist.catalog.sync;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The runs table: one item per run (part {@code run}: state, export, files, reconciliation) and one per export file
 * (part {@code file#<key>}: its checkpoint). A file's checkpoint is one PutItem of its own item, so files synced in
 * parallel never write the same item, and its counts move with its position in one write.
 */
@Component("catalogSyncRecords")
public class CatalogSyncRecords {

    static final String RUN_PART = "run";
    static final String FILE_PART = "file#";

    private final DynamoDbClient dynamoDb;
    private final CatalogSyncProperties properties;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();
    private final String owner;

    @Autowired
    public CatalogSyncRecords(DynamoDbClient dynamoDb, CatalogSyncProperties properties,
                              @Value("${mangaassist.cluster.member-id}") String owner) {
        this(dynamoDb, properties, Clock.systemUTC(), owner);
    }

    CatalogSyncRecords(DynamoDbClient dynamoDb, CatalogSyncProperties properties, Clock clock, String owner) {
        this.dynamoDb = dynamoDb;
        this.properties = properties;
        this.clock = clock;
        this.owner = owner;
    }

    /** This instance, as it writes itself in a run's record. */
    public String owner() {
        return owner;
    }

    /** A stored run (its record and its files' checkpoints), with the owner that last wrote it. */
    public record Stored(SyncRun run, String owner) {
    }

    public Optional<Stored> load(String runId) {
        Map<String, AttributeValue> runItem = null;
        List<Map<String, AttributeValue>> fileItems = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(properties.runsTable()).consistentRead(true)
                    .keyConditionExpression("runId = :r").expressionAttributeValues(Map.of(":r", s(runId)));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse page = dynamoDb.query(query.build());
            for (Map<String, AttributeValue> item : page.items()) {
                if (RUN_PART.equals(item.get("part").s())) {
                    runItem = item;
                } else {
                    fileItems.add(item);
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        if (runItem == null) {
            return Optional.empty();
        }
        SyncRun run = new SyncRun(runId, runItem.get("prefix").s(), Instant.parse(runItem.get("startedAt").s()),
                properties.reconciliation().sampleSize());
        run.state(SyncRun.State.valueOf(runItem.get("state").s()));
        run.touched(Instant.parse(runItem.get("updatedAt").s()));
        if (runItem.containsKey("finishedAt")) {
            run.finished(Instant.parse(runItem.get("finishedAt").s()));
            run.touched(Instant.parse(runItem.get("updatedAt").s()));
        }
        if (runItem.containsKey("resumedFrom")) {
            run.resumedFrom(n(runItem, "resumedFrom"));
        }
        if (runItem.containsKey("error")) {
            run.error(runItem.get("error").s());
        }
        if (runItem.containsKey("reconciliation")) {
            try {
                run.reconciliation(json.readValue(runItem.get("reconciliation").s(), Reconciliation.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable reconciliation of run " + runId, e);
            }
        }
        Map<String, Map<String, AttributeValue>> checkpoints = new HashMap<>();
        fileItems.forEach(item -> checkpoints.put(item.get("part").s().substring(FILE_PART.length()), item));
        for (AttributeValue file : runItem.get("files").l()) {
            SyncFile syncFile = new SyncFile(run, file.m().get("key").s(), Long.parseLong(file.m().get("size").n()));
            Map<String, AttributeValue> checkpoint = checkpoints.get(syncFile.key());
            if (checkpoint != null) {
                syncFile.restore(n(checkpoint, "linesDone"), n(checkpoint, "processed"), n(checkpoint, "accepted"),
                        n(checkpoint, "rejected"), n(checkpoint, "bytesDone"), checkpoint.get("done").bool());
            }
            run.addFile(syncFile);
        }
        AttributeValue writer = runItem.get("owner");
        return Optional.of(new Stored(run, writer == null ? null : writer.s()));
    }

    /** The run's own item: its state, export, files and (once there) reconciliation. */
    public void save(SyncRun run) {
        run.touched(clock.instant());
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("runId", s(run.runId()));
        item.put("part", s(RUN_PART));
        item.put("state", s(run.state().name()));
        item.put("prefix", s(run.prefix()));
        item.put("startedAt", s(run.startedAt().toString()));
        item.put("updatedAt", s(run.updatedAt().toString()));
        item.put("owner", s(owner));
        item.put("resumedFrom", n(run.linesBeforeExecution()));
        item.put("files", AttributeValue.fromL(run.files().stream()
                .map(f -> AttributeValue.fromM(Map.of("key", s(f.key()), "size", n(f.size())))).toList()));
        if (run.finishedAt() != null) {
            item.put("finishedAt", s(run.finishedAt().toString()));
        }
        if (run.error() != null) {
            item.put("error", s(run.error()));
        }
        if (run.reconciliation() != null) {
            try {
                item.put("reconciliation", s(json.writeValueAsString(run.reconciliation())));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        dynamoDb.putItem(b -> b.tableName(properties.runsTable()).item(item));
    }

    /** A file's checkpoint: lines done and their counts, in one write; the run's record is touched as alive. */
    public void checkpoint(SyncFile file) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("runId", s(file.run().runId()));
        item.put("part", s(FILE_PART + file.key()));
        item.put("linesDone", n(file.linesDone()));
        item.put("processed", n(file.processed()));
        item.put("accepted", n(file.accepted()));
        item.put("rejected", n(file.rejected()));
        item.put("bytesDone", n(file.bytesDone()));
        item.put("done", AttributeValue.fromBool(file.done()));
        item.put("updatedAt", s(clock.instant().toString()));
        dynamoDb.putItem(b -> b.tableName(properties.runsTable()).item(item));
        file.checkpointed();
        // the run's heartbeat: another instance takes a RUNNING run over only once it is stale-after old
        Instant now = clock.instant();
        file.run().touched(now);
        dynamoDb.updateItem(b -> b.tableName(properties.runsTable())
                .key(Map.of("runId", s(file.run().runId()), "part", s(RUN_PART)))
                .updateExpression("SET updatedAt = :u, #o = :o")
                .expressionAttributeNames(Map.of("#o", "owner"))
                .expressionAttributeValues(Map.of(":u", s(now.toString()), ":o", s(owner))));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static long n(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? 0 : Long.parseLong(value.n());
    }
}
