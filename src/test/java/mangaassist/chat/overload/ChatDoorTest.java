package mangaassist.chat.overload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.chat.ChatProperties;
import mangaassist.chat.message.ChatMessage;
import mangaassist.chat.message.ChatMessageParser;
import mangaassist.chat.session.ChatCacheKey;
import org.junit.jupiter.api.Test;

/** The door alone: the work queue's decision for a frame arriving now, the remembered cache hits, the refusal frame. */
class ChatDoorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BUDGET = Duration.ofSeconds(3);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    // one worker and one place to wait: the second frame let in fills the queue
    private final ChatWorkQueue queue = new ChatWorkQueue(new ChatOverloadProperties(1, 1, 2, Duration.ofMillis(100),
            0.1, Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(1), 100),
            new ChatProperties(null, 4000, Duration.ofSeconds(300), 10, "sessions", Duration.ofDays(30),
                    Duration.ofHours(1), BUDGET, Duration.ofMillis(500), null, Duration.ofMillis(500), null, 1024, 0.3,
                    null),
            meters);
    private final ChatMessageParser parser = new ChatMessageParser(4000);
    private final ChatDoor door = new ChatDoor(queue, parser,
            new ChatDoor.AnswerHints(100, TimeUnit.SECONDS.toNanos(300)), meters);

    @Test
    void framesAreLetInWithAPlaceHeldUntilTheQueueWouldRefuseThem() {
        ChatDoor.Verdict first = door.arrive(frame("s-1", "first question"), true);
        ChatDoor.Verdict second = door.arrive(frame("s-2", "second question"), true);
        assertThat(first.refused()).isFalse();
        assertThat(first.pass()).isNotNull();
        assertThat(second.pass()).isNotNull();
        assertThat(queue.passedDoor()).isEqualTo(2);

        ChatDoor.Verdict third = door.arrive(frame("s-3", "third question"), true);
        assertThat(third.refused()).isTrue();
        JsonNode refusal = read(third.refusal());
        assertThat(refusal.path("status").asText()).isEqualTo("error");
        assertThat(refusal.path("code").asText()).isEqualTo("OVERLOADED");
        assertThat(refusal.path("requestId").asText()).isNotBlank();
        assertThat(refusal.path("retryAfterMs").asLong()).isBetween(500L, 10_000L);
        assertThat(refusal.path("error").asText()).isNotBlank();
        assertThat(meters.get(ChatWorkQueue.REFUSALS).tag("reason", "queue-full").counter().count()).isEqualTo(1);
        assertThat(meters.get("mangaassist.errors").tag("flow", "chat").tag("code", "OVERLOADED").counter().count())
                .isEqualTo(1);

        // a place given back (at chat-work-admit, or when the exchange ends) once only, however often it is released
        first.pass().release();
        first.pass().release();
        assertThat(queue.passedDoor()).isEqualTo(1);
        assertThat(door.arrive(frame("s-4", "fourth question"), true).refused()).isFalse();
    }

    @Test
    void aRepeatWhoseAnswerIsRememberedAsCachedGoesInWhileOthersAreRefused() {
        fill();
        door.remember(received("s-1", "Could you recommend a manga?"));

        ChatDoor.Verdict repeat = door.arrive(frame("s-1", "Could you recommend a manga?"), true);
        assertThat(repeat.refused()).isFalse();
        assertThat(repeat.pass()).as("a cache hit needs no place in the queue").isNull();
        // the same question in another session has another cache key
        assertThat(door.arrive(frame("s-2", "Could you recommend a manga?"), true).refused()).isTrue();
        assertThat(door.arrive(frame("s-1", "Another question"), true).refused()).isTrue();
    }

    @Test
    void whatTheDoorCannotAnswerItself_goesInToTheRoute() {
        fill();
        assertThat(door.arrive("not json", true).refused()).as("the route answers INVALID_JSON").isFalse();
        assertThat(door.arrive(new byte[] {1, 2}, true).refused()).as("a binary frame").isFalse();
        assertThat(door.arrive(frame("s-1", "a question"), false).refused())
                .as("its connection's open event not handled yet: nothing to write the refusal to").isFalse();
        assertThat(meters.get(ChatWorkQueue.REFUSALS).tag("reason", "queue-full").counter().count()).isZero();
    }

    @Test
    void whileShuttingDownEveryFrameIsRefusedRememberedAnswersToo() {
        door.remember(received("s-1", "Could you recommend a manga?"));
        queue.stop();

        ChatDoor.Verdict verdict = door.arrive(frame("s-1", "Could you recommend a manga?"), true);
        assertThat(verdict.refused()).isTrue();
        assertThat(read(verdict.refusal()).path("retryAfterMs").asLong()).isEqualTo(1000);
        assertThat(meters.get(ChatWorkQueue.REFUSALS).tag("reason", "shutdown").counter().count()).isEqualTo(1);
        queue.start();
    }

    @Test
    void answerHintsExpireAndKeepTheYoungestWithinTheirSize() {
        ChatDoor.AnswerHints hints = new ChatDoor.AnswerHints(2, 1_000);
        hints.remember("a", 0);
        hints.remember("b", 0);
        hints.remember("a", 10); // cached again: young again
        hints.remember("c", 10);
        assertThat(hints.remembers("b", 20)).as("the oldest forgotten").isFalse();
        assertThat(hints.remembers("a", 20)).isTrue();
        assertThat(hints.remembers("c", 20)).isTrue();
        assertThat(hints.remembers("a", 1_011)).as("past the cache's TTL").isFalse();
        assertThat(hints.size()).isEqualTo(1);
    }

    /** The two places taken, so that the next fresh frame is refused. */
    private void fill() {
        assertThat(door.arrive(frame("fill-1", "q1"), true).refused()).isFalse();
        assertThat(door.arrive(frame("fill-2", "q2"), true).refused()).isFalse();
    }

    private ChatMessage received(String session, String text) {
        return ChatMessage.received(parser.parse(frame(session, text)), "en", ChatCacheKey.of(session, text), null,
                System.nanoTime());
    }

    private static String frame(String session, String text) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("data").put("sessionId", session).put("message", text);
        return root.toString();
    }

    private static JsonNode read(String frame) {
        try {
            return JSON.readTree(frame);
        } catch (Exception e) {
            throw new AssertionError(frame, e);
        }
    }
}
