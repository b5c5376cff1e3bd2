package mangaassist.chat.model;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.chat.message.ChatErrorCode;
import mangaassist.chat.message.ChatException;
import mangaassist.chat.message.ChatReplies;
import mangaassist.chat.message.JapaneseSpacing;

/**
 * A model answer as the model writes it (InvokeModelWithResponseStream), between the SDK and the route: the SDK
 * hands each event to {@link #accept} on its own thread; the route takes the partial frames through this
 * iterator (chat-invoke splits over it and sends each frame to the client), then the whole answer with
 * {@link #response()}. Made for Camel's splitter, which looks one item ahead: {@link #hasNext()} never waits,
 * {@link #next()} waits for the frame and is null when the stream ends without one.
 *
 * <p>Text is gathered into a frame until {@code partial-interval} has passed since the last one (a delta that
 * arrives later cuts the frame); what is left when the stream ends is the last frame. A failure, or the
 * deadline, ends the frames at once: those not yet taken are dropped, so no partial follows the error frame.
 * The frames are spaced as the final message is ({@link JapaneseSpacing.Stream}), so they read the same.
 */
public final class ModelStream implements Iterator<String> {

    private final String requestId;
    private final String sessionId;
    private final JapaneseSpacing.Stream spacing;
    private final long intervalNanos;
    private final long deadlineNanos;
    private final ModelTime time;
    private final StreamedAnswer answer;

    // guarded by this
    private final StringBuilder pending = new StringBuilder();
    private final ArrayDeque<String> ready = new ArrayDeque<>();
    private long lastCut = System.nanoTime();
    private boolean ended;
    private Exception failure;
    private CompletableFuture<?> call;

    /**
     * @param deadlineNanos past this instant (System.nanoTime()) the stream ends as MODEL_TIMEOUT: a guard against
     *                      a hang, the SDK's apiCallTimeout being the budget
     */
    ModelStream(String requestId, String sessionId, String language, String model, Duration interval,
                long deadlineNanos, ModelTime time) {
        this.requestId = requestId;
        this.sessionId = sessionId;
        this.spacing = new JapaneseSpacing.Stream(language);
        this.intervalNanos = interval.toNanos();
        this.deadlineNanos = deadlineNanos;
        this.time = time;
        this.answer = new StreamedAnswer(model);
    }

    /** One event of the stream (the SDK's thread): its text, if any, goes into the next partial frame. */
    void accept(String eventJson) {
        String delta = answer.accept(eventJson);
        if (delta == null || delta.isEmpty()) {
            return;
        }
        synchronized (this) {
            if (ended) {
                return;
            }
            pending.append(delta);
            long now = System.nanoTime();
            if (now - lastCut >= intervalNanos) {
                cut(now);
                notifyAll();
            }
        }
    }

    /** The call the events come from: its end (last byte or failure) ends the stream and the model's time. */
    void follow(CompletableFuture<?> sdkCall) {
        synchronized (this) {
            this.call = sdkCall;
        }
        sdkCall.whenComplete((ignored, failed) -> end(failed));
    }

    /** Ends the stream with the failure to start it (the SDK call was never made). */
    void failedToStart(Exception e) {
        end(e);
    }

    private void end(Throwable failed) {
        time.ended();
        synchronized (this) {
            if (ended) {
                return;
            }
            if (failed != null) {
                fail(unwrap(failed));
            } else if (!pending.isEmpty()) {
                cut(System.nanoTime());
            }
            ended = true;
            notifyAll();
        }
    }

    /**
     * Whether a frame may still come: false once the stream has ended and its every frame is taken. Never waits:
     * Camel's splitter asks it before it sends the frame in hand, and that frame must not wait for the next one.
     */
    @Override
    public synchronized boolean hasNext() {
        return !ready.isEmpty() || !ended;
    }

    /**
     * The next partial frame, {@code {"status":"partial","requestId","data":{"delta","sessionId"}}}, as JSON text,
     * as soon as its text is there; null when the stream ends without another (Camel's splitter skips a null).
     */
    @Override
    public String next() {
        String text = take();
        return text == null ? null : ChatReplies.partial(requestId, sessionId, spacing.next(text)).toString();
    }

    /**
     * The whole answer as a Claude messages response, so that the rest of the route is the same as for
     * InvokeModel; the stream's failure (or MODEL_TIMEOUT past the deadline) otherwise. Waits for the end of
     * the stream: the route asks once it has taken every frame.
     */
    public ObjectNode response() throws Exception {
        while (take() != null) {
            // frames nobody took: the answer holds their text anyway
        }
        synchronized (this) {
            if (failure != null) {
                throw failure;
            }
        }
        return answer.toResponse();
    }

    /** The next frame's text, waiting for it, for the end of the stream (null) or for the deadline (null, a failure). */
    private String take() {
        boolean gaveUp = false;
        CompletableFuture<?> abandoned = null;
        String text;
        synchronized (this) {
            while (ready.isEmpty() && !ended) {
                long wait = deadlineNanos - System.nanoTime();
                if (wait <= 0) {
                    fail(new ChatException(ChatErrorCode.MODEL_TIMEOUT, "model stream exceeded the time budget"));
                    ended = true;
                    gaveUp = true;
                    abandoned = call;
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    fail(e);
                    ended = true;
                    gaveUp = true;
                    abandoned = call;
                }
            }
            text = ready.poll();
        }
        if (gaveUp) {
            // the model's time ends here: what comes after is no longer waited for
            time.ended();
            if (abandoned != null) {
                abandoned.cancel(true);
            }
        }
        return text;
    }

    private void cut(long now) {
        ready.add(pending.toString());
        pending.setLength(0);
        lastCut = now;
    }

    private void fail(Exception e) {
        if (failure == null) {
            failure = e;
        }
        ready.clear();
        pending.setLength(0);
    }

    private static Exception unwrap(Throwable failed) {
        Throwable t = failed;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof Exception e ? e : new IllegalStateException(t);
    }

    /** Assembles a Claude messages response from the stream's events. */
    static final class StreamedAnswer {
        private static final ObjectMapper JSON = new ObjectMapper();

        private final StringBuilder text = new StringBuilder();
        private final String model;
        private String stopReason = "end_turn";
        private int inputTokens;
        private int outputTokens;
        private String responseModel;
        private String malformed;

        StreamedAnswer(String model) {
            this.model = model;
        }

        /** Takes one event's JSON; returns its text delta, if any. */
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
                    stopReason = event.path("delta").path("stop_reason").asText("end_turn");
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
                    .put("stop_reason", stopReason);
            response.putArray("content").addObject().put("type", "text").put("text", text.toString());
            response.putObject("usage").put("input_tokens", inputTokens).put("output_tokens", outputTokens);
            return response;
        }
    }
}
