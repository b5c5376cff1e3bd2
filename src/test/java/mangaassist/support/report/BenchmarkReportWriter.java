package mangaassist.support.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;

import mangaassist.support.BenchmarkOutput;
import mangaassist.support.Chromium;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The last step of the one-command benchmark run ({@code ./mvnw test -Pbenchmark-report}): the report of the files the
 * benchmarks of this JVM wrote (an earlier run's are left out), and its screenshot in headless Chromium
 * ({@code target/benchmarks/report.png}). Ordered after every benchmark class (the profile orders classes by
 * {@link Order}; the benchmarks have none). It fails only if the report cannot be written or rendered: the figures
 * and their verdicts are in the report.
 */
@Tag("benchmark")
@Order(Integer.MAX_VALUE)
class BenchmarkReportWriter {

    @Test
    void writesTheReportAndItsScreenshot() throws IOException {
        Path dir = BenchmarkOutput.dir();
        Instant jvmStart = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        BenchmarkReport report = BenchmarkReport.read(dir, jvmStart);
        Path html = report.write(dir);
        System.out.println("\n==================== MangaAssist benchmark report ====================\n" + report.text()
                + "Written: " + html.toAbsolutePath() + " and report.json");

        Chromium chromium = Chromium.find().orElseThrow(() -> new AssertionError(
                "the report's screenshot needs " + Chromium.missing()));
        Path profile = Files.createTempDirectory("benchmark-report-chromium-");
        ChromeDriver driver = chromium.start(profile, "--window-size=1280,900");
        try {
            driver.get(html.toAbsolutePath().toUri().toString());
            // the whole page in one picture: the viewport as tall as the page (the window's size counts its frame)
            long height = (Long) driver.executeScript("return document.documentElement.scrollHeight");
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 1280,
                    "height", Math.min(8000, height), "deviceScaleFactor", 1, "mobile", false));
            assertThat(driver.findElements(org.openqa.selenium.By.cssSelector("tbody tr")))
                    .hasSize(BenchmarkReport.TARGETS.size());
            Path png = dir.resolve("report.png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), png, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("Screenshot: " + png.toAbsolutePath());
        } finally {
            driver.quit();
        }
    }
}
