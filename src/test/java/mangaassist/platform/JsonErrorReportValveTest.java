package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import mangaassist.support.TestContracts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

/**
 * What Tomcat refuses before any servlet, and a servlet's bare {@code sendError}, answer the app's JSON error body
 * (error-body.v1), not Tomcat's HTML page: on an embedded Tomcat with the app's customizer, on loopback.
 */
class JsonErrorReportValveTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static WebServer server;

    @BeforeAll
    static void startTomcat() throws Exception {
        TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(0);
        factory.setAddress(java.net.InetAddress.getLoopbackAddress());
        new JsonErrorPagesConfiguration().jsonErrorReportValve().customize(factory);
        HttpServlet refusing = new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws java.io.IOException {
                response.sendError(405);
            }
        };
        server = factory.getWebServer(context -> new ServletRegistrationBean<>(refusing, "/api/*").onStartup(context));
        server.start();
    }

    @AfterAll
    static void stopTomcat() {
        server.stop();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "an encoded slash in the path, /api/inventory/%3Cisbn%3E978%3C%2Fisbn%3E, 400, BAD_REQUEST",
            "a NUL in the path, /api/inventory/978408882015%00, 400, BAD_REQUEST",
            "a servlet's sendError, /api/inventory/9784088820156, 405, METHOD_NOT_ALLOWED"})
    void answersTheJsonErrorBody(String name, String path, int status, String code) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.getPort() + path)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("code").asText()).as(answer.body()).isEqualTo(code);
        assertThat(TestContracts.contracts().violations(answer.body(), "error-body.v1.json")).as(answer.body()).isEmpty();
        assertThat(answer.body()).doesNotContain("Exception", "Tomcat", "<html");
    }
}
