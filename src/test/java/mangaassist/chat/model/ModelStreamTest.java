package mangaassist.chat.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.chat.message.ChatErrorCode;
import mangaassist.chat.message.ChatException;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;

/** The model's stream between the SDK (events on its thread) and the route (frames, then the whole answer). */
class ModelStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long IN_A_MINUTE = Duration.ofMinutes(1).toNanos();

    private final ModelTime time = new ModelTime();

    @Test
    void eachDeltaIsAFrameAtOnceWithoutAnIntervalAndTheAnswerIsTheirSum() throws Exception {
        ModelStream stream = stream("en", Duration.ZERO, System.nanoTime() + IN_A_MINUTE);
        CompletableFuture<Void> call = new CompletableFuture<>();
        stream.follow(call);
        stream.accept(start());
        stream.accept(delta("Naoki "));
        // a frame in hand, the next not written yet: the splitter's look-ahead must not wait for it
        assertThat(stream.hasNext()).isTrue();
        assertThat(deltaOf(stream.next())).isEqualTo("Naoki ");
        assertThat(stream.hasNext()).isTrue();
        stream.accept(delta("Urasawa."));
        stream.accept(stop());
        call.complete(null);

        assertThat(deltaOf(stream.next())).isEqualTo("Urasawa.");
        assertThat(stream.next()).isNull();
        assertThat(stream.hasNext()).isFalse();
        JsonNode answer = stream.response();
        assertThat(answer.path("content").path(0).path("text").asText()).isEqualTo("Naoki Urasawa.");
        assertThat(answer.path("usage").path("output_tokens").asInt()).isEqualTo(8);
        assertThat(answer.path("model").asText()).isEqualTo("claude-3-haiku-20240307");
    }

    @Test
    void deltasWithinTheIntervalAreOneFrameAndTheRestIsTheLastOne() throws Exception {
        ModelStream stream = stream("en", Duration.ofMinutes(1), System.nanoTime() + IN_A_MINUTE);
        CompletableFuture<Void> call = new CompletableFuture<>();
        stream.follow(call);
        for (String d : List.of("One ", "Piece ", "42")) {
            stream.accept(delta(d));
        }
        call.complete(null);

        assertThat(frames(stream)).containsExactly("One Piece 42");
    }

    @Test
    void japaneseFramesAreSpacedAsTheFinalMessageIs() {
        ModelStream stream = stream("ja", Duration.ZERO, System.nanoTime() + IN_A_MINUTE);
        CompletableFuture<Void> call = new CompletableFuture<>();
        stream.follow(call);
        stream.accept(delta("ワンピース"));
        stream.accept(delta("42巻"));
        call.complete(null);

        assertThat(String.join("", frames(stream))).isEqualTo("ワンピース 42 巻");
    }

    @Test
    void aFailureDropsTheFramesNotYetTakenAndIsTheAnswer() {
        ModelStream stream = stream("en", Duration.ZERO, System.nanoTime() + IN_A_MINUTE);
        CompletableFuture<Void> call = new CompletableFuture<>();
        stream.follow(call);
        stream.accept(delta("Let me "));
        stream.accept(delta("think"));
        ThrottlingException throttled = ThrottlingException.builder().message("slow down").build();
        call.completeExceptionally(new java.util.concurrent.CompletionException(throttled));

        assertThat(stream.next()).isNull();
        assertThat(stream.hasNext()).isFalse();
        assertThatThrownBy(stream::response).isSameAs(throttled);
        assertThat(time.nanos()).isPositive();
    }

    @Test
    void pastTheDeadlineTheStreamEndsAsATimeoutAndTheCallIsCancelled() {
        ModelStream stream = stream("en", Duration.ZERO, System.nanoTime() - 1);
        CompletableFuture<Void> call = new CompletableFuture<>();
        stream.follow(call);

        assertThat(stream.next()).isNull();
        assertThatThrownBy(stream::response).isInstanceOfSatisfying(ChatException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ChatErrorCode.MODEL_TIMEOUT));
        assertThat(call).isCancelled();
    }

    @Test
    void aMalformedEventFailsTheAnswerNotTheStream() {
        ModelStream stream = stream("en", Duration.ZERO, System.nanoTime() + IN_A_MINUTE);
        CompletableFuture<Void> call = new CompletableFuture<>();
        stream.follow(call);
        stream.accept("{not json");
        stream.accept(delta("text"));
        call.complete(null);

        assertThat(frames(stream)).containsExactly("text");
        assertThatThrownBy(stream::response).isInstanceOfSatisfying(ChatException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ChatErrorCode.MODEL_NO_RESPONSE));
    }

    private ModelStream stream(String language, Duration interval, long deadlineNanos) {
        time.sent();
        return new ModelStream("r-1", "s-1", language, "anthropic.claude-3-haiku", interval, deadlineNanos, time);
    }

    /** The deltas of the frames left, as the splitter takes them. */
    private static List<String> frames(ModelStream stream) {
        List<String> deltas = new ArrayList<>();
        while (stream.hasNext()) {
            String frame = stream.next();
            if (frame != null) {
                deltas.add(deltaOf(frame));
            }
        }
        return deltas;
    }

    private static String deltaOf(String frame) {
        try {
            JsonNode node = JSON.readTree(frame);
            assertThat(node.path("status").asText()).isEqualTo("partial");
            assertThat(node.path("requestId").asText()).isEqualTo("r-1");
            assertThat(node.path("data").path("sessionId").asText()).isEqualTo("s-1");
            return node.path("data").path("delta").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String start() {
        return "{\"type\":\"message_start\",\"message\":{\"model\":\"claude-3-haiku-20240307\",\"usage\":{\"input_tokens\":12}}}";
    }

    private static String delta(String text) {
        return JSON.createObjectNode().put("type", "content_block_delta")
                .set("delta", JSON.createObjectNode().put("type", "text_delta").put("text", text)).toString();
    }

    private static String stop() {
        return "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":8}}";
    }
}
