package mm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web profile in a real browser: starts {@code java -jar mmkit.jar --profile web} (on a free port) as a user
 * would, reads the console's line for the URL and the generated password, and drives Debian's headless Chromium
 * through chromedriver (Selenium): log in, boot from the mmkit plugin, switch a variant, see the zone table and the
 * memory picture, and save a screenshot ({@code target/web-console-map.png}). Skipped, with a warning on stderr, only
 * when Chromium or chromedriver is not installed ({@code .ci/run} installs both).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebConsoleIT {
    static final Path CHROMIUM = Path.of(System.getProperty("mmkit.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("mmkit.chromedriver", "/usr/bin/chromedriver"));
    /** Against a hang only: the console is up within seconds, more on a loaded host. */
    static final long HANG_BOUND_S = 120;
    static final Pattern LINE = Pattern.compile(
            "mmkit web console: (http://127\\.0\\.0\\.1:(\\d+)/system/console) \\(user admin, password (\\S+)\\)");

    @TempDir
    static Path tmp;
    static Process mmkit;
    static ChromeDriver browser;
    static String console;
    static String password;
    static final StringBuilder output = new StringBuilder();
    /** Why the browser tests cannot run (Chromium or chromedriver missing), or null. */
    static String missing;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            missing = "WARNING: WebConsoleIT skipped: " + (Files.isExecutable(CHROMIUM) ? CHROMEDRIVER : CHROMIUM)
                    + " is not installed (apt-get install -y chromium chromium-driver; .ci/run does it)";
            System.err.println(missing);
            return;
        }
        // the web profile on any free port (port 0), as a user's profile file would change it
        Path profile = tmp.resolve("web-test.txt");
        Files.writeString(profile, "@web\nproperty org.osgi.service.http.port=0\n");
        mmkit = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Mmkit.jar().toString(), "--profile", profile.toString(), "--wait")
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(mmkit.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(l).append('\n');
                    }
                    lines.add(l);
                }
            } catch (IOException e) {
                lines.add("(output closed: " + e.getMessage() + ")");
            }
        }, "mmkit output");
        reader.setDaemon(true);
        reader.start();
        String first = lines.poll(HANG_BOUND_S, TimeUnit.SECONDS);
        assertTrue(first != null, "no line from mmkit --profile web within " + HANG_BOUND_S + " s");
        Matcher m = LINE.matcher(first);
        assertTrue(m.matches(), "the first line is the console's: " + first + "\n" + output);
        console = m.group(1);
        password = m.group(3);
        assertTrue(password.length() >= 12, password);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1100",
                "--user-data-dir=" + tmp.resolve("chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().implicitlyWait(Duration.ofSeconds(HANG_BOUND_S));
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(HANG_BOUND_S));
    }

    /** Each test is reported skipped, with the warning, when the browser is missing: never a silent pass. */
    @BeforeEach
    void browserInstalled() {
        Assumptions.assumeTrue(missing == null, missing);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) browser.quit();
        if (mmkit != null) {
            mmkit.destroy();
            if (!mmkit.waitFor(HANG_BOUND_S, TimeUnit.SECONDS)) mmkit.destroyForcibly();
        }
    }

    /** The console's page at {@code path}, logged in with the user and the printed password. */
    static void open(String path) {
        browser.get(console.replace("http://", "http://admin:" + password + "@") + path);
    }

    static void choose(String selectId, String option) {
        browser.findElement(By.xpath("//select[@id='" + selectId + "']/option[.='" + option + "']")).click();
    }

    /**
     * Clicks a form's submit button and waits until the browser has left the page (the old page's root is stale),
     * so that what is read next is the answer's page, not the one the click was made on.
     */
    static void submit(String id) throws InterruptedException {
        WebElement root = browser.findElement(By.tagName("html"));
        browser.findElement(By.id(id)).click();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                root.isDisplayed();
            } catch (org.openqa.selenium.StaleElementReferenceException gone) {
                browser.findElement(By.tagName("body")); // the new page's document is there
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the page did not change within 60 s after clicking " + id);
    }

    static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    @Test
    @Order(1)
    void withoutThePrintedPasswordTheConsoleRefuses() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String pw : List.of("admin", password + "x")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(console + "/bundles"))
                    .header("Authorization", "Basic " + Base64.getEncoder()
                            .encodeToString(("admin:" + pw).getBytes(StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode(), "password " + pw);
        }
    }

    @Test
    @Order(2)
    void logInBootSwitchAVariantAndSeeTheZonesAndThePicture() throws Exception {
        open("/mm");
        assertTrue(browser.getTitle().contains("mmkit"), browser.getTitle());
        assertTrue(text("mm-dmesg").contains("(no boot yet)"), text("mm-dmesg"));

        // boot from the plugin: the boot log appears
        submit("mm-boot");
        assertTrue(text("mm-message").startsWith("booted "), text("mm-message"));
        assertTrue(text("mm-dmesg").contains("Memory:"), "the boot log: " + text("mm-dmesg"));

        // switch the reporting strategy: the table shows it active, as mm:variant would
        browser.findElement(By.id("tab-variants")).click();
        choose("variant-reporting", "bitmap");
        submit("switch-reporting");
        assertEquals("reporting: bitmap (was buddy)", text("mm-message"));
        WebElement row = browser.findElement(By.xpath("//table[@id='mm-variants']//tr[td[1]='reporting']"));
        assertEquals("bitmap", row.findElement(By.className("active")).getText());

        // an unknown variant is refused with the registry's reason, and nothing changes
        browser.findElement(By.id("tab-variants")).click();
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "var o=document.createElement('option');o.text='nosuch';"
                        + "document.getElementById('variant-reporting').add(o);");
        choose("variant-reporting", "nosuch");
        submit("switch-reporting");
        assertTrue(text("mm-message").startsWith("refused: "), text("mm-message"));
        assertFalse(text("mm-message").contains("Exception"), text("mm-message"));
        row = browser.findElement(By.xpath("//table[@id='mm-variants']//tr[td[1]='reporting']"));
        assertEquals("bitmap", row.findElement(By.className("active")).getText());

        // the zone table and the /proc views
        browser.findElement(By.id("tab-views")).click();
        List<WebElement> zones = browser.findElements(By.cssSelector("#mm-zones tbody tr"));
        assertFalse(zones.isEmpty(), "zone rows");
        assertTrue(zones.stream().anyMatch(r -> r.getText().contains("Normal")), "a Normal zone");
        assertTrue(text("mm-buddyinfo").startsWith("Node 0, zone"), text("mm-buddyinfo"));

        // the picture: mm.map's SVG, a group per cell (or run of cells of one kind) with its numbers as a tooltip;
        // read in one script, as the page swaps in a fresh picture every two seconds
        browser.findElement(By.id("tab-map")).click();
        browser.findElement(By.cssSelector("#mm-map-box svg"));
        Object cells = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "return document.querySelectorAll(\"#mm-map-box svg g[id^='c']\").length;");
        String svgText = (String) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "return document.querySelector('#mm-map-box svg').textContent;");
        assertTrue(((Number) cells).intValue() >= 16, "cells: " + cells);
        assertTrue(svgText.contains("Physical memory of "), svgText);
        assertTrue(svgText.contains("free: order 10"), "the legend: " + svgText);
        Path shot = Path.of("target", "web-console-map.png");
        Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
        assertTrue(Files.size(shot) > 10_000, "screenshot " + shot.toAbsolutePath());
        System.out.println("WebConsoleIT: screenshot " + shot.toAbsolutePath());
    }

    @Test
    @Order(3)
    void theConfigurationPageAndTheBundlesPageActAsTheShellDoes() throws Exception {
        // the Web Console's configuration page edits mm.variant: the registry follows, as after mm:variant
        HttpResponse<String> r = post("/configMgr/mm.variant", "apply=update&propertylist=reporting&reporting=array");
        assertTrue(r.statusCode() < 400, r.statusCode() + " " + r.body());
        assertTrue(until("variants", () -> {
            WebElement row = browser.findElement(By.xpath("//table[@id='mm-variants']//tr[td[1]='reporting']"));
            return row.findElement(By.className("active")).getText().equals("array");
        }), "reporting: array active after the configuration page's update");

        // stopping mm.pageowner on the bundles page: the plugin says page_owner is not running; starting brings it back
        r = post("/bundles/mm.pageowner", "action=stop");
        assertEquals(200, r.statusCode(), r.body());
        open("/mm?tab=subsystems");
        assertTrue(text("mm-pageowner").startsWith("page_owner is not running"), text("mm-pageowner"));
        r = post("/bundles/mm.pageowner", "action=start");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(until("subsystems", () -> !text("mm-pageowner").startsWith("page_owner is not running")),
                "page_owner back after the bundle started: " + text("mm-pageowner"));
        assertFalse(text("mm-reporting").isBlank());

        // the compare tab: no mm:compare was run in this runtime
        open("/mm?tab=compare");
        assertTrue(text("mm-compare").startsWith("no mm:compare was run"), text("mm-compare"));
    }

    static HttpResponse<String> post(String path, String form) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(console + path))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Reloads the plugin's tab until {@code done} holds: Config Admin delivers an update, and DS activates a started
     * bundle's components, asynchronously. Bounded against a hang only.
     */
    static boolean until(String tab, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_BOUND_S);
        while (true) {
            open("/mm?tab=" + tab);
            if (done.getAsBoolean()) return true;
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(100);
        }
    }
}
