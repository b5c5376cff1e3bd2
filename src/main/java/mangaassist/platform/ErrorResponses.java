package mangaassist.platform;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Turns the exception caught by the {@code sync-errors} route configuration into the client's JSON
 * error body {@code {"status":"error","requestId","code","error"}} and its HTTP status. A
 * {@link ClientError} keeps its code; anything else becomes INTERNAL with a generic message, and the
 * detail goes to the log only.
 */
@Component("errorResponses")
public class ErrorResponses {

    /** Exchange property: the id of the client's request, echoed in the error body. */
    /** The counter of error answers, by flow and code. */
    public static final String ERRORS = "mangaassist.errors";
    public static final String REQUEST_ID = "requestId";
    /** Exchange property: the client's language ("ja"/"en") when the flow knows it. */
    public static final String LANGUAGE = "language";
    /**
     * Exchange property: the endpoint the error body goes to as well (a WebSocket edge's reply route), as the
     * {@code sync-errors} configuration's recipient list; absent for REST, which answers with the body.
     */
    public static final String REPLY_TO = "replyTo";

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The WebSocket connection an error frame goes back to (vertx-websocket). */
    private static final String CONNECTION_KEY = "CamelVertxWebsocket.connectionKey";

    private final MeterRegistry meters;

    public ErrorResponses(MeterRegistry meters) {
        this.meters = meters;
    }

    /** The error body as JSON text (what the {@code sync-errors} configuration answers); see {@link #toResponse}. */
    public String toJson(Exchange exchange) throws JsonProcessingException {
        return JSON.writeValueAsString(toResponse(exchange));
    }

    public Map<String, Object> toResponse(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ClientError error = clientError(caught);
        if (error == null) {
            LOG.error("Unexpected failure in route {} (exchange {})", exchange.getFromRouteId(),
                    exchange.getExchangeId(), caught);
            error = INTERNAL;
        } else {
            LOG.debug("{} answered with {}: {}", exchange.getFromRouteId(), error.code(),
                    caught == null ? "" : caught.getMessage());
        }
        meters.counter(ERRORS, "flow", flow(exchange), "code", error.code()).increment();
        String requestId = exchange.getProperty(REQUEST_ID, String.class);
        // removeHeaders("*", exclude) compiles the exclude pattern as a regex for every header: keep the one header by hand
        Object connectionKey = exchange.getMessage().getHeader(CONNECTION_KEY);
        exchange.getMessage().removeHeaders("*");
        if (connectionKey != null) {
            exchange.getMessage().setHeader(CONNECTION_KEY, connectionKey);
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, error.httpStatus());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "error");
        // without a client's id, the exchange's: the camel.exchangeId of the request's log lines
        body.put("requestId", requestId != null ? requestId : exchange.getExchangeId());
        body.put("code", error.code());
        body.put("error", error.userMessage(exchange.getProperty(LANGUAGE, "ja", String.class)));
        if (error.details() != null) {
            body.put("errors", error.details());
        }
        Long retryAfterMs = error.retryAfterMs();
        if (retryAfterMs != null) {
            body.put("retryAfterMs", retryAfterMs);
            // HTTP's header counts whole seconds: rounded up, never 0
            exchange.getMessage().setHeader("Retry-After", Math.max(1, (retryAfterMs + 999) / 1000));
        }
        return body;
    }

    /**
     * The flow of the route that failed: its {@code routeGroup}. Not the route id's first word, which would tag
     * {@code inventory-events-...} as inventory and {@code catalog-cdc-...} as catalog; that word only for a route
     * without a group (REST DSL verbs); "unknown" without an exchange (a bean called outside a route).
     */
    public static String flow(Exchange exchange) {
        if (exchange == null) {
            return "unknown";
        }
        Route route = exchange.getUnitOfWork() == null ? null : exchange.getUnitOfWork().getRoute();
        if (route != null && route.getGroup() != null) {
            return route.getGroup();
        }
        String id = route != null ? route.getRouteId() : exchange.getFromRouteId();
        return id == null ? "unknown" : id.split("-", 2)[0];
    }

    /** The client error in the cause chain (Camel may wrap the original exception). */
    private static ClientError clientError(Throwable caught) {
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (t instanceof ClientError error) {
                return error;
            }
        }
        return null;
    }

    private static final ClientError INTERNAL = new ClientError() {
        @Override
        public String code() {
            return "INTERNAL";
        }

        @Override
        public int httpStatus() {
            return 500;
        }

        @Override
        public String userMessage(String language) {
            return "en".equals(language) ? "Sorry, something went wrong." : "申し訳ございません。エラーが発生しました。";
        }
    };
}
