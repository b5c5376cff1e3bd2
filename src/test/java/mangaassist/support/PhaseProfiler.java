package mangaassist.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Profiles one measured phase of a benchmark with async-profiler when {@code -Dbench.profile=<event>} is given
 * ({@code cpu}, {@code itimer} where perf events are not allowed, {@code alloc}, {@code wall}, {@code lock}), writing
 * the phase's stacks in collapsed form (one line per stack, {@code frame;frame;... count}: grep it, or feed it to a
 * flame graph) to {@code target/benchmarks/<phase>-<event>.collapsed}.
 *
 * <p>async-profiler (tools.profiler:async-profiler, with its native library inside the jar) is on the classpath only in
 * the {@code benchmark} Maven profile; it is reached by reflection so that the test suite compiles without it.
 */
public final class PhaseProfiler {

    private final Object profiler;
    private final String event;
    private final Path output;

    private PhaseProfiler(Object profiler, String event, Path output) {
        this.profiler = profiler;
        this.event = event;
        this.output = output;
    }

    /** A running profile of the phase, or null when {@code bench.profile} is not set. */
    public static PhaseProfiler start(String phase, Path outputDir) throws Exception {
        String event = System.getProperty("bench.profile", "");
        if (event.isBlank()) {
            return null;
        }
        Object profiler = Class.forName("one.profiler.AsyncProfiler").getMethod("getInstance").invoke(null);
        String interval = "alloc".equals(event) ? "" : ",interval=" + System.getProperty("bench.profile.interval", "1ms");
        execute(profiler, "start,event=" + event + interval + ",threads");
        return new PhaseProfiler(profiler, event, outputDir.resolve(phase + "-" + event + ".collapsed"));
    }

    /** Stops the profile and writes it; returns the file. */
    public Path stop() throws Exception {
        execute(profiler, "stop");
        String collapsed = execute(profiler, "collapsed");
        Files.createDirectories(output.getParent());
        Files.writeString(output, collapsed);
        System.out.println("Profile (" + event + ") of the phase: " + output.toAbsolutePath());
        return output;
    }

    private static String execute(Object profiler, String command) throws Exception {
        try {
            return (String) profiler.getClass().getMethod("execute", String.class).invoke(profiler, command);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof IOException io ? io : new IllegalStateException("async-profiler: " + command, e.getCause());
        }
    }
}
