package mangaassist.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What every benchmark writes the same way, so that the report ({@code mangaassist.support.report}) reads one shape:
 * the output folder, the files, nearest-rank percentiles, latency histograms and per-second series.
 */
public final class BenchmarkOutput {

    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Upper bounds (ms) of the latency histograms' buckets, from 0.1 ms to 800 s, the same everywhere. */
    static final double[] BUCKET_UPPER_MS = buckets();

    private BenchmarkOutput() {
    }

    /** {@code bench.output}: target/benchmarks under Maven. */
    public static Path dir() {
        return Path.of(System.getProperty("bench.output", "target/benchmarks"));
    }

    /** Writes {@code <name>.json} and, if {@code text} is given, {@code <name>.txt}; returns the JSON file. */
    public static Path write(String name, ObjectNode report, String text) throws IOException {
        Path dir = dir();
        Files.createDirectories(dir);
        Path json = dir.resolve(name + ".json");
        Files.writeString(json, JSON.writeValueAsString(report), StandardCharsets.UTF_8);
        if (text != null) {
            Files.writeString(dir.resolve(name + ".txt"), text, StandardCharsets.UTF_8);
        }
        return json;
    }

    /** Nearest rank: the smallest sample with at least {@code p} % of the samples at or below it. */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    /** Samples in ms, sorted, from samples in units of {@code perMs} (1e6 for ns). */
    public static double[] sortedMs(Collection<? extends Number> samples, double perMs) {
        return samples.stream().mapToDouble(n -> n.doubleValue() / perMs).sorted().toArray();
    }

    /**
     * The latency histogram the report draws: {@code upperMs} (each bucket's upper bound; the first bucket from 0)
     * and {@code counts}, leading and trailing empty buckets left out.
     */
    public static ObjectNode histogram(double[] ms) {
        long[] counts = new long[BUCKET_UPPER_MS.length];
        for (double v : ms) {
            int i = Arrays.binarySearch(BUCKET_UPPER_MS, v);
            counts[Math.min(counts.length - 1, i >= 0 ? i : -i - 1)]++;
        }
        int first = 0;
        int last = counts.length - 1;
        while (first < last && counts[first] == 0) {
            first++;
        }
        while (last > first && counts[last] == 0) {
            last--;
        }
        ObjectNode node = JSON.createObjectNode();
        ArrayNode upper = node.putArray("upperMs");
        ArrayNode n = node.putArray("counts");
        for (int i = first; ms.length > 0 && i <= last; i++) {
            upper.add(BUCKET_UPPER_MS[i]);
            n.add(counts[i]);
        }
        return node;
    }

    /** Events per second since {@code startNanos} (index = second), from their {@code System.nanoTime()}s. */
    public static ArrayNode perSecond(long startNanos, long[] eventNanos) {
        int seconds = 0;
        for (long t : eventNanos) {
            seconds = Math.max(seconds, (int) ((t - startNanos) / 1_000_000_000L) + 1);
        }
        long[] counts = new long[seconds];
        for (long t : eventNanos) {
            if (t >= startNanos) {
                counts[(int) ((t - startNanos) / 1_000_000_000L)]++;
            }
        }
        ArrayNode node = JSON.createArrayNode();
        Arrays.stream(counts).forEach(node::add);
        return node;
    }

    /** Renard's R10 steps: ten buckets a decade, each about 1.26 times the last. */
    private static double[] buckets() {
        double[] steps = {1, 1.25, 1.6, 2, 2.5, 3.15, 4, 5, 6.3, 8};
        double[] upper = new double[steps.length * 7];
        for (int decade = 0; decade < 7; decade++) {
            for (int s = 0; s < steps.length; s++) {
                // rounded: 1.25 * 0.1 is 0.125, not 0.12500000000000003
                upper[decade * steps.length + s] = Math.round(steps[s] * Math.pow(10, decade + 3)) / 1e4;
            }
        }
        return upper;
    }
}
