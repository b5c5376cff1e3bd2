package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
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
}
