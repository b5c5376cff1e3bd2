package mangaassist.devstack.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Runs InvokeModelWithResponseStream and keeps every chunk's Claude event, with arrival times. */
final class StreamCollector {

    final List<String> rawChunks = new CopyOnWriteArrayList<>();
    volatile InvokeModelWithResponseStreamResponse response;
    volatile long startNanos;
    volatile long firstChunkNanos;
    volatile long lastChunkNanos;

    CompletableFuture<Void> run(BedrockRuntimeAsyncClient client, String modelId, JsonNode body) {
        InvokeModelWithResponseStreamResponseHandler handler = InvokeModelWithResponseStreamResponseHandler.builder()
                .onResponse(r -> response = r)
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                        .onChunk(chunk -> {
                            long now = System.nanoTime();
                            if (firstChunkNanos == 0) {
                                firstChunkNanos = now;
                            }
                            lastChunkNanos = now;
                            rawChunks.add(chunk.bytes().asUtf8String());
                        })
                        .build())
                .build();
        startNanos = System.nanoTime();
        return client.invokeModelWithResponseStream(InvokeModelWithResponseStreamRequest.builder()
                .modelId(modelId)
                .contentType("application/json")
                .accept("application/json")
                .body(SdkBytes.fromUtf8String(body.toString()))
                .build(), handler);
    }

    /** The chunks as Claude events (parsed here, not in the callback, so a bad chunk is still kept). */
    List<JsonNode> events() {
        return rawChunks.stream().map(SdkClients::parse).collect(Collectors.toList());
    }

    List<String> types() {
        return events().stream().map(e -> e.path("type").asText()).collect(Collectors.toList());
    }

    String text() {
        return events().stream().filter(e -> e.path("type").asText().equals("content_block_delta"))
                .map(e -> e.path("delta").path("text").asText()).collect(Collectors.joining());
    }

    JsonNode event(String type) {
        return events().stream().filter(e -> e.path("type").asText().equals(type)).findFirst().orElseThrow();
    }

    long millisToFirstChunk() {
        return (firstChunkNanos - startNanos) / 1_000_000;
    }

    long millisFirstToLastChunk() {
        return (lastChunkNanos - firstChunkNanos) / 1_000_000;
    }
}
