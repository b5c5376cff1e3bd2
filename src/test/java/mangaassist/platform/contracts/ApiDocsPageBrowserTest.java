package mangaassist.platform.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.devstack.EmbeddedStack;
import mangaassist.support.Chromium;
import mangaassist.support.DevelopmentKey;
import mangaassist.support.FlowTest;
import mangaassist.support.RequiresChromium;
import mangaassist.support.TestContracts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.InvalidElementStateException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The browsable API page (/api-docs.html, Swagger UI over Camel's OpenAPI document) used as a person would, in a
 * headless Chromium: an operation's "Try it out" → Execute reaches the application and shows its answer; a protected
 * operation without a key shows the 401, and with the key given to "Authorize" (the document's apiKey scheme) it
 * goes through. Skipped where no Chromium is found, unless CI=true ({@link RequiresChromium}).
 */
@FlowTest
@RequiresChromium
class ApiDocsPageBrowserTest {

    static final Path SCREENSHOT = Path.of("target", "api-docs-page.png");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    ChromeDriver driver;
    Path profile;

    @AfterEach
    void closeBrowser() throws IOException {
        Chromium.close(driver, profile);
    }

    @Test
    void tryItOutAnswersAStockLookupAndAProtectedRouteNeedsTheKeyGivenToAuthorize() throws IOException {
        String isbn = EmbeddedStack.shared().erp().catalog().isbnOf("ワンピース", 45).orElseThrow();
        startBrowser();
        driver.get("http://localhost:" + port + "/api-docs.html");
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        try {
            // GET /inventory/{isbn} (the document's server is /api): Try it out → the ISBN → Execute → the 200 JSON
            WebElement lookup = operation(wait, "get", "/inventory/{isbn}");
            JsonNode item = execute(wait, lookup, isbn, 200);
            assertThat(item.path("isbn").asText()).isEqualTo(isbn);
            assertThat(item.path("title").asText()).contains("ワンピース");
            assertThat(item.path("quantityAvailable").isInt()).as(item.toString()).isTrue();
            // what the page shows is the published answer
            assertThat(TestContracts.contracts().violations(item, "inventory-item.v1.json")).isEmpty();

            // GET /dlq/{queue}/flagged needs a key with the dlq scope: without one, the filter's 401 and its JSON error
            WebElement flagged = operation(wait, "get", "/dlq/{queue}/flagged");
            JsonNode refused = execute(wait, flagged, "moderation", 401);
            assertThat(refused.path("code").asText()).isEqualTo("API_KEY_REQUIRED");
            assertThat(refused.toString()).doesNotContain("Exception");

            // the key given to Authorize (scheme apiKey, header X-API-Key): the same call goes through
            authorize(wait, DevelopmentKey.value());
            JsonNode answered = execute(wait, flagged, null, 200);
            assertThat(answered.path("count").isInt()).as(answered.toString()).isTrue();
            assertThat(answered.path("flagged").isArray()).as(answered.toString()).isTrue();
        } catch (RuntimeException | AssertionError e) {
            Files.writeString(Path.of("target", "api-docs-page-failed.html"), driver.getPageSource());
            throw e;
        } finally {
            Files.createDirectories(SCREENSHOT.getParent());
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void startBrowser() throws IOException {
        Chromium chromium = Chromium.find().orElseThrow(() -> new AssertionError(
                "CI=true requires the API page's browser test, but there is " + Chromium.missing()));
        profile = Files.createTempDirectory("api-docs-chromium-");
        driver = chromium.start(profile, "--window-size=1280,2000", "--lang=en");
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    }

    /** The operation's block, opened (its summary clicked), found by its method and path as Swagger UI shows them. */
    private WebElement operation(WebDriverWait wait, String method, String path) {
        By block = By.xpath("//div[contains(@class,'opblock-" + method + "')][.//*[@data-path='" + path + "']]");
        WebElement operation = wait.until(ExpectedConditions.presenceOfElementLocated(block));
        if (!operation.getAttribute("class").contains("is-open")) {
            click(operation.findElement(By.cssSelector("button.opblock-summary-control")));
        }
        return wait.until(d -> {
            WebElement open = d.findElement(block);
            return open.getAttribute("class").contains("is-open") ? open : null;
        });
    }

    /**
     * Try it out, the path parameter typed in (when given), Execute: the live response's status and its body as
     * JSON, once the status shown is the one expected.
     */
    private JsonNode execute(WebDriverWait wait, WebElement operation, String parameter, int status) {
        // "Try it out" until it has taken effect (its button turns into Cancel): a click while the block is still
        // opening is lost, and the fields then stay disabled (seen in CI)
        wait.ignoring(StaleElementReferenceException.class).until(d -> {
            if (!operation.findElements(By.cssSelector("button.try-out__btn.cancel")).isEmpty()) {
                return true;
            }
            operation.findElements(By.cssSelector("button.try-out__btn")).forEach(this::click);
            return false;
        });
        if (parameter != null) {
            // the field is rendered disabled and enabled once "Try it out" has taken effect (a React re-render that can
            // also replace the element): wait until a displayed, enabled field takes the value
            wait.ignoring(InvalidElementStateException.class).ignoring(StaleElementReferenceException.class).until(d -> {
                WebElement input = operation.findElement(By.cssSelector(".parameters input[type=text]"));
                if (!input.isDisplayed() || !input.isEnabled()) {
                    return false;
                }
                input.clear();
                // Swagger UI takes a field's value after a pause in typing, or when it loses focus: Tab, so Execute has it
                input.sendKeys(parameter, Keys.TAB);
                return true;
            });
        }
        // a previous answer's table goes when Execute is pressed again; wait for the new one
        operation.findElements(By.cssSelector("button.btn-clear")).forEach(this::click);
        click(wait.until(d -> operation.findElement(By.cssSelector("button.execute"))));
        WebElement response = wait.until(d -> {
            for (WebElement row : operation.findElements(By.cssSelector(".live-responses-table .response"))) {
                if (row.findElement(By.cssSelector(".response-col_status")).getText().trim().startsWith(String.valueOf(status))) {
                    return row;
                }
            }
            return null;
        });
        String body = response.findElement(By.cssSelector(".response-col_description pre")).getText();
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("The response shown is not JSON: " + body, e);
        }
    }

    /** Authorize: the key in the apiKey scheme's field, Authorize, Close. */
    private void authorize(WebDriverWait wait, String key) {
        click(wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.authorize"))));
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog-ux .modal-ux")));
        dialog.findElement(By.cssSelector("input[type=text], input[type=password]")).sendKeys(key);
        click(dialog.findElement(By.cssSelector("button.modal-btn.auth.authorize")));
        click(wait.until(d -> d.findElement(By.cssSelector(".dialog-ux button.btn-done"))));
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".dialog-ux .modal-ux")));
    }

    /** A click through the page's script: Swagger UI's sticky header can cover an element Selenium would click. */
    private void click(WebElement element) {
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();",
                element);
    }
}
