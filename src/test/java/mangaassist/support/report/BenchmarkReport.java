package mangaassist.support.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.support.BenchmarkOutput;

/**
 * The one-page benchmark report: every issue's target against the figure the benchmarks wrote under
 * target/benchmarks (met / not met / no data), with the machine, its load average and the CPU per unit next to each
 * figure, and inline SVG charts (latency histograms, ERP calls per second, CDC lag over time). Writes report.json and a
 * self-contained report.html (no script, nothing fetched).
 */
public final class BenchmarkReport {

    public enum Verdict { MET, NOT_MET, NO_DATA, INFO }

    /** Where a benchmark phase keeps its throughput, CPU per unit and load average (JSON pointers). */
    record Phase(List<String> files, String throughput, String throughputUnit, String cpuMs, String cpuUnit,
                 String loadStart, String loadEnd) {

        static Phase cpuMeter(String file, String base, String throughput, String throughputUnit, String unit) {
            return new Phase(List.of(file), base + throughput, throughputUnit, base + "/cpu/cpuMsPer" + unit,
                    unit.toLowerCase(Locale.ROOT), base + "/cpu/systemLoadAverageAtStart",
                    base + "/cpu/systemLoadAverageAtEnd");
        }
    }

    /** One issue target: the figure at {@code pointer} (times {@code scale}) against {@code limit} ({@code op}). */
    record Target(String issue, String flow, String figure, Phase phase, String pointer, double scale, String unit,
                  String op, Double limit) {
    }

    /** A row of the table. */
    public record Row(Target target, String file, Double actual, Verdict verdict, Double throughput, Double cpuMs,
                      Double loadStart, Double loadEnd) {
    }

    static final String INVENTORY = "inventory-benchmark.json";
    static final String CHAT = "chat-benchmark-saturated.json";
    static final String CHAT_PACED = "chat-benchmark-paced.json";
    static final String CHAT_BURST = "chat-burst-benchmark.json";
    static final String ENRICHMENT = "enrichment-benchmark.json";
    static final String CDC = "catalog-cdc-benchmark.json";
    static final String SYNC = "catalog-sync-benchmark.json";
    static final String EVENTS = "inventory-events-benchmark.json";
    static final List<String> FILES = List.of(INVENTORY, CHAT, CHAT_PACED, CHAT_BURST, ENRICHMENT, CDC, SYNC, EVENTS);

    static final Phase INVENTORY_DISTINCT = Phase.cpuMeter(INVENTORY, "/phases/distinct", "/lookupsPerS", "lookups/s",
            "Lookup");
    static final Phase CHAT_MEASURED = new Phase(List.of(CHAT_PACED, CHAT), "/measured/throughputAnswersPerSecond",
            "answers/s", "/measured/processCpuMsPerAnswer", "answer", "/measured/systemLoadAverageAtStart",
            "/measured/systemLoadAverageAtEnd");
    static final Phase ENRICHMENT_ZERO = Phase.cpuMeter(ENRICHMENT, "/phases/zero-latency", "/endToEndJobsPerS",
            "jobs/s", "Job");
    static final Phase ENRICHMENT_LATENCY = Phase.cpuMeter(ENRICHMENT, "/phases/model-latency", "/endToEndJobsPerS",
            "jobs/s", "Job");
    static final Phase CDC_MEASURED = Phase.cpuMeter(CDC, "/measured", "/changesPerSecond", "changes/s", "Change");
    static final Phase SYNC_LARGE = Phase.cpuMeter(SYNC, "/phases/1", "/linesPerSecond", "lines/s", "Line");
    static final Phase EVENTS_MEASURED = Phase.cpuMeter(EVENTS, "/measured", "/changesPerSecondSeen", "changes/s",
            "Change");
    static final Phase BURST = new Phase(List.of(CHAT_BURST), "/drain/answersPerSecond", "answers/s",
            "/cpu/cpuMsPerAnswer", "answer", "/cpu/systemLoadAverageAtStart", "/cpu/systemLoadAverageAtEnd");

