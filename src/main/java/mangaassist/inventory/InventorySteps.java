package mangaassist.inventory;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.inventory.erp.ErpCallException;
import mangaassist.inventory.erp.ErpContract;
import mangaassist.inventory.erp.ErpUnavailableException;
import mangaassist.inventory.erp.generated.StockItem;
import mangaassist.platform.ApiException;
import mangaassist.platform.ClientError;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The steps of the inventory routes, one method each, bound to the exchange the routes carry. The
 * transformations themselves are {@link Isbn} and {@link InventoryAcl}; an ERP call's failure is translated where the
 * call is made (ErpCalls), and the routes act on its type.
 */
@Component("inventorySteps")
public class InventorySteps {

    public static final String ISBN = "inventoryIsbn";
    public static final String ISBNS = "inventoryIsbns";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(InventorySteps.class);

    private final InventoryProperties inventory;

    public InventorySteps(InventoryProperties inventory) {
        this.inventory = inventory;
    }

    /**
     * The request's ISBN as the ERP keys its stock, ISBN-13 (an ISBN-10 is converted: the ERP does not know it, and
     * one book must have one cache key), or 400 INVALID_ISBN.
     */
    public String isbn(@Header("isbn") String raw) {
        try {
            // the HTTP path parameter may arrive still percent-encoded (full-width digits are UTF-8 in the URL)
            return Isbn.toIsbn13(raw != null && raw.indexOf('%') >= 0 ? URLDecoder.decode(raw, StandardCharsets.UTF_8) : raw);
        } catch (InvalidIsbnException e) {
            throw new ApiException("INVALID_ISBN", 400, e.getMessage(), e);
        }
    }

    /** The ISBNs of POST /api/inventory/batch: a JSON array (or {"isbns":[...]}), at most maxBatchIsbns. */
    public List<String> batchIsbns(@Body String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ApiException("INVALID_JSON", 400, "The request body must be a JSON array of ISBNs.", e);
        }
        JsonNode array = root != null && root.isObject() ? root.path("isbns") : root;
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw new ApiException("INVALID_JSON", 400, "The request body must be a JSON array of ISBNs.");
        }
        if (array.size() > inventory.maxBatchIsbns()) {
            throw new ApiException("TOO_MANY_ISBNS", 400,
                    "At most " + inventory.maxBatchIsbns() + " ISBNs can be looked up at once.");
        }
        List<String> isbns = new ArrayList<>();
        array.forEach(node -> isbns.add(node.asText()));
        return isbns;
    }

    /** One ISBN of a batch that failed: its error entry instead of an item. */
    public Map<String, Object> batchError(Exchange exchange) {
        Throwable failure = caught(exchange);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("isbn", exchange.getMessage().getHeader("isbn", String.class));
        if (failure instanceof ClientError error) {
            entry.put("code", error.code());
            entry.put("error", error.userMessage("en"));
        } else {
            LOG.error("Batch lookup failed unexpectedly", failure);
            entry.put("code", "INTERNAL");
            entry.put("error", "Something went wrong on our side.");
        }
        return entry;
    }

    /** POST /api/inventory/batch answers {"items":[...],"errors":[...]} in request order. */
    public Map<String, Object> batchResponse(@Body List<Object> results) {
        List<Object> items = new ArrayList<>();
        List<Object> errors = new ArrayList<>();
        for (Object result : results) {
            (result instanceof InventoryItem ? items : errors).add(result);
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("items", items);
        response.put("errors", errors);
        return response;
    }

    /** The CXF call for a list of ISBNs: GetStockLevel for one when coalescing is off, else GetBatchStockLevels. */
    public Object erpRequest(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<String> isbns = new ArrayList<>(exchange.getProperty(ISBNS, Collection.class));
        boolean single = isbns.size() == 1 && !inventory.coalescing().enabled();
        exchange.getMessage().setHeader(CxfConstants.OPERATION_NAME,
                single ? ErpContract.OP_GET_STOCK_LEVEL : ErpContract.OP_GET_BATCH_STOCK_LEVELS);
        return single ? Arrays.asList(isbns.get(0), inventory.warehouse()) : Arrays.asList(isbns, inventory.warehouse());
    }

    /**
     * The items of either answer (CXF hands a MessageContentsList of StockItems) through the anti-corruption layer;
     * an item we cannot match to an ISBN fails the call as ERP_BAD_RESPONSE.
     */
    public List<InventoryItem> erpResult(@Body List<?> contents) {
        Object first = contents == null || contents.isEmpty() ? null : contents.get(0);
        List<?> items = first instanceof List<?> list ? list : first == null ? List.of() : List.of(first);
        return items.stream().filter(StockItem.class::isInstance).map(StockItem.class::cast).map(InventoryAcl::toItem).toList();
    }

    /**
     * Worth another try (at most {@code retries} times): a call that failed in a way another attempt can mend (no answer,
     * no connection, a Server fault of a struggling ERP: {@link ErpCallException#retryable()}); never a Client fault, an
     * answer we cannot read, a request we cannot send, nor what is not an ERP failure at all.
     */
    public boolean retryable(Exchange exchange) {
        // retryWhile replaces the error handler's maximumRedeliveries, so the count is kept here
        // (the counter already includes the redelivery being decided)
        int retried = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        ErpCallException failure = find(caught(exchange), ErpCallException.class);
        return failure != null && failure.retryable() && retried <= inventory.erp().retries();
    }

    /** The ERP's item, or 404 INVENTORY_NOT_FOUND when the ERP does not know the ISBN. */
    public InventoryItem found(@Body InventoryItem item, @ExchangeProperty(ISBN) String isbn) {
        if (item == null) {
            throw new ApiException("INVENTORY_NOT_FOUND", 404, "No stock record exists for ISBN " + isbn + ".");
        }
        return item;
    }

    /** The breaker was open: nothing was sent. */
    public void shortCircuited() {
        throw new ErpUnavailableException("The ERP's circuit breaker is open", null);
    }

    /** The failure being handled: still on the exchange (doCatch onWhen) or already set aside (error handler). */
    private static Throwable caught(Exchange exchange) {
        return exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    /** Camel may wrap what a step threw: look for the type in the chain. */
    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
