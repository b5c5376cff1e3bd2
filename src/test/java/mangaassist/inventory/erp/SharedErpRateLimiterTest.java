package mangaassist.inventory.erp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import mangaassist.support.LocalRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Two instances' limiters on one real redis-server: one budget for both, the arrival rule kept in Redis, and the
 * local share while Redis is away.
 */
class SharedErpRateLimiterTest {

    static final Duration ALLOWANCE = Duration.ofMillis(100);
    static final Duration WINDOW = Duration.ofSeconds(1);

    static LocalRedis server;
    static ReactiveStringRedisTemplate redis;

    final List<SharedErpRateLimiter> limiters = new ArrayList<>();
    String key;

    @BeforeAll
    static void startRedis() throws Exception {
        server = LocalRedis.start();
        redis = server.reactive();
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @BeforeEach
    void freshBudget() {
        key = "{erp-budget-" + System.nanoTime() + "}";
    }

    @AfterEach
    void closeLimiters() {
        limiters.forEach(SharedErpRateLimiter::close);
    }

    SharedErpRateLimiter instance(int expectedInstances) {
        return instance(redis, expectedInstances);
    }

    SharedErpRateLimiter instance(ReactiveStringRedisTemplate on, int expectedInstances) {
        SharedErpRateLimiter limiter = new SharedErpRateLimiter(on, new SharedErpRateLimiter.Settings(key, 50,
                expectedInstances, WINDOW, Duration.ofSeconds(3), Duration.ofMillis(300), Duration.ofMillis(20),
                Duration.ofMillis(100)), ArrivalAllowance.fixed(ALLOWANCE));
        limiters.add(limiter);
        return limiter;
    }

    @Test
    void twoInstancesShareFiftyPermits() {
        SharedErpRateLimiter a = instance(2);
        SharedErpRateLimiter b = instance(2);
        for (int i = 0; i < 30; i++) {
            assertThat(a.tryAcquire()).as("a's call %d", i).isNotNull();
        }
        for (int i = 0; i < 20; i++) {
            assertThat(b.tryAcquire()).as("b's call %d", i).isNotNull();
        }
        assertThat(a.tryAcquire()).as("the 51st, whoever asks").isNull();
        assertThat(b.tryAcquire()).isNull();
        assertThat(a.used()).isEqualTo(50);
        assertThat(a.inFlight()).isEqualTo(30);
        assertThat(b.inFlight()).isEqualTo(20);
    }

    @Test
    void anEndedCallCountsForOneWindowAfterItsEndAndACallInFlightForTheAllowanceAndAWindow() throws Exception {
        SharedErpRateLimiter a = instance(2);
        SharedErpRateLimiter b = instance(2);
        List<ErpRateLimiter.Permit> permits = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            permits.add((i % 2 == 0 ? a : b).tryAcquire());
        }
        long released = System.nanoTime();
        a.release(permits.get(0));
        assertThat(b.tryAcquire()).as("the ended call still counts: it may have reached the ERP just now").isNull();
        // b waits for the permit a's call gave back: a window after that call ended, not before
        ErpRateLimiter.Permit next = b.acquire();
        assertThat(System.nanoTime() - released).isGreaterThanOrEqualTo(WINDOW.toNanos() - TimeUnit.MILLISECONDS.toNanos(50));
        b.release(next);
        // the 48 calls still in flight stopped counting for the rate (allowance + window after their permits), but 49
        // calls are in flight: the cap lets one more go, not 50
        await().atMost(Duration.ofSeconds(3)).until(() -> a.used() <= 1);
        assertThat(a.tryAcquire()).isNotNull();
        assertThat(a.tryAcquire()).as("50 calls in flight: the cap").isNull();
    }

    @Test
    void callersWaitingForPermitsGetThemInTurnAndNeverMoreThanTheLimitCount() throws Exception {
        SharedErpRateLimiter a = instance(2);
        SharedErpRateLimiter b = instance(2);
        ExecutorService callers = Executors.newFixedThreadPool(40);
        try {
            List<Future<ErpRateLimiter.Permit>> calls = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                SharedErpRateLimiter limiter = i % 2 == 0 ? a : b;
                calls.add(callers.submit(() -> {
                    ErpRateLimiter.Permit permit = limiter.acquire();
                    assertThat(a.used()).isLessThanOrEqualTo(50);
                    limiter.release(permit);
                    return permit;
                }));
            }
            for (Future<ErpRateLimiter.Permit> call : calls) {
                assertThat(call.get(10, TimeUnit.SECONDS)).isNotNull();
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void withoutRedisAnInstanceUsesItsShareAndComesBackToTheSharedBudget() throws Exception {
        // its own server: this test stops it
        LocalRedis own = LocalRedis.start();
        SharedErpRateLimiter limiter = instance(own.reactive(), 2);
        ExecutorService callers = Executors.newFixedThreadPool(26);
        try {
            limiter.release(limiter.acquire());
            assertThat(limiter.isShared()).isTrue();
            own.stopServer();

            // 25 calls (50 / 2 instances) fit in the share; the 26th waits for the next window
            List<CompletableFuture<ErpRateLimiter.Permit>> calls = new ArrayList<>();
            for (int i = 0; i < 26; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return limiter.acquire();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, callers));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> calls.stream().filter(CompletableFuture::isDone).count() == 25);
            assertThat(limiter.isShared()).isFalse();
            assertThat(limiter.fallbacks()).isEqualTo(1);
            assertThat(limiter.limit()).isEqualTo(25);
            assertThat(limiter.used()).isEqualTo(25);
            CompletableFuture<ErpRateLimiter.Permit> waiting = calls.stream().filter(c -> !c.isDone()).findFirst().orElseThrow();
            calls.stream().filter(c -> c != waiting).forEach(call -> limiter.release(call.join()));
            // a window after the first calls ended, the 26th goes
            limiter.release(waiting.get(5, TimeUnit.SECONDS));

            own.restartServer();
            await().atMost(Duration.ofSeconds(10)).until(limiter::isShared);
            assertThat(limiter.limit()).isEqualTo(50);
            ErpRateLimiter.Permit shared = limiter.acquire();
            assertThat(shared).isInstanceOf(SharedErpRateLimiter.SharedPermit.class);
            limiter.release(shared);
        } finally {
            callers.shutdownNow();
            own.close();
        }
    }
}
