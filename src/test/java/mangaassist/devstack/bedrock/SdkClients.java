package mangaassist.devstack.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;

/** Real AWS SDK v2 clients pointed at the emulator; retries off so each call is one request. */
final class SdkClients {

    static final String HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
    static final String SONNET = "anthropic.claude-3-sonnet-20240229-v1:0";
    static final String SONNET_35 = "anthropic.claude-3-5-sonnet-20240620-v1:0";
    static final String HAIKU_35 = "anthropic.claude-3-5-haiku-20241022-v1:0";
    static final String TITAN = "amazon.titan-embed-text-v2:0";

    /** The system prompts the chat handler sends (seed §3). */
    static final String SYSTEM_JA = "あなたはMangaAssistです。日本のマンガ書店のチャットボットです。"
            + "お客様のマンガ探し、シリーズや作者に関する質問への回答、"
            + "おすすめの提案、注文のサポートを行います。丁寧な敬語を使用してください。";
    static final String SYSTEM_EN = "You are MangaAssist, a chatbot for a Japanese manga store. "
            + "Help customers find manga, answer questions about series and authors, "
            + "provide recommendations, and assist with orders.";

    static final ObjectMapper JSON = new ObjectMapper();

    private SdkClients() {
    }

    static BedrockRuntimeClient apache(URI endpoint) {
        return sync(endpoint, ApacheHttpClient.builder().build(), c -> { });
    }

    static BedrockRuntimeClient urlConnection(URI endpoint) {
        return sync(endpoint, UrlConnectionHttpClient.builder().build(), c -> { });
    }

    static BedrockRuntimeClient sync(URI endpoint, SdkHttpClient http, Consumer<ClientOverrideConfiguration.Builder> config) {
        return BedrockRuntimeClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials())
                .httpClient(http)
                .overrideConfiguration(c -> {
                    c.retryStrategy(noRetries());
                    config.accept(c);
                })
                .build();
    }

    /** The default async client: Netty, which opens HTTP/2 cleartext for Bedrock Runtime. */
    static BedrockRuntimeAsyncClient netty(URI endpoint) {
        return BedrockRuntimeAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(noRetries()))
                .build();
    }

    static RetryStrategy noRetries() {
        return DefaultRetryStrategy.doNotRetry();
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
    }

    /** A Claude messages body as the chat handler builds it. */
    static ObjectNode claudeBody(String system, String userMessage, int maxTokens) {
        ObjectNode body = JSON.createObjectNode()
                .put("anthropic_version", "bedrock-2023-05-31")
                .put("max_tokens", maxTokens)
                .put("temperature", 0.3);
        if (system != null) {
            body.put("system", system);
        }
        body.putArray("messages").addObject().put("role", "user").put("content", userMessage);
        return body;
    }

    static InvokeModelRequest invoke(String modelId, JsonNode body) {
        return InvokeModelRequest.builder()
                .modelId(modelId)
                .contentType("application/json")
                .accept("application/json")
                .body(SdkBytes.fromUtf8String(body.toString()))
                .build();
    }

    static JsonNode parse(SdkBytes bytes) {
        return parse(bytes.asUtf8String());
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
