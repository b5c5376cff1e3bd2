package mangaassist.platform;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Turns the exception caught by the {@code sync-errors} route configuration into the client's JSON
 * error body {@code {"status":"error","requestId","code","error"}} and its HTTP status. Unexpected
 * exceptions become INTERNAL with a generic message: the detail goes to the log, never to the client.
 */
@Component("errorResponses")
public class ErrorResponses {

    public static final String REQUEST_ID = "requestId";
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    public Map<String, Object> toResponse(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ApiException error = caught instanceof ApiException api ? api : internal(exchange, caught);
        String requestId = exchange.getIn().getHeader(REQUEST_ID, exchange.getExchangeId(), String.class);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, error.httpStatus());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "error");
        body.put("requestId", requestId);
        body.put("code", error.code());
        body.put("error", error.getMessage());
        return body;
    }

    private static ApiException internal(Exchange exchange, Throwable caught) {
        LOG.error("Unexpected failure in route {} (exchange {})", exchange.getFromRouteId(),
                exchange.getExchangeId(), caught);
        return new ApiException("INTERNAL", 500, "Something went wrong on our side. Please try again.");
    }
}
