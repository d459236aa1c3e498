package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDManager;
import com.adclip.Inspection;
import com.adclip.anomaly.Bundle;
import com.adclip.cli.TinyStationModel;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator page in Debian's headless Chromium (through chromedriver): the API key dialog, an upload, the
 * verdict, the overlay and its toggle, the history strip; screenshots in {@code target/station-screenshots/}.
 * Skips with a notice when Chromium is absent, and fails under {@code CI=true}.
 */
class StationBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String KEY = "browser-key";
    private static final String PRODUCT = "Bracket line 3";

    @TempDir static Path tmp;
    private static TinyStationModel model;
    private static StationServer server;
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
        model = TinyStationModel.load(tmp);
        try (NDManager manager = NDManager.newBaseManager()) { // as train --name "Bracket line 3" writes it
            Bundle.load(model.bundle(), manager).withName(PRODUCT).save(model.bundle());
        }
        StationServer.Config config = StationServer.Config.defaults(tmp.resolve("history.db"), model.threshold())
                .withAddress("127.0.0.1", 0).withApiKey(KEY).withBundle(model.bundle());
        server = new StationServer(config, model.inspector()).start();
        assertTrue(server.awaitReady(Duration.ofSeconds(60)));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + Files.createDirectories(tmp.resolve("profile")),
                "--window-size=1920,1080");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.stop();
        }
        if (model != null) {
            model.close();
        }
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    private static Path screenshot(String name) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "station-screenshots"));
        Path file = dir.resolve(name).toAbsolutePath();
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        System.err.println("screenshot: " + file);
        return file;
    }

    /** Before any upload: no picture (nor its alt text), the header names the product, the threshold is short. */
    private static void emptyPageAndHeader(String shot) throws Exception {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        assertEquals("none", js.executeScript("return getComputedStyle(document.getElementById('stage')).display"),
                "the hidden stage is not displayed, so the broken image's alt text cannot show");
        assertFalse(driver.findElement(By.id("view")).isDisplayed());
        assertTrue(driver.findElement(By.id("hint")).isDisplayed(), "the drop hint shows instead");
        String meta = driver.findElement(By.id("model-meta")).getText();
        assertTrue(meta.contains("trained "), "training date in the header: " + meta);
        assertTrue(meta.contains("CLIP tiny-clip.pt"), "CLIP model in the header: " + meta);
        assertTrue(meta.contains("tiny.adclip"), "bundle file in the header: " + meta);
        assertFalse(driver.findElement(By.id("random-banner")).isDisplayed(), "real weights: no warning banner");
        double t = model.threshold();
        String shown = driver.findElement(By.id("slider-value")).getText();
        assertEquals(String.format(Locale.ROOT, "%.3g", t), shown, "3 significant digits of " + t);
        double step = Double.parseDouble(driver.findElement(By.id("slider")).getDomProperty("step"));
        assertTrue(step <= t / 10 && step >= t / 1000, "slider step " + step + " moves by the third digit of " + t);
        screenshot(shot);
    }

    @Test
    void randomWeightsShowABanner() throws Exception {
        Inspector random = new Inspector() {
            @Override
            public Inspection inspect(Path image) {
                return model.inspector().inspect(image);
            }

            @Override
            public String model() {
                return "random.adclip";
            }

            @Override
            public boolean randomWeights() {
                return true;
            }

            @Override
            public double mapThreshold() {
                return model.inspector().mapThreshold();
            }

            @Override
            public double mapMax() {
                return model.inspector().mapMax();
            }

            @Override
            public double threshold() {
                return model.inspector().threshold();
            }

            @Override
            public void setThreshold(double threshold) {
                model.inspector().setThreshold(threshold);
            }
        };
        StationServer other = new StationServer(StationServer.Config.defaults(tmp.resolve("random.db"),
                model.threshold()).withAddress("127.0.0.1", 0), random).start();
        try {
            assertTrue(other.awaitReady(Duration.ofSeconds(60)));
            JsonNode info = Http.json(new Http(other.port(), null).get("/api/v1/info"));
            assertTrue(info.path("model_info").path("random_weights").asBoolean(), info.toString());
            driver.manage().window().setSize(new Dimension(1024, 768));
            driver.get("http://127.0.0.1:" + other.port() + "/");
            WebElement banner = waiting().until(d -> {
                WebElement b = d.findElement(By.id("random-banner"));
                return b.isDisplayed() ? b : null;
            });
            assertTrue(banner.getText().contains("Random CLIP weights"), banner.getText());
            assertEquals("random.adclip", driver.findElement(By.id("model")).getText(), "no name: the file name");
            screenshot("station-random-1024x768.png");
        } finally {
            other.stop();
            driver.manage().window().setSize(new Dimension(1920, 1080));
        }
    }

    @Test
    void aTypedBundlesRegionsAndImageAreLabelledByType() throws Exception {
        try (TinyStationModel typed = TinyStationModel.typed(Files.createDirectories(tmp.resolve("typed")),
                "scratch,dent")) {
            Path image = null;
            com.adclip.Inspection direct = null;
            for (int n = 0; n < 4 && image == null; n++) {
                com.adclip.Inspection i = typed.detector().inspect(TinyStationModel.image(n));
                if (i.verdict() == com.adclip.Verdict.NG && !i.regions().isEmpty()) {
                    image = TinyStationModel.image(n);
                    direct = i;
                }
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(image != null, "a golden image with NG regions");
            StationServer other = new StationServer(StationServer.Config.defaults(tmp.resolve("typed.db"),
                    typed.threshold()).withAddress("127.0.0.1", 0), typed.inspector()).start();
            try {
                assertTrue(other.awaitReady(Duration.ofSeconds(60)));
                driver.get("http://127.0.0.1:" + other.port() + "/");
                driver.findElement(By.id("file")).sendKeys(image.toString());
                String expected = direct.types().top() + " " + Math.round(100 * direct.types().topProbability()) + "%";
                WebElement regions = waiting().until(d -> {
                    WebElement e = d.findElement(By.id("regions"));
                    return e.getText().contains("region(s)") ? e : null;
                });
                assertTrue(regions.getText().endsWith(" · " + expected), regions.getText() + " / " + expected);
                Object label = driver.executeScript("return typeLabel(state.result.regions[0].types);");
                com.adclip.types.TypeDistribution first = direct.regions().get(0).types();
                assertEquals(first.top() + " " + Math.round(100 * first.topProbability()) + "%", label);
                driver.findElement(By.id("heat")).click(); // the plain picture: boxes and labels drawn by the page
                screenshot("station-types-1920x1080.png");
                driver.findElement(By.id("heat")).click();
            } finally {
                other.stop();
            }
        }
    }

    @Test
    void uploadShowsTheVerdictTheOverlayAndTheHistory() throws Exception {
        driver.get("http://127.0.0.1:" + server.port() + "/");
        WebElement dialog = waiting().until(d -> {
            WebElement e = d.findElement(By.id("key-dialog"));
            return e.getDomAttribute("open") != null || e.getDomProperty("open").equals("true") ? e : null;
        });
        dialog.findElement(By.id("key-input")).sendKeys(KEY);
        dialog.findElement(By.tagName("button")).click();
        waiting().until(d -> d.findElement(By.id("model")).getText().equals(PRODUCT));
        driver.manage().window().setSize(new Dimension(1920, 1080));
        emptyPageAndHeader("station-empty-1920x1080.png");

        Path image = TinyStationModel.image(2);
        driver.findElement(By.id("file")).sendKeys(image.toString());
        WebElement verdict = waiting().until(d -> {
            WebElement v = d.findElement(By.id("verdict"));
            return v.getText().equals("OK") || v.getText().equals("NG") ? v : null;
        });
        JsonNode api = Http.json(new Http(server.port(), KEY).postRaw("/api/v1/inspect", "image/png",
                Files.readAllBytes(image)));
        assertEquals(api.get("verdict").asText(), verdict.getText(), "the page shows the API's verdict");
        assertTrue(verdict.getDomAttribute("class").contains(verdict.getText()), "coloured by verdict");
        WebElement view = driver.findElement(By.id("view"));
        waiting().until(d -> ((Number) ((JavascriptExecutor) d).executeScript(
                "return document.getElementById('view').naturalWidth")).intValue() == 60);
        assertTrue(view.getDomAttribute("src").startsWith("data:image/png;base64,"), "the overlay is shown");
        assertEquals("on", view.getDomAttribute("data-heat"));
        assertTrue(view.getSize().getWidth() > 300, "the small image is scaled up to be seen");
        waiting().until(d -> !d.findElements(By.cssSelector("#history .thumb")).isEmpty());
        Path desktop = screenshot("station-1920x1080.png");

        driver.findElement(By.id("heat")).click();
        assertEquals("off", view.getDomAttribute("data-heat"));
        assertTrue(view.getDomAttribute("src").startsWith("blob:"), "the plain image without the heat map");
        driver.findElement(By.id("heat")).click();
        assertEquals("on", view.getDomAttribute("data-heat"));

        driver.manage().window().setSize(new Dimension(1024, 768));
        Thread.sleep(300);
        Path tablet = screenshot("station-1024x768.png");
        assertTrue(driver.findElement(By.id("model")).isDisplayed(), "the product name is still in the header");
        assertTrue(Files.size(desktop) > 10_000 && Files.size(tablet) > 10_000);
    }
}
