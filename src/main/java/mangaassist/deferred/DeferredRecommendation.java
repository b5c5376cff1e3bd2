package mangaassist.deferred;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One manga of a batch_recommendation job on its way: its catalog titles, then the model's recommendations.
 *
 * @param jobId           the job it belongs to
 * @param mangaId         the catalog item
 * @param title           its title in the catalog (null: the catalog does not know it, or not looked up yet)
 * @param titleJp         its Japanese title (may be null)
 * @param recommendations the model's answer as stored: parsed JSON, or {@code {"raw_text": ...}}
 */
public record DeferredRecommendation(String jobId, String mangaId, String title, String titleJp, JsonNode recommendations) {

    public boolean known() {
        return title != null && !title.isBlank();
    }

    DeferredRecommendation withTitles(String title, String titleJp) {
        return new DeferredRecommendation(jobId, mangaId, title, titleJp, recommendations);
    }

    DeferredRecommendation withRecommendations(JsonNode value) {
        return new DeferredRecommendation(jobId, mangaId, title, titleJp, value);
    }
}
