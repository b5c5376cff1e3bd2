package mangaassist.devstack.bedrock;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.util.List;
import java.util.function.Supplier;

/**
 * Writes frames one after another, each after its own delay, with Vert.x timers (never a sleep:
 * the event loop serves every other request meanwhile). Stops quietly if the client goes away.
 */
final class PacedStream {

    /** One frame, written {@code delayMs} after the previous one; built when it is written. */
    record Step(long delayMs, Supplier<Buffer> frame) {
        static Step now(Buffer frame) {
            return new Step(0, () -> frame);
        }
    }

    private PacedStream() {
    }

    /** Writes all steps then ends the response. */
    static void write(Vertx vertx, HttpServerResponse response, List<Step> steps) {
        writeFrom(vertx, response, steps, 0);
    }

    private static void writeFrom(Vertx vertx, HttpServerResponse response, List<Step> steps, int index) {
        for (int i = index; i < steps.size(); i++) {
            if (gone(response)) {
                return;
            }
            Step step = steps.get(i);
            if (step.delayMs() > 0) {
                int next = i;
                vertx.setTimer(step.delayMs(), id -> {
                    if (!gone(response)) {
                        response.write(steps.get(next).frame().get());
                        writeFrom(vertx, response, steps, next + 1);
                    }
                });
                return;
            }
            response.write(step.frame().get());
        }
        if (!gone(response)) {
            response.end();
        }
    }

    private static boolean gone(HttpServerResponse response) {
        return response.closed() || response.ended();
    }
}
