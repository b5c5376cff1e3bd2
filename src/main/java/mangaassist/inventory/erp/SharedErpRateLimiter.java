package mangaassist.inventory.erp;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import mangaassist.platform.RedisScripts;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The ERP's budget shared by every instance: the permits of {@link ErpRateLimiter}'s rule live in Redis, one atomic
 * script per permit ({@code redis/erp-permit-acquire.lua}) and one per release, timed by Redis's own clock. So all
 * instances together never have more than {@code limit} calls counting at the ERP, nor in flight.
 *
 * <p>Each instance asks Redis for one permit at a time (its callers queue here) and, when none is free, waits until
 * the first permit Redis holds stops counting or a call of its own ends, at most {@code pollInterval} (other instances'
 * calls end too). Its arrival allowance is its own: the lag from permit to arrival is a property of its host.
 *
 * <p><b>Without Redis</b> (a command fails or takes longer than {@code redisTimeout}) the instance falls back to a
 * local share, {@code limit / expectedInstances} ({@link LocalErpRateLimiter}), never more. It first waits until
 * every permit it could have taken from Redis has stopped counting (allowance + 1 s after Redis last answered), so
 * its old shared calls and its new local ones never add up. It logs it, counts it and asks Redis again every
 * {@code recheckInterval} on a thread of its own. Back on the shared budget, its own local permits still counting are
 * added to Redis's count, and the first instance back reserves the other instances' shares for as long as they may
 * still be on theirs ({@code recheckInterval} + allowance + 1 s). Instances that reach Redis while others do not (a
 * partition) can together exceed the limit by the others' shares: the fallback trades that for staying available.
 */
