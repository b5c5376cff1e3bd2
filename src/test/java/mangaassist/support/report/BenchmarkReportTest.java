package mangaassist.support.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import mangaassist.support.BenchmarkOutput;
import mangaassist.support.report.BenchmarkReport.Row;
import mangaassist.support.report.BenchmarkReport.Verdict;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report from small fixture files: its rows against the issues' targets, the verdicts, the charts, the files. */
class BenchmarkReportTest {

    static final String FIXTURES = "/mangaassist/support/report/fixtures/";

    @TempDir
    Path dir;
    Instant runStart;

    @BeforeEach
    void fixtures() throws IOException {
        runStart = Instant.now().minus(1, ChronoUnit.MINUTES);
        for (String file : BenchmarkReport.FILES) {
            try (InputStream in = getClass().getResourceAsStream(FIXTURES + file)) {
                if (in != null) {
                    Files.copy(in, dir.resolve(file));
                }
            }
        }
    }

    @Test
    void eachTargetIsARowWithItsFigureAndVerdict() throws IOException {
        Map<String, Row> rows = rows(BenchmarkReport.read(dir, runStart));

        assertThat(rows).hasSize(BenchmarkReport.TARGETS.size());
        assertRow(rows.get("distinct lookups/s (1,000 in flight, ERP p50 300 / p99 800 ms)"), 905.79, Verdict.MET);
        assertRow(rows.get("CPU per distinct lookup (warm)"), 1.4, Verdict.NOT_MET);
        assertRow(rows.get("ERP refusals, share of calls"), 0.25, Verdict.NOT_MET);
        assertRow(rows.get("failed lookups"), 0.0, Verdict.MET);
        assertRow(rows.get("integration overhead p99 (server)"), 32.67, Verdict.NOT_MET);
        assertRow(rows.get("cache hit p99 (server)"), 4.2, Verdict.MET);
        assertRow(rows.get("end-to-end jobs/s, model at 0 ms"), 512.4, Verdict.MET);
        assertRow(rows.get("efficiency at 800 ms model latency"), 88.0, Verdict.NOT_MET);
        assertRow(rows.get("CDC lag p99, DynamoDB write → searchable"), 2.236, Verdict.NOT_MET);
        assertRow(rows.get("full sync, lines/s (the larger export)"), 1210.0, Verdict.INFO);
        assertRow(rows.get("stock change p99 until API and product table show it"), 0.45, Verdict.MET);
        assertThat(rows.get("refused (OVERLOADED) p99, send → error frame").verdict())
                .as("no refusal in the burst: no p99 to judge").isEqualTo(Verdict.NO_DATA);
        assertRow(rows.get("burst answered late"), 0.0, Verdict.MET);

        Row throughput = rows.get("distinct lookups/s (1,000 in flight, ERP p50 300 / p99 800 ms)");
        assertThat(throughput.cpuMs()).isEqualTo(1.7);
        assertThat(throughput.loadStart()).isEqualTo(8.06);
        assertThat(throughput.loadEnd()).isEqualTo(7.29);
        Row chat = rows.get("cache hit p99 (server)");
        assertThat(chat.throughput()).isEqualTo(120.5);
        assertThat(chat.cpuMs()).isEqualTo(9.1);
        assertThat(chat.loadStart()).isEqualTo(5.5);
    }

    @Test
    void chatsTargetsAreJudgedOnThePacedRunWhenThereIsOne() throws IOException {
        // #17's targets are for a load the machine sustains (paced); the saturated run measures queueing as well
        Files.writeString(dir.resolve(BenchmarkReport.CHAT_PACED), """
                {"machine": {"availableProcessors": 2}, "measured": {"throughputAnswersPerSecond": 38.2,
                 "processCpuMsPerAnswer": 17.1, "systemLoadAverageAtStart": 1.2, "systemLoadAverageAtEnd": 1.4},
                 "latencyMs": {"integrationOverheadServer": {"p99": 9.4, "histogram": {"upperMs": [5, 10], "counts": [90, 10]}},
                 "cacheHitServer": {"p99": 5.3, "histogram": {"upperMs": [5, 10], "counts": [98, 2]}}}}
                """);
        Map<String, Row> rows = rows(BenchmarkReport.read(dir, runStart));

        assertRow(rows.get("integration overhead p99 (server)"), 9.4, Verdict.MET);
        assertRow(rows.get("cache hit p99 (server)"), 5.3, Verdict.NOT_MET);
        assertThat(rows.get("cache hit p99 (server)").file()).isEqualTo(BenchmarkReport.CHAT_PACED);
        assertThat(rows.get("cache hit p99 (server)").throughput()).isEqualTo(38.2);
    }

