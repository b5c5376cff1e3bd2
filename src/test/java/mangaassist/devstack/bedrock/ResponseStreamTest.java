package mangaassist.devstack.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static mangaassist.devstack.bedrock.SdkClients.HAIKU;
import static mangaassist.devstack.bedrock.SdkClients.SONNET_35;
import static mangaassist.devstack.bedrock.SdkClients.SYSTEM_EN;
import static mangaassist.devstack.bedrock.SdkClients.SYSTEM_JA;
import static mangaassist.devstack.bedrock.SdkClients.TITAN;
import static mangaassist.devstack.bedrock.SdkClients.claudeBody;
import static mangaassist.devstack.bedrock.SdkClients.invoke;
import static mangaassist.devstack.bedrock.SdkClients.ms;
import static mangaassist.devstack.bedrock.SdkClients.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** InvokeModelWithResponseStream through the default async client (Netty, HTTP/2 cleartext). */
class ResponseStreamTest {

    private static BedrockEmulator bedrock;
    private static BedrockRuntimeAsyncClient async;
    private static BedrockRuntimeClient sync;

    @BeforeAll
    static void start() {
        bedrock = new BedrockEmulator().start("127.0.0.1", 0);
        async = SdkClients.netty(bedrock.endpoint());
        sync = SdkClients.apache(bedrock.endpoint());
    }

    @AfterAll
    static void stop() {
        async.close();
        sync.close();
        bedrock.stop();
    }

    @BeforeEach
    void reset() {
        bedrock.control().reset();
    }

    @Test
    void streamsClaudeEventsInOrderOverH2c() throws Exception {
        JsonNode body = claudeBody(SYSTEM_JA, "鬼滅の刃の全巻セットはありますか？", 4096);
        StreamCollector stream = new StreamCollector();

        stream.run(async, SONNET_35, body).get(10, TimeUnit.SECONDS);

        List<String> types = stream.types();
        assertThat(types.get(0)).isEqualTo("message_start");
        assertThat(types.get(1)).isEqualTo("content_block_start");
        assertThat(types.subList(2, types.size() - 3)).hasSizeGreaterThan(5).containsOnly("content_block_delta");
        assertThat(types.subList(types.size() - 3, types.size()))
                .containsExactly("content_block_stop", "message_delta", "message_stop");

        JsonNode start = stream.event("message_start").path("message");
        assertThat(start.path("role").asText()).isEqualTo("assistant");
        assertThat(start.path("model").asText()).isEqualTo("claude-3-5-sonnet-20240620");
        int inputTokens = start.path("usage").path("input_tokens").asInt();
        assertThat(inputTokens).isGreaterThan(50);
        assertThat(stream.event("content_block_delta").path("delta").path("type").asText()).isEqualTo("text_delta");

        // The streamed text is the answer InvokeModel gives for the same body.
        String invoked = parse(sync.invokeModel(invoke(SONNET_35, body)).body()).path("content").get(0).path("text").asText();
        assertThat(stream.text()).isEqualTo(invoked).startsWith("お問い合わせありがとうございます。");

        JsonNode delta = stream.event("message_delta");
        assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
        int outputTokens = delta.path("usage").path("output_tokens").asInt();
        assertThat(outputTokens).isEqualTo(Tokens.count(invoked));
        JsonNode metrics = stream.event("message_stop").path("amazon-bedrock-invocationMetrics");
        assertThat(metrics.path("inputTokenCount").asInt()).isEqualTo(inputTokens);
        assertThat(metrics.path("outputTokenCount").asInt()).isEqualTo(outputTokens);
        assertThat(metrics.has("invocationLatency")).isTrue();
        assertThat(metrics.has("firstByteLatency")).isTrue();

        assertThat(stream.response.sdkHttpResponse().firstMatchingHeader("x-amzn-bedrock-content-type"))
                .hasValue("application/json");
        assertThat(bedrock.control().requests()).extracting(EmulatorControl.RecordedRequest::httpVersion)
                .containsExactly("HTTP_2", "HTTP_1_1");
    }

    @Test
    void reportsMaxTokensInMessageDelta() throws Exception {
        StreamCollector stream = new StreamCollector();

        stream.run(async, HAIKU, claudeBody(SYSTEM_EN, "Tell me about One Piece", 7)).get(10, TimeUnit.SECONDS);

        assertThat(stream.event("message_delta").path("delta").path("stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(stream.event("message_delta").path("usage").path("output_tokens").asInt()).isEqualTo(7);
        assertThat(Tokens.count(stream.text())).isEqualTo(7);
    }

    @Test
    void waitsTheConfiguredTimeToFirstTokenAndPerToken() throws Exception {
        bedrock.control().latency(ms(300), ms(10));
        StreamCollector stream = new StreamCollector();

        stream.run(async, HAIKU, claudeBody(SYSTEM_EN, "Any new isekai titles?", 4096)).get(20, TimeUnit.SECONDS);

        assertThat(stream.millisToFirstChunk()).isGreaterThanOrEqualTo(300);
        int outputTokens = stream.event("message_delta").path("usage").path("output_tokens").asInt();
        // Deltas are paced by per-token timers: the first chunk carries no text yet.
        assertThat(stream.millisFirstToLastChunk()).isGreaterThanOrEqualTo(outputTokens * 10L * 9 / 10);
        assertThat(stream.event("message_stop").path("amazon-bedrock-invocationMetrics").path("firstByteLatency").asLong())
                .isEqualTo(300);
    }

    @Test
    void failsBeforeTheStreamWithTheHttpStatus() {
        bedrock.control().failNext(Fault.THROTTLING, 1);

        assertThatThrownBy(() -> new StreamCollector().run(async, HAIKU, claudeBody(SYSTEM_EN, "hi", 100)).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(ThrottlingException.class, e -> assertThat(e.statusCode()).isEqualTo(429));
    }

    @Test
    void failsMidStreamWithAnExceptionEvent() {
        bedrock.control().failNextMidStream(Fault.THROTTLING, 1, null);
        StreamCollector stream = new StreamCollector();

        assertThatThrownBy(() -> stream.run(async, HAIKU, claudeBody(SYSTEM_EN, "Tell me about Naruto", 4096)).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ThrottlingException.class)
                .hasMessageContaining("Too many requests");
        assertThat(stream.types()).containsExactly("message_start", "content_block_start",
                "content_block_delta", "content_block_delta");
    }

    @Test
    void malformedStreamCarriesAChunkThatIsNotJson() throws Exception {
        bedrock.control().failNext(Fault.MALFORMED, 1);
        StreamCollector stream = new StreamCollector();

        stream.run(async, HAIKU, claudeBody(SYSTEM_EN, "hi", 100)).get(10, TimeUnit.SECONDS);

        assertThat(stream.rawChunks).hasSize(2);
        assertThat(parse(stream.rawChunks.get(0)).path("type").asText()).isEqualTo("message_start");
        assertThatThrownBy(() -> parse(stream.rawChunks.get(1)))
                .hasCauseInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
    }

    @Test
    void refusesToStreamEmbeddings() {
        assertThatThrownBy(() -> new StreamCollector().run(async, TITAN,
                        SdkClients.JSON.createObjectNode().put("inputText", "x")).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(ValidationException.class).hasMessageContaining("unsupported for streaming");
    }
}
