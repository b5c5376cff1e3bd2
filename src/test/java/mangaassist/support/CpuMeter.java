package mangaassist.support;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The CPU a benchmark phase used: by this JVM (client, application and in-process backends), by its child processes
 * (redis-server, S3Proxy), by thread group, and the JIT's compile time, per unit of work. On 2 shared cores the CPU per
 * unit says more than a rate. Used by InventoryBenchmark and EnrichmentBenchmark.
 */
public final class CpuMeter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final long wallStart = System.nanoTime();
    private final double loadAverageStart = OS.getSystemLoadAverage();
    private final long processStart = OS.getProcessCpuTime();
    private final long childrenStart = childrenCpuNanos();
    private final Map<Long, Long> threadStart = threadCpu();
    private final long jitStart = jitMillis();

    public static CpuMeter start() {
        return new CpuMeter();
    }

    /** Time the JIT compilers spent compiling so far (their threads' time: CPU on a busy machine). */
    public static long jitMillis() {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /**
     * The phase's figures: {@code cpuMsPer<Unit>} over {@code units}, and, when {@code clientThread} names the load
     * generator's thread, {@code clientCpuMsPer<Unit>} and {@code restCpuMsPer<Unit>} (application and backends).
     */
    public ObjectNode stop(int units, String unit, String clientThread) {
        double wall = (System.nanoTime() - wallStart) / 1e9;
        double process = (OS.getProcessCpuTime() - processStart) / 1e9;
        double children = (childrenCpuNanos() - childrenStart) / 1e9;
        Map<Long, Long> end = threadCpu();
        Map<String, Double> groups = new HashMap<>();
        long[] ids = end.keySet().stream().mapToLong(Long::longValue).toArray();
        java.lang.management.ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        double threads = 0;
        for (int k = 0; k < ids.length; k++) {
            if (infos[k] == null) {
                continue;
            }
            double used = (end.get(ids[k]) - threadStart.getOrDefault(ids[k], 0L)) / 1e9;
            threads += used;
            groups.merge(infos[k].getThreadName().replaceAll("\\d+", "N"), used, Double::sum);
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("what", "CPU seconds used during the phase; 'other' = GC, JIT and threads that ended during it");
        node.put("availableCoreSeconds", round(wall * Runtime.getRuntime().availableProcessors()));
        node.put("systemLoadAverageAtStart", round(loadAverageStart));
        node.put("systemLoadAverageAtEnd", round(OS.getSystemLoadAverage()));
        node.put("jvmCpuSeconds", round(process));
        node.put("childProcessCpuSeconds", round(children));
        node.put("jitSeconds", round((jitMillis() - jitStart) / 1000.0));
        node.put("cpuMsPer" + unit, round((process + children) * 1000 / units));
        if (clientThread != null) {
            double client = groups.getOrDefault(clientThread, 0.0);
            node.put("clientCpuMsPer" + unit, round(client * 1000 / units));
            node.put("restCpuMsPer" + unit, round((process + children - client) * 1000 / units));
        }
        ObjectNode top = node.putObject("threadGroupsCpuSeconds");
        groups.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(15)
                .forEach(g -> top.put(g.getKey(), round(g.getValue())));
        top.put("other", round(Math.max(0, process - threads)));
        return node;
    }

    private static Map<Long, Long> threadCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long nanos = THREADS.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.put(id, nanos);
            }
        }
        return cpu;
    }

    private static long childrenCpuNanos() {
        return ProcessHandle.current().descendants().mapToLong(ph -> ph.info().totalCpuDuration()
                .map(Duration::toNanos).orElse(0L)).sum();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
