package mangaassist.devstack.bedrock;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An emulator of the AWS Bedrock Runtime API for the dev/test stack: InvokeModel and
 * InvokeModelWithResponseStream for Claude 3 / 3.5 and Titan Text Embeddings V2, on the real wire
 * protocol so that the real AWS SDK clients (and Camel's aws-bedrock component) talk to it.
 * SigV4 signatures are not checked. Runtime switches: {@link #control()} or {@code /_emulator/*}.
 *
 * <pre>
 * try (BedrockEmulator bedrock = new BedrockEmulator().start("127.0.0.1", 0)) {
 *     client = BedrockRuntimeClient.builder().endpointOverride(bedrock.endpoint())...
 *     bedrock.control().failNext(Fault.THROTTLING, 1, "anthropic.claude-3-sonnet");
 * }
 * </pre>
 */
public final class BedrockEmulator implements AutoCloseable {

    private static final long START_TIMEOUT_SECONDS = 30;
    /** Claude's context is 200k tokens; 20 MB leaves room for images and long histories. */
    private static final long BODY_LIMIT_BYTES = 20L * 1024 * 1024;

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final EmulatorControl control = new EmulatorControl();
    private HttpServer server;

    /** With a Vert.x instance of its own, closed by {@link #stop()}. */
    public BedrockEmulator() {
        this(Vertx.vertx(), true);
    }

    /** On a shared Vert.x instance, which {@link #stop()} leaves open. */
    public BedrockEmulator(Vertx vertx) {
        this(vertx, false);
    }

    private BedrockEmulator(Vertx vertx, boolean ownsVertx) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
    }

    /**
     * Listens on a loopback address (dev infrastructure must not be reachable from outside);
     * port 0 picks a free port, see {@link #port()}. Blocks until the server is listening.
     */
    public synchronized BedrockEmulator start(String host, int port) {
        if (server != null) {
            throw new IllegalStateException("already started on port " + server.actualPort());
        }
        requireLoopback(host);
        // h2c: the SDK's Netty client speaks HTTP/2 with prior knowledge on http:// endpoints.
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setHttp2ClearTextEnabled(true);
        HttpServer created = vertx.createHttpServer(options).requestHandler(router());
        try {
            server = created.listen().toCompletionStage().toCompletableFuture()
                    .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the Bedrock emulator", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Bedrock emulator could not listen on " + host + ":" + port, e);
        }
        return this;
    }

    public BedrockEmulator start(int port) {
        return start("127.0.0.1", port);
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.actualPort();
    }

    /** The endpoint to give to {@code endpointOverride} or Camel's {@code uriEndpointOverride}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public EmulatorControl control() {
        return control;
    }

    public synchronized void stop() {
        try {
            if (server != null) {
                server.close().toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            if (ownsVertx) {
                vertx.close().toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Bedrock emulator did not stop cleanly", e);
        } finally {
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private Router router() {
        InvokeHandler invoke = new InvokeHandler(vertx, control);
        ControlHandler admin = new ControlHandler(control);
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
        router.post("/model/:modelId/invoke").handler(invoke::invoke);
        router.post("/model/:modelId/invoke-with-response-stream").handler(invoke::invokeStream);
        router.post("/_emulator/control").handler(admin::control);
        router.post("/_emulator/reset").handler(admin::reset);
        router.get("/_emulator/stats").handler(admin::stats);
        // Anything else (Converse, async invoke, ...) is not emulated: answer as AWS does.
        router.route().handler(ctx -> new AwsError(404, "UnknownOperationException",
                "Unknown operation " + ctx.request().method() + " " + ctx.request().path())
                .write(ctx.response(), UUID.randomUUID().toString()));
        router.route().failureHandler(ctx -> {
            if (ctx.response().headWritten()) {
                ctx.response().reset(); // a stream already under way: nothing sane left to send
                return;
            }
            boolean tooLarge = ctx.statusCode() == 413;
            String message = ctx.failure() == null ? "HTTP " + ctx.statusCode() : String.valueOf(ctx.failure().getMessage());
            new AwsError(tooLarge ? 413 : 500, tooLarge ? "ValidationException" : "InternalServerException", message)
                    .write(ctx.response(), UUID.randomUUID().toString());
        });
        return router;
    }

    private static void requireLoopback(String host) {
        try {
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
                throw new IllegalArgumentException("the Bedrock emulator binds loopback addresses only, not " + host);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + host, e);
        }
    }
}
