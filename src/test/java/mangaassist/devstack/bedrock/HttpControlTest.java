package mangaassist.devstack.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ModelTimeoutException;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static mangaassist.devstack.bedrock.SdkClients.HAIKU;
import static mangaassist.devstack.bedrock.SdkClients.SONNET;
import static mangaassist.devstack.bedrock.SdkClients.SYSTEM_EN;
import static mangaassist.devstack.bedrock.SdkClients.claudeBody;
import static mangaassist.devstack.bedrock.SdkClients.invoke;
import static mangaassist.devstack.bedrock.SdkClients.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The /_emulator HTTP API (what curl would do) and the raw AWS error wire format. */
class HttpControlTest {

    private static BedrockEmulator bedrock;
    private static BedrockRuntimeClient client;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        bedrock = new BedrockEmulator().start("127.0.0.1", 0);
        client = SdkClients.apache(bedrock.endpoint());
    }

    @AfterAll
    static void stop() {
        client.close();
        bedrock.stop();
    }

    @BeforeEach
    void reset() throws Exception {
        assertThat(post("/_emulator/reset", "").statusCode()).isEqualTo(200);
    }

    @Test
    void injectsFaultsForOneModelOverHttp() throws Exception {
        HttpResponse<String> set = post("/_emulator/control",
                "{\"fault\":\"THROTTLING\",\"count\":2,\"model\":\"anthropic.claude-3-sonnet\"}");
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(parse(set.body()).path("faults").get(0).path("remaining").asInt()).isEqualTo(2);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> client.invokeModel(invoke(SONNET, claudeBody(SYSTEM_EN, "hi", 50))))
                    .isInstanceOf(ThrottlingException.class);
        }
        assertThatCode(() -> client.invokeModel(invoke(HAIKU, claudeBody(SYSTEM_EN, "hi", 50)))).doesNotThrowAnyException();
        assertThatCode(() -> client.invokeModel(invoke(SONNET, claudeBody(SYSTEM_EN, "hi", 50)))).doesNotThrowAnyException();

        JsonNode stats = parse(get("/_emulator/stats").body());
        assertThat(stats.path("invocations").asInt()).isEqualTo(4);
        assertThat(stats.path("invocationsByModel").path(SONNET).asInt()).isEqualTo(3);
        assertThat(stats.path("invocationsByModel").path(HAIKU).asInt()).isEqualTo(1);
        assertThat(stats.path("faults")).isEmpty();
    }

    @Test
    void alwaysFaultAndLatencyOverHttpUntilReset() throws Exception {
        post("/_emulator/control", "{\"fault\":\"model_timeout\",\"always\":true,\"timeToFirstTokenMs\":200,\"perTokenMs\":0}");

        assertThatThrownBy(() -> client.invokeModel(invoke(HAIKU, claudeBody(SYSTEM_EN, "hi", 50))))
                .isInstanceOf(ModelTimeoutException.class);
        assertThatThrownBy(() -> client.invokeModel(invoke(HAIKU, claudeBody(SYSTEM_EN, "hi", 50))))
                .isInstanceOf(ModelTimeoutException.class);
        assertThat(bedrock.control().timeToFirstToken().toMillis()).isEqualTo(200);

        post("/_emulator/control", "{\"timeToFirstTokenMs\":200}");
        bedrock.control().failNext(Fault.THROTTLING, 1); // Java and HTTP control the same state
        assertThat(parse(get("/_emulator/stats").body()).path("faults")).hasSize(2);

        post("/_emulator/reset", "");
        assertThatCode(() -> client.invokeModel(invoke(HAIKU, claudeBody(SYSTEM_EN, "hi", 50)))).doesNotThrowAnyException();
        assertThat(bedrock.control().invocations()).isEqualTo(1);
        assertThat(bedrock.control().timeToFirstToken()).isZero();
    }

    @Test
    void latencySetOverHttpDelaysAnswers() throws Exception {
        post("/_emulator/control", "{\"timeToFirstTokenMs\":300}");

        long start = System.nanoTime();
        client.invokeModel(invoke(HAIKU, claudeBody(SYSTEM_EN, "hi", 50)));

        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
    }

    @Test
    void refusesBadControlRequests() throws Exception {
        assertThat(post("/_emulator/control", "{\"fault\":\"EXPLODE\"}").statusCode()).isEqualTo(400);
        assertThat(post("/_emulator/control", "not json").statusCode()).isEqualTo(400);
        assertThat(post("/_emulator/control", "{\"timeToFirstTokenMs\":-5}").statusCode()).isEqualTo(400);
        assertThat(bedrock.control().faultRules()).isEmpty();
    }

    @Test
    void errorsHaveTheAwsWireShape() throws Exception {
        HttpResponse<String> unknownModel = post("/model/meta.llama3-8b-instruct-v1%3A0/invoke", "{}");
        assertThat(unknownModel.statusCode()).isEqualTo(400);
        assertThat(unknownModel.headers().firstValue("x-amzn-ErrorType"))
                .hasValue("ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/");
        assertThat(parse(unknownModel.body()).path("message").asText()).isEqualTo("The provided model identifier is invalid.");

        bedrock.control().failNext(Fault.THROTTLING, 1);
        HttpResponse<String> throttled = post("/model/" + HAIKU.replace(":", "%3A") + "/invoke",
                claudeBody(SYSTEM_EN, "hi", 10).toString());
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("x-amzn-ErrorType")).hasValueSatisfying(v -> assertThat(v).startsWith("ThrottlingException:"));
        assertThat(throttled.body()).isEqualTo("{\"message\":\"Too many requests, please wait before trying again.\"}");

        HttpResponse<String> converse = post("/model/" + HAIKU + "/converse", "{}");
        assertThat(converse.statusCode()).isEqualTo(404);
        assertThat(converse.headers().firstValue("x-amzn-ErrorType")).hasValueSatisfying(v -> assertThat(v).startsWith("UnknownOperationException:"));
    }

    @Test
    void bindsLoopbackOnly() {
        try (BedrockEmulator emulator = new BedrockEmulator()) {
            assertThatThrownBy(() -> emulator.start("0.0.0.0", 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(bedrock.endpoint() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(bedrock.endpoint() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
