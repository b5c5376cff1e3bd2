package mangaassist.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.regex.Pattern;

import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.bedrock.EmulatorControl;
import mangaassist.chat.overload.ChatWorkQueue;
import mangaassist.support.Chromium;
import mangaassist.support.FlowTest;
import mangaassist.support.RequiresChromium;
import mangaassist.support.WebSocketTestClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The chat page in a real browser: a headless Chromium driven by Selenium through its chromedriver, both found on the
 * PATH (Debian's; paths set explicitly, so Selenium Manager never downloads anything), against the whole application
 * on the embedded stack. The Bedrock emulator is slowed down so the streaming is visible. Where no Chromium is found
 * the browser test is skipped, unless CI=true ({@link RequiresChromium}).
 */
@FlowTest
class ChatPageBrowserTest {

    static final Path SCREENSHOT = Path.of("target", "chat-page.png");
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration FIRST_TOKEN = Duration.ofMillis(50);
    private static final Duration PER_TOKEN = Duration.ofMillis(10);
    private static final Pattern KANA = Pattern.compile("[\\p{IsHiragana}\\p{IsKatakana}]");
    private static final String QUESTION = "ワンピースについて教えてください";

    @LocalServerPort
    int port;
    @Value("${mangaassist.chat.websocket.port}")
    int websocketPort;
    @Autowired
    TestRestTemplate http;
    @Autowired
    ChatWorkQueue queue;

    EmulatorControl bedrock;
    WebSocketTestClient other;
    ChromeDriver driver;
    Path profile;

    /** Chromium through its chromedriver; reached without them only where CI=true, and then it fails. */
    private void startBrowser() throws IOException {
        Chromium chromium = Chromium.find().orElseThrow(() -> new AssertionError(
                "CI=true requires the chat page's browser test, but there is " + Chromium.missing()
                        + " (.ci/run installs them on a fresh machine)"));
        profile = Files.createTempDirectory("chat-page-chromium-");
        driver = chromium.start(profile, "--window-size=1024,900", "--lang=ja");
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    }

    @AfterEach
    void closeBrowser() throws IOException {
        queue.restoreSettings();
        if (other != null) {
            other.close();
        }
        if (bedrock != null) {
            bedrock.reset();
        }
        Chromium.close(driver, profile);
    }

    @Test
    void configTellsThePageTheWebSocketOnTheHostItWasAskedFor() {
        JsonNode config = http.getForObject("/api/chat/config", JsonNode.class);
        assertThat(config.path("websocketUrl").asText()).isEqualTo("ws://localhost:" + websocketPort + "/chat");
    }

    @Test
    @RequiresChromium
    void aJapaneseQuestionIsAnsweredStreamingThenWithItsModelLatencyAndCacheLine() throws IOException {
        // slow enough to see the answer grow, fast enough for the whole stream (~160 tokens for this
        // question) to end well inside mangaassist.chat.time-budget (3 s): at 40 ms a token it would not
        bedrock = EmbeddedStack.shared().bedrock().control().reset()
                .latency(FIRST_TOKEN, PER_TOKEN);
        startBrowser();
        driver.get("http://localhost:" + port + "/");
        WebDriverWait wait = new WebDriverWait(driver, WAIT, POLL);
        wait.until(ExpectedConditions.attributeToBe(testId("connection-status"), "data-state", "open"));
        assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("ja");

        new Select(driver.findElement(testId("language-select"))).selectByValue("ja");
        WebElement input = driver.findElement(testId("message-input"));
        input.sendKeys(QUESTION);
        input.sendKeys(Keys.ENTER);

        // the answer grows as partial frames arrive...
        By answer = By.cssSelector("[data-testid=assistant-message]");
        WebElement streaming = wait.until(d -> {
            WebElement a = d.findElement(answer);
            return "streaming".equals(a.getAttribute("data-status"))
                    && !a.findElement(testId("answer-text")).getText().isBlank() ? a : null;
        });
        String partial = streaming.findElement(testId("answer-text")).getText();
        assertThat(driver.findElements(testId("answer-meta"))).as("no metadata while streaming").isEmpty();

        // ...then the final message replaces it, with the metadata line under it
        WebElement meta;
        try {
            meta = wait.until(ExpectedConditions.visibilityOfElementLocated(testId("answer-meta")));
        } catch (RuntimeException e) {
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), Path.of("target", "chat-page-failed.png"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(Path.of("target", "chat-page-failed.html"), driver.getPageSource());
            throw e;
        }
        WebElement done = driver.findElement(answer);
        String text = done.findElement(testId("answer-text")).getText();
        assertThat(done.getAttribute("data-status")).isEqualTo("final");
        assertThat(done.getAttribute("lang")).isEqualTo("ja");
        assertThat(text).containsPattern(KANA).startsWith(partial).hasSizeGreaterThan(partial.length());
        assertThat(meta.findElement(testId("meta-model")).getText()).contains("claude");
        assertThat(meta.findElement(testId("meta-latency")).getText()).containsPattern("latencyMs: \\d+");
        assertThat(meta.findElement(testId("meta-cached")).getText()).isEqualTo("cached: false");
        assertThat(driver.findElements(testId("error-message"))).isEmpty();
        assertThat(driver.findElement(testId("user-text")).getText()).isEqualTo(QUESTION);

        Files.createDirectories(SCREENSHOT.getParent());
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    @RequiresChromium
    void aBusyServerIsToldAndTheMessageIsSentAgainAfterItsHint() throws IOException {
        // saturated: the only worker busy with another client's slow answer, no room to wait
        bedrock = EmbeddedStack.shared().bedrock().control().reset().latency(Duration.ofMillis(1000), PER_TOKEN);
        queue.setWorkers(1);
        queue.setQueueCapacity(0);
        startBrowser();
        driver.get("http://localhost:" + port + "/");
        WebDriverWait wait = new WebDriverWait(driver, WAIT, POLL);
        wait.until(ExpectedConditions.attributeToBe(testId("connection-status"), "data-state", "open"));
        other = WebSocketTestClient.connect("ws://127.0.0.1:" + websocketPort + "/chat");
        other.send(ChatFlowTest.message("browser-busy-" + System.nanoTime(), "Any manga about chess?", "fast").toString());
        Awaitility.await().atMost(WAIT).until(() -> queue.load().inService() == 1);

        WebElement input = driver.findElement(testId("message-input"));
        input.sendKeys("将棋の漫画を教えてください");
        input.sendKeys(Keys.ENTER);

        // refused: the page says it is busy and will send again, no error shown
        WebElement busy = wait.until(ExpectedConditions.visibilityOfElementLocated(testId("busy-message")));
        assertThat(busy.getText()).contains("混み合っています").contains("再送");
        By answer = By.cssSelector("[data-testid=assistant-message]");
        assertThat(driver.findElement(answer).getAttribute("data-status")).isEqualTo("busy");
        assertThat(driver.findElements(testId("error-message"))).isEmpty();

        // room again: the page's own retry, after the hint, is answered
        queue.restoreSettings();
        bedrock.latency(FIRST_TOKEN, PER_TOKEN);
        wait.until(ExpectedConditions.visibilityOfElementLocated(testId("answer-meta")));
        WebElement done = driver.findElement(answer);
        assertThat(done.getAttribute("data-status")).isEqualTo("final");
        assertThat(Integer.parseInt(done.getAttribute("data-retries"))).isBetween(1, 2);
        assertThat(done.findElement(testId("answer-text")).getText()).containsPattern(KANA);
        assertThat(driver.findElements(testId("busy-message"))).isEmpty();
        assertThat(driver.findElements(testId("error-message"))).isEmpty();
    }

    private static By testId(String id) {
        return By.cssSelector("[data-testid=" + id + "]");
    }
}
