package mangaassist.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;


class CpuMeterTest {

    @Test
    void theJitCompilerThreadsAreFoundAndTheirCpuIsTakenOutOfTheWarmFigureOnly() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only: /proc/self/task");
        assertThat(CpuMeter.nativeThreadTicks().keySet()).anyMatch(k -> k.endsWith("/compiler"));

        CpuMeter meter = CpuMeter.start();
        long sum = 0;
        for (int i = 0; i < 5_000_000; i++) {
            sum += Integer.toString(i).hashCode();
        }
        ObjectNode figures = meter.stop(1000, "Unit", null);

        assertThat(sum).isNotZero();
        assertThat(figures.path("jitThreadsCpuSeconds").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(figures.path("cpuMsPerUnit").asDouble()).isPositive();
        assertThat(figures.path("warmCpuMsPerUnit").asDouble())
                .isLessThanOrEqualTo(figures.path("cpuMsPerUnit").asDouble())
                .isCloseTo(figures.path("cpuMsPerUnit").asDouble() - figures.path("jitThreadsCpuSeconds").asDouble(),
                        org.assertj.core.api.Assertions.within(0.02));
    }

    @Test
    void theUnitsCpuIsSplitByOwnerTheBackendsByTheirThreadNames() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only: /proc/self/task");
        assertThat(CpuMeter.backendOf("elasticmq-pekko.actor.default-dispatcher-N")).isEqualTo("sqs");
        assertThat(CpuMeter.backendOf("opensearch[Node N][get][T#N]")).isEqualTo("opensearch");
        assertThat(CpuMeter.backendOf("SQLiteQueue[]")).isEqualTo("dynamodb");
        assertThat(CpuMeter.backendOf("Camel (camel-N) thread #N - awsN-sqs://manga-inventory-cdc")).isNull();

        CpuMeter meter = CpuMeter.start();
        java.util.concurrent.CountDownLatch spun = new java.util.concurrent.CountDownLatch(2);
        java.util.concurrent.CountDownLatch measured = new java.util.concurrent.CountDownLatch(1);
        // alive until the meter stopped: a thread that ended is no longer listed (its CPU would count as 'other')
        Thread backend = new Thread(() -> spinThenWait(300, spun, measured), "elasticmq-pekko.actor.default-dispatcher-7");
        Thread client = new Thread(() -> spinThenWait(100, spun, measured), "bench-client");
        backend.start();
        client.start();
        spin(200);
        spun.await();
        ObjectNode figures = meter.stop(1, "Unit", "bench-client");
        measured.countDown();
        backend.join();
        client.join();
        ObjectNode owners = (ObjectNode) figures.path("cpuMsPerUnitByOwner");

        double sum = owners.path("application").asDouble() + owners.path("backends").asDouble()
                + owners.path("jitThreads").asDouble() + owners.path("gcAndVmThreads").asDouble()
                + owners.path("client").asDouble();
        // the JIT's and GC's threads are read from /proc in 10 ms ticks, the rest in nanoseconds: a few ticks apart
        assertThat(sum).isCloseTo(figures.path("cpuMsPerUnit").asDouble(), org.assertj.core.api.Assertions.within(30.0));
        assertThat(owners.path("application").asDouble()).isGreaterThan(150);
        assertThat(owners.path("backends").asDouble()).isGreaterThanOrEqualTo(300);
        assertThat(owners.path("eachBackend").path("sqs").asDouble()).isGreaterThanOrEqualTo(300);
        assertThat(owners.path("client").asDouble()).isGreaterThanOrEqualTo(100).isLessThan(200);
    }

    private static void spinThenWait(long millis, java.util.concurrent.CountDownLatch spun,
                                     java.util.concurrent.CountDownLatch measured) {
        spin(millis);
        spun.countDown();
        try {
            measured.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Keeps this thread busy for about {@code millis} of CPU. */
    private static void spin(long millis) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long until = threads.getCurrentThreadCpuTime() + millis * 1_000_000;
        long sum = 0;
        while (threads.getCurrentThreadCpuTime() < until) {
            sum += Long.toString(sum).hashCode();
        }
        if (sum == 42) {
            System.out.println(sum);
        }
    }
}
