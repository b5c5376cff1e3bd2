package mangaassist.devstack.bedrock;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;
import software.amazon.awssdk.services.bedrockruntime.model.InternalServerException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelTimeoutException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;

import java.time.Duration;
import java.util.stream.Stream;

import static mangaassist.devstack.bedrock.SdkClients.HAIKU;
import static mangaassist.devstack.bedrock.SdkClients.SONNET;
import static mangaassist.devstack.bedrock.SdkClients.SONNET_35;
import static mangaassist.devstack.bedrock.SdkClients.SYSTEM_JA;
import static mangaassist.devstack.bedrock.SdkClients.TITAN;
import static mangaassist.devstack.bedrock.SdkClients.claudeBody;
import static mangaassist.devstack.bedrock.SdkClients.invoke;
import static mangaassist.devstack.bedrock.SdkClients.ms;
import static mangaassist.devstack.bedrock.SdkClients.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Faults and latency set from Java surface in the SDK as they would against AWS. */
class FaultInjectionTest {

    private static BedrockEmulator bedrock;
    private static BedrockRuntimeClient client;

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
    void reset() {
        bedrock.control().reset();
    }

    static Stream<Arguments> httpFaults() {
        return Stream.of(
                Arguments.of(Fault.THROTTLING, ThrottlingException.class, 429, "Too many requests, please wait before trying again."),
                Arguments.of(Fault.MODEL_TIMEOUT, ModelTimeoutException.class, 408, "Model has timed out"),
                Arguments.of(Fault.INTERNAL, InternalServerException.class, 500, "internal error"),
                Arguments.of(Fault.SERVICE_UNAVAILABLE, ServiceUnavailableException.class, 503, "unavailable"));
    }

    @ParameterizedTest
    @MethodSource("httpFaults")
    void eachFaultIsTheSdksTypedException(Fault fault, Class<? extends BedrockRuntimeException> type, int status, String message) {
        bedrock.control().failNext(fault, 2);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> client.invokeModel(invoke(HAIKU, claudeBody(SYSTEM_JA, "こんにちは", 100))))
                    .isInstanceOfSatisfying(type, e -> {
                        assertThat(e.statusCode()).isEqualTo(status);
                        assertThat(e.awsErrorDetails().errorMessage()).contains(message);
                    });
        }
        assertThatCode(() -> client.invokeModel(invoke(HAIKU, claudeBody(SYSTEM_JA, "こんにちは", 100))))
                .doesNotThrowAnyException();
        assertThat(bedrock.control().invocations()).isEqualTo(3);
    }

    @Test
    void failAlwaysKeepsFailingUntilReset() {
        bedrock.control().failAlways(Fault.INTERNAL);

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> client.invokeModel(invoke(TITAN, SdkClients.JSON.createObjectNode().put("inputText", "x"))))
                    .isInstanceOf(InternalServerException.class);
        }
        bedrock.control().reset();
        assertThatCode(() -> client.invokeModel(invoke(TITAN, SdkClients.JSON.createObjectNode().put("inputText", "x"))))
                .doesNotThrowAnyException();
    }

    @Test
    void faultsCanTargetOneModelSoTheAppCanFallBackToHaiku() {
        bedrock.control().failAlways(Fault.THROTTLING, "anthropic.claude-3-sonnet");

        assertThatThrownBy(() -> client.invokeModel(invoke(SONNET, claudeBody(SYSTEM_JA, "おすすめは？", 100))))
                .isInstanceOf(ThrottlingException.class);
        // The rule also matches the same model behind a cross-region inference profile.
        assertThatThrownBy(() -> client.invokeModel(invoke("us." + SONNET, claudeBody(SYSTEM_JA, "おすすめは？", 100))))
                .isInstanceOf(ThrottlingException.class);
        assertThatCode(() -> client.invokeModel(invoke(HAIKU, claudeBody(SYSTEM_JA, "おすすめは？", 100))))
                .doesNotThrowAnyException();
        assertThatCode(() -> client.invokeModel(invoke(SONNET_35, claudeBody(SYSTEM_JA, "おすすめは？", 100))))
                .doesNotThrowAnyException();

        assertThat(bedrock.control().invocationsFor(SONNET)).isEqualTo(2);
        assertThat(bedrock.control().invocationsFor(HAIKU)).isEqualTo(1);
        assertThat(bedrock.control().invocationsFor("anthropic.claude")).isEqualTo(4);
    }

    @Test
    void malformedAnswersWithABodyThatIsNotJson() {
        bedrock.control().failNext(Fault.MALFORMED, 1);

        String body = client.invokeModel(invoke(HAIKU, claudeBody(SYSTEM_JA, "こんにちは", 100))).body().asUtf8String();

        assertThat(body).startsWith("{\"id\":\"msg_");
        assertThatThrownBy(() -> parse(body)).hasCauseInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
    }

    @Test
    void latencyDelaysTheAnswer() {
        bedrock.control().latency(ms(250), ms(2));

        long start = System.nanoTime();
        int outputTokens = parse(client.invokeModel(invoke(HAIKU, claudeBody(SYSTEM_JA, "こんにちは", 4096))).body())
                .path("usage").path("output_tokens").asInt();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        // Non-streaming: the whole generation happens before the answer.
        assertThat(elapsedMs).isGreaterThanOrEqualTo(250 + 2L * outputTokens);
    }

    @Test
    void slowFaultHoldsOneAnswerLongEnoughForTheCallerToTimeOut() {
        bedrock.control().slowDelay(Duration.ofSeconds(5)).failNext(Fault.SLOW, 1);
        try (BedrockRuntimeClient impatient = SdkClients.sync(bedrock.endpoint(), ApacheHttpClient.builder().build(),
                c -> c.apiCallTimeout(Duration.ofMillis(400)))) {

            assertThatThrownBy(() -> impatient.invokeModel(invoke(HAIKU, claudeBody(SYSTEM_JA, "こんにちは", 100))))
                    .isInstanceOf(ApiCallTimeoutException.class);
            // Only the one request was slow; the event loop was not blocked by it either.
            assertThatCode(() -> impatient.invokeModel(invoke(HAIKU, claudeBody(SYSTEM_JA, "こんにちは", 100))))
                    .doesNotThrowAnyException();
        }
    }
}
