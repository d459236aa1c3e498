package com.adclip.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The defect-type section of {@code report.html} in Debian's headless Chromium: the two tables show, both
 * confusion-matrix pictures decode; a screenshot of the section goes to
 * {@code target/report-screenshots/defect-types.png}. Skips with a notice when Chromium is absent, and fails
 * under {@code CI=true}.
 */
class TypeSectionBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir static Path tmp;
    private static ChromeDriver driver;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String message = "Chromium or chromedriver not found at " + CHROMIUM + " / " + CHROMEDRIVER
                    + " (apt-get install -y chromium chromium-driver)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + "; under CI=true the browser test is required");
            }
            System.err.println("NOTICE: SKIPPING browser test: " + message);
            Assumptions.abort(message);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + Files.createDirectories(tmp.resolve("profile")),
                "--window-size=1300,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void theSectionShowsItsTablesAndBothMatrixPictures() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("report"));
        TypeSectionTest.report(TypeSectionTest.result()).writeAll(dir);
        driver.get(dir.resolve("report.html").toUri().toString());
        WebElement heading = driver.findElement(By.id("defect-types"));
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView()", heading);
        assertTrue(heading.isDisplayed());
        List<WebElement> summary = driver.findElements(By.cssSelector("#type-summary tr"));
        assertEquals(3, summary.size(), "header, images, regions");
        assertEquals("images 7 71.4 76.2", summary.get(1).getText());
        assertEquals("regions 2 50.0 33.3", summary.get(2).getText());
        List<WebElement> pictures = driver.findElements(By.cssSelector("#type-confusion img"));
        assertEquals(2, pictures.size());
        for (WebElement img : pictures) {
            Object width = ((JavascriptExecutor) driver).executeScript(
                    "return arguments[0].complete ? arguments[0].naturalWidth : 0", img);
            assertTrue(((Number) width).intValue() > 100, "the picture decodes: " + img.getAttribute("alt"));
            assertTrue(img.isDisplayed());
        }
        Path shots = Files.createDirectories(Path.of("target", "report-screenshots"));
        // the section alone: from its heading to the notes under the pictures
        Object box = ((JavascriptExecutor) driver).executeScript(
                "const h = document.getElementById('defect-types');"
                + "const end = document.getElementById('type-confusion').nextElementSibling;"
                + "window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 4);"
                + "return end.getBoundingClientRect().bottom - h.getBoundingClientRect().top;");
        assertTrue(((Number) box).doubleValue() > 0);
        Path file = shots.resolve("defect-types.png").toAbsolutePath();
        Files.copy(((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), file,
                StandardCopyOption.REPLACE_EXISTING);
        System.err.println("screenshot: " + file);
    }
}
