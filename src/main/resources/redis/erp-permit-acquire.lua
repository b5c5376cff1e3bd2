-- A permit for one ERP call, for every instance together (SharedErpRateLimiter; the rule: ErpRateLimiter).
-- KEYS[1] counting: permit id -> until when it counts for the rate (µs, Redis time)
-- KEYS[2] in flight: permit id -> lease end (µs): a crashed instance's calls stop counting as in flight
-- KEYS[3] reserved: permits held back for instances that may still be on their local share after a Redis outage
-- ARGV: permit id, limit, arrival allowance µs, window µs, lease µs, this instance's local permits still counting
-- Replies {1, counting} when granted; {0, µs until the first permit stops counting} or {0, -1} (only the cap on calls
-- in flight is reached) when not. Redis's clock is the one clock of all instances.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local limit = tonumber(ARGV[2])
local counting = redis.call('ZCARD', KEYS[1]) + tonumber(ARGV[6]) + tonumber(redis.call('GET', KEYS[3]) or '0')
if counting < limit and redis.call('ZCARD', KEYS[2]) < limit then
  local countsFor = tonumber(ARGV[3]) + tonumber(ARGV[4])
  -- '%.0f': Lua's default number format keeps 14 digits, a µs timestamp has 16
  redis.call('ZADD', KEYS[1], string.format('%.0f', now + countsFor), ARGV[1])
  redis.call('ZADD', KEYS[2], string.format('%.0f', now + tonumber(ARGV[5])), ARGV[1])
  -- the keys outlive their members (never shortened: another instance may have a longer allowance or lease)
  for i, ttl in ipairs({math.ceil(countsFor / 1000) + 1000, math.ceil(tonumber(ARGV[5]) / 1000) + 1000}) do
    if redis.call('PTTL', KEYS[i]) < ttl then
      redis.call('PEXPIRE', KEYS[i], ttl)
    end
  end
  return {1, counting + 1}
end
if counting >= limit then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if first[2] then
    return {0, tonumber(first[2]) - now}
  end
end
return {0, -1}
