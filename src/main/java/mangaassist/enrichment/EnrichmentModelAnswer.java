package mangaassist.enrichment;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Puts the model's answer into the task (enrich's aggregation). Also called when the call failed
 * ({@code aggregateOnException}): the task stays the body and the failure is passed on, so the route's failure step
 * still has the task (without this, enrich would leave the model request in the body).
 */
@Component("enrichmentModelAnswer")
public class EnrichmentModelAnswer implements AggregationStrategy {

    private final EnrichmentSteps steps;

    public EnrichmentModelAnswer(EnrichmentSteps steps) {
        this.steps = steps;
    }

    @Override
    public Exchange aggregate(Exchange task, Exchange model) {
        if (model.getException() != null) {
            task.setException(model.getException());
            return task;
        }
        EnrichmentTask current = task.getMessage().getBody(EnrichmentTask.class);
        task.getMessage().setBody(steps.withAnswer(current, model.getMessage().getBody(JsonNode.class)));
        return task;
    }
}
