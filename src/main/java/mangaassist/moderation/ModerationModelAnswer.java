package mangaassist.moderation;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Puts the model's verdict into the task (enrich's aggregation). Also called when the call failed
 * ({@code aggregateOnException}): the task stays the body and the failure is passed on, so the route's failure step
 * still has the task.
 */
@Component("moderationModelAnswer")
public class ModerationModelAnswer implements AggregationStrategy {

    private final ModerationSteps steps;

    public ModerationModelAnswer(ModerationSteps steps) {
        this.steps = steps;
    }

    @Override
    public Exchange aggregate(Exchange task, Exchange model) {
        if (model.getException() != null) {
            task.setException(model.getException());
            return task;
        }
        ModerationTask current = task.getMessage().getBody(ModerationTask.class);
        task.getMessage().setBody(steps.withAnswer(current, model.getMessage().getBody(JsonNode.class)));
        return task;
    }
}
