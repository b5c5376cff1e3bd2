package mangaassist.devstack.erp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import mangaassist.inventory.erp.generated.GetBatchStockLevels;
import mangaassist.inventory.erp.generated.GetBatchStockLevelsResponse;
import mangaassist.inventory.erp.generated.GetStockLevel;
import mangaassist.inventory.erp.generated.GetStockLevelResponse;
import mangaassist.inventory.erp.generated.StockItem;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * The legacy inventory ERP, simulated on Vert.x: SOAP 1.1 per {@code wsdl/legacy-inventory.wsdl}, CP932
 * bytes labelled Shift_JIS, AuthToken check, 50 requests per sliding second, log-normal latency (timers,
 * no thread held per request) and switchable fault modes.
 * <pre>
 *   POST /soap/inventory            the service
 *   GET  /health                    200, or 503 while DOWN (the seed's health probe)
 *   POST /_erp/control?mode=SLOW    switch fault mode (NONE resets); &amp;resetStats=true clears counters
 *   GET  /_erp/control              {"mode":..., "stats":{...}}
 *   POST /_erp/export?runId=20261202_023000&amp;synthetic=1000&amp;invalid=10&amp;files=4
 *                                   (&amp;catalog=false: the synthetic and invalid rows only)
 *                                   a full export of the catalog to S3 as DMS's full load leaves it ({@link ErpExport}):
 *                                   s3://manga-erp-staging/batch-sync/&lt;runId&gt;/LOAD0000000n.jsonl (&amp;bucket=, &amp;prefix=)
 * </pre>
 */
public final class ErpSimulator implements AutoCloseable {

    public static final String SOAP_PATH = "/soap/inventory";
    public static final String CONTROL_PATH = "/_erp/control";
    public static final String EXPORT_PATH = "/_erp/export";
    /** Where DMS's full load writes the exports: the staging bucket and prefix of the application's defaults. */
    public static final String EXPORT_BUCKET = "manga-erp-staging";
    public static final String EXPORT_PREFIX = "batch-sync";
    /** POST ?isbn=...&quantity=...: changes a book's stock and emits the DMS change record (see {@link #changeStock}). */
    public static final String STOCK_PATH = "/_erp/stock";
    private static final String ARRIVED_AT = "X-Simulator-Arrived-At";
    /**
     * Sent only by benchmarks (a CXF interceptor they add, see InventoryBenchmark): when the call took its rate-limit
     * permit, in this JVM's {@link System#nanoTime()}. The simulator then records the call's arrival lag.
     */
    public static final String PERMIT_ACQUIRED_AT = "X-Bench-Permit-Acquired-At";
    /** Sent only by benchmarks: when the client handed the request to its HTTP transport ({@link System#nanoTime()}). */
    public static final String HANDED_OFF_AT = "X-Bench-Handed-Off-At";

    /**
     * @param authToken            the only AuthToken accepted
     * @param rateLimitPerSecond   admissions per sliding second; the next one gets a SOAP fault (HTTP 500)
     * @param latency              added before each normal answer
     * @param slowDelay            answer delay in {@link FaultMode#SLOW}
     * @param charsetInContentType false: answer {@code text/xml} without charset, like some ERP gateways do
     */
    public record Options(String authToken, int rateLimitPerSecond, LatencyModel latency, Duration slowDelay,
                          boolean charsetInContentType) {

        public static Options defaults() {
            return new Options("dev-erp-token", 50, LatencyModel.legacyErp(), Duration.ofSeconds(30), true);
        }

        /** Defaults without latency: what unit tests want. */
        public static Options fast() {
            return defaults().withLatency(LatencyModel.none());
        }

        public Options withAuthToken(String token) {
            return new Options(token, rateLimitPerSecond, latency, slowDelay, charsetInContentType);
        }

        public Options withRateLimit(int perSecond) {
            return new Options(authToken, perSecond, latency, slowDelay, charsetInContentType);
        }

        public Options withLatency(LatencyModel model) {
            return new Options(authToken, rateLimitPerSecond, model, slowDelay, charsetInContentType);
        }

        public Options withSlowDelay(Duration delay) {
            return new Options(authToken, rateLimitPerSecond, latency, delay, charsetInContentType);
        }

        public Options withCharsetInContentType(boolean include) {
            return new Options(authToken, rateLimitPerSecond, latency, slowDelay, include);
        }
    }

    private final Options options;
    private final ErpCatalog catalog = new ErpCatalog();
    private final ErpFaults faults = new ErpFaults();
    private final ErpSimulatorStats stats = new ErpSimulatorStats();
    private final SlidingWindowLimiter limiter;
    private final ErpSoapCodec codec = new ErpSoapCodec();
    private final Vertx vertx;
    private volatile LatencyModel latency;
    private volatile long holdArrivalsUntil = System.nanoTime();
    private HttpServer server;
    private String host;
    /** the S3 the exports go to (the stack's S3Proxy), once the stack has told it */
    private volatile Supplier<S3Client> exportS3;
    /** Where DMS would put the stock table's change records (the CDC queue); none: changes are not emitted. */
    private volatile Consumer<String> changeFeed = record -> { };

    private ErpSimulator(Options options) {
        this.options = options;
        this.latency = options.latency();
        this.limiter = new SlidingWindowLimiter(options.rateLimitPerSecond());
        // One event loop is plenty: work per request is a few hundred microseconds, delays are timers.
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(1));
    }

    public static ErpSimulator start(String host, int port) {
        return start(host, port, Options.defaults());
    }

    /** Starts on a loopback address; port 0 picks a free port (see {@link #url()}). */
    public static ErpSimulator start(String host, int port, Options options) {
        requireLoopback(host);
        ErpSimulator sim = new ErpSimulator(options);
        try {
            sim.listen(host, port);
            return sim;
        } catch (RuntimeException e) {
            sim.stop();
            throw e;
        }
    }

    private void listen(String host, int port) {
        Router router = Router.router(vertx);
        router.post(CONTROL_PATH).handler(this::control);
        router.get(CONTROL_PATH).handler(this::state);
        router.post(EXPORT_PATH).handler(this::export);
        router.post(STOCK_PATH).handler(this::stock);
        router.get("/health").handler(ctx -> ctx.response()
                .setStatusCode(faults.current() == FaultMode.DOWN ? 503 : 200).end());
        router.post(SOAP_PATH).handler(BodyHandler.create(false).setBodyLimit(1 << 20)).handler(this::soap);
        try {
            this.server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
                    // the ERP counts a request when it arrives, before its body is read and parsed: under
                    // load a request waits for the event loop, and stamping it late would crowd the next second
                    .requestHandler(request -> {
                        long held = holdArrivalsUntil - System.nanoTime();
                        if (held > 0 && SOAP_PATH.equals(request.path())) {
                            request.pause();
                            vertx.setTimer(TimeUnit.NANOSECONDS.toMillis(held) + 1, id -> takeIn(request, router));
                        } else {
                            takeIn(request, router);
                        }
                    }).listen().toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            this.host = host;
        } catch (Exception e) {
            throw new IllegalStateException("ERP simulator could not listen on " + host + ":" + port, e);
        }
    }

    private void takeIn(io.vertx.core.http.HttpServerRequest request, Router router) {
        long arrived = System.nanoTime();
        request.headers().set(ARRIVED_AT, Long.toString(arrived));
        String permit = request.getHeader(PERMIT_ACQUIRED_AT);
        if (permit != null) {
            stats.arrivalLag(arrived - Long.parseLong(permit));
        }
        String handedOff = request.getHeader(HANDED_OFF_AT);
        if (handedOff != null) {
            stats.handOffLag(arrived - Long.parseLong(handedOff));
        }
        router.handle(request);
        request.resume();
    }

    private static void requireLoopback(String host) {
        try {
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
                throw new IllegalArgumentException("ERP simulator binds to loopback only, not " + host);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public String url() {
        return baseUrl() + SOAP_PATH;
    }

    public String baseUrl() {
        return "http://" + host + ":" + port();
    }

    public int port() {
        return server.actualPort();
    }

    public ErpFaults faults() {
        return faults;
    }

    public ErpSimulatorStats stats() {
        return stats;
    }

    public ErpCatalog catalog() {
        return catalog;
    }

    public Options options() {
        return options;
    }

    public void setLatency(LatencyModel model) {
        this.latency = model;
    }

    public void setRateLimit(int perSecond) {
        limiter.setLimit(perSecond);
    }

    /** Where the change records of {@link #changeStock} go, as DMS would send them from the ERP's database. */
    public void setChangeFeed(Consumer<String> feed) {
        this.changeFeed = feed == null ? record -> { } : feed;
    }

    /**
     * Changes a book's stock, as the ERP's own users do, and emits the change record DMS would capture from the stock
     * table: {@code {"data":{ISBN,QTY,OLD_QTY,TITLE,WAREHOUSE_CD},"metadata":{timestamp,record-type,operation,
     * partition-key-type,schema-name,table-name}}}. Answers that record; an unknown ISBN: empty.
     */
    public Optional<String> changeStock(String isbn, int quantity) {
        if (quantity < 0) {
            throw new IllegalArgumentException("quantity must be >= 0");
        }
        Optional<ErpCatalog.Item> before = catalog.setQuantity(isbn, quantity);
        if (before.isEmpty()) {
            return Optional.empty();
        }
        ErpCatalog.Item old = before.get();
        String record = "{\"data\":{\"ISBN\":\"" + old.isbn() + "\",\"QTY\":" + quantity + ",\"OLD_QTY\":"
                + old.quantity() + ",\"TITLE\":\"" + old.title().replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"WAREHOUSE_CD\":\"TK01\"},\"metadata\":{\"timestamp\":\"" + java.time.Instant.now()
                + "\",\"record-type\":\"data\",\"operation\":\"update\",\"partition-key-type\":\"schema-table\","
                + "\"schema-name\":\"ERP\",\"table-name\":\"INVENTORY\"}}";
        changeFeed.accept(record);
        return Optional.of(record);
    }

    /**
     * SOAP requests arriving within the next {@code duration} are taken in (counted, rate limited, answered) only when
     * it has passed, all at once: an ERP front end that stalls, or a network that holds packets, delivers calls sent
     * over a while together, into the same second.
     */
    public void holdArrivals(Duration duration) {
        holdArrivalsUntil = System.nanoTime() + duration.toNanos();
    }

    /** The S3 client the exports are written with (the stack gives its S3Proxy's). */
    public void exportTo(Supplier<S3Client> s3) {
        this.exportS3 = s3;
    }

    /** A full export of the catalog (plus synthetic and broken rows) to the staging bucket, as DMS's full load. */
    public ErpExport.Result export(ErpExport.Spec spec) {
        return export(spec, EXPORT_BUCKET, EXPORT_PREFIX);
    }

    public ErpExport.Result export(ErpExport.Spec spec, String bucket, String prefix) {
        if (exportS3 == null) {
            throw new IllegalStateException("no S3 to export to: the simulator runs without the embedded stack");
        }
        try (S3Client s3 = exportS3.get()) {
            return ErpExport.write(s3, bucket, prefix, spec, catalog);
        }
    }

    public void stop() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("ERP simulator did not stop cleanly", e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    // ------------------------------------------------------------------ SOAP

    private void soap(RoutingContext ctx) {
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        String contentType = ctx.request().getHeader("Content-Type");
        Map<String, String> headers = new LinkedHashMap<>();
        ctx.request().headers().forEach(h -> headers.merge(h.getKey(), h.getValue(), (a, b) -> a + ", " + b));
        String arrived = ctx.request().getHeader(ARRIVED_AT);
        long now = arrived != null ? Long.parseLong(arrived) : System.nanoTime();
        stats.received(new ErpSimulatorStats.RawRequest(body, contentType, Map.copyOf(headers)), now);

        FaultMode mode = faults.current();
        HttpServerResponse response = ctx.response();
        if (mode == FaultMode.DOWN) {
            response.setStatusCode(503).end();
            return;
        }
        if (!limiter.tryAcquire(now)) {
            stats.rateLimited();
            send(response, 500, codec.faultEnvelope(false, "Rate limit exceeded: max "
                    + options.rateLimitPerSecond() + " requests per second"), 0);
            return;
        }
        ErpSoapCodec.Request request;
        try {
            request = codec.parse(body, contentType);
        } catch (ErpSoapCodec.SoapFaultException e) {
            send(response, 500, codec.faultEnvelope(e.client, e.getMessage()), 0);
            return;
        }
        if (request.authToken() == null || !request.authToken().strip().equals(options.authToken())) {
            stats.authFailure();
            send(response, 500, codec.faultEnvelope(true, "認証エラー: invalid or missing AuthToken"), 0);
            return;
        }
        stats.operation(request.operation(), request.isbns());
        long delay = mode == FaultMode.SLOW ? options.slowDelay().toMillis() : latency.sampleMs();
        switch (mode) {
            case HTTP_500 -> send(response, 500, codec.faultEnvelope(false, "システムエラー: ERP internal error"), delay);
            case MALFORMED_XML -> send(response, 200, ErpSoapCodec.truncated(answer(request)), delay);
            case DOCTYPE_BOMB -> send(response, 200, ErpSoapCodec.doctypeBomb(), delay);
            case WRONG_ENCODING -> sendBytes(response, 200, answer(request).getBytes(StandardCharsets.UTF_8), delay);
            default -> send(response, 200, answer(request), delay);
        }
    }

    private String answer(ErpSoapCodec.Request request) {
        if (request.body() instanceof GetStockLevel single) {
            GetStockLevelResponse r = new GetStockLevelResponse();
            catalog.byIsbn(single.getISBN()).ifPresent(i -> r.setStockItem(toStockItem(i, single.getWarehouseCode())));
            return codec.responseEnvelope(r);
        }
        GetBatchStockLevels batch = (GetBatchStockLevels) request.body();
        GetBatchStockLevelsResponse r = new GetBatchStockLevelsResponse();
        for (String isbn : batch.getISBN()) { // unknown ISBNs are simply left out
            catalog.byIsbn(isbn).ifPresent(i -> r.getStockItem().add(toStockItem(i, batch.getWarehouseCode())));
        }
        return codec.responseEnvelope(r);
    }

    private static StockItem toStockItem(ErpCatalog.Item item, String warehouse) {
        StockItem s = new StockItem();
        s.setISBN(item.isbn());
        s.setTitle(item.title());
        s.setQuantity(item.quantity());
        s.setWarehouseCode(warehouse == null || warehouse.isBlank() ? "TK01" : warehouse);
        s.setStatusCode(item.statusCode());
        s.setLastRestockDate(item.lastRestockDate());
        s.setPriceJPY(item.priceJpy());
        s.setRestockETADays(item.restockEtaDays());
        return s;
    }

    private void send(HttpServerResponse response, int status, String envelope, long delayMs) {
        sendBytes(response, status, envelope.getBytes(ErpSoapCodec.WIRE), delayMs);
    }

    private void sendBytes(HttpServerResponse response, int status, byte[] bytes, long delayMs) {
        String contentType = options.charsetInContentType() ? "text/xml; charset=Shift_JIS" : "text/xml";
        Runnable write = () -> {
            if (!response.closed() && !response.ended()) {
                response.setStatusCode(status).putHeader("Content-Type", contentType).end(Buffer.buffer(bytes));
            }
        };
        if (delayMs <= 0) {
            write.run();
        } else {
            vertx.setTimer(delayMs, id -> write.run());
        }
    }

    // ------------------------------------------------------------------ control

    private void control(RoutingContext ctx) {
        List<String> p50 = ctx.queryParam("latencyP50Ms");
        List<String> p99 = ctx.queryParam("latencyP99Ms");
        if (!p50.isEmpty()) {
            try {
                long median = Long.parseLong(p50.get(0).trim());
                long tail = p99.isEmpty() ? median : Long.parseLong(p99.get(0).trim());
                setLatency(median <= 0 ? LatencyModel.none()
                        : LatencyModel.logNormal(Duration.ofMillis(median), Duration.ofMillis(tail)));
            } catch (IllegalArgumentException e) {   // NumberFormatException too
                ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                        .end("{\"error\":\"latencyP50Ms and latencyP99Ms are whole milliseconds, p99 at least p50\"}");
                return;
            }
        }
        List<String> mode = ctx.queryParam("mode");
        if (!mode.isEmpty()) {
            try {
                faults.set(FaultMode.valueOf(mode.get(0).trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                        .end("{\"error\":\"unknown mode " + mode.get(0).replace("\"", "") + "\"}");
                return;
            }
        }
        if (ctx.queryParam("resetStats").contains("true")) {
            stats.reset();
            limiter.reset();
        }
        state(ctx);
    }

    private void export(RoutingContext ctx) {
        ErpExport.Spec spec;
        try {
            String runId = ctx.queryParam("runId").isEmpty()
                    ? DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")
                            .format(LocalDateTime.now(ZoneOffset.UTC))
                    : ctx.queryParam("runId").get(0).strip();
            if (!runId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
                throw new IllegalArgumentException("runId");
            }
            spec = new ErpExport.Spec(runId, intParam(ctx, "synthetic", 0), intParam(ctx, "invalid", 0),
                    intParam(ctx, "files", 4), !ctx.queryParam("catalog").contains("false"));
        } catch (IllegalArgumentException e) {
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"runId (letters, digits, _ - .), synthetic, invalid and files (≥ 1) are whole numbers\"}");
            return;
        }
        String bucket = ctx.queryParam("bucket").isEmpty() ? EXPORT_BUCKET : ctx.queryParam("bucket").get(0);
        String prefix = ctx.queryParam("prefix").isEmpty() ? EXPORT_PREFIX : ctx.queryParam("prefix").get(0);
        vertx.<ErpExport.Result>executeBlocking(() -> export(spec, bucket, prefix)).onComplete(done -> {
            if (done.failed()) {
                ctx.response().setStatusCode(500).putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("error", String.valueOf(done.cause().getMessage()))
                                .encode());
                return;
            }
            ErpExport.Result r = done.result();
            ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                    .put("runId", spec.runId()).put("bucket", r.bucket()).put("prefix", r.prefix())
                    .put("files", new JsonArray(r.keys())).put("rows", r.rows())
                    .put("valid", r.valid()).put("invalid", r.invalid()).encode());
        });
    }

    private static int intParam(RoutingContext ctx, String name, int fallback) {
        List<String> values = ctx.queryParam(name);
        return values.isEmpty() ? fallback : Integer.parseInt(values.get(0).strip());
    }

    private void stock(RoutingContext ctx) {
        String isbn = ctx.queryParam("isbn").isEmpty() ? null : ctx.queryParam("isbn").get(0);
        int quantity;
        try {
            quantity = Integer.parseInt(ctx.queryParam("quantity").get(0).trim());
        } catch (RuntimeException e) {
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"isbn and quantity (a whole number >= 0) are required\"}");
            return;
        }
        // the change feed sends to SQS, a blocking call: not on the event loop
        vertx.executeBlocking(() -> changeStock(isbn, quantity)).onComplete(done -> {
            if (done.failed()) {
                ctx.response().setStatusCode(done.cause() instanceof IllegalArgumentException ? 400 : 503)
                        .putHeader("Content-Type", "application/json")
                        .end("{\"error\":\"" + String.valueOf(done.cause().getMessage()).replace("\"", "'") + "\"}");
            } else if (done.result().isEmpty()) {
                ctx.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                        .end("{\"error\":\"unknown ISBN\"}");
            } else {
                ctx.response().putHeader("Content-Type", "application/json").end(done.result().get());
            }
        });
    }

    private void state(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "application/json")
                .end("{\"mode\":\"" + faults.current() + "\",\"latency\":" + latency.toJson() + ",\"stats\":"
                        + stats.toJson() + "}");
    }
}
