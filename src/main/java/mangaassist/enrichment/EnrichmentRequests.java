package mangaassist.enrichment;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Reads the producer API's requests into a {@link EnrichmentSubmission}: {@code POST /api/enrichment/jobs} (one job)
 * and {@code POST /api/enrichment/jobs/batch} (a JSON array of jobs, or {@code {"jobs":[...]}} with optional
 * {@code enrichmentType} and {@code priority} for every job that names none, as the seed's batch takes one type).
 * A job's defaults are the seed's: synopsis, normal.
 */
@Component("enrichmentRequests")
public class EnrichmentRequests {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EnrichmentProperties properties;
    private final Clock clock;

    @Autowired
    public EnrichmentRequests(EnrichmentProperties properties) {
        this(properties, Clock.systemUTC());
    }

    EnrichmentRequests(EnrichmentProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    public EnrichmentSubmission one(@Body String body) {
        JsonNode job = parse(body);
        if (!job.isObject()) {
            throw new EnrichmentRequestException("INVALID_JOB", "The body must be a JSON object (one job).", List.of());
        }
        return submission(List.of(job), null, null, "");
    }

    public EnrichmentSubmission batch(@Body String body) {
        JsonNode root = parse(body);
        JsonNode jobs = root.isObject() ? root.path("jobs") : root;
        if (!jobs.isArray()) {
            throw new EnrichmentRequestException("INVALID_JOB",
                    "The body must be a JSON array of jobs or {\"jobs\":[...]}.", List.of());
        }
        if (jobs.isEmpty()) {
            throw new EnrichmentRequestException("EMPTY_BATCH", "The batch has no job.", List.of());
        }
        if (jobs.size() > properties.maxBatchJobs()) {
            throw new EnrichmentRequestException("TOO_MANY_JOBS",
                    "A batch takes at most " + properties.maxBatchJobs() + " jobs; this one has " + jobs.size() + ".",
                    List.of());
        }
        List<JsonNode> items = new ArrayList<>();
        jobs.forEach(items::add);
        return submission(items, root.get("enrichmentType"), root.get("priority"), "jobs");
    }

    private EnrichmentSubmission submission(List<JsonNode> items, JsonNode defaultType, JsonNode defaultPriority,
                                            String listName) {
        List<FieldError> errors = new ArrayList<>(EnrichmentJobFields.checkChoices("", defaultType, defaultPriority));
        List<EnrichmentJob> jobs = new ArrayList<>();
        long now = clock.instant().getEpochSecond();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String prefix = listName.isEmpty() ? "" : listName + "[" + i + "].";
            if (!item.isObject()) {
                errors.add(new FieldError(listName + "[" + i + "]", "must be a JSON object"));
                continue;
            }
            JsonNode mangaId = item.has("mangaId") ? item.get("mangaId") : item.get("id"); // the seed's batch items say "id"
            JsonNode type = item.has("enrichmentType") ? item.get("enrichmentType") : defaultType;
            JsonNode priority = item.has("priority") ? item.get("priority") : defaultPriority;
            List<FieldError> jobErrors = EnrichmentJobFields.check(prefix, mangaId, item.get("title"),
                    item.get("titleJp"), item.has("enrichmentType") ? type : null, item.has("priority") ? priority : null);
            errors.addAll(jobErrors);
            if (jobErrors.isEmpty() && errors.isEmpty()) {
                jobs.add(EnrichmentJob.of(mangaId.asText(), item.get("title").asText(), textOrNull(item.get("titleJp")),
                        EnrichmentJobFields.absent(type) ? EnrichmentType.DEFAULT
                                : EnrichmentType.fromWire(type.asText()).orElseThrow(),
                        EnrichmentJobFields.absent(priority) ? EnrichmentPriority.DEFAULT : priority.asText(), now));
            }
        }
        if (!errors.isEmpty()) {
            throw new EnrichmentRequestException("INVALID_JOB",
                    errors.size() == 1 ? "One field is invalid." : errors.size() + " fields are invalid.", errors);
        }
        return EnrichmentSubmission.of(jobs, clock.instant(), properties.dedupWindow());
    }

    private static String textOrNull(JsonNode node) {
        return EnrichmentJobFields.absent(node) ? null : node.asText();
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : JSON.readTree(body);
            if (node == null) {
                throw new EnrichmentRequestException("INVALID_JSON", "The body is empty.", List.of());
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new EnrichmentRequestException("INVALID_JSON", "The body is not valid JSON.", List.of());
        }
    }
}
