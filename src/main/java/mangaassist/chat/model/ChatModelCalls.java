package mangaassist.chat.model;

import java.time.Duration;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import mangaassist.chat.ChatProperties;
import mangaassist.chat.message.ChatErrorCode;
import mangaassist.chat.message.ChatException;
import mangaassist.chat.message.ChatMessage;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
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
 * Calls to the model within the chat's time budget (routes chat-model, chat-invoke, chat-model-invoke): the
 * InvokeModel request with the time left, the stream of a WebSocket answer, the failures as the chat's error
 * codes, and whether a fallback to the fast model is worth trying. Every call's time goes to the message's
 * {@link ModelTime}.
 *
 * <p>Streaming is a bean, not the aws-bedrock endpoint: the component's streaming operations hand the route
 * one exchange after the stream ends, and the client must see the text as it is written. The bean only starts
 * the stream ({@link #stream}); its partial frames leave through the route (chat-invoke's split, step
 * chat-partial), like every other frame.
 */
@Component("chatModelCalls")
public class ChatModelCalls {

    private static final Logger LOG = LoggerFactory.getLogger(ChatModelCalls.class);
    private static final String CONTENT_TYPE = "application/json";
    private static final Set<ChatErrorCode> FALLBACK_ON = Set.of(ChatErrorCode.MODEL_THROTTLED, ChatErrorCode.MODEL_TIMEOUT);
    /** Past the budget a stream is given this much more before it counts as hung (the SDK enforces the budget). */
    private static final Duration HANG_GUARD = Duration.ofSeconds(1);

    private final ChatProperties chat;
    private final BedrockRuntimeAsyncClient asyncClient;

    public ChatModelCalls(ChatProperties chat, BedrockRuntimeAsyncClient asyncClient) {
        this.chat = chat;
        this.asyncClient = asyncClient;
    }

    /**
     * The InvokeModel request for the aws-bedrock endpoint (pojoRequest), limited to the time left; the
     * endpoint sends it next, so the model's time starts here and ends at {@link #answered} or {@link #failed}.
     */
    public InvokeModelRequest invokeRequest(ChatMessage message) {
        Duration left = timeLeftOrTimeout(message.startNanos());
        InvokeModelRequest request = InvokeModelRequest.builder().modelId(message.model()).contentType(CONTENT_TYPE)
                .accept(CONTENT_TYPE).body(SdkBytes.fromUtf8String(message.modelBody().toString()))
                .overrideConfiguration(o -> o.apiCallTimeout(left)).build();
        message.modelTime().sent();
        return request;
    }

    /** The model's answer to {@link #invokeRequest} (chat-invoke's enricher merges it into the message). */
    public ChatMessage answered(ChatMessage message, JsonNode response) {
        message.modelTime().ended();
        return message.withModelResponse(response);
    }

    /**
     * Starts streaming the answer: the message goes on with the stream under way, whose text deltas the route
     * sends to the client as partial frames ({@link ModelStream}), then takes whole with {@link #streamed}.
     */
    public ChatMessage stream(ChatMessage message) {
        Duration left = timeLeftOrTimeout(message.startNanos());
        ModelStream stream = new ModelStream(message.requestId(), message.sessionId(), message.language(),
                message.model(), chat.websocket().partialInterval(),
                System.nanoTime() + left.plus(HANG_GUARD).toNanos(), message.modelTime());
        InvokeModelWithResponseStreamRequest request = InvokeModelWithResponseStreamRequest.builder()
                .modelId(message.model()).contentType(CONTENT_TYPE).accept(CONTENT_TYPE)
                .body(SdkBytes.fromUtf8String(message.modelBody().toString()))
                .overrideConfiguration(o -> o.apiCallTimeout(left)).build();
        InvokeModelWithResponseStreamResponseHandler handler = InvokeModelWithResponseStreamResponseHandler.builder()
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                        .onChunk(chunk -> stream.accept(chunk.bytes().asUtf8String())).build())
                .build();
        message.modelTime().sent();
        try {
            stream.follow(asyncClient.invokeModelWithResponseStream(request, handler));
        } catch (RuntimeException e) {
            stream.failedToStart(e);
        }
        return message.withStream(stream);
    }

    /** The streamed answer, whole, once the route has sent its partial frames; the stream's failure otherwise. */
    public ChatMessage streamed(ChatMessage message) throws Exception {
        return message.withModelResponse(message.stream().response());
    }

    /** Maps the failure of a model call to the chat's error codes and throws it as such (the call's time ends). */
    public void failed(ChatMessage message, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable failure) {
        message.modelTime().ended();
        throw classify(failure);
    }

    static ChatException classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ChatException chatFailure) {
                return chatFailure;
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
    public boolean canFallBack(ChatMessage message, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable failure) {
        ChatException chatFailure = classify(failure);
        return FALLBACK_ON.contains(chatFailure.errorCode()) && !chat.models().fast().equals(message.model())
                && timeLeft(message.startNanos()).compareTo(chat.fallbackMinRemaining()) >= 0;
    }

    /** The message to send again, to the fast model (the same prompt). */
    public ChatMessage fallBack(ChatMessage message) {
        return message.withModel(chat.models().fast());
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
}
