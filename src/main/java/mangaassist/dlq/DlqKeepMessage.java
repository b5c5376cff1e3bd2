package mangaassist.dlq;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Enrich's aggregation for the hops of a message (send, archive, delete): their answers are not needed, so the
 * message stays the body; a failed hop's exception is passed on.
 */
@Component("dlqKeepMessage")
public class DlqKeepMessage implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange message, Exchange hop) {
        if (hop != null && hop.getException() != null) {
            message.setException(hop.getException());
        }
        return message;
    }
}
