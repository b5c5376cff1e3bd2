package mangaassist.chat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.platform.ErrorResponses;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.ModelTimeoutException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;

/**
 * Calls to the model within the chat's time budget: building the InvokeModel request with the time
 * left, streaming (partial frames to the client as they arrive), mapping failures to the chat's error
 * codes, and deciding whether a fallback to the fast model is worth trying.
 *
 * <p>Streaming is a bean, not the aws-bedrock endpoint: the component's streaming operations hand the
 * route one exchange after the stream ends, and the client must see the text as it is written.
 */
@Component("chatModelCalls")
public class ChatModelCalls {

    /**
     * Exchange property: nanoseconds this answer spent waiting for the model, every call added up
     * (a fallback included), each from handing the request to the SDK to its last streamed byte.
     */
    public static final String MODEL_NANOS = "chatModelNanos";
    /** Exchange property: when the model call in progress was handed to the SDK (System.nanoTime()). */
    static final String CALL_SENT = "chatModelCallSent";

    private static final Logger LOG = LoggerFactory.getLogger(ChatModelCalls.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/json";
    private static final Set<ChatErrorCode> FALLBACK_ON = Set.of(ChatErrorCode.MODEL_THROTTLED, ChatErrorCode.MODEL_TIMEOUT);

    private final ChatProperties chat;
    private final BedrockRuntimeAsyncClient asyncClient;
    private final ProducerTemplate producer;
    private final ExecutorService partials;
    private final CamelContext camel;
    // the reply endpoint by URI, resolved once: a send by URI normalises it and resolves its placeholders
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();

    public ChatModelCalls(ChatProperties chat, BedrockRuntimeAsyncClient asyncClient, ProducerTemplate producer,
                          CamelContext camel) {
        this.chat = chat;
        this.asyncClient = asyncClient;
        this.producer = producer;
        this.camel = camel;
        this.partials = camel.getExecutorServiceManager().newThreadPool(this, "chat-partials",
                chat.websocket().partialWriters(), chat.websocket().partialWriters());
    }

    /**
     * The InvokeModel request for the aws-bedrock endpoint (pojoRequest), limited to the time left; the
     * endpoint sends it next, so the model's time starts here and ends at {@link #callEnded}.
     */
    public InvokeModelRequest invokeRequest(@ExchangeProperty(ChatSteps.MODEL_BODY) ObjectNode body,
                                            @ExchangeProperty(ChatSteps.MODEL) String model,
                                            @ExchangeProperty(ChatSteps.START) long start, Exchange exchange) {
        Duration left = timeLeftOrTimeout(start);
        InvokeModelRequest request = InvokeModelRequest.builder().modelId(model).contentType(CONTENT_TYPE)
                .accept(CONTENT_TYPE).body(SdkBytes.fromUtf8String(body.toString()))
                .overrideConfiguration(o -> o.apiCallTimeout(left)).build();
        callSent(exchange);
        return request;
    }

    /** Marks the model call as handed to the SDK. */
    static void callSent(Exchange exchange) {
        exchange.setProperty(CALL_SENT, System.nanoTime());
    }

    /** Ends the call marked by {@link #callSent}, whether it answered or failed: its time goes to {@link #MODEL_NANOS}. */
    public void callEnded(Exchange exchange) {
        Long sent = exchange.getProperty(CALL_SENT, Long.class);
        if (sent != null) {
            exchange.removeProperty(CALL_SENT);
            long before = exchange.getProperty(MODEL_NANOS, 0L, Long.class);
            exchange.setProperty(MODEL_NANOS, before + System.nanoTime() - sent);
        }
    }

    /**
     * Streams the answer: each text delta goes to the client as a partial frame at once; the result is
     * a Claude messages response assembled from the stream, so the rest of the route is the same as for
     * InvokeModel.
     */
    public ObjectNode stream(Exchange exchange) throws Exception {
        ObjectNode body = exchange.getProperty(ChatSteps.MODEL_BODY, ObjectNode.class);
        String model = exchange.getProperty(ChatSteps.MODEL, String.class);
        ChatRequest request = exchange.getProperty(ChatSteps.REQUEST, ChatRequest.class);
        String replyTo = exchange.getProperty(ChatSteps.REPLY_TO, String.class);
        Object connection = exchange.getMessage().getHeader(VertxWebsocketConstants.CONNECTION_KEY);
        Duration left = timeLeftOrTimeout(exchange.getProperty(ChatSteps.START, Long.class));

        StreamedAnswer answer = new StreamedAnswer(model);
        PartialWriter partialWriter = replyTo == null ? null
                : new PartialWriter(replyTo, connection, request, exchange.getProperty(ErrorResponses.LANGUAGE, String.class));
        InvokeModelWithResponseStreamRequest streamRequest = InvokeModelWithResponseStreamRequest.builder()
                .modelId(model).contentType(CONTENT_TYPE).accept(CONTENT_TYPE)
                .body(SdkBytes.fromUtf8String(body.toString()))
                .overrideConfiguration(o -> o.apiCallTimeout(left)).build();
        InvokeModelWithResponseStreamResponseHandler handler = InvokeModelWithResponseStreamResponseHandler.builder()
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder().onChunk(chunk -> {
                    String delta = answer.accept(chunk.bytes().asUtf8String());
                    if (partialWriter != null && delta != null && !delta.isEmpty()) {
                        partialWriter.offer(delta);
                    }
                }).build())
                .build();
        try {
            callSent(exchange);
            try {
                // the SDK enforces the budget (apiCallTimeout); the extra second only guards against a hang
                asyncClient.invokeModelWithResponseStream(streamRequest, handler)
                        .get(left.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } finally {
                // the stream is over (last byte, failure or timeout): what follows is the integration's time
                callEnded(exchange);
            }
            if (partialWriter != null) {
                // the final reply must not overtake a partial
                partialWriter.finish().get(left.toMillis() + 1000, TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | CompletionException e) {
            abandon(partialWriter);
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            abandon(partialWriter);
            throw new ChatException(ChatErrorCode.MODEL_TIMEOUT, "model stream exceeded the time budget", e);
        }
        return answer.toResponse();
    }

    private static void abandon(PartialWriter writer) {
        if (writer != null) {
            writer.abandon();
        }
    }

    /**
     * Streams partial frames to one client connection: deltas are gathered for at most
     * {@code partial-interval} and written in order, off the SDK's event-loop thread (which serves every
     * stream). Once abandoned, nothing more is written, so no partial follows the error frame.
     */
    final class PartialWriter {
        private final Endpoint replyTo;
        private final Object connection;
        private final ChatRequest request;
        private final long intervalNanos = chat.websocket().partialInterval().toNanos();
        private final StringBuilder pending = new StringBuilder();
        // the final message is spaced (seed post-processing): the streamed text must read the same
        private final JapaneseSpacing.Stream spacing;
        private CompletableFuture<Void> writes = CompletableFuture.completedFuture(null);
        private long lastFlush = System.nanoTime();
        private volatile boolean open = true;

        PartialWriter(String replyTo, Object connection, ChatRequest request, String language) {
            this.replyTo = endpoints.computeIfAbsent(replyTo, camel::getEndpoint);
            this.connection = connection;
            this.request = request;
            this.spacing = new JapaneseSpacing.Stream(language);
        }

        synchronized void offer(String delta) {
            pending.append(delta);
            if (System.nanoTime() - lastFlush >= intervalNanos) {
                writes = writes.thenRunAsync(flush(), partials);
            }
        }

        /**
         * Writes what is left; done when every partial is written. The caller waits for that anyway, so
         * when no write is in flight the last one runs on the caller's thread, not via the pool.
         */
        CompletableFuture<Void> finish() {
            Runnable last;
            synchronized (this) {
                last = flush();
                if (!writes.isDone() || writes.isCompletedExceptionally()) {
                    writes = writes.thenRunAsync(last, partials);
                    return writes;
                }
            }
            try {
                last.run();
                return writes;
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        void abandon() {
            open = false;
        }

        /** Takes the pending text; the write of its frame (nothing when no text is pending). */
        private Runnable flush() {
            lastFlush = System.nanoTime();
            if (pending.isEmpty()) {
                return () -> { };
            }
            String frame = ChatReplies.partial(request.requestId(), request.sessionId(), spacing.next(pending.toString()))
                    .toString();
            pending.setLength(0);
            return () -> {
                if (open) {
                    producer.sendBodyAndHeader(replyTo, frame, VertxWebsocketConstants.CONNECTION_KEY, connection);
                }
            };
        }
    }

    /** Maps the failure of a model call to the chat's error codes (and rethrows it as such). */
    public void failed(Exchange exchange) {
        callEnded(exchange);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        throw classify(cause);
    }

    static ChatException classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ChatException chat) {
                return chat;
            }
            if (t instanceof ThrottlingException || t instanceof ServiceUnavailableException) {
                return new ChatException(ChatErrorCode.MODEL_THROTTLED, "model throttled: " + t.getMessage(), failure);
            }
            if (t instanceof ModelTimeoutException || t instanceof ApiCallTimeoutException
                    || t instanceof ApiCallAttemptTimeoutException) {
                return new ChatException(ChatErrorCode.MODEL_TIMEOUT, "model timed out: " + t.getMessage(), failure);
            }
        }
        LOG.warn("Model call failed: {}", failure == null ? "unknown" : failure.toString());
        return new ChatException(ChatErrorCode.MODEL_NO_RESPONSE, "model gave no usable answer", failure);
    }

    /** A throttled or timed-out call is retried once on the fast model, if that is not the one that failed and time is left. */
    public boolean canFallBack(Exchange exchange) {
        ChatException failure = classify(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        String model = exchange.getProperty(ChatSteps.MODEL, String.class);
        long start = exchange.getProperty(ChatSteps.START, Long.class);
        return FALLBACK_ON.contains(failure.errorCode()) && !chat.models().fast().equals(model)
                && timeLeft(start).compareTo(chat.fallbackMinRemaining()) >= 0;
    }

    private Duration timeLeft(long startNanos) {
        return chat.timeBudget().minusNanos(System.nanoTime() - startNanos);
    }

    private Duration timeLeftOrTimeout(long startNanos) {
        Duration left = timeLeft(startNanos);
        if (left.toMillis() <= 0) {
            throw new ChatException(ChatErrorCode.MODEL_TIMEOUT, "no time left in the budget for a model call");
        }
        return left;
    }

    /** Assembles a Claude messages response from the stream's events. */
    static final class StreamedAnswer {
        private final StringBuilder text = new StringBuilder();
        private final String model;
        private final AtomicReference<String> stopReason = new AtomicReference<>("end_turn");
        private volatile int inputTokens;
        private volatile int outputTokens;
        private volatile String responseModel;
        private volatile String malformed;

        StreamedAnswer(String model) {
            this.model = model;
        }

        /** Takes one chunk's JSON; returns its text delta, if any. */
        synchronized String accept(String json) {
            JsonNode event;
            try {
                event = JSON.readTree(json);
            } catch (Exception e) {
                // the SDK swallows exceptions thrown in a chunk visitor: remember it and fail at the end
                malformed = e.getMessage();
                return null;
            }
            switch (event.path("type").asText()) {
                case "message_start" -> {
                    inputTokens = event.path("message").path("usage").path("input_tokens").asInt();
                    responseModel = event.path("message").path("model").asText(null);
                }
                case "content_block_delta" -> {
                    String delta = event.path("delta").path("text").asText("");
                    text.append(delta);
                    return delta;
                }
                case "message_delta" -> {
                    stopReason.set(event.path("delta").path("stop_reason").asText("end_turn"));
                    outputTokens = event.path("usage").path("output_tokens").asInt(outputTokens);
                }
                default -> {
                    // content_block_start/stop, message_stop: nothing to add
                }
            }
            return null;
        }

        synchronized ObjectNode toResponse() {
            if (malformed != null) {
                throw new ChatException(ChatErrorCode.MODEL_NO_RESPONSE, "malformed stream event: " + malformed);
            }
            ObjectNode response = JSON.createObjectNode();
            response.put("type", "message").put("role", "assistant")
                    .put("model", responseModel != null ? responseModel : model)
                    .put("stop_reason", stopReason.get());
            response.putArray("content").addObject().put("type", "text").put("text", text.toString());
            response.putObject("usage").put("input_tokens", inputTokens).put("output_tokens", outputTokens);
            return response;
        }
    }
}
