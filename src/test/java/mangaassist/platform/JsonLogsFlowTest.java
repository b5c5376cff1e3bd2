package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.bedrock.EmulatorControl;
import mangaassist.devstack.bedrock.Fault;
import mangaassist.support.FlowTest;
import mangaassist.support.ProfileProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The production logs (profile aws, through json-logs): one ECS JSON object per line, and the lines written while a
 * message is routed carry its ids, so that one request's lines can be found in CloudWatch Logs. The running
 * application's own log events go through the encoder that {@code logging.structured.format.console: ecs} gives the
 * console (Spring Boot's StructuredLogEncoder), attached beside the test's plain console. ECS nests dotted names:
 * log.level is {"log":{"level"}}, Camel's camel.exchangeId {"camel":{"exchangeId"}}.
 */
@FlowTest
class JsonLogsFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    TestRestTemplate http;
    @Value("${mangaassist.chat.models.quality}")
    String qualityModel;

    private final ByteArrayOutputStream lines = new ByteArrayOutputStream();
    private OutputStreamAppender<ILoggingEvent> appender;
    private EmulatorControl bedrock;

    @BeforeEach
    void jsonConsole() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setContext(context);
        encoder.setFormat("ecs");
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(lines);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        bedrock = EmbeddedStack.shared().bedrock().control().reset();
    }

    @AfterEach
    void plainConsole() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        appender.stop();
        bedrock.reset();
    }

    @Test
    void theAwsProfileLogsEcsJson() {
        assertThat(ProfileProperties.get("aws", "logging.structured.format.console")).isEqualTo("ecs");
        assertThat(ProfileProperties.get("embedded", "logging.structured.format.console")).isNull();
    }

    @Test
    void aChatMessagesLogLineCarriesItsRequestIdAndItsExchange() throws Exception {
        // the quality model throttled once: chat-model logs its fallback (WARN) while the message is routed
        bedrock.failNext(Fault.THROTTLING, 1, qualityModel);
        ObjectNode message = JSON.createObjectNode();
        message.putObject("data").put("message", "ログのテスト: おすすめの漫画は?").put("modelPreference", "quality");
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<JsonNode> reply = http.postForEntity("/api/chat", new HttpEntity<>(message.toString(), headers),
                JsonNode.class);
        assertThat(reply.getStatusCode().value()).isEqualTo(200);
        String requestId = reply.getBody().path("requestId").asText();
        assertThat(requestId).isNotBlank();

        List<JsonNode> logged = logged();
        JsonNode fallback = logged.stream()
                .filter(line -> line.path("message").asText().contains("falling back"))
                .findFirst().orElseThrow(() -> new AssertionError("no fallback line in " + logged));
        assertThat(fallback.at("/log/level").asText()).isEqualTo("WARN");
        assertThat(fallback.at("/service/name").asText()).isEqualTo("mangaassist-integration");
        assertThat(fallback.path("@timestamp").asText()).isNotBlank();
        assertThat(fallback.path("requestId").asText()).isEqualTo(requestId);
        assertThat(fallback.at("/camel/routeId").asText()).isEqualTo("chat-model");
        assertThat(fallback.at("/camel/exchangeId").asText()).isNotBlank();
        // the id is the message's: every line that carries it was written while the message was routed
        assertThat(logged.stream().filter(line -> line.path("requestId").asText().equals(requestId)))
                .isNotEmpty().allMatch(line -> !line.at("/camel/exchangeId").asText().isEmpty());
    }

    private List<JsonNode> logged() throws Exception {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : lines.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                // every line is one JSON object, or this throws
                parsed.add(JSON.readTree(line));
            }
        }
        return parsed;
    }
}
