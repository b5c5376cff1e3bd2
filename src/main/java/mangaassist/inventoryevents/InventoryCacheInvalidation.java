package mangaassist.inventoryevents;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.chat.session.ChatCache;
import org.apache.camel.Body;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * The cache-invalidation consumer's work for one ISBN: the inventory flow's stock entries ({@code inventory:*:<isbn>},
 * found with SCAN, never KEYS, which blocks Redis while it walks every key) and the chat answers cached for that ISBN
 * (listed in the set the chat keeps of them, {@link ChatCache#ANSWERS_BY_ISBN}: no scan over all chat keys). The
 * seed's pattern {@code inventory:*<isbn>*} also matched other ISBNs that contain this one.
 */
@Component("inventoryCacheInvalidation")
public class InventoryCacheInvalidation {

    private static final int SCAN_COUNT = 100;

    private final StringRedisTemplate redis;
    private final MeterRegistry meters;

    public InventoryCacheInvalidation(StringRedisTemplate redis, MeterRegistry meters) {
        this.redis = redis;
        this.meters = meters;
    }

    /** Deletes them; answers how many keys went. */
    public int invalidate(@Body InventoryChangeEvent event) {
        List<String> keys = new ArrayList<>();
        try (Cursor<String> cursor = redis.scan(ScanOptions.scanOptions().match("inventory:*:" + event.isbn())
                .count(SCAN_COUNT).build())) {
            cursor.forEachRemaining(keys::add);
        }
        String index = ChatCache.ANSWERS_BY_ISBN + event.isbn();
        Set<String> answers = redis.opsForSet().members(index);
        if (answers != null) {
            keys.addAll(answers);
        }
        keys.add(index);
        Long deleted = redis.delete(keys);
        int count = deleted == null ? 0 : deleted.intValue();
        meters.counter("mangaassist.inventory.events.cache.invalidated", "flow", "inventory-events").increment(count);
        return count;
    }
}
