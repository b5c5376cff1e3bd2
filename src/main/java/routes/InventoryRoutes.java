package routes;

import static mangaassist.inventory.InventorySteps.ISBN;


import mangaassist.inventory.InventoryBatchTimeout;
import mangaassist.inventory.InventoryCoalescer;
import mangaassist.inventory.erp.ErpUnavailableException;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.builder.AggregationStrategies;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.springframework.stereotype.Component;

/**
 * The inventory flow: REST → ISBN check → Redis cache → (coalesced) ERP lookup → anti-corruption layer.
 *
 * <p>Talking to the legacy ERP: lookups of distinct ISBNs are aggregated into GetBatchStockLevels calls
 * (identical ISBNs in flight share one answer, see InventoryCoalescer); every call attempt holds a permit of
 * ErpRateLimiter ({@code rate-limit} calls in any second as the ERP counts them); failed calls are retried with exponential
 * back-off, and a Resilience4j circuit breaker counts the calls that failed after their retries.
 * While the ERP is unavailable the last known stock is
 * served marked stale, else 503 ERP_UNAVAILABLE. The Redis cache is InventoryCache: a failing Redis is a miss.
 *
 * <p>Steps call their beans with {@code bean(name, method)}, resolved once when the route starts, rather than
 * {@code method(...)} expressions, which look the bean up and copy the exchange on every call.
 */
@Component
public class InventoryRoutes extends RouteBuilder {

    static final String ERP = "cxf:bean:erpInventory";
    /** The routes' group: the flow's name in Hawtio, metrics and error counts. */
    static final String FLOW = "inventory";

    private final InventoryBatchTimeout batchTimeout;

    public InventoryRoutes(InventoryBatchTimeout batchTimeout) {
        this.batchTimeout = batchTimeout;
    }

