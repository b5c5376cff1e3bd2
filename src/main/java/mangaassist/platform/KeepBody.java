package mangaassist.platform;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Enrich's aggregation for a hop whose answer is not needed (a write, a send, a delete): the flow's message stays the
 * body, and a failed hop's exception is passed on. Use it with {@code aggregateOnException: true}: without it, enrich
 * leaves the failed hop's request or answer in the body, and the route's failure step no longer has the message.
 *
 * <pre>
 * - enrich:
 *     constant: direct:moderation-store
 *     aggregationStrategy: keepBody
 *     aggregateOnException: true
 * </pre>
 */
@Component("keepBody")
public class KeepBody implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange original, Exchange hop) {
        if (hop != null && hop.getException() != null) {
            original.setException(hop.getException());
        }
        return original;
    }
}