    /** The issues' targets, in the issues' words (#16 inventory, #17 chat, #18 enrichment, #19 catalog, #20, #24). */
    static final List<Target> TARGETS = List.of(
            new Target("#16", "inventory", "distinct lookups/s (1,000 in flight, ERP p50 300 / p99 800 ms)",
                    INVENTORY_DISTINCT, "/phases/distinct/lookupsPerS", 1, "lookups/s", ">=", 900.0),
            new Target("#16", "inventory", "CPU per distinct lookup (warm)", INVENTORY_DISTINCT,
                    "/phases/distinct/cpu/warmCpuMsPerLookup", 1, "ms", "<=", 1.0),
            new Target("#16", "inventory", "ERP refusals, share of calls", INVENTORY_DISTINCT,
                    "/phases/distinct/targets/refusedShare/actual", 100, "%", "<=", 0.1),
            new Target("#16", "inventory", "failed lookups", INVENTORY_DISTINCT, "/phases/distinct/unexpected/count", 1,
                    "", "<=", 0.0),
            new Target("#17", "chat", "integration overhead p99 (server)", CHAT_MEASURED,
                    "/latencyMs/integrationOverheadServer/p99", 1, "ms", "<=", 10.0),
            new Target("#17", "chat", "cache hit p99 (server)", CHAT_MEASURED, "/latencyMs/cacheHitServer/p99", 1, "ms",
                    "<=", 5.0),
            new Target("#18", "enrichment", "end-to-end jobs/s, model at 0 ms", ENRICHMENT_ZERO,
                    "/phases/zero-latency/endToEndJobsPerS", 1, "jobs/s", ">=", 500.0),
            new Target("#18", "enrichment", "efficiency at 800 ms model latency", ENRICHMENT_LATENCY,
                    "/phases/model-latency/efficiency", 100, "%", ">=", 90.0),
            new Target("#19", "catalog-cdc", "CDC lag p99, DynamoDB write → searchable", CDC_MEASURED,
                    "/measured/lagP99Seconds", 1, "s", "<=", 2.0),
            new Target("#19", "catalog-sync", "full sync, lines/s (the larger export)", SYNC_LARGE,
                    "/phases/1/linesPerSecond", 1, "lines/s", null, null),
            new Target("#19", "catalog-sync", "heap after GC, larger export (flat: as the smaller's)", SYNC_LARGE,
                    "/phases/1/heap/maxAfterGcMb", 1, "MB", null, null),
            new Target("#20", "inventory-events", "stock change p99 until API and product table show it",
                    EVENTS_MEASURED, "/measured/both/p99Ms", 0.001, "s", "<=", 2.0),
            new Target("#24", "chat", "refused (OVERLOADED) p99, send → error frame", BURST, "/latencyMs/refused/p99", 1,
                    "ms", "<=", 50.0),
            new Target("#24", "chat", "burst answered late", BURST, "/outcome/answeredLate", 1, "", "<=", 0.0),
            new Target("#24", "chat", "burst errors", BURST, "/outcome/errors", 1, "", "<=", 0.0));

    private final Map<String, JsonNode> benchmarks;
    private final Map<String, String> sources;
    private final Instant generated;
    private final double loadAverage;

    BenchmarkReport(Map<String, JsonNode> benchmarks, Map<String, String> sources, Instant generated,
                    double loadAverage) {
        this.benchmarks = benchmarks;
        this.sources = sources;
        this.generated = generated;
        this.loadAverage = loadAverage;
    }

