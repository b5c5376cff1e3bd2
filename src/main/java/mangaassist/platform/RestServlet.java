package mangaassist.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Exchange;
import org.apache.camel.component.servlet.CamelHttpTransportServlet;
import org.apache.camel.http.common.HttpConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's REST servlet with a time budget of its own for each request ({@code mangaassist.rest.async-timeout}). A
 * request runs asynchronously on the REST executor; one still unanswered when its budget is over (the executor's
 * queue too long under load) is answered {@code 503 REQUEST_TIMEOUT} as a JSON error body with a Retry-After. Without
 * this, the servlet container's async timeout dispatched the request to Spring's error page: a 500 with Spring's own
 * body (HTML for a browser), not the API's error format.
 *
 * <p>The exchange itself is not stopped: what it does still happens (a queued job stays queued; the enrichment API's
 * deduplication ids make a retry within their window safe), only its answer has nobody to go to any more: it is
 * dropped with an INFO line (Camel's servlet would write it to the response the container has recycled by then, and
 * log that failure as an ERROR with its stack trace).
 */
public class RestServlet extends CamelHttpTransportServlet {

    static final String CODE = "REQUEST_TIMEOUT";
    private static final Logger LOG = LoggerFactory.getLogger(RestServlet.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Duration asyncTimeout;
    /** Responses answered for their timeout whose exchange has not finished yet (weak: one that never does is let go). */
    private final Set<HttpServletResponse> answeredForTimeout = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    public RestServlet(Duration asyncTimeout) {
        this.asyncTimeout = asyncTimeout;
    }

    @Override
    protected void handleService(HttpServletRequest request, HttpServletResponse response) throws Exception {
        super.handleService(request, response);
        try {
            if (request.isAsyncStarted()) {
                AsyncContext async = request.getAsyncContext();
                async.setTimeout(asyncTimeout.toMillis());
                async.addListener(timeoutAnswer());
            }
        } catch (IllegalStateException alreadyCompleted) {
            // answered before the budget could be set: nothing to time out
        }
    }

    /** What answers a request when its budget is over. */
    TimeoutAnswer timeoutAnswer() {
        return new TimeoutAnswer(answeredForTimeout);
    }

    /** The exchange of a request answered for its timeout has finished: its unit of work ends, nothing is written. */
    @Override
    protected void afterProcess(HttpServletResponse response, HttpConsumer consumer, Exchange exchange, boolean rethrow)
            throws Exception {
        if (answeredForTimeout.remove(response)) {
            LOG.info("REST exchange {} finished after its request was answered 503 {}: its answer is dropped",
                    exchange.getExchangeId(), CODE);
            consumer.doneUoW(exchange);
            consumer.releaseExchange(exchange, false);
            return;
        }
        super.afterProcess(response, consumer, exchange, rethrow);
    }

    /** The body and headers of a request answered for its timeout (a response not yet committed). */
    static void answerTimeout(HttpServletResponse response, String path) throws IOException {
        LOG.warn("REST request {} not answered within its time budget: 503 {}", path, CODE);
        response.resetBuffer();
        response.setStatus(503);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Retry-After", "1");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "error");
        body.put("requestId", UUID.randomUUID().toString());
        body.put("code", CODE);
        body.put("error", "The service is busy and did not answer in time; please try again.");
        byte[] bytes = JSON.writeValueAsBytes(body);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    static final class TimeoutAnswer implements AsyncListener {

        private final Set<HttpServletResponse> answered;

        TimeoutAnswer(Set<HttpServletResponse> answered) {
            this.answered = answered;
        }

        @Override
        public void onTimeout(AsyncEvent event) throws IOException {
            AsyncContext async = event.getAsyncContext();
            HttpServletResponse response = (HttpServletResponse) async.getResponse();
            if (!response.isCommitted()) {
                answerTimeout(response, ((HttpServletRequest) async.getRequest()).getRequestURI());
            }
            answered.add(response);
            async.complete();
        }

        @Override
        public void onComplete(AsyncEvent event) {
        }

        @Override
        public void onError(AsyncEvent event) {
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }
}
