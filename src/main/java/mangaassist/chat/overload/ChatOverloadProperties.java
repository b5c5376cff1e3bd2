package mangaassist.chat.overload;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Admission control of chat work ({@code mangaassist.chat.overload.*}): the bounded queue in front of the
 * answers that need the model, the rule that refuses a message at once rather than answering it late, and the
 * retry hints of a refusal. The time budget the rule keeps is {@code mangaassist.chat.time-budget}.
 *
 * @param workers                  answers worked on at once (the queue's worker threads)
 * @param queueCapacity            messages waiting for a worker at most; one more is refused (queue-full)
 * @param maxInFlightPerConnection messages of one WebSocket connection in flight at once; one more is refused
 *                                 (connection). 2, not 1: a client may send its next message as soon as the
 *                                 final frame arrives, a moment before the server has let go of the last one
 * @param initialServiceTime       a worker's time per answer assumed until answers have been measured
 * @param serviceTimeWeight        weight of the latest answer in the measured service time (an exponentially
 *                                 weighted mean, 0–1: higher follows a change of load faster)
 * @param drainWindow              the window over which the answers finished per second are counted (the drain rate
 *                                 a message queued behind more than one round of answers must fit; {@link DrainRate})
 * @param retryAfterMin            the least retry hint of a refusal
 * @param retryAfterMax            the longest retry hint of a refusal
 * @param shutdownRetryAfter       the retry hint while the instance shuts down (the client reconnects, elsewhere)
 * @param doorHints                cache keys of answers cached lately that the door ({@link ChatDoor}) remembers at
 *                                 most, to let a repeat question through to its cached answer while it refuses the
 *                                 others (the oldest forgotten first)
 */
@ConfigurationProperties("mangaassist.chat.overload")
public record ChatOverloadProperties(int workers, int queueCapacity, int maxInFlightPerConnection,
                                     Duration initialServiceTime, double serviceTimeWeight, Duration drainWindow,
                                     Duration retryAfterMin,
                                     Duration retryAfterMax, Duration shutdownRetryAfter, int doorHints) {

    public ChatOverloadProperties {
        if (workers < 1) {
            throw new IllegalArgumentException("mangaassist.chat.overload.workers must be at least 1, was " + workers);
        }
        // the queue's size is seda:chat-work's too: a message admitted while the workers have not yet taken the ones
        // before it sits there, and a full seda queue would refuse it after its admission (its connection's slot and
        // its answer lost with the hand-off)
        if (queueCapacity < workers) {
            throw new IllegalArgumentException("mangaassist.chat.overload.queue-capacity (" + queueCapacity
                    + ") must be at least mangaassist.chat.overload.workers (" + workers + ")");
        }
        if (doorHints < 0) {
            throw new IllegalArgumentException("mangaassist.chat.overload.door-hints must not be negative, was " + doorHints);
        }
    }
}
