package mangaassist.deferred;

import com.fasterxml.jackson.databind.JsonNode;
import mangaassist.enrichment.EnrichmentAnswer;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * Puts the model's answer into what the flow carries (enrich's aggregation): the text into a {@link DeferredTask}
 * (deferred_inference), the text read as JSON (else {@code {"raw_text": ...}}, as the enrichment flow stores it) into a
 * {@link DeferredRecommendation}. Also called when the call failed ({@code aggregateOnException}): the body stays what
 * it was and the failure is passed on, translated here, at the model's boundary: a request the model refuses
 * ({@code ValidationException}: too long, bad parameters) is permanent; anything else (throttling, timeouts) is not.
 */
@Component("deferredModelAnswer")
public class DeferredModelAnswer implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange original, Exchange model) {
        if (model.getException() != null) {
            original.setException(translate(model.getException()));
            return original;
        }
        String text = text(model.getMessage().getBody(JsonNode.class));
        Object body = original.getMessage().getBody();
        if (body instanceof DeferredTask task) {
            original.getMessage().setBody(task.withResult(text));
        } else if (body instanceof DeferredRecommendation item) {
            original.getMessage().setBody(item.withRecommendations(EnrichmentAnswer.parse(text)));
        } else {
            throw new IllegalStateException("No model answer expected for " + (body == null ? "null" : body.getClass()));
        }
        return original;
    }

    static Exception translate(Exception failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ValidationException refused) {
                String detail = refused.awsErrorDetails() == null ? refused.getMessage() : refused.awsErrorDetails().errorMessage();
                return new DeferredRejectedException("MODEL_REFUSED", detail);
            }
        }
        return failure;
    }

    /** Claude's answer text ({@code content[0].text}); an answer without one is a failure (transient: try again). */
    static String text(JsonNode answer) {
        JsonNode text = answer == null ? null : answer.path("content").path(0).path("text");
        if (text == null || !text.isTextual()) {
            throw new IllegalStateException("The model's answer has no text");
        }
        return text.asText();
    }
}
