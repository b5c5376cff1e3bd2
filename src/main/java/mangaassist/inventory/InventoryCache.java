package mangaassist.inventory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.platform.ApiException;
import org.apache.camel.Body;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import mangaassist.platform.RedisScripts;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The inventory flow's Redis cache: an ISBN's fresh stock level ({@code inventory:<warehouse>:<isbn>}, for
 * {@code cache-ttl}) and its last known one with the time it was fetched ({@code inventory:last:<warehouse>:<isbn>},
 * for {@code last-known-ttl}), which the stale fallback serves while the ERP is unavailable.
 *
 * <p>The cache never fails a lookup: when Redis times out or cannot be reached, a read counts as a miss (the ERP
 * is asked) and a write is skipped; each failure is logged at WARN and counted in
 * {@code mangaassist_inventory_cache_errors_total{operation}}.
 */
@Component("inventoryCache")
public class InventoryCache {

    private static final Logger LOG = LoggerFactory.getLogger(InventoryCache.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Both keys of every item of a batch in one command: SET ... EX per key, in a script (one round trip). */
    private static final RedisScript<Long> STORE =
            RedisScripts.load("redis/inventory-cache-store.lua", Long.class);

    private final StringRedisTemplate redis;
    private final InventoryProperties inventory;
    private final Counter readErrors;
    private final Counter writeErrors;
    private final Counter lastKnownErrors;

    public InventoryCache(StringRedisTemplate redis, InventoryProperties inventory, MeterRegistry meters) {
        this.redis = redis;
        this.inventory = inventory;
        this.readErrors = errors(meters, "read");
        this.writeErrors = errors(meters, "write");
        this.lastKnownErrors = errors(meters, "last-known");
    }

    private static Counter errors(MeterRegistry meters, String operation) {
        return Counter.builder("mangaassist.inventory.cache.errors")
                .description("Inventory cache operations that failed (Redis timed out or unreachable); a failed read is a miss")
                .tag("flow", "inventory").tag("operation", operation).register(meters);
    }

    public String freshKey(String isbn) {
        return "inventory:" + inventory.warehouse() + ":" + isbn;
    }

    public String lastKnownKey(String isbn) {
        return "inventory:last:" + inventory.warehouse() + ":" + isbn;
    }

    /** The cached fresh item of the ISBN, or null: not cached, or Redis failed (then the ERP is asked). */
    public InventoryItem fresh(@Body String isbn) {
        String cached;
        try {
            cached = redis.opsForValue().get(freshKey(isbn));
        } catch (RuntimeException e) {
            readErrors.increment();
            LOG.warn("Inventory cache read failed for {}, asking the ERP: {}", isbn, e.toString());
            return null;
        }
        return cached == null ? null : parse(cached, isbn);
    }

    /** The cached fresh items of these ISBNs, by ISBN (one MGET); none when Redis fails. */
    public Map<String, InventoryItem> freshItems(Collection<String> isbns) {
        List<String> order = List.copyOf(isbns);
        List<String> values;
        try {
            values = redis.opsForValue().multiGet(order.stream().map(this::freshKey).toList());
        } catch (RuntimeException e) {
            readErrors.increment();
            LOG.warn("Inventory cache read failed for {} ISBNs, asking the ERP: {}", order.size(), e.toString());
            return Map.of();
        }
        Map<String, InventoryItem> found = new LinkedHashMap<>();
        for (int i = 0; values != null && i < order.size(); i++) {
            InventoryItem item = values.get(i) == null ? null : parse(values.get(i), order.get(i));
            if (item != null) {
                found.put(order.get(i), item);
            }
        }
        return found;
    }

    /** Caches fresh items and their last known values, all in one round trip; a failing Redis only skips it. */
    public void store(Collection<InventoryItem> items) {
        if (items.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>(items.size() * 2);
        List<String> args = new ArrayList<>(items.size() * 2 + 2);
        args.add(Long.toString(inventory.cacheTtl().toSeconds()));
        args.add(Long.toString(inventory.lastKnownTtl().toSeconds()));
        long now = Instant.now().getEpochSecond();
        try {
            for (InventoryItem item : items) {
                keys.add(freshKey(item.isbn()));
                args.add(JSON.writeValueAsString(item));
                keys.add(lastKnownKey(item.isbn()));
                args.add(JSON.writeValueAsString(new LastKnown(now, item)));
            }
            redis.execute(STORE, keys, args.toArray());
        } catch (JsonProcessingException | RuntimeException e) {
            writeErrors.increment();
            LOG.warn("Inventory cache write failed for {} items, not cached: {}", items.size(), e.toString());
        }
    }

    /** The last known item of the ISBN marked stale with its age, or 503 ERP_UNAVAILABLE when there is none. */
    public InventoryItem stale(@Body String isbn) {
        String lastKnown;
        try {
            lastKnown = redis.opsForValue().get(lastKnownKey(isbn));
        } catch (RuntimeException e) {
            lastKnownErrors.increment();
            LOG.warn("Inventory cache read of the last known stock failed for {}: {}", isbn, e.toString());
            lastKnown = null;
        }
        LastKnown known = null;
        try {
            known = lastKnown == null ? null : JSON.readValue(lastKnown, LastKnown.class);
        } catch (JsonProcessingException e) {
            LOG.warn("Unreadable last known stock for {} ignored: {}", isbn, e.getOriginalMessage());
        }
        if (known == null || known.item() == null) {
            throw new ApiException("ERP_UNAVAILABLE", 503,
                    "The stock system is unavailable and no earlier stock level is known. Please try again later.");
        }
        return known.item().asStale(Math.max(0, Instant.now().getEpochSecond() - known.storedAt()));
    }

    private static InventoryItem parse(String json, String isbn) {
        try {
            return JSON.readValue(json, InventoryItem.class);
        } catch (JsonProcessingException e) {
            // an entry we cannot read is a miss: the ERP's answer replaces it
            LOG.warn("Unreadable inventory cache entry for {} ignored: {}", isbn, e.getOriginalMessage());
            return null;
        }
    }

    /** What the stale fallback keeps: the item and when it was fetched (epoch seconds). */
    public record LastKnown(long storedAt, InventoryItem item) {
    }
}
