package mangaassist.platform;

import org.apache.camel.ExchangeProperty;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * The client's request id in the log lines of its message (and an inventory change's correlation id in those of its
 * event): put in the MDC as {@value #MDC_KEY}, beside Camel's own
 * camel.exchangeId and camel.routeId (camel.main.use-mdc-logging). Camel carries the key across its thread hand-offs
 * and removes it when the exchange is done (camel.main.mdc-logging-keys-pattern), so a pooled thread never logs a
 * request id of an earlier message.
 */
@Component("requestIds")
public class RequestIds {

    /** The MDC key; camel.main.mdc-logging-keys-pattern names it. */
    public static final String MDC_KEY = "requestId";
    /** The MDC key of an inventory change's correlation id (the event's correlation_id, through the bus and its consumers). */
    public static final String CORRELATION_MDC_KEY = "correlationId";

    /** Tags the log lines of this exchange from here on with its request id ({@link ErrorResponses#REQUEST_ID}). */
    public void tag(@ExchangeProperty(ErrorResponses.REQUEST_ID) String requestId) {
        if (requestId != null) {
            MDC.put(MDC_KEY, requestId);
        }
    }

    /** Tags the log lines of this exchange from here on with the correlation id of the event it carries. */
    public void correlate(String correlationId) {
        if (correlationId != null) {
            MDC.put(CORRELATION_MDC_KEY, correlationId);
        }
    }
}
