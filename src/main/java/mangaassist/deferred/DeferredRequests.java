package mangaassist.deferred;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Reads {@code POST /api/deferred/jobs}: one job (see {@link DeferredJob}), its fields checked as the consumer checks
 * them; a job without {@code jobId} gets a new one, and {@code requestedAt} is the time of the request.
 */
@Component("deferredRequests")
public class DeferredRequests {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeferredJobs jobs;
    private final Clock clock;

    @Autowired
    public DeferredRequests(DeferredJobs jobs) {
        this(jobs, Clock.systemUTC());
    }

    DeferredRequests(DeferredJobs jobs, Clock clock) {
        this.jobs = jobs;
        this.clock = clock;
    }

    public DeferredJob job(@Body String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new DeferredRequestException("INVALID_JSON", "The body is not valid JSON.", List.of());
        }
        if (root == null || !root.isObject()) {
            throw new DeferredRequestException("INVALID_JOB", "The body must be a JSON object (one job).", List.of());
        }
        DeferredJobs.Read read = jobs.read(root);
        if (!read.valid()) {
            throw new DeferredRequestException("INVALID_JOB", read.errors().size() == 1 ? "One field is invalid."
                    : read.errors().size() + " fields are invalid.", read.errors());
        }
        DeferredJob job = read.job();
        return new DeferredJob(job.jobType(), job.jobId() != null ? job.jobId() : UUID.randomUUID().toString(),
                job.prompt(), job.modelId(), job.callbackUrl(), job.mangaIds(), clock.instant().getEpochSecond());
    }
}
