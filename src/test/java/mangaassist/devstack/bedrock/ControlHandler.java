package mangaassist.devstack.bedrock;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.Locale;

/**
 * The emulator's own HTTP API, so that a separately running stack can be steered with curl:
 * <pre>
 * POST /_emulator/control  {"timeToFirstTokenMs":800,"perTokenMs":20,
 *                           "fault":"THROTTLING","count":2,"model":"anthropic.claude-3-sonnet",
 *                           "midStream":false,"slowMs":5000}
 * POST /_emulator/reset
 * GET  /_emulator/stats
 * </pre>
 * Every field of the control body is optional; {@code count} defaults to 1, and
 * {@code "count":-1} (or {@code "always":true}) keeps the fault for good. Answers are the stats.
 */
final class ControlHandler {

    private final EmulatorControl control;

    ControlHandler(EmulatorControl control) {
        this.control = control;
    }

    void control(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().isEmpty() ? new JsonObject() : ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            badRequest(ctx, "body is not a JSON object");
            return;
        }
        try {
            if (body.containsKey("timeToFirstTokenMs") || body.containsKey("perTokenMs")) {
                control.latency(
                        millis(body, "timeToFirstTokenMs", control.timeToFirstToken()),
                        millis(body, "perTokenMs", control.perToken()));
            }
            if (body.containsKey("slowMs")) {
                control.slowDelay(millis(body, "slowMs", control.slowDelay()));
            }
            if (body.getValue("fault") != null) {
                Fault fault = Fault.valueOf(body.getString("fault").toUpperCase(Locale.ROOT));
                int count = body.getInteger("count", 1);
                String model = body.getString("model");
                if (body.getBoolean("always", false) || count < 0) {
                    control.failAlways(fault, model);
                } else if (body.getBoolean("midStream", false)) {
                    control.failNextMidStream(fault, count, model);
                } else {
                    control.failNext(fault, count, model);
                }
            }
        } catch (IllegalArgumentException | ClassCastException e) {
            badRequest(ctx, e.getMessage());
            return;
        }
        stats(ctx);
    }

    void reset(RoutingContext ctx) {
        control.reset();
        stats(ctx);
    }

    void stats(RoutingContext ctx) {
        JsonArray faults = new JsonArray();
        control.faultRules().forEach(rule -> faults.add(new JsonObject()
                .put("fault", rule.fault().name())
                .put("remaining", rule.remaining())
                .put("model", rule.modelPrefix())
                .put("midStream", rule.midStream())));
        JsonObject stats = new JsonObject()
                .put("invocations", control.invocations())
                .put("invocationsByModel", new JsonObject(new java.util.LinkedHashMap<>(control.invocationsByModel())))
                .put("timeToFirstTokenMs", control.timeToFirstToken().toMillis())
                .put("perTokenMs", control.perToken().toMillis())
                .put("slowMs", control.slowDelay().toMillis())
                .put("faults", faults);
        ctx.response().putHeader("Content-Type", "application/json").end(stats.encodePrettily());
    }

    private static Duration millis(JsonObject body, String key, Duration current) {
        return body.containsKey(key) ? Duration.ofMillis(body.getLong(key)) : current;
    }

    private static void badRequest(RoutingContext ctx, String message) {
        ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("message", message).encode());
    }
}
