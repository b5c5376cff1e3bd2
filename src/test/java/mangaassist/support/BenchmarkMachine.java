package mangaassist.support;

import java.lang.management.ManagementFactory;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The machine a benchmark ran on, for its report: figures mean little without it. */
public final class BenchmarkMachine {

    private BenchmarkMachine() {
    }

    /** Adds {@code machine}: processors, JVM, OS, heap, JVM arguments, and what shared the machine ({@code note}). */
    public static ObjectNode describe(ObjectNode report, String note) {
        ObjectNode machine = report.putObject("machine");
        machine.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        machine.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        machine.put("jvmArgs", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        machine.put("note", note);
        return machine;
    }
}