public final class SharedErpRateLimiter implements ErpRateLimiter, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedErpRateLimiter.class);
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> ACQUIRE = RedisScripts.load("redis/erp-permit-acquire.lua", List.class);
    private static final RedisScript<Long> RELEASE = RedisScripts.load("redis/erp-permit-release.lua", Long.class);
    private static final long MICROS = 1000;

    /**
     * @param keyPrefix         the Redis keys' prefix, in braces so that they share one hash slot ({@code {erp-budget}})
     * @param limit             calls in any window, and in flight, for all instances together
     * @param expectedInstances instances sharing the budget: the local share without Redis is limit / this
     * @param lease             how long a call counts as in flight at most (its longest duration): a crashed instance's
     *                          calls stop counting then
     * @param redisTimeout      the longest a Redis command may take before the instance falls back to its share
     * @param pollInterval      the longest an instance waits before asking again for a permit (others' calls end too)
     * @param recheckInterval   how often an instance on its local share asks whether Redis is back
     */
    public record Settings(String keyPrefix, int limit, int expectedInstances, Duration window, Duration lease,
                           Duration redisTimeout, Duration pollInterval, Duration recheckInterval) {

        public Settings {
            if (limit < 1 || expectedInstances < 1) {
                throw new IllegalArgumentException("rate limit and expected instances must be at least 1, were "
                        + limit + " and " + expectedInstances);
            }
        }

        /** Permits each instance may use while Redis is away: its share of the limit, at least one. */
        public int localShare() {
            return Math.max(1, limit / expectedInstances);
        }
    }

    /** A permit held in Redis. */
    record SharedPermit(String id, long acquiredNanos) implements Permit {
    }

    private final ReactiveStringRedisTemplate redis;
    private final Settings settings;
    private final ArrivalAllowance allowance;
    private final LocalErpRateLimiter localShare;
    private final List<String> keys;
    private final String instance = UUID.randomUUID().toString();
    private final AtomicLong permitIds = new AtomicLong();
    /** Callers take permits one at a time, in turn: one of them asks Redis while the others queue here. */
    private final ReentrantLock turn = new ReentrantLock(true);
    private final ReentrantLock ended = new ReentrantLock();
    private final Condition ownCallEnded = ended.newCondition();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ScheduledExecutorService recheck;
    private final AtomicLong fallbacks = new AtomicLong();

    private volatile boolean shared = true;
    /** Nanos: when Redis last answered; a local permit waits until no permit taken before then still counts. */
    private volatile long redisLastAnswered = System.nanoTime();
    /** Nanos: from when a permit could be free, as Redis last said (or 0): the coalescing window's estimate. */
    private volatile long nextFreeEstimate;
    private ScheduledFuture<?> rechecking;

    public SharedErpRateLimiter(ReactiveStringRedisTemplate redis, Settings settings, ArrivalAllowance allowance) {
        this.redis = redis;
        this.settings = settings;
        this.allowance = allowance;
        this.localShare = new LocalErpRateLimiter(settings.localShare(), allowance, settings.window(), System::nanoTime);
        this.keys = List.of(settings.keyPrefix() + ":counting", settings.keyPrefix() + ":in-flight",
                settings.keyPrefix() + ":reserved");
        this.recheck = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "erp-budget-recheck");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public Permit acquire() throws InterruptedException {
        waiting.incrementAndGet();
        turn.lockInterruptibly();
        try {
            while (shared) {
                String id = instance + ":" + permitIds.incrementAndGet();
                long wait = tryShared(id);
                if (wait == 0) {
                    inFlight.incrementAndGet();
                    return new SharedPermit(id, System.nanoTime());
                }
                if (wait > 0) {
                    awaitOwnCallEnded(wait);
                }
            }
            // on the local share: not before every permit this instance may have taken from Redis stopped counting
            long quietUntil = redisLastAnswered + allowance.nanos() + settings.window().toNanos();
            for (long left = quietUntil - System.nanoTime(); left > 0; left = quietUntil - System.nanoTime()) {
                awaitOwnCallEnded(left);
            }
        } finally {
            turn.unlock();
            waiting.decrementAndGet();
        }
        Permit permit = localShare.acquire();
        inFlight.incrementAndGet();
        return permit;
    }

    /** One attempt, no wait: a permit from Redis, or null when none is free now or Redis is away. */
    Permit tryAcquire() {
        String id = instance + ":" + permitIds.incrementAndGet();
        if (!shared || tryShared(id) != 0) {
            return null;
        }
        inFlight.incrementAndGet();
        return new SharedPermit(id, System.nanoTime());
    }

    /** Waits at most {@code nanos}, less if a call of this instance ends (its permit may free one sooner). */
    private void awaitOwnCallEnded(long nanos) throws InterruptedException {
        ended.lockInterruptibly();
        try {
            ownCallEnded.awaitNanos(nanos);
        } finally {
            ended.unlock();
        }
    }

    /** Asks Redis for a permit: 0 when granted, else how long to wait before asking again (-1: Redis is away). */
    private long tryShared(String id) {
        List<?> reply;
        try {
            reply = redis.execute(ACQUIRE, keys, List.of(id,
                            String.valueOf(settings.limit()), String.valueOf(allowance.nanos() / MICROS),
                            String.valueOf(settings.window().toNanos() / MICROS), String.valueOf(settings.lease().toNanos() / MICROS),
                            String.valueOf(localShare.used())))
                    .next().block(settings.redisTimeout());
        } catch (RuntimeException e) {
            fallBack(e);
            return -1;
        }
        redisLastAnswered = System.nanoTime();
        if (reply != null && ((Number) reply.get(0)).longValue() == 1) {
            allowance.granted();
            nextFreeEstimate = 0;
            return 0;
        }
        long untilFree = reply == null ? -1 : ((Number) reply.get(1)).longValue() * MICROS;
        long poll = settings.pollInterval().toNanos();
        nextFreeEstimate = System.nanoTime() + (untilFree < 0 ? poll : untilFree);
        return untilFree < 0 ? poll : Math.max(1, Math.min(untilFree, poll));
    }

    @Override
    public void release(Permit permit) {
        if (permit instanceof SharedPermit own) {
            if (!shared) {
                // Redis is away: do not wait for it on every call's end; its entries expire by themselves
                inFlight.decrementAndGet();
                return;
            }
            try {
                redis.execute(RELEASE, keys.subList(0, 2), List.of(own.id(), String.valueOf(settings.window().toNanos() / MICROS)))
                        .next().block(settings.redisTimeout());
            } catch (RuntimeException e) {
                // its entries expire by themselves: counting after allowance + window, in flight after the lease
                fallBack(e);
            }
        } else {
            localShare.release(permit);
        }
        inFlight.decrementAndGet();
        signalOwnCallEnded();
    }

    private void signalOwnCallEnded() {
        ended.lock();
        try {
            ownCallEnded.signalAll();
        } finally {
            ended.unlock();
        }
    }

    private synchronized void fallBack(RuntimeException cause) {
        if (!shared) {
            return;
        }
        shared = false;
            fallbacks.incrementAndGet();
            LOG.warn("ERP budget: Redis unreachable ({}); this instance now calls the ERP on its local share of {} calls/s "
                            + "(rate-limit {} / expected-instances {}) until Redis answers again", cause.toString(),
                    settings.localShare(), settings.limit(), settings.expectedInstances());
        rechecking = recheck.scheduleWithFixedDelay(this::recheck, settings.recheckInterval().toNanos(),
                settings.recheckInterval().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** On the local share: back to the shared budget once Redis answers, holding back the other instances' shares. */
    private void recheck() {
        try {
            int others = settings.localShare() * (settings.expectedInstances() - 1);
            long holdMillis = (settings.recheckInterval().toNanos() + allowance.nanos() + settings.window().toNanos()) / 1_000_000;
            if (others > 0) {
                // set only if absent: a reservation made by the first instance back is not extended by the next ones
                redis.opsForValue().setIfAbsent(keys.get(2), String.valueOf(others), Duration.ofMillis(holdMillis))
                        .block(settings.redisTimeout());
            } else {
                redis.opsForValue().get(keys.get(2)).block(settings.redisTimeout());
            }
        } catch (RuntimeException e) {
            return;
        }
        synchronized (this) {
            redisLastAnswered = System.nanoTime();
            shared = true;
            rechecking.cancel(false);
        }
        LOG.info("ERP budget: Redis answers again; this instance is back on the shared budget of {} calls/s", settings.limit());
    }

    @Override
    public void refused(Permit permit) {
        allowance.refused(permit.acquiredNanos());
    }

    /** Calls counting as Redis holds them, cut off by this host's clock (on the local share: this instance's own). */
    @Override
    public int used() {
        if (!shared) {
            return localShare.used();
        }
        try {
            Long counting = redis.opsForZSet().count(keys.get(0),
                    Range.rightUnbounded(Range.Bound.exclusive((double) System.currentTimeMillis() * MICROS)))
                    .block(settings.redisTimeout());
            return counting == null ? 0 : counting.intValue();
        } catch (RuntimeException e) {
            return localShare.used();
        }
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public int limit() {
        return shared ? settings.limit() : settings.localShare();
    }

    /** Cheap (evaluated for every ISBN the coalescing aggregator takes in): what Redis last said, while callers wait. */
    @Override
    public long nanosUntilPermit() {
        if (!shared) {
            return localShare.nanosUntilPermit();
        }
        return waiting.get() == 0 ? 0 : Math.max(0, nextFreeEstimate - System.nanoTime());
    }

    @Override
    public Duration arrivalAllowance() {
        return allowance.current();
    }

    @Override
    public void setArrivalAllowance(Duration arrivalAllowance) {
        allowance.set(arrivalAllowance);
    }

    /** True while the permits come from Redis, false on the local share. */
    public boolean isShared() {
        return shared;
    }

    /** How often this instance fell back to its local share. */
    public long fallbacks() {
        return fallbacks.get();
    }

    @Override
    public void close() {
        recheck.shutdownNow();
    }

    @Override
    public String toString() {
        return "SharedErpRateLimiter[" + settings.limit() + " per " + settings.window().toMillis() + " ms for every instance ("
                + (shared ? "shared" : "local share " + settings.localShare()) + "), " + allowance + "]";
    }
}
