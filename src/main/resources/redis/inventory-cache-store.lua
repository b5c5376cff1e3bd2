-- Stores inventory items in one round trip (InventoryCache.store).
-- KEYS: for each item its fresh key, then its last-known key.
-- ARGV[1]: cache-ttl in seconds (fresh keys); ARGV[2]: last-known-ttl in seconds (last-known keys);
-- ARGV[3..]: the value of each key, in KEYS order.
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[i + 2], 'EX', ARGV[2 - i % 2])
end
return #KEYS
