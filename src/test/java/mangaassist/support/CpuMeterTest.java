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
}
