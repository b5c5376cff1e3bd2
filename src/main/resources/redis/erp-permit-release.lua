-- A call has ended (SharedErpRateLimiter): it is no longer in flight, and it reached the ERP before it ended, so its
-- permit counts until one window after the end if that is sooner than the latest arrival the permit allowed for.
-- KEYS[1] counting, KEYS[2] in flight (as erp-permit-acquire.lua); ARGV: permit id, window µs
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREM', KEYS[2], ARGV[1])
local until_ = redis.call('ZSCORE', KEYS[1], ARGV[1])
local ended = now + tonumber(ARGV[2])
if until_ and ended < tonumber(until_) then
  redis.call('ZADD', KEYS[1], string.format('%.0f', ended), ARGV[1])
end
return 1
