package mangaassist.devstack.bedrock;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /model/{modelId}/invoke} and {@code /invoke-with-response-stream}. Every delay is a
 * Vert.x timer: the event loop is never blocked, so slow answers do not hold up other requests.
 */
final class InvokeHandler {

    /** Tokens per content_block_delta event: Bedrock sends small groups of tokens, not single ones. */
    private static final int TOKENS_PER_DELTA = 3;
    /** Deltas sent before a mid-stream fault's exception event. */
    private static final int DELTAS_BEFORE_FAULT = 2;

    private final Vertx vertx;
    private final EmulatorControl control;
    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final ClaudeResponder responder = new ClaudeResponder();
    private final TitanEmbedder embedder = new TitanEmbedder();

    InvokeHandler(Vertx vertx, EmulatorControl control) {
        this.vertx = vertx;
        this.control = control;
    }

    void invoke(RoutingContext ctx) {
        handle(ctx, false);
    }

    void invokeStream(RoutingContext ctx) {
        handle(ctx, true);
    }

    private void handle(RoutingContext ctx, boolean streaming) {
        String requestId = UUID.randomUUID().toString();
        HttpServerResponse response = ctx.response();
        String modelId = decode(ctx.pathParam("modelId"));
        Buffer raw = ctx.body().buffer();
        JsonNode body = parseJson(raw);
        EmulatorControl.FaultRule rule = control.record(new EmulatorControl.RecordedRequest(
                modelId, streaming, ctx.request().version().name(), body));
        Fault fault = rule == null ? null : rule.fault();
        boolean midStream = rule != null && rule.midStream();
        try {
            if (fault != null && fault.error() != null && !midStream) {
                fault.error().write(response, requestId);
                return;
            }
            ModelIds.Kind kind = ModelIds.kind(modelId);
            if (kind == ModelIds.Kind.UNKNOWN) {
                throw new AwsError.Failure(AwsError.validation("The provided model identifier is invalid."));
            }
            if (body == null) {
                throw new AwsError.Failure(AwsError.malformedInput("#: the request body is not valid JSON"));
            }
            long slowMs = fault == Fault.SLOW ? control.slowDelay().toMillis() : 0;
            if (kind == ModelIds.Kind.TITAN_EMBED) {
                if (streaming) {
                    throw new AwsError.Failure(AwsError.validation("The model is unsupported for streaming."));
                }
                embed(response, requestId, TitanEmbedder.parse(body), slowMs, fault == Fault.MALFORMED);
            } else {
                ClaudeRequest request = ClaudeRequest.parse(body);
                ClaudeResponder.Reply reply = responder.reply(request);
                if (streaming) {
                    stream(response, requestId, modelId, reply, slowMs, fault, midStream);
                } else {
                    answer(response, requestId, modelId, reply, slowMs, fault == Fault.MALFORMED);
                }
            }
        } catch (AwsError.Failure failure) {
            failure.error().write(response, requestId);
        }
    }

    private void answer(HttpServerResponse response, String requestId, String modelId,
                        ClaudeResponder.Reply reply, long slowMs, boolean malformed) {
        long latency = slowMs + control.timeToFirstToken().toMillis() + control.perToken().toMillis() * reply.outputTokens();
        String json = ClaudeMessages.response(modelId, reply).encode();
        // MALFORMED: the body is cut in the middle, as if the connection had dropped it.
        String payload = malformed ? json.substring(0, json.length() / 2) : json;
        after(response, latency, () -> ok(response, requestId, "application/json")
                .putHeader("X-Amzn-Bedrock-Invocation-Latency", Long.toString(latency))
                .putHeader("X-Amzn-Bedrock-Input-Token-Count", Integer.toString(reply.inputTokens()))
                .putHeader("X-Amzn-Bedrock-Output-Token-Count", Integer.toString(reply.outputTokens()))
                .end(payload));
    }

    private void embed(HttpServerResponse response, String requestId, TitanEmbedder.Request request,
                       long slowMs, boolean malformed) {
        float[] vector = embedder.embed(request.inputText(), request.dimensions(), request.normalize());
        JsonArray floats = new JsonArray();
        for (float v : vector) {
            floats.add(v);
        }
        int tokens = Tokens.count(request.inputText());
        JsonObject json = new JsonObject().put("embedding", floats).put("inputTextTokenCount", tokens);
        if (!request.embeddingTypes().isEmpty()) {
            JsonObject byType = new JsonObject();
            if (request.embeddingTypes().contains("float")) {
                byType.put("float", floats);
            }
            if (request.embeddingTypes().contains("binary")) {
                JsonArray bits = new JsonArray();
                for (float v : vector) {
                    bits.add(v > 0 ? 1 : 0);
                }
                byType.put("binary", bits);
            }
            json.put("embeddingsByType", byType);
        }
        String encoded = json.encode();
        long latency = slowMs + control.timeToFirstToken().toMillis();
        after(response, latency, () -> ok(response, requestId, "application/json")
                .putHeader("X-Amzn-Bedrock-Invocation-Latency", Long.toString(latency))
                .putHeader("X-Amzn-Bedrock-Input-Token-Count", Integer.toString(tokens))
                .end(malformed ? encoded.substring(0, encoded.length() / 2) : encoded));
    }