    /** The benchmarks' files in {@code dir} written at or after {@code since} (older ones are another run's). */
    public static BenchmarkReport read(Path dir, Instant since) throws IOException {
        Map<String, JsonNode> benchmarks = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (String file : FILES) {
            Path path = dir.resolve(file);
            if (!Files.isRegularFile(path)) {
                sources.put(file, "missing");
            } else if (Files.getLastModifiedTime(path).toInstant().isBefore(since)) {
                sources.put(file, "left out: written before this run (" + Files.getLastModifiedTime(path) + ")");
            } else {
                benchmarks.put(file, BenchmarkOutput.JSON.readTree(path.toFile()));
                sources.put(file, "read");
            }
        }
        return new BenchmarkReport(benchmarks, sources, Instant.now(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Target t : TARGETS) {
            String file = t.phase().files().stream().filter(benchmarks::containsKey).findFirst().orElse(null);
            JsonNode root = file == null ? null : benchmarks.get(file);
            Double actual = number(root, t.pointer());
            actual = actual == null ? null : actual * t.scale();
            Verdict verdict = actual == null ? Verdict.NO_DATA : t.limit() == null ? Verdict.INFO
                    : (">=".equals(t.op()) ? actual >= t.limit() : actual <= t.limit()) ? Verdict.MET : Verdict.NOT_MET;
            rows.add(new Row(t, file, actual, verdict, number(root, t.phase().throughput()),
                    number(root, t.phase().cpuMs()), number(root, t.phase().loadStart()),
                    number(root, t.phase().loadEnd())));
        }
        return rows;
    }

    /** Chart title → inline SVG, or null where the benchmark wrote no such series. */
    public Map<String, String> charts() {
        Map<String, String> charts = new LinkedHashMap<>();
        JsonNode chat = benchmarks.containsKey(CHAT_PACED) ? benchmarks.get(CHAT_PACED) : benchmarks.get(CHAT);
        charts.put("Chat: integration overhead (server), ms", histogram("Chat: integration overhead (server)", chat,
                "/latencyMs/integrationOverheadServer/histogram"));
        charts.put("Chat: cache hit (server), ms", histogram("Chat: cache hit (server)", chat,
                "/latencyMs/cacheHitServer/histogram"));
        charts.put("Inventory: distinct lookup latency (client), ms", histogram("Inventory: distinct lookups (client)",
                benchmarks.get(INVENTORY), "/phases/distinct/latencyMs/histogram"));
        charts.put("Inventory events: change → API and table, ms", histogram("Inventory events: change → both show it",
                benchmarks.get(EVENTS), "/measured/both/histogram"));

        JsonNode inventory = benchmarks.get(INVENTORY);
        Map<String, double[]> erp = new LinkedHashMap<>();
        for (String phase : List.of("distinct", "skewed", "baseline")) {
            double[] series = series(inventory, "/phases/" + phase + "/erp/callsPerSecond");
            if (series != null) {
                erp.put(phase, series);
            }
        }
        Double limit = number(inventory, "/contexts/coalesced/erpRateLimitPerS");
        charts.put("ERP calls per second (inventory phases)", erp.isEmpty() ? null
                : Svg.lines("ERP calls per second, as the simulator counted them", "second of the phase", "calls/s",
                        erp, limit == null ? 50.0 : limit, "ERP limit"));

        JsonNode cdc = benchmarks.get(CDC);
        Map<String, double[]> lag = new LinkedHashMap<>();
        for (String s : List.of("p50Seconds", "p99Seconds", "maxSeconds")) {
            double[] series = series(cdc, "/measured/lagBySecond/" + s);
            if (series != null) {
                lag.put(s.replace("Seconds", ""), series);
            }
        }
        charts.put("CDC lag over time (by second of the write), s", lag.isEmpty() ? null
                : Svg.lines("CDC lag, write → searchable, by second of the write", "second of the measured phase", "s",
                        lag, 2.0, "target p99 2 s"));
        return charts;
    }

    public ObjectNode json() {
        ObjectNode report = BenchmarkOutput.JSON.createObjectNode();
        report.put("generated", generated.toString());
        report.set("machine", machine());
        report.put("systemLoadAverageAtReport", round(loadAverage));
        ArrayNode rows = report.putArray("rows");
        for (Row r : rows()) {
            ObjectNode row = rows.addObject();
            row.put("issue", r.target().issue());
            row.put("flow", r.target().flow());
            row.put("figure", r.target().figure());
            row.put("target", target(r.target()));
            putNumber(row, "actual", r.actual());
            row.put("unit", r.target().unit());
            row.put("verdict", r.verdict().name());
            putNumber(row, "throughput", r.throughput());
            row.put("throughputUnit", r.target().phase().throughputUnit());
            putNumber(row, "cpuMsPerUnit", r.cpuMs());
            row.put("cpuUnit", r.target().phase().cpuUnit());
            putNumber(row, "systemLoadAverageAtStart", r.loadStart());
            putNumber(row, "systemLoadAverageAtEnd", r.loadEnd());
            row.put("source", r.file());
        }
        ObjectNode files = report.putObject("sources");
        sources.forEach(files::put);
        ArrayNode charts = report.putArray("charts");
        charts().forEach((title, svg) -> charts.addObject().put("title", title).put("drawn", svg != null));
        return report;
    }

    public String html() {
        JsonNode m = machine();
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>MangaAssist benchmark report</title>\n<style>\n").append(CSS).append("</style>\n")
                .append("</head>\n<body>\n<h1>MangaAssist benchmark report</h1>\n");
        b.append("<p class=\"machine\">").append(esc(String.format(Locale.ROOT, "%s · %d cores · %s · heap %s MB · "
                + "load average %s when the report was written · %s", generated, m.path("availableProcessors").asInt(),
                m.path("java").asText("?"), m.path("maxHeapMb").asText("?"), fmt(loadAverage), m.path("os").asText("?"))))
                .append("</p>\n");
        String note = m.path("note").asText("").strip();
        b.append("<p class=\"note\">").append(esc(note.isEmpty() || note.endsWith(".") ? note : note + "."))
                .append(" Figures from one run on this machine; compare runs only at a like load average.</p>\n");
        b.append("<table>\n<thead><tr><th>issue</th><th>flow</th><th>figure</th><th>target</th><th>actual</th>"
                + "<th>verdict</th><th>throughput</th><th>CPU per unit</th><th>load average</th></tr></thead>\n<tbody>\n");
        for (Row r : rows()) {
            Target t = r.target();
            b.append("<tr class=\"").append(r.verdict().name().toLowerCase(Locale.ROOT)).append("\"><td>")
                    .append(esc(t.issue())).append("</td><td>").append(esc(t.flow())).append("</td><td>")
                    .append(esc(t.figure())).append("</td><td>").append(esc(target(t))).append("</td><td class=\"num\">")
                    .append(r.actual() == null ? "–" : esc(fmt(r.actual()) + (t.unit().isEmpty() ? "" : " " + t.unit())))
                    .append("</td><td class=\"verdict\">").append(verdict(r.verdict())).append("</td><td class=\"num\">")
                    .append(r.throughput() == null ? "–" : esc(fmt(r.throughput()) + " " + t.phase().throughputUnit()))
                    .append("</td><td class=\"num\">")
                    .append(r.cpuMs() == null ? "–" : esc(fmt(r.cpuMs()) + " ms/" + t.phase().cpuUnit()))
                    .append("</td><td class=\"num\">").append(r.loadStart() == null ? "–"
                            : esc(fmt(r.loadStart()) + " → " + fmt(r.loadEnd() == null ? r.loadStart() : r.loadEnd())))
                    .append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n<h2>Charts</h2>\n<div class=\"charts\">\n");
        charts().forEach((title, svg) -> b.append("<figure>").append(svg == null
                ? "<div class=\"nodata\">" + esc(title) + ": no data in this run</div>" : svg).append("</figure>\n"));
        b.append("</div>\n<h2>Sources</h2>\n<ul class=\"sources\">\n");
        sources.forEach((file, status) -> b.append("<li><code>").append(esc(file)).append("</code>: ")
                .append(esc(status)).append("</li>\n"));
        b.append("</ul>\n</body>\n</html>\n");
        return b.toString();
    }

    /** Writes report.json and report.html into {@code dir}; returns the HTML file. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.json"), BenchmarkOutput.JSON.writeValueAsString(json()),
                StandardCharsets.UTF_8);
        Path html = dir.resolve("report.html");
        Files.writeString(html, html(), StandardCharsets.UTF_8);
        return html;
    }

    /** The table as text, for the build log. */
    public String text() {
        StringBuilder b = new StringBuilder();
        for (Row r : rows()) {
            Target t = r.target();
            b.append(String.format(Locale.ROOT, "%-4s %-16s %-58s %-14s %12s  %-8s %s%n", t.issue(), t.flow(),
                    t.figure(), target(t), r.actual() == null ? "-" : fmt(r.actual()) + " " + t.unit(),
                    verdict(r.verdict()), r.loadStart() == null ? "" : "load " + fmt(r.loadStart()) + " -> "
                            + fmt(r.loadEnd() == null ? r.loadStart() : r.loadEnd()) + (r.cpuMs() == null ? ""
                            : ", " + fmt(r.cpuMs()) + " ms CPU/" + t.phase().cpuUnit())));
        }
        return b.toString();
    }

    private JsonNode machine() {
        return benchmarks.values().stream().map(j -> j.path("machine")).filter(JsonNode::isObject).findFirst()
                .orElse(BenchmarkOutput.JSON.createObjectNode());
    }

    private static String histogram(String title, JsonNode root, String pointer) {
        JsonNode h = root == null ? null : root.at(pointer);
        if (h == null || !h.path("counts").isArray() || h.path("counts").isEmpty()) {
            return null;
        }
        double[] upper = new double[h.path("upperMs").size()];
        long[] counts = new long[h.path("counts").size()];
        for (int i = 0; i < counts.length; i++) {
            upper[i] = h.path("upperMs").path(i).asDouble();
            counts[i] = h.path("counts").path(i).asLong();
        }
        return Svg.histogram(title, "ms (bucket's upper bound)", upper, counts);
    }

    private static double[] series(JsonNode root, String pointer) {
        JsonNode s = root == null ? null : root.at(pointer);
        if (s == null || !s.isArray() || s.isEmpty()) {
            return null;
        }
        double[] v = new double[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = s.path(i).asDouble();
        }
        return v;
    }

    private static Double number(JsonNode root, String pointer) {
        if (root == null || pointer == null) {
            return null;
        }
        JsonNode n = root.at(pointer);
        return n.isNumber() ? n.asDouble() : null;
    }

    static String target(Target t) {
        return t.limit() == null ? "(no target: shown)"
                : (">=".equals(t.op()) ? "≥ " : "≤ ") + fmt(t.limit()) + (t.unit().isEmpty() ? "" : " " + t.unit());
    }

    static String verdict(Verdict v) {
        return switch (v) {
            case MET -> "met";
            case NOT_MET -> "not met";
            case NO_DATA -> "no data";
            case INFO -> "–";
        };
    }

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.2f" : "%,.1f", v);
    }

    private static void putNumber(ObjectNode node, String field, Double value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static String esc(String s) {
        return Svg.escape(s);
    }

    private static final String CSS = """
            body { font-family: "Noto Sans", "Noto Sans CJK JP", sans-serif; margin: 24px; color: #222; }
            h1 { font-size: 22px; margin: 0 0 6px; } h2 { font-size: 17px; margin-top: 26px; }
            .machine, .note { font-size: 13px; color: #555; margin: 2px 0; }
            table { border-collapse: collapse; font-size: 13px; margin-top: 12px; }
            th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
            th { background: #f2f2f2; } td.num { text-align: right; white-space: nowrap; }
            tr.met td.verdict { background: #d8f0dc; color: #1b5e20; font-weight: bold; }
            tr.not_met td.verdict { background: #f9d6d5; color: #8e1b16; font-weight: bold; }
            tr.no_data td.verdict { background: #eee; color: #666; }
            .charts { display: flex; flex-wrap: wrap; gap: 12px; }
            figure { margin: 0; border: 1px solid #ddd; }
            svg text { font-size: 11px; fill: #333; }
            .nodata { width: 560px; height: 60px; display: flex; align-items: center; justify-content: center; color: #777; }
            .sources { font-size: 12px; color: #555; }
            """;
}
