package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import jakarta.servlet.AsyncEvent;
import org.apache.camel.Exchange;
import org.apache.camel.http.common.HttpConsumer;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.mockito.Mockito;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class RestServletTest {

    @Test
    void aRequestPastItsTimeBudgetIsAnsweredWithTheApisJsonErrorNotAnErrorPage() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        response.getOutputStream().write("partial".getBytes());   // buffered, not committed: replaced

        RestServlet.answerTimeout(response, "/api/enrichment/jobs/batch");

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getContentType()).startsWith("application/json");
        assertThat(response.getHeader("Retry-After")).isEqualTo("1");
        JsonNode body = new ObjectMapper().readTree(response.getContentAsString());
        assertThat(body.path("status").asText()).isEqualTo("error");
        assertThat(body.path("code").asText()).isEqualTo("REQUEST_TIMEOUT");
        assertThat(body.path("requestId").asText()).isNotBlank();
        assertThat(body.path("error").asText()).isNotBlank();
        assertThat(response.getContentLength()).isEqualTo(response.getContentAsByteArray().length);
    }

    @Test
    void theLateAnswerOfARequestAnsweredForItsTimeoutIsDroppedAndItsExchangeReleased() throws Exception {
        RestServlet servlet = new RestServlet(java.time.Duration.ofSeconds(30));
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/enrichment/jobs/batch");
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockAsyncContext async = new MockAsyncContext(request, response);
        servlet.timeoutAnswer().onTimeout(new AsyncEvent(async));
        HttpConsumer consumer = Mockito.mock(HttpConsumer.class);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody("{\"status\":\"queued\"}");

        servlet.afterProcess(response, consumer, exchange, true);

        // the client's answer stays the 503; the exchange's unit of work is done and the exchange released
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getContentAsString()).contains("REQUEST_TIMEOUT").doesNotContain("queued");
        Mockito.verify(consumer).doneUoW(exchange);
        Mockito.verify(consumer).releaseExchange(exchange, false);
    }
}
