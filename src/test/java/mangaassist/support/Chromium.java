package mangaassist.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.LoggerFactory;

/**
 * A headless Chromium and its chromedriver for browser tests, found on the PATH (Debian's {@code chromium} and
 * {@code chromedriver}), so that Selenium Manager never downloads a browser.
 */
public record Chromium(Path browser, Path driver) {

    public static final String INSTALL = "apt-get install -y chromium chromium-driver fonts-noto-cjk";
    /** Where the browser test is required: CI services set CI=true, and so does .ci/run. */
    static final String CI = "CI";
    private static final List<String> BROWSERS = List.of("chromium", "chromium-browser");
    private static final String DRIVER = "chromedriver";

    /** The browser and driver on this machine's PATH, if both are there. */
    public static Optional<Chromium> find() {
        return find(System.getenv("PATH"));
    }

    static Optional<Chromium> find(String path) {
        List<Path> dirs = path == null ? List.of()
                : Arrays.stream(path.split(File.pathSeparator)).filter(d -> !d.isBlank()).map(Path::of).toList();
        Optional<Path> browser = BROWSERS.stream().map(name -> executable(dirs, name)).flatMap(Optional::stream)
                .findFirst();
        Optional<Path> driver = executable(dirs, DRIVER);
        return browser.isPresent() && driver.isPresent()
                ? Optional.of(new Chromium(browser.get(), driver.get())) : Optional.empty();
    }

    private static Optional<Path> executable(List<Path> dirs, String name) {
        return dirs.stream().map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
    }

    /**
     * A headless browser with its own profile folder ({@code profile}), its driver on a free port; {@code arguments}
     * add to the headless defaults (window size, language). The caller quits it.
     */
    public ChromeDriver start(Path profile, String... arguments) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile);
        options.addArguments(arguments);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /** Quits the browser and deletes its profile folder; either may be null (the test did not get that far). */
    public static void close(ChromeDriver driver, Path profile) throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** Why a browser test cannot run here, and how to fix it. */
    public static String missing() {
        return "no chromium and chromedriver on the PATH. Install them with: " + INSTALL;
    }

    /**
     * Runs a browser test where Chromium is found, requires it (the test then fails, saying what is missing) where
     * CI=true, and skips it elsewhere with one line saying how to install it: a JDK alone runs the test suite.
     */
    public static final class Condition implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            ConditionEvaluationResult result = evaluate(find(), System.getenv());
            if (result.isDisabled()) {
                LoggerFactory.getLogger(Chromium.class).warn("{}: {}", context.getDisplayName(),
                        result.getReason().orElseThrow());
            }
            return result;
        }

        static ConditionEvaluationResult evaluate(Optional<Chromium> found, Map<String, String> env) {
            if (found.isPresent()) {
                return ConditionEvaluationResult.enabled("Chromium: " + found.get());
            }
            if ("true".equalsIgnoreCase(Objects.requireNonNullElse(env.get(CI), "").trim())) {
                return ConditionEvaluationResult.enabled("CI=true: the browser test is required, and fails without Chromium");
            }
            return ConditionEvaluationResult.disabled("Browser test skipped: " + missing()
                    + " (with CI=true it fails instead)");
        }
    }
}
