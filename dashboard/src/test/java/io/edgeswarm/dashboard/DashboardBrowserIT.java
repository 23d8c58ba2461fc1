package io.edgeswarm.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeswarm.dashboard.Agents.Agent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The dashboard in a real headless Chromium against three real agent processes in two zones: pages render, live
 * updates arrive without a reload, the distribution form works (and refuses a wrong token), a killed agent turns red.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {

    private static final Duration SETTLE = Duration.ofSeconds(60);

    // Kept when a test fails: the agents' logs are in it.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path work;

    private Agents agents;
    private Agent origin;
    private Agent peer;
    private Agent remote;
    private ConfigurableApplicationContext dashboard;
    private String base;
    private ChromeDriver browser;
    private String digest;

    @BeforeAll
    void startSwarmDashboardAndBrowser() throws Exception {
        agents = new Agents(work);
        origin = agents.start("origin", "zone-a");
        await().atMost(SETTLE).until(() -> agents.ready(origin));
        peer = agents.start("peer-a", "zone-a");
        remote = agents.start("peer-b", "zone-b");
        await().atMost(SETTLE).until(() -> agents.all().stream().allMatch(agents::ready)
                && agents.members(origin).split("\"state\":\"alive\"").length - 1 == 3);
        digest = agents.publish(origin, "models/first.bin", 6 * 1024 * 1024, 1);

        dashboard = new SpringApplicationBuilder(EdgeswarmDashboardApplication.class).run("--server.port=0",
                "--edgeswarm.dashboard.agents=" + origin.url() + "," + peer.url(),
                "--edgeswarm.dashboard.poll-interval=500ms", "--edgeswarm.dashboard.request-timeout=1s");
        base = "http://127.0.0.1:" + dashboard.getEnvironment().getProperty("local.server.port");
        browser = Browser.start(work.resolve("chromium-profile"));
    }

    @AfterAll
    void stopAll() {
        if (browser != null) {
            browser.quit();
        }
        if (dashboard != null) {
            dashboard.close();
        }
        if (agents != null) {
            agents.close();
        }
    }

    @Test
    @Order(1)
    void overviewShowsEveryMemberAndArtifact() throws Exception {
        browser.get(base + "/");

        eventually(() -> {
            assertThat(text("members-total")).isEqualTo("3");
            assertThat(text("members-alive")).isEqualTo("3");
            assertThat(text("artifacts-total")).isEqualTo("1");
        });
        assertThat(browser.findElement(By.id("live-text")).getText()).startsWith("live");
        assertThat(browser.findElements(By.cssSelector("figure.chart svg polyline"))).hasSize(2);
        Path shot = Path.of("target", "dashboard-overview.png");
        Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    @Order(2)
    void membersPageSortsFiltersAndLinksToAMember() {
        browser.get(base + "/members?zone=zone-b");
        eventually(() -> assertThat(rowIds("members")).containsExactly("member-peer-b"));

        browser.get(base + "/members?sort=id&dir=desc");
        eventually(() -> assertThat(rowIds("members"))
                .containsExactly("member-peer-b", "member-peer-a", "member-origin"));

        eventually(() -> browser.findElement(By.linkText("origin")).click());
        eventually(() -> assertThat(browser.getCurrentUrl()).endsWith("/members/origin"));
        eventually(() -> {
            assertThat(browser.findElement(By.id("member-state")).getText()).isEqualTo("alive");
            assertThat(browser.findElement(By.id("live")).getText()).contains("models/first.bin");
        });
    }

    @Test
    @Order(3)
    void newArtifactsAppearWithoutAReload() throws Exception {
        browser.get(base + "/artifacts");
        browser.executeScript("window.notReloaded = true;");
        String before = browser.findElement(By.id("live")).getAttribute("data-version");

        agents.publish(peer, "models/second.bin", 3 * 1024 * 1024, 2);

        eventually(() -> assertThat(browser.findElement(By.id("artifacts")).getText())
                .contains("models/second.bin"));
        assertThat(browser.executeScript("return window.notReloaded === true;")).isEqualTo(true);
        assertThat(Long.parseLong(browser.findElement(By.id("live")).getAttribute("data-version")))
                .isGreaterThan(Long.parseLong(before));
    }

    @Test
    @Order(4)
    void distributionFormRefusesAWrongTokenAndStartsACampaignWithTheRightOne() {
        browser.get(base + "/distributions");
        fillForm(digest, "zone-b", "wrong-token");
        // The submit reloads the page, and with the eager load strategy the answer may not be rendered yet.
        eventually(() -> assertThat(browser.findElement(By.id("form-error")).getText()).contains("rejected"));

        fillForm(digest, "zone-b", Agents.WRITE_TOKEN);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().contains("/distributions/"));

        // The campaign appears with a poll, then its one target completes, live.
        eventually(() -> assertThat(browser.findElement(By.id("done")).getText()).contains("complete"));
        eventually(() -> assertThat(browser.findElement(By.id("target-peer-b")).getText()).contains("100 %"));

        browser.get(base + "/artifacts/" + digest);
        eventually(() -> {
            assertThat(browser.findElement(By.id("live")).getText()).contains("zone zone-a").contains("zone zone-b");
            // peer-b is complete, and all its bytes came across the WAN from zone a.
            assertThat(browser.findElement(By.id("holding-peer-b")).getText()).contains("100 %")
                    .contains("cross_zone");
        });
    }

    @Test
    @Order(5)
    void aKilledAgentTurnsRedOnTheOpenPage() throws Exception {
        browser.get(base + "/members");
        browser.executeScript("window.notReloaded = true;");
        eventually(() -> assertThat(browser.findElement(By.id("member-peer-a")).getAttribute("data-state"))
                .isEqualTo("alive"));

        agents.kill(peer);

        // First its status stops answering (unreachable), then gossip declares it dead; both are drawn red.
        eventually(() -> assertThat(browser.findElement(By.id("member-peer-a")).getAttribute("data-state"))
                .isIn("unreachable", "suspect", "dead"));
        await().atMost(SETTLE).ignoreException(StaleElementReferenceException.class).untilAsserted(() ->
                assertThat(browser.findElement(By.id("member-peer-a")).getAttribute("data-state")).isEqualTo("dead"));
        eventually(() -> assertThat(browser.findElement(By.cssSelector("#member-peer-a .pill")).getCssValue("color"))
                .isEqualTo("rgba(207, 34, 46, 1)"));
        assertThat(browser.executeScript("return window.notReloaded === true;")).isEqualTo(true);

        browser.get(base + "/");
        eventually(() -> assertThat(browser.findElement(By.id("alerts")).getText())
                .contains("member peer-a is dead"));
    }

    private void fillForm(String digestValue, String zone, String token) {
        for (String[] field : new String[][] {{"digest", digestValue}, {"zone", zone}, {"token", token}}) {
            WebElement input = browser.findElement(By.id(field[0]));
            input.clear();
            input.sendKeys(field[1]);
        }
        browser.findElement(By.id("start")).click();
    }

    /** Asserts until it holds: the live part is re-rendered every poll, so elements may go stale between reads. */
    private static void eventually(org.awaitility.core.ThrowingRunnable assertion) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                // A page that is still loading has no such element yet, or just replaced it.
                .ignoreExceptionsMatching(e -> e instanceof StaleElementReferenceException
                        || e instanceof org.openqa.selenium.NoSuchElementException)
                .untilAsserted(assertion);
    }

    private List<String> rowIds(String table) {
        return rows(table).stream().map(r -> r.getAttribute("id")).toList();
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private List<WebElement> rows(String table) {
        return browser.findElements(By.cssSelector("#" + table + " tbody tr"));
    }
}
