package mangaassist.chat.overload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {

    private final ConnectionLimits limits = new ConnectionLimits();

    @Test
    void aConnectionHasAtMostMaxInFlight() {
        assertThat(limits.tryAcquire("a", 2)).isTrue();
        assertThat(limits.tryAcquire("a", 2)).isTrue();
        assertThat(limits.tryAcquire("a", 2)).isFalse();
        // another connection is not held back by it
        assertThat(limits.tryAcquire("b", 2)).isTrue();
        limits.release("a");
        assertThat(limits.tryAcquire("a", 2)).isTrue();
        assertThat(limits.inFlight("a")).isEqualTo(2);
    }

    @Test
    void anIdleConnectionHoldsNoEntry() {
        limits.tryAcquire("a", 1);
        limits.release("a");
        assertThat(limits.connections()).isZero();
        // a release without an acquire changes nothing
        limits.release("b");
        assertThat(limits.connections()).isZero();
    }

    @Test
    void concurrentMessagesOfOneConnectionNeverPassTheCap() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger acquired = new AtomicInteger();
            for (int i = 0; i < 64; i++) {
                threads.submit(() -> {
                    go.await();
                    if (limits.tryAcquire("a", 2)) {
                        acquired.incrementAndGet();
                    }
                    return null;
                });
            }
            go.countDown();
            threads.shutdown();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(acquired.get()).isEqualTo(2);
        } finally {
            threads.shutdownNow();
        }
    }
}
