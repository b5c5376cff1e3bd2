package mangaassist.chat.overload;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.chat.ChatProperties;
import mangaassist.chat.message.ChatErrorCode;
import mangaassist.chat.message.ChatMessage;
import mangaassist.chat.message.ChatMessageParser;
import mangaassist.chat.message.ChatReplies;
import mangaassist.chat.message.ChatRequest;
import mangaassist.chat.message.LanguageDetector;
import mangaassist.chat.session.ChatCacheKey;
import mangaassist.platform.ErrorResponses;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The door of the chat WebSocket (issue: chat under overload): asked on the Vert.x event loop as each frame arrives,
 * before the frame waits for a worker thread to run chat-websocket. A burst's frames all wait in that one line; a
 * message the work queue would refuse anyway is refused here, in microseconds, instead of after every frame ahead
 * of it has been validated, parsed and checked in Redis.
 *
 * <ul>
 *   <li>While {@link ChatWorkQueue#atDoor} would admit a message arriving now (the frames let through and not yet
 *       admitted count as waiting), the frame goes in, holding a place at the door until chat-work-admit.</li>
 *   <li>Otherwise a frame whose answer the door remembers as cached lately ({@link #remember}, a step of the routes)
 *       goes in, to be answered from the cache: cache hits are served whatever the load. A frame the door cannot read
 *       goes in too: the route answers it with its own error.</li>
 *   <li>Every other frame gets the {@code OVERLOADED} error frame with {@code retryAfterMs} at once, counted in
 *       {@code mangaassist_chat_refusals_total} by reason and in {@code mangaassist_errors_total}, as a refusal of the
 *       route is.</li>
 * </ul>
 * The remembered keys are a hint, not the cache: an answer cached by another instance is not known here (its repeat
 * is refused during overload), one deleted since (a stock change) lets its frame in to be refused by the route.
 */
@Component("chatDoor")
public class ChatDoor {

    /** What the door does with a frame: let it in (with a place held, or none) or answer it with a refusal frame. */
    public record Verdict(ChatWorkQueue.DoorPass pass, String refusal) {
        static final Verdict IN = new Verdict(null, null);

        public boolean refused() {
            return refusal != null;
        }
    }

    private final ChatWorkQueue queue;
    private final ChatMessageParser parser;
    private final AnswerHints hints;
    private final Counter overloaded;

    @Autowired
    public ChatDoor(ChatWorkQueue queue, ChatMessageParser parser, ChatOverloadProperties overload, ChatProperties chat,
                    MeterRegistry meters) {
        this(queue, parser, new AnswerHints(overload.doorHints(), chat.cacheTtl().toNanos()), meters);
    }

    ChatDoor(ChatWorkQueue queue, ChatMessageParser parser, AnswerHints hints, MeterRegistry meters) {
        this.queue = queue;
        this.parser = parser;
        this.hints = hints;
        // the counter every error answer of the routes increments (ErrorResponses)
        this.overloaded = meters.counter(ErrorResponses.ERRORS, "flow", "chat", "code", ChatErrorCode.OVERLOADED.name());
    }

    /**
     * A frame arrived (a String for a text frame). Never blocks: it runs on the event loop.
     *
     * @param canAnswer whether a refusal frame can be written at once (the connection's open event was handled);
     *                  if not, a frame the door would refuse goes in, to be refused by the route
     */
    public Verdict arrive(Object frame, boolean canAnswer) {
        AdmissionRule.Decision decision = queue.atDoor();
        if (decision.admitted()) {
            return new Verdict(queue.doorPass(), null);
        }
        if (!canAnswer || !(frame instanceof String text)) {
            return Verdict.IN;
        }
        ChatRequest request;
        try {
            request = parser.parse(text);
        } catch (RuntimeException badFrame) {
            return Verdict.IN;
        }
        if (decision.refused() != AdmissionRule.Reason.SHUTDOWN
                && hints.remembers(ChatCacheKey.of(request.sessionId(), request.message()), System.nanoTime())) {
            return Verdict.IN;
        }
        queue.refusedAtDoor(decision);
        overloaded.increment();
        ObjectNode refusal = ChatReplies.error(request.requestId(), ChatErrorCode.OVERLOADED,
                LanguageDetector.detect(request.message(), request.preferredLanguage()));
        refusal.put("retryAfterMs", decision.retryAfterMs());
        return new Verdict(null, ChatReplies.json(refusal));
    }

    /** Step of the routes: this message's answer is in the cache now (written, or found there). */
    public void remember(ChatMessage message) {
        hints.remember(message.cacheKey(), System.nanoTime());
    }

    /**
     * Cache keys of answers cached lately, each for the cache's TTL, at most {@code max} (the oldest forgotten first).
     * Synchronized: the event loops ask, the workers tell, each in well under a microsecond.
     */
    static final class AnswerHints {
        private final long ttlNanos;
        private final Map<String, Long> until;

        AnswerHints(int max, long ttlNanos) {
            this.ttlNanos = ttlNanos;
            this.until = new LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > max;
                }
            };
        }

        synchronized void remember(String key, long now) {
            // removed first, so that a key cached again moves to the young end
            until.remove(key);
            until.put(key, now + ttlNanos);
        }

        synchronized boolean remembers(String key, long now) {
            Long expires = until.get(key);
            if (expires == null) {
                return false;
            }
            if (expires - now < 0) {
                until.remove(key);
                return false;
            }
            return true;
        }

        synchronized int size() {
            return until.size();
        }
    }
}
