package dev.anvil.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.TestSupport;
import dev.anvil.model.RoutingTest;
import dev.anvil.resolve.ResolvedHost;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code anvil preview} in a real headless Chromium (Debian chromium and chromium-driver, driven by
 * Selenium through the system's driver): the preview runs over a Git copy of the example fleet, the
 * browser reads its pages, a test edits files on disk and watches the open page follow. Each page
 * is saved as a screenshot under target/screenshots/ for review.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PreviewBrowserTest {
  private static final Path SHOTS = Path.of("target", "screenshots");

  @TempDir Path tmp;
  private Path repo;
  private Workspace workspace;
  private PreviewServer server;
  private WebDriver browser;
  private String base;

  @BeforeEach
  void start() throws Exception {
    String chromium = TestSupport.tool("chromium", "chromium");
    String driver = TestSupport.tool("chromedriver", "chromium-driver");
    repo = TestSupport.copyOfExampleFleet(tmp.resolve("repo"));
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "example fleet");
    workspace = new Workspace(repo, "main");
    workspace.recompile();
    workspace.watch();
    server = new PreviewServer(workspace);
    int port = server.start("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get();
    base = "http://127.0.0.1:" + port;
    ChromeOptions options = new ChromeOptions().setBinary(chromium)
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,900");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(driver).toFile())
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    Files.createDirectories(SHOTS);
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) browser.quit();
    if (server != null) server.close().toCompletionStage().toCompletableFuture().get();
    if (workspace != null) workspace.close();
  }

  @Test
  void theGroupTreeAndAHostsValuesWithWhoSetThemAndWhatTheyBeat() throws Exception {
    browser.get(base + "/");
    WebElement infrastructure = browser.findElement(By.id("ns-infrastructure"));
    assertTrue(infrastructure.getText().contains("datacenter-01"), infrastructure.getText());
    int onprem = members("infrastructure:onprem");
    WebElement onpremLink = infrastructure.findElement(By.linkText("onprem"));
    assertTrue(onpremLink.findElement(By.xpath("..")).getText().contains(onprem + " hosts"), infrastructure.getText());
    shot("overview");

    // keyboard: the group link is reachable and opens the group page
    onpremLink.sendKeys(Keys.ENTER);
    wait(d -> d.getTitle().startsWith("infrastructure:onprem"));
    assertTrue(browser.getPageSource().contains("gpu-server-01"), "the group lists its members");
    shot("group");

    browser.findElement(By.linkText("gpu-server-01")).click();
    WebElement row = wait(d -> d.findElement(By.id("alerts.cpu_high.threshold")));
    List<WebElement> cells = row.findElements(By.tagName("td"));
    assertEquals("70", cells.get(1).getText());
    assertTrue(cells.get(2).getText().startsWith("environment:production (override) policies/environment/production.yaml:8"),
        cells.get(2).getText());
    String beaten = cells.get(3).getText();
    assertTrue(beaten.contains("95 logical:ml-training (merge) policies/logical/ml-training.yaml:11"), beaten);
    assertTrue(beaten.contains("75 infrastructure:onprem (override) policies/infrastructure/onprem.yaml:11"), beaten);
    shot("host");

    // the provenance link opens the line that set it
    cells.get(2).findElement(By.tagName("a")).click();
    WebElement line = wait(d -> d.findElement(By.id("L8")));
    assertTrue(line.getText().contains("cpu_high: {threshold: 70}"), line.getText());
    assertTrue(browser.getCurrentUrl().endsWith("/files/policies/environment/production.yaml#L8"), browser.getCurrentUrl());
  }

  @Test
  void searchFindsHostsByEffectiveValueAndByName() throws Exception {
    browser.get(base + "/");
    WebElement box = browser.findElement(By.id("q"));
    browser.findElement(By.tagName("body")).sendKeys("/");
    assertEquals(box, browser.switchTo().activeElement(), "/ focuses the search box");
    box.sendKeys("cpu_high.threshold=70", Keys.ENTER);
    WebElement count = wait(d -> d.findElement(By.id("result-count")));
    long expected = workspace.snapshot().good().fleet().hosts().stream()
        .filter(h -> h.provenance().get("alerts.cpu_high.threshold").value().asText().equals("70")).count();
    assertTrue(expected > 0);
    assertEquals(String.valueOf(expected), count.getText());
    shot("search");

    browser.get(base + "/search?q=mgmt");
    assertEquals("1", browser.findElement(By.id("result-count")).getText());
    assertNotNull(browser.findElement(By.linkText("mgmt-01")));
  }

  @Test
  void theRoutingExplorerAgreesWithAnvilTestOnEveryRoutingTest() throws Exception {
    var fleet = workspace.snapshot().good().fleet();
    List<RoutingTest> tests = fleet.fleet().routingTests();
    assertTrue(tests.size() >= 20, "the example fleet's routing tests: " + tests.size());
    // the first through the form, by keyboard; the rest by their stable URLs
    browser.get(base + "/routing");
    RoutingTest first = tests.get(0);
    if (first.host() != null) browser.findElement(By.id("host")).sendKeys(first.host());
    browser.findElement(By.id("labels")).sendKeys(lines(first.labels()));
    if (first.at() != null) browser.findElement(By.id("at")).sendKeys(first.at());
    browser.findElement(By.id("firing")).sendKeys(String.join("\n\n", first.firing().stream().map(PreviewBrowserTest::lines).toList()));
    browser.findElement(By.cssSelector("#routing-form button")).click();
    wait(d -> d.findElement(By.id("routing-result")));
    shot("routing");
    int checked = 0;
    for (RoutingTest t : tests) {
      if (t != first) {
        StringBuilder url = new StringBuilder(base + "/routing?labels=" + enc(lines(t.labels())));
        if (t.host() != null) url.append("&host=").append(enc(t.host()));
        if (t.at() != null) url.append("&at=").append(enc(t.at()));
        url.append("&firing=").append(enc(String.join("\n\n", t.firing().stream().map(PreviewBrowserTest::lines).toList())));
        browser.get(url.toString());
      }
      String shown = browser.findElement(By.id("receivers")).getText();
      JsonNode expect = t.expect();
      if (expect.has("receivers")) {
        List<String> want = new ArrayList<>();
        expect.get("receivers").forEach(r -> want.add(r.asText()));
        assertEquals(("Receivers: " + String.join(", ", want)).strip(),
            shown.replace(" inhibited", "").replace(" muted at this time", "").strip(), "routing test " + t.name());
      }
      if (expect.has("inhibited")) assertEquals(expect.get("inhibited").asBoolean(), shown.contains("inhibited"), t.name());
      if (expect.has("muted")) assertEquals(expect.get("muted").asBoolean(), shown.contains("muted at this time"), t.name());
      checked++;
    }
    assertEquals(tests.size(), checked);
  }

  @Test
  void anEditOnDiskUpdatesTheOpenDiffWithoutReloadAndABrokenEditShowsItsDiagnosticOverTheLastModel() throws Exception {
    browser.get(base + "/diff");
    assertNotNull(browser.findElement(By.id("no-changes")));
    ((JavascriptExecutor) browser).executeScript("window.anvilMarker = 'still the same page';");

    Path production = repo.resolve("policies/environment/production.yaml");
    Files.writeString(production, Files.readString(production).replace("cpu_high: {threshold: 70}", "cpu_high: {threshold: 65}"));
    WebElement semantic = wait(d -> d.findElement(By.id("semantic")));
    assertTrue(semantic.getText().contains("alerts.cpu_high.threshold: 70 → 65"), semantic.getText());
    assertEquals("still the same page", ((JavascriptExecutor) browser).executeScript("return window.anvilMarker;"),
        "the page updated in place, without a reload");
    assertTrue(browser.findElement(By.id("files")).getText().contains("out/prometheus/rules/"), "the file diffs follow");
    shot("diff");

    // a broken edit: the diagnostic with its position, and the last good model (65) stays browsable
    Files.writeString(production, Files.readString(production).replace("cpu_high: {threshold: 65}", "cpu_high: {threshold: [65"));
    WebElement diagnostics = wait(d -> d.findElement(By.id("diagnostics")));
    assertTrue(diagnostics.getText().contains("policies/environment/production.yaml:9:12: error: YAML syntax error"),
        diagnostics.getText());
    assertTrue(diagnostics.findElement(By.tagName("a")).getAttribute("href").endsWith("/files/policies/environment/production.yaml#L9"));
    assertTrue(browser.findElement(By.id("semantic")).getText().contains("70 → 65"), "the diff of the last good model stays");
    shot("diagnostics");
    browser.get(base + "/hosts/gpu-server-01");
    assertNotNull(browser.findElement(By.id("diagnostics")));
    assertEquals("65", browser.findElement(By.id("alerts.cpu_high.threshold")).findElements(By.tagName("td")).get(1).getText());
  }

  // ---- helpers

  private int members(String group) {
    int n = 0;
    for (ResolvedHost h : workspace.snapshot().good().fleet().hosts()) {
      if (h.memberships().stream().anyMatch(g -> g.toString().equals(group) || g.toString().startsWith(group + "/"))) n++;
    }
    return n;
  }

  private <T> T wait(java.util.function.Function<WebDriver, T> until) {
    return new WebDriverWait(browser, Duration.ofSeconds(20)).ignoring(org.openqa.selenium.NoSuchElementException.class)
        .until(d -> until.apply(d));
  }

  private void shot(String name) throws Exception {
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(SHOTS.resolve(name + ".png"), png);
  }

  private void git(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    var r = TestSupport.exec(repo, cmd.toArray(String[]::new));
    assertEquals(0, r.exit(), r.output());
  }

  private static String lines(Map<String, String> labels) {
    return String.join("\n", labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
