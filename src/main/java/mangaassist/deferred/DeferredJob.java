package mangaassist.deferred;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One deferred job as it travels on the queue (seed 000 §4.2), a JSON object by its {@code jobType}:
 * <ul>
 *   <li>{@code {"jobType":"deferred_inference","jobId","prompt","modelId","callbackUrl","requestedAt"}}: the prompt to
 *   the model, the answer to the callback ({@code modelId}, {@code callbackUrl} optional);</li>
 *   <li>{@code {"jobType":"batch_recommendation","jobId","mangaIds":[...],"requestedAt"}}: recommendations for each
 *   manga, stored in the catalog.</li>
 * </ul>
 * Another producer may write these bodies straight to the queue; a job without {@code jobId} takes its message id.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeferredJob(String jobType, String jobId, String prompt, String modelId, String callbackUrl,
                          List<String> mangaIds, Long requestedAt) {

    public static final String INFERENCE = "deferred_inference";
    public static final String RECOMMENDATION = "batch_recommendation";
    public static final String TYPES = INFERENCE + "|" + RECOMMENDATION;

    public DeferredJob {
        mangaIds = mangaIds == null ? null : List.copyOf(mangaIds);
    }

    public static boolean known(String jobType) {
        return INFERENCE.equals(jobType) || RECOMMENDATION.equals(jobType);
    }

    DeferredJob withJobId(String id) {
        return new DeferredJob(jobType, id, prompt, modelId, callbackUrl, mangaIds, requestedAt);
    }
}
