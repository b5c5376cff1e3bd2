package mangaassist.deferred;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

/**
 * A deferred_inference job's result for its callback target: the seed's payload {@code {"status":"completed","jobId",
 * "result"}}, POSTed to an {@code http(s)://} URL or published to the SNS topic of an {@code sns:<topic ARN>} target.
 * The payload carries the job id, so a receiver that is sent a result twice (a redelivery after its answer was lost)
 * can tell.
 */
@Component("deferredCallbacks")
public class DeferredCallbacks {

    public static final String STATUS_COMPLETED = "completed";

    private static final ObjectMapper JSON = new ObjectMapper();

    public String payload(DeferredTask task) throws JsonProcessingException {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("status", STATUS_COMPLETED);
        payload.put("jobId", task.job().jobId());
        payload.put("result", task.result());
        return JSON.writeValueAsString(payload);
    }

    /** The HTTP target (header {@code CamelHttpUri}: the callback endpoint's address for this exchange). */
    public String httpUri(DeferredTask task) {
        return task.job().callbackUrl();
    }

    /** The topic ARN of an {@code sns:} target. */
    public String snsTopic(DeferredTask task) {
        return task.job().callbackUrl().substring(DeferredJobs.SNS_PREFIX.length());
    }

    /** A target as logs and errors may show it: scheme, host and port, never its path or query (they may hold a token). */
    public static String describe(String target) {
        if (target == null) {
            return "none";
        }
        if (target.startsWith(DeferredJobs.SNS_PREFIX)) {
            return target;
        }
        try {
            URI uri = URI.create(target);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return "(unreadable URL)";
        }
    }
}