    @Override
    public void configure() {
        // GET /api/inventory/{isbn}, POST /api/inventory/batch: the REST servlet sits at /api (mangaassist.rest.path)
        rest("/inventory").tag(FLOW).produces("application/json").bindingMode(RestBindingMode.off)
                .get("/{isbn}").description("One ISBN's stock: the clean InventoryItem, or a JSON error").routeId("inventory-api-get").to("direct:inventory-get")
                .post("/batch").consumes("application/json").description("Up to max-batch-isbns ISBNs: items and per-ISBN errors in order").routeId("inventory-api-batch").to("direct:inventory-batch");

        from("direct:inventory-get").routeId("inventory-get")
                .routeGroup(FLOW)
                .routeDescription("GET /api/inventory/{isbn}: one lookup, answered as the clean InventoryItem or a JSON error")
                .routeConfigurationId("sync-errors")
                .to("direct:inventory-lookup")
                .to("direct:inventory-json");

        from("direct:inventory-batch").routeId("inventory-batch")
                .routeGroup(FLOW)
                .routeDescription("POST /api/inventory/batch: up to max-batch-isbns lookups in parallel, items and per-ISBN errors in order")
                .routeConfigurationId("sync-errors")
                // the body against its contract: 400 with an entry per invalid field (ContractErrors)
                .to("json-validator:schemas/inventory-batch-request.v1.json?errorHandler=#contractErrors&failOnNullBody=false").id("inventory-batch-contract")
                .convertBodyTo(String.class)
                .split(method("inventorySteps", "batchIsbns"), AggregationStrategies.flexible().accumulateInCollection(java.util.ArrayList.class))
                    .parallelProcessing().executorService("inventory-batch")
                    .setHeader("isbn", body())
                    .doTry()
                        .to("direct:inventory-lookup")
                    .doCatch(Exception.class)
                        .bean("inventorySteps", "batchError")
                    .end()
                .end()
                .bean("inventorySteps", "batchResponse")
                .to("direct:inventory-json");

        from("direct:inventory-json").routeId("inventory-json")
                .routeGroup(FLOW)
                .routeDescription("The answer as JSON")
                .removeHeaders("*")
                .marshal().json()
                .setHeader("Content-Type", constant("application/json"));

        from("direct:inventory-lookup").routeId("inventory-lookup")
                .routeGroup(FLOW)
                .routeDescription("One ISBN: checked, from the Redis cache, else from the ERP (coalesced), else the last known stock")
                .routeConfigurationId("caller-errors")
                .setBody(header("isbn"))
                .bean("inventorySteps", "isbn")
                .setProperty(ISBN, body())
                .bean("inventoryCache", "fresh")
                .filter(body().isNull())
                    .doTry()
                        .to("direct:inventory-erp-lookup")
                        .bean("inventorySteps", "found")
                    .doCatch(ErpUnavailableException.class)
                        // an unavailable ERP falls back to the last known stock; other failures answer now (sync-errors)
                        .setBody(exchangeProperty(ISBN))
                        .bean("inventoryCache", "stale")
                    .end()
                .end();

        // A lookup that missed the cache joins the answer in flight for its ISBN, or opens it and hands the ISBN to the
        // aggregator; then it waits for the answer without holding a thread (the batch's thread carries it on).
        from("direct:inventory-erp-lookup").routeId("inventory-erp-lookup")
                .routeGroup(FLOW)
                .routeDescription("The ERP's item for one ISBN: joined if in flight, else handed to the coalescing aggregator; awaited")
                .routeConfigurationId("caller-errors")
                .bean("inventoryCoalescer", "join").id("inventory-join")
                .filter(exchangeProperty(InventoryCoalescer.OPENED))
                    .to("direct:inventory-coalesce").id("inventory-to-coalesce")
                .end()
                .bean("inventoryCoalescer", "answer").id("inventory-await");

        // Coalescing: distinct ISBNs in flight are packed into batch calls, sent in parallel. A batch goes when full, or
        // after a window without new ISBNs; while no ERP permit could be had before, it keeps filling instead of taking
        // a permit for a few ISBNs (InventoryBatchTimeout). Batch size 1: coalescing off.
        from("direct:inventory-coalesce").routeId("inventory-coalesce")
                .routeGroup(FLOW)
                .routeDescription("Distinct ISBNs in flight packed into GetBatchStockLevels calls of up to batch-size")
                .aggregate(constant(true)).aggregationStrategy("inventoryBatchStrategy")
                    .completionSize("{{mangaassist.inventory.coalescing.batch-size}}")
                    .completionTimeout(batchTimeout)
                    .completionTimeoutCheckerInterval(batchTimeout.checkIntervalMillis())
                    .parallelProcessing().executorService("inventory-erp-call")
                    .to("direct:inventory-erp-batch").id("inventory-to-erp-batch")
                .end();

        // One batch, on a thread of inventory-erp-call: it answers every lookup waiting on its ISBNs, whatever happens.
        from("direct:inventory-erp-batch").routeId("inventory-erp-batch")
                .routeGroup(FLOW)
                .routeDescription("One coalesced batch: what was cached meanwhile from the cache, the rest from the ERP; every waiting lookup answered")
                // every failure is answered to the waiting lookups (sync-errors logs what it answers, CXF the ERP's failure)
                .onException(Exception.class)
                    .handled(true)
                    .logHandled(false)
                    .logExhausted(false)
                    .logNewException(false)
                    .bean("inventoryCoalescer", "fail")
                .end()
                .bean("inventoryCoalescer", "uncached").id("inventory-batch-cache-read")
                .filter(body().isNotNull())
                    .to("direct:inventory-erp")
                    .bean("inventoryCoalescer", "complete").id("inventory-batch-answer")
                .end();

        // Resilience: a circuit breaker around retried calls (exponential back-off); each attempt is rate limited.
        // The retries live in their own route: the breaker EIP does not let an error handler redeliver it.
        from("direct:inventory-erp").routeId("inventory-erp")
                .routeGroup(FLOW)
                .routeDescription("The circuit breaker around the retried ERP call")
                .routeConfigurationId("caller-errors")
                .circuitBreaker()
                    .resilience4jConfiguration().circuitBreaker("erpCircuitBreaker").end()
                    .to("direct:inventory-erp-retry")
                .end()
                // an open breaker (no fallback) answers with the request untouched: say so
                .filter(exchangeProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_SHORT_CIRCUITED.getName()).isEqualTo(true))
                    .bean("inventorySteps", "shortCircuited")
                .end();

        // retries with back-off, a rate refusal again on the next free permit: route configuration erp-retries
        from("direct:inventory-erp-retry").routeId("inventory-erp-retry")
                .routeGroup(FLOW)
                .routeDescription("Retries with back-off for timeouts, unavailability and Server faults; at once for a rate refusal")
                .routeConfigurationId("erp-retries")
                .to("direct:inventory-erp-call");

        // The rate limit as the ERP counts it, on arrival: a permit from before the send until 1 s after the call could
        // last have reached the ERP (its end, or the arrival allowance after the permit, whichever comes first).
        // The call's meters: ErpCalls.
        from("direct:inventory-erp-call").routeId("inventory-erp-call")
                .routeGroup(FLOW)
                .routeDescription("One ERP call under the shared rate budget: permit, CXF SOAP call (Shift_JIS), anti-corruption layer")
                .routeConfigurationId("caller-errors")
                .bean("inventorySteps", "erpRequest")
                .bean("erpCalls", "start")
                .doTry()
                    .to(ERP)
                .doCatch(Exception.class)
                    .bean("erpCalls", "failed")
                .doFinally()
                    .bean("erpCalls", "end")
                .end()
                .bean("inventorySteps", "erpResult")
                .bean("erpCalls", "counted");
    }
}