    @Test
    void aFileFromAnEarlierRunIsLeftOutAndItsRowsHaveNoData() throws IOException {
        Files.setLastModifiedTime(dir.resolve(BenchmarkReport.EVENTS),
                FileTime.from(runStart.minus(1, ChronoUnit.HOURS)));
        Files.delete(dir.resolve(BenchmarkReport.ENRICHMENT));

        BenchmarkReport report = BenchmarkReport.read(dir, runStart);
        Map<String, Row> rows = rows(report);

        assertThat(rows.get("stock change p99 until API and product table show it").verdict()).isEqualTo(Verdict.NO_DATA);
        assertThat(rows.get("end-to-end jobs/s, model at 0 ms").verdict()).isEqualTo(Verdict.NO_DATA);
        JsonNode json = report.json();
        assertThat(json.path("sources").path(BenchmarkReport.EVENTS).asText()).startsWith("left out");
        assertThat(json.path("sources").path(BenchmarkReport.ENRICHMENT).asText()).isEqualTo("missing");
        assertThat(report.charts().get("Inventory events: change → API and table, ms")).isNull();
        assertThat(report.html()).contains("no data in this run");
    }

    @Test
    void writesSelfContainedHtmlWithTheTableAndAnSvgPerChart() throws IOException {
        BenchmarkReport report = BenchmarkReport.read(dir, runStart);
        Path html = report.write(dir);

        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<style>")
                .doesNotContain("<script", "<link", "src=\"http", "href=\"http", "@import");
        assertThat(page.split("<tr class=\"", -1)).hasSize(BenchmarkReport.TARGETS.size() + 1);
        assertThat(page).contains("<tr class=\"met\"><td>#16</td><td>inventory</td>")
                .contains("<td class=\"verdict\">not met</td>")
                .contains("8.06 → 7.29").contains("1.70 ms/lookup");
        Map<String, String> charts = report.charts();
        assertThat(charts).hasSize(6).allSatisfy((title, svg) -> assertThat(svg).as(title).startsWith("<svg").endsWith("</svg>\n"));
        assertThat(charts.values()).allSatisfy(svg -> assertThat(page).contains(svg));
        assertThat(charts.get("Chat: integration overhead (server), ms").split("<rect class=\"bar\"", -1))
                .as("a bar per bucket").hasSize(5);
        assertThat(charts.get("ERP calls per second (inventory phases)")).contains("class=\"limit\"")
                .contains(">distinct<").contains(">skewed<");
        assertThat(charts.get("CDC lag over time (by second of the write), s").split("class=\"series\"", -1)).hasSize(4);

        JsonNode json = BenchmarkOutput.JSON.readTree(dir.resolve("report.json").toFile());
        assertThat(json.path("rows")).hasSize(BenchmarkReport.TARGETS.size());
        assertThat(json.path("rows").path(0).path("verdict").asText()).isEqualTo("MET");
        assertThat(json.path("rows").path(0).path("throughputUnit").asText()).isEqualTo("lookups/s");
        assertThat(json.path("machine").path("availableProcessors").asInt()).isEqualTo(2);
        assertThat(json.path("charts").findValuesAsText("drawn")).containsOnly("true");
    }

    @Test
    void histogramsAndPerSecondSeriesHaveTheShapeTheReportReads() {
        JsonNode h = BenchmarkOutput.histogram(new double[] {0.05, 3, 3.5, 4, 7, 900});
        assertThat(h.path("upperMs").get(0).asDouble()).isEqualTo(0.1);
        assertThat(h.path("counts").get(0).asLong()).isEqualTo(1);
        assertThat(h.path("upperMs").get(h.path("upperMs").size() - 1).asDouble()).isEqualTo(1000);
        assertThat(h.findValues("counts").get(0).size()).isEqualTo(h.path("upperMs").size());
        long total = 0;
        for (JsonNode c : h.path("counts")) {
            total += c.asLong();
        }
        assertThat(total).isEqualTo(6);
        assertThat(BenchmarkOutput.histogram(new double[0]).path("counts")).isEmpty();

        long start = 1_000_000_000L;
        assertThat(BenchmarkOutput.perSecond(start, new long[] {start, start + 10, start + 2_500_000_000L}).toString())
                .isEqualTo("[2,0,1]");
        assertThat(BenchmarkOutput.percentile(new double[] {1, 2, 3, 4}, 50)).isEqualTo(2);
        assertThat(BenchmarkOutput.percentile(new double[] {1, 2, 3, 4}, 99)).isEqualTo(4);
    }

    private static void assertRow(Row row, double actual, Verdict verdict) {
        assertThat(row.actual()).as(row.target().figure()).isCloseTo(actual, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(row.verdict()).as(row.target().figure()).isEqualTo(verdict);
    }

    private static Map<String, Row> rows(BenchmarkReport report) {
        List<Row> rows = report.rows();
        return rows.stream().collect(Collectors.toMap(r -> r.target().figure(), Function.identity()));
    }
}