    /**
     * Claude's stream events, each in a chunk frame: message_start, content_block_start, deltas,
     * content_block_stop, message_delta (stop reason, output tokens), message_stop (metrics).
     */
    private void stream(HttpServerResponse response, String requestId, String modelId,
                        ClaudeResponder.Reply reply, long slowMs, Fault fault, boolean midStream) {
        long start = System.nanoTime();
        long firstByte = slowMs + control.timeToFirstToken().toMillis();
        long perToken = control.perToken().toMillis();
        List<PacedStream.Step> steps = new ArrayList<>();
        steps.add(PacedStream.Step.now(EventStreamEncoder.chunk(ClaudeMessages.messageStart(modelId, reply))));
        if (fault == Fault.MALFORMED) {
            steps.add(PacedStream.Step.now(EventStreamEncoder.chunk("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{")));
            send(response, requestId, firstByte, steps);
            return;
        }
        steps.add(PacedStream.Step.now(EventStreamEncoder.chunk(ClaudeMessages.contentBlockStart())));
        List<String> tokens = reply.tokens();
        for (int i = 0, deltas = 0; i < tokens.size(); i += TOKENS_PER_DELTA, deltas++) {
            if (midStream && deltas == DELTAS_BEFORE_FAULT) {
                break;
            }
            List<String> group = tokens.subList(i, Math.min(tokens.size(), i + TOKENS_PER_DELTA));
            Buffer frame = EventStreamEncoder.chunk(ClaudeMessages.textDelta(String.join("", group)));
            steps.add(new PacedStream.Step(perToken * group.size(), () -> frame));
        }
        if (midStream) {
            steps.add(PacedStream.Step.now(EventStreamEncoder.exception(fault)));
            send(response, requestId, firstByte, steps);
            return;
        }
        steps.add(PacedStream.Step.now(EventStreamEncoder.chunk(ClaudeMessages.contentBlockStop())));
        steps.add(PacedStream.Step.now(EventStreamEncoder.chunk(ClaudeMessages.messageDelta(reply))));
        // Built when written, so that the reported latency is the real one.
        steps.add(new PacedStream.Step(0, () -> EventStreamEncoder.chunk(
                ClaudeMessages.messageStop(reply, (System.nanoTime() - start) / 1_000_000, firstByte))));
        send(response, requestId, firstByte, steps);
    }

    /** Headers go out with the first event, after the time to first token, as Bedrock does. */
    private void send(HttpServerResponse response, String requestId, long firstByteMs, List<PacedStream.Step> steps) {
        after(response, firstByteMs, () -> {
            ok(response, requestId, "application/vnd.amazon.eventstream")
                    .putHeader("x-amzn-bedrock-content-type", "application/json")
                    .setChunked(true);
            PacedStream.write(vertx, response, steps);
        });
    }

    private HttpServerResponse ok(HttpServerResponse response, String requestId, String contentType) {
        return response.setStatusCode(200)
                .putHeader("Content-Type", contentType)
                .putHeader("x-amzn-RequestId", requestId);
    }

    /** Runs the action later on the event loop, unless the client has hung up by then (e.g. SLOW). */
    private void after(HttpServerResponse response, long delayMs, Runnable action) {
        if (delayMs <= 0) {
            action.run();
            return;
        }
        vertx.setTimer(delayMs, id -> {
            if (!response.closed()) {
                action.run();
            }
        });
    }

    private JsonNode parseJson(Buffer raw) {
        if (raw == null || raw.length() == 0) {
            return null;
        }
        try {
            return mapper.readTree(raw.getBytes());
        } catch (IOException e) {
            return null;
        }
    }

    /** The SDK sends the id URL-encoded (":" as %3A); decode it if the router has not. */
    private static String decode(String pathParam) {
        return pathParam.indexOf('%') >= 0 ? URLDecoder.decode(pathParam, StandardCharsets.UTF_8) : pathParam;
    }
}
