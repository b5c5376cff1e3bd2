package mangaassist.support;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The CPU a benchmark phase used: by this JVM (client, application and in-process backends), by its child processes
 * (redis-server, S3Proxy), by thread group, and the JIT's compile time, per unit of work. On 2 shared cores the CPU per
 * unit says more than a rate. Used by the benchmarks.
 */
public final class CpuMeter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** USER_HZ of /proc's tick counts: 100 on Linux for every architecture the JDK runs on. */
    private static final int CLOCK_TICKS_PER_SECOND = 100;

    private final long wallStart = System.nanoTime();
    private final double loadAverageStart = OS.getSystemLoadAverage();
    private final long processStart = OS.getProcessCpuTime();
    private final long childrenStart = childrenCpuNanos();
    private final Map<Long, Long> threadStart = threadCpu();
    private final long jitStart = jitMillis();
    private final Map<String, Long> nativeStart = nativeThreadTicks();

    public static CpuMeter start() {
        return new CpuMeter();
    }

    /** Time the JIT compilers spent compiling so far (their threads' time: CPU on a busy machine). */
    public static long jitMillis() {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /**
     * After a closed-loop warm-up the JIT still has the compilations it queued (the whole stack shares the benchmark's
     * JVM): waits, idle, until it compiles for less than {@code bench.settle-jit-share} (2 %) of the machine over a
     * second, at most {@code bench.settle-max} (PT60S). A load on a warm instance has no such backlog behind it.
     * Returns the seconds waited.
     */
    public static double settleJit() {
        double share = Double.parseDouble(System.getProperty("bench.settle-jit-share", "0.02"));
        Duration max = Duration.parse(System.getProperty("bench.settle-max", "PT60S"));
        int cores = Runtime.getRuntime().availableProcessors();
        long start = System.nanoTime();
        long[] last = {jitMillis()};
        double[] lastShare = {1};
        try {
            org.awaitility.Awaitility.await().pollDelay(Duration.ofSeconds(1)).pollInterval(Duration.ofSeconds(1)).atMost(max)
                    .until(() -> {
                        long now = jitMillis();
                        lastShare[0] = (now - last[0]) / (1000.0 * cores);
                        last[0] = now;
                        return lastShare[0] < share;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // measured all the same; the line below says the JIT was still busy
        }
        double waited = (System.nanoTime() - start) / 1e9;
        System.out.printf("JIT settled: %.1f s after the warm-up, compiling %.1f %% of the machine in the last second%n",
                waited, lastShare[0] * 100);
        return waited;
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
        // the JVM's own threads, which ThreadMXBean does not list: the JIT compilers warm the JVM up (a cost that ends
        // once the code is compiled, not the unit's), the GC's and VM threads are part of the unit's cost
        Map<String, Long> nativeEnd = nativeThreadTicks();
        double compilers = nativeSeconds(nativeEnd, "compiler");
        node.put("jitThreadsCpuSeconds", round(compilers));
        node.put("gcAndVmThreadsCpuSeconds", round(nativeSeconds(nativeEnd, "gc") + nativeSeconds(nativeEnd, "vm")));
        // warm: what the unit costs once the JIT is done with its path (the JIT's threads' CPU taken out)
        node.put("warmCpuMsPer" + unit, round((process + children - compilers) * 1000 / units));
        node.set("cpuMsPer" + unit + "ByOwner", byOwner(groups, process, children, threads, compilers,
                nativeSeconds(nativeEnd, "gc") + nativeSeconds(nativeEnd, "vm"), clientThread, units));
        ObjectNode top = node.putObject("threadGroupsCpuSeconds");
        groups.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(15)
                .forEach(g -> top.put(g.getKey(), round(g.getValue())));
        top.put("other", round(Math.max(0, process - threads)));
        return node;
    }

    /**
     * Thread-name prefixes of the in-process backends of the embedded stack (and the backend each is), so that a
     * figure can say what share of a unit's CPU is the application's own: on AWS the backends run elsewhere.
     */
    static final Map<String, String> BACKEND_THREADS = Map.of(
            "elasticmq", "sqs (ElasticMQ)",
            "qtp", "dynamodb (DynamoDB Local's Jetty; S3Proxy's too)",
            "SQLiteQueue", "dynamodb (DynamoDB Local's SQLite)",
            "opensearch[", "opensearch",
            "eventbridge-delivery", "eventbridge (the emulator's deliveries)");

    /** The backend a thread group belongs to, or null (the application's, or the client's). */
    static String backendOf(String threadGroup) {
        for (Map.Entry<String, String> b : BACKEND_THREADS.entrySet()) {
            if (threadGroup.startsWith(b.getKey())) {
                return b.getValue().replaceFirst(" .*", "");
            }
        }
        return null;
    }

    /**
     * The unit's CPU by owner: each in-process backend (its threads; Redis and S3Proxy are child processes), the JIT's
     * and the GC's threads, the client, and the rest: the application (with the SDK clients and Camel it runs, and the
     * threads a name does not tell, the emulators' Vert.x and HTTP servers among them).
     */
    private static ObjectNode byOwner(Map<String, Double> groups, double process, double children, double threads,
                                      double compilers, double gcAndVm, String clientThread, int units) {
        Map<String, Double> owners = new java.util.TreeMap<>();
        double client = clientThread == null ? 0 : groups.getOrDefault(clientThread, 0.0);
        double backends = 0;
        for (Map.Entry<String, Double> group : groups.entrySet()) {
            String backend = backendOf(group.getKey());
            if (backend != null) {
                owners.merge(backend, group.getValue(), Double::sum);
                backends += group.getValue();
            }
        }
        owners.merge("child processes (redis-server, S3Proxy)", children, Double::sum);
        // the JVM's own threads are not in the thread groups: 'other' is process - threads
        double unlisted = Math.max(0, process - threads);
        double application = Math.max(0, threads - client - backends) + Math.max(0, unlisted - compilers - gcAndVm);
        ObjectNode node = JSON.createObjectNode();
        node.put("application", round(application * 1000 / units));
        double backendsTotal = backends + children;
        node.put("backends", round(backendsTotal * 1000 / units));
        ObjectNode each = node.putObject("eachBackend");
        owners.forEach((name, seconds) -> each.put(name, round(seconds * 1000 / units)));
        node.put("jitThreads", round(compilers * 1000 / units));
        node.put("gcAndVmThreads", round(gcAndVm * 1000 / units));
        node.put("client", round(client * 1000 / units));
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

    /**
     * CPU ticks of this JVM's native threads by kind (compiler, gc, vm), from /proc/self/task: the JIT compiler and GC
     * threads are hidden from ThreadMXBean. Empty where there is no /proc. A compiler thread that ended during the phase
     * (the JVM adds and removes them) is missed: the JIT share is then under-, the warm figure overestimated.
     */
    static Map<String, Long> nativeThreadTicks() {
        Map<String, Long> ticks = new HashMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return ticks;
        }
        try (Stream<Path> threads = Files.list(tasks)) {
            threads.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String kind = name.contains("CompilerThre") ? "compiler"
                            : name.startsWith("GC Thread") || name.startsWith("G1 ") ? "gc"
                            : name.startsWith("VM Thread") ? "vm" : null;
                    if (kind != null) {
                        // after the command name: state is field 3, utime field 14, stime field 15
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks.merge(task.getFileName() + "/" + kind, Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
                                Long::sum);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read
                }
            });
        } catch (IOException e) {
            return ticks;
        }
        return ticks;
    }

    private double nativeSeconds(Map<String, Long> end, String kind) {
        long ticks = end.entrySet().stream().filter(e -> e.getKey().endsWith("/" + kind))
                .mapToLong(e -> e.getValue() - nativeStart.getOrDefault(e.getKey(), 0L)).sum();
        return ticks / (double) CLOCK_TICKS_PER_SECOND;
    }

    private static long childrenCpuNanos() {
        return ProcessHandle.current().descendants().mapToLong(ph -> ph.info().totalCpuDuration()
                .map(Duration::toNanos).orElse(0L)).sum();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
