package mangaassist.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.io.TempDir;

/** Where the browser test runs: with Chromium found, or required by CI=true; skipped, saying how to install, elsewhere. */
class ChromiumTest {

    @TempDir
    Path dir;

    @Test
    void foundWhenBrowserAndDriverAreExecutablesOnThePath() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path browser = executable(bin.resolve("chromium-browser"));
        Path driver = executable(bin.resolve("chromedriver"));

        assertThat(Chromium.find(empty + File.pathSeparator + bin)).contains(new Chromium(browser, driver));
        assertThat(Chromium.find(empty.toString())).isEmpty();
        assertThat(Chromium.find(null)).isEmpty();
    }

    @Test
    void aBrowserWithoutItsDriverIsNotEnough() throws IOException {
        executable(dir.resolve("chromium"));
        assertThat(Chromium.find(dir.toString())).isEmpty();
    }

    @Test
    void runsWhereFoundIsRequiredWithCiAndIsSkippedWithTheInstallCommandElsewhere() {
        Optional<Chromium> found = Optional.of(new Chromium(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromedriver")));
        assertThat(Chromium.Condition.evaluate(found, Map.of()).isDisabled()).isFalse();
        assertThat(Chromium.Condition.evaluate(Optional.empty(), Map.of("CI", "true")).isDisabled())
                .as("CI=true: runs, and fails saying what is missing").isFalse();

        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("CI", "false"))) {
            ConditionEvaluationResult skipped = Chromium.Condition.evaluate(Optional.empty(), env);
            assertThat(skipped.isDisabled()).isTrue();
            assertThat(skipped.getReason()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("apt-get install -y chromium chromium-driver fonts-noto-cjk").doesNotContain("\n"));
        }
    }

    private static Path executable(Path file) throws IOException {
        Files.createFile(file);
        assertThat(file.toFile().setExecutable(true)).isTrue();
        return file;
    }
}
