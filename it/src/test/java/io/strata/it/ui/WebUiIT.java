package io.strata.it.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.it.support.ItEnv;
import io.strata.it.support.DumpLogsOnFailure;
import io.strata.it.support.Http;
import io.strata.it.support.NodeProcess;
import io.strata.it.support.Ports;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The web UI in a real headless Chromium against a real {@code dcos-node local}, everything through the gateway:
 * an app created from JSON becomes healthy in the table, is scaled to 2, its task's stdout is read from the sandbox,
 * and it is destroyed; the main navigation and "Create app" work from the keyboard alone; every control has a label;
 * nodes, tasks and services show the cluster; the packages page shows the catalogue or says the package manager is
 * unavailable. Screenshots of each step are kept in it/target/ui-screenshots/.
 */
@ExtendWith(DumpLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiIT {
    private static final Duration UI = Duration.ofSeconds(15);
    /** Launch, python start, grace period and the first passing health checks. */
    private static final Duration HEALTHY = Duration.ofSeconds(60);

    private static LocalStrata strata;
    private static Browser browser;
    private static String python;

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeInstalled();
        python = ItEnv.realPython();
        strata = LocalStrata.start(WebUiIT.class);
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) browser.close();
        } finally {
            if (strata != null) strata.close();
        }
    }

    @AfterEach
    void console(TestInfo info) {
        List<String> lines = browser.console();
        if (!lines.isEmpty()) System.out.println("[ui] console during " + info.getDisplayName() + ":\n  " + String.join("\n  ", lines));
    }

    @Test
    @Order(1)
    void anAppIsCreatedFromJsonBecomesHealthyIsScaledShowsItsLogsAndIsDestroyed() {
        open("#/apps");
        await("the apps page").atMost(UI).ignoreExceptions().until(() -> css("h1").getText().equals("Applications"));
        click("#create-app");
        WebElement dialog = await("the create dialog").atMost(UI).ignoreExceptions().until(() -> css("dialog[open]"), d -> true);
        dialog.findElement(By.id("tab-json")).click();
        WebElement json = dialog.findElement(By.cssSelector("textarea.json-editor"));
        json.clear();
        json.sendKeys("""
                {"id": "/ui/web", "cmd": "echo strata-ui-hello; exec %s -m http.server $PORT0 --bind 127.0.0.1",
                 "cpus": 0.1, "mem": 48, "instances": 1, "portDefinitions": [{"port": 0}],
                 "healthChecks": [{"protocol": "HTTP", "portIndex": 0, "path": "/", "gracePeriodSeconds": 10,
                                   "intervalSeconds": 1, "timeoutSeconds": 2, "maxConsecutiveFailures": 3}]}"""
                .formatted(python));
        browser.screenshot("create-app-json");
        click("#create-app-submit");

        // the UI goes to the app's page; Marathon has the app as typed
        await("the app's page").atMost(UI).ignoreExceptions()
                .until(() -> browser.driver.getCurrentUrl().endsWith("#/apps/" + "%2Fui%2Fweb"));
        JsonNode app = marathonApp("/ui/web");
        assertThat(app.path("instances").asInt()).isEqualTo(1);
        assertThat(app.path("healthChecks").get(0).path("protocol").asText()).isEqualTo("HTTP");

        // healthy in the table (group folder /ui, then the app's row), updated live without a reload
        open("#/apps");
        await("the /ui group folder").atMost(UI).ignoreExceptions()
                .until(() -> css("tr.folder[data-group='/ui'] a").isDisplayed());
        click("tr.folder[data-group='/ui'] a");
        await("/ui/web is Running and healthy in the apps table").atMost(HEALTHY).ignoreExceptions().until(() -> {
            WebElement row = css("tr[data-app-id='/ui/web']");
            return row.getAttribute("data-status").equals("Running")
                    && row.findElement(By.cssSelector(".health")).getAttribute("data-healthy").equals("1")
                    && row.findElement(By.cssSelector(".instances")).getText().equals("1/1");
        });
        assertThat(css("tr[data-app-id='/ui/web'] .health-bar").getAttribute("aria-label"))
                .isEqualTo("1 healthy, 0 unhealthy, 0 unknown");
        browser.screenshot("app-healthy-in-table");

        // scale to 2 from the app's page
        click("tr[data-app-id='/ui/web'] a.app-link");
        await("the scale button").atMost(UI).ignoreExceptions().until(() -> css("button[data-action='scale']").isDisplayed());
        click("button[data-action='scale']");
        WebElement instances = await("the scale dialog").atMost(UI).ignoreExceptions()
                .until(() -> css("#scale-instances"), e -> true);
        instances.sendKeys(Keys.chord(Keys.CONTROL, "a"), "2");
        browser.screenshot("scale-dialog");
        click("#scale-submit");
        await("2 of 2 running and healthy").atMost(HEALTHY).ignoreExceptions().until(() ->
                css("#app-instances").getText().equals("2 of 2 running")
                        && css(".cards .health").getAttribute("data-healthy").equals("2"));
        assertThat(marathonApp("/ui/web").path("instances").asInt()).isEqualTo(2);
        assertThat(browser.driver.findElements(By.cssSelector("#app-tasks tbody tr"))).hasSize(2);
        browser.screenshot("app-scaled-to-2");

        // a task's stdout, read from its sandbox through /agent/<id>/files/read
        click("#app-tasks tbody tr button[data-logs]");
        await("the task's stdout in the log viewer").atMost(UI).ignoreExceptions()
                .until(() -> css("dialog[open] pre.log").getText().contains("strata-ui-hello"));
        browser.screenshot("task-stdout");
        click("dialog[open] .dialog-head button");
        await("the log viewer closed").atMost(UI).until(() -> browser.driver.findElements(By.cssSelector("dialog[open]")).isEmpty());

        // destroy, confirmed in a dialog
        click("button[data-action='destroy']");
        await("the confirm dialog").atMost(UI).ignoreExceptions().until(() -> css("dialog[open] .btn-danger").isDisplayed());
        browser.screenshot("destroy-confirm");
        click("dialog[open] .btn-danger");
        await("Marathon no longer has /ui/web").atMost(HEALTHY).until(() -> marathonStatus("/ui/web") == 404);
        await("the app is gone from the table").atMost(UI).ignoreExceptions().until(() ->
                browser.driver.getCurrentUrl().contains("#/apps")
                        && browser.driver.findElements(By.cssSelector("tr[data-app-id='/ui/web']")).isEmpty()
                        && css("h1").getText().equals("Applications"));
        browser.screenshot("app-destroyed");
    }

    @Test
    @Order(2)
    void theMainNavigationAndCreateAppWorkFromTheKeyboard() {
        open("#/services");
        browser.driver.navigate().refresh(); // a fresh page: the focus starts at the top
        await("the services page").atMost(UI).ignoreExceptions().until(() -> css("h1").getText().equals("Services"));
        // Tab from the top of the page: "Skip to content", "Services", then "Applications" in the main navigation
        WebElement focused = tabUntil(e -> "apps".equals(e.getAttribute("data-nav")), 3);
        assertThat(focused.getText()).isEqualTo("Applications");
        assertFocusVisible();
        focused.sendKeys(Keys.ENTER);
        await("the apps page by keyboard").atMost(UI).ignoreExceptions().until(() -> css("h1").getText().equals("Applications"));
        assertThat(css("[data-nav='apps']").getAttribute("aria-current")).isEqualTo("page");

        focused = tabUntil(e -> "create-app".equals(e.getAttribute("id")), 3); // the heading has the focus: filter, then Create app
        assertFocusVisible();
        focused.sendKeys(Keys.ENTER);
        // the dialog opens with the focus on its first field, the app's ID
        WebElement id = await("focus in the create dialog").atMost(UI).ignoreExceptions()
                .until(() -> browser.driver.switchTo().activeElement(), e -> "id".equals(e.getAttribute("name")));
        assertThat(label(id)).isEqualTo("ID");
        id.sendKeys("/kb/sleeper");
        new Actions(browser.driver).sendKeys(Keys.TAB).perform();
        WebElement cmd = browser.driver.switchTo().activeElement();
        assertThat(label(cmd)).isEqualTo("Command");
        cmd.sendKeys("sleep 100000");
        browser.screenshot("create-app-by-keyboard");
        // back to the ID field and Enter submits the form
        new Actions(browser.driver).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
        browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        await("Marathon has /kb/sleeper").atMost(UI).until(() -> marathonStatus("/kb/sleeper") == 200);
        JsonNode app = marathonApp("/kb/sleeper");
        assertThat(app.path("cmd").asText()).isEqualTo("sleep 100000");
        assertThat(app.path("cpus").asDouble()).isEqualTo(0.1);
        await("the app's page").atMost(UI).ignoreExceptions()
                .until(() -> browser.driver.getCurrentUrl().endsWith("#/apps/%2Fkb%2Fsleeper"));

        // Escape closes a dialog and gives the page back
        enter("button[data-action='scale']");
        await("the scale dialog").atMost(UI).ignoreExceptions().until(() -> css("dialog[open]").isDisplayed());
        new Actions(browser.driver).sendKeys(Keys.ESCAPE).perform();
        await("the dialog closed").atMost(UI).until(() -> browser.driver.findElements(By.cssSelector("dialog[open]")).isEmpty());
        Http.send(Http.request(strata.marathon.resolve("v2/apps/kb/sleeper?force=true")).DELETE().build());
    }

    @Test
    @Order(3)
    void restartSuspendResumeEditAndRollBack() {
        postApp("""
                {"id": "/ops/worker", "cmd": "sleep 100000", "cpus": 0.1, "mem": 16, "instances": 1}""");
        open("#/apps/%2Fops%2Fworker");
        await("1 of 1 running").atMost(HEALTHY).ignoreExceptions()
                .until(() -> css("#app-instances").getText().equals("1 of 1 running"));
        String firstTask = marathonApp("/ops/worker").path("tasks").get(0).path("id").asText();

        // restart: a new task replaces the old one
        click("button[data-action='restart']");
        click("dialog[open] .dialog-actions .btn-primary");
        await("a new task after the restart").atMost(HEALTHY).until(() -> {
            JsonNode tasks = marathonApp("/ops/worker").path("tasks");
            return tasks.size() == 1 && !tasks.get(0).path("id").asText().equals(firstTask)
                    && tasks.get(0).path("state").asText().equals("TASK_RUNNING");
        });

        // suspend: 0 instances, Suspended; resume asks how many
        click("button[data-action='suspend']");
        click("dialog[open] .btn-danger");
        await("Suspended").atMost(HEALTHY).ignoreExceptions().until(() ->
                css("#app-status [data-status]").getAttribute("data-status").equals("Suspended"));
        assertThat(marathonApp("/ops/worker").path("instances").asInt()).isZero();
        browser.screenshot("app-suspended");
        click("button[data-action='resume']");
        WebElement n = await("the resume dialog").atMost(UI).ignoreExceptions().until(() -> css("#scale-instances"), e -> true);
        assertThat(n.getAttribute("value")).isEqualTo("1");
        click("#scale-submit");
        await("running again").atMost(HEALTHY).ignoreExceptions().until(() ->
                css("#app-instances").getText().equals("1 of 1 running")
                        && css("#app-status [data-status]").getAttribute("data-status").equals("Running"));

        // edit the JSON: a new command is a new version
        click("button[data-action='edit']");
        WebElement editor = await("the editor").atMost(UI).ignoreExceptions().until(() -> css("dialog[open] textarea"), e -> true);
        String edited = editor.getAttribute("value").replace("\"sleep 100000\"", "\"sleep 200000\"");
        assertThat(edited).contains("sleep 200000").doesNotContain("\"tasks\"").doesNotContain("\"deployments\"");
        browser.js("arguments[0].value = arguments[1]", editor, edited);
        click("dialog[open] .dialog-actions .btn-primary");
        await("the new command in Marathon").atMost(UI).until(() ->
                marathonApp("/ops/worker").path("cmd").asText().equals("sleep 200000"));
        // as a user would: a roll back while the edit still deploys is refused by Marathon (409, app locked)
        await("the edit's deployment done").atMost(HEALTHY).until(() -> {
            JsonNode deployments = marathonApp("/ops/worker").path("deployments");
            return deployments.isArray() && deployments.isEmpty();
        });

        // roll back to the first version: the old command again
        click("#tab-versions");
        await("the versions").atMost(UI).ignoreExceptions().until(() ->
                browser.driver.findElements(By.cssSelector("#panel-versions tbody tr")).size() >= 3);
        browser.screenshot("app-versions");
        await("Roll back on the oldest version").atMost(UI).ignoreExceptions().until(() -> {
            List<WebElement> rollBacks = browser.driver.findElements(By.cssSelector("#panel-versions button[aria-label^='Roll back']"));
            rollBacks.get(rollBacks.size() - 1).click(); // Marathon lists the newest first
            return true;
        });
        click("dialog[open] .dialog-actions .btn-primary");
        await("the first command again").atMost(UI).until(() ->
                marathonApp("/ops/worker").path("cmd").asText().equals("sleep 100000"));
        Http.send(Http.request(strata.marathon.resolve("v2/apps/ops/worker?force=true")).DELETE().build());
    }

    @Test
    @Order(4)
    void everyControlHasALabel() {
        List<String> unlabelled = new ArrayList<>();
        for (String page : List.of("#/services", "#/apps", "#/nodes", "#/tasks", "#/packages")) {
            open(page);
            await(page).atMost(UI).ignoreExceptions().until(() -> css("main h1").isDisplayed()
                    && "false".equals(css("main .region").getAttribute("aria-busy")));
            unlabelled.addAll(unlabelled(page));
        }
        open("#/apps");
        await("create button").atMost(UI).ignoreExceptions().until(() -> css("#create-app").isDisplayed());
        click("#create-app");
        await("the create dialog").atMost(UI).ignoreExceptions().until(() -> css("dialog[open]").isDisplayed());
        unlabelled.addAll(unlabelled("create dialog"));
        int controls = ((Number) browser.js("return document.querySelectorAll('dialog[open] input, dialog[open] select,"
                + " dialog[open] textarea').length")).intValue();
        assertThat(controls).as("the form's controls were checked").isGreaterThan(10);
        browser.screenshot("create-app-form");
        new Actions(browser.driver).sendKeys(Keys.ESCAPE).perform();
        assertThat(unlabelled).as("controls without an accessible name").isEmpty();
        // the live parts are announced
        assertThat(browser.driver.findElements(By.cssSelector("[aria-live]"))).isNotEmpty();
    }

    @Test
    @Order(5)
    void nodesTasksAndServicesShowTheCluster() {
        String running = Http.send(Http.request(strata.marathon.resolve("v2/apps")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"id": "/ui/tasker", "cmd": "echo on-the-tasks-page; sleep 100000", "cpus": 0.2, "mem": 32}""",
                        StandardCharsets.UTF_8)).build()).toString();
        assertThat(running).startsWith("201");

        open("#/nodes");
        await("two nodes, one public").atMost(UI).ignoreExceptions().until(() ->
                browser.driver.findElements(By.cssSelector("article.node")).size() == 2
                        && browser.driver.findElements(By.cssSelector("article.node .badge-public")).size() == 1);
        assertThat(browser.driver.findElements(By.cssSelector("article.node [role='meter']"))).hasSize(6);
        await("the task's CPU is allocated on a node").atMost(UI).ignoreExceptions().until(() ->
                browser.driver.findElements(By.cssSelector("article.node [role='meter'][aria-label='CPU allocated']")).stream()
                        .anyMatch(m -> !"0".equals(m.getAttribute("aria-valuenow"))));
        browser.screenshot("nodes");

        open("#/tasks");
        await("the task in the tasks table").atMost(UI).ignoreExceptions().until(() ->
                css("#tasks-table").getText().contains("ui_tasker") || css("#tasks-table").getText().contains("tasker"));
        WebElement filter = css("#tasks-filter");
        filter.sendKeys("no-such-task");
        await("the filter hides it").atMost(UI).ignoreExceptions().until(() -> css("main .empty").isDisplayed());
        filter.clear();
        filter.sendKeys("tasker");
        await("the filter finds it").atMost(UI).ignoreExceptions().until(() ->
                browser.driver.findElements(By.cssSelector("#tasks-table tbody tr")).size() == 1);
        browser.screenshot("tasks");

        open("#/services");
        WebElement marathon = await("the marathon framework").atMost(UI).ignoreExceptions()
                .until(() -> css("tr[data-framework='marathon']"), e -> true);
        assertThat(marathon.findElement(By.linkText("Open")).getAttribute("href")).endsWith("/service/marathon/");
        assertThat(marathon.getText()).contains("Active");
        browser.screenshot("services");
        Http.send(Http.request(strata.marathon.resolve("v2/apps/ui/tasker?force=true")).DELETE().build());
    }

    @Test
    @Order(6)
    void packagesShowTheCatalogueAndInstallWithTheFormFromConfigJson() {
        Http.Resp search = Http.send(Http.request(strata.gateway.resolve("package/search"))
                .header("Content-Type", "application/vnd.dcos.package.search-request+json;charset=utf-8;version=v1")
                .header("Accept", "application/vnd.dcos.package.search-response+json;charset=utf-8;version=v1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"\"}")).build());
        assertThat(search.status()).as("/package/search through the gateway: %s", search).isEqualTo(200);
        open("#/packages");
        int count = search.json().path("packages").size();
        await("the catalogue").atMost(UI).ignoreExceptions().until(() ->
                browser.driver.findElements(By.cssSelector(".package-card")).size() == count);
        browser.screenshot("packages");
        assertThat(count).as("the built-in repository's packages").isPositive();
        List<String> names = new ArrayList<>();
        search.json().path("packages").forEach(p -> names.add(p.path("name").asText()));
        String name = names.contains("etcd") ? "etcd" : names.get(0);
        click(".package-card[data-package='" + name + "'] h2 a");
        await("the package's install form").atMost(UI).ignoreExceptions().until(() -> css("#install-submit").isDisplayed());
        assertThat(unlabelled("package " + name)).isEmpty();
        assertThat(browser.driver.findElements(By.cssSelector(".install-form fieldset"))).as("fieldsets from config.json").isNotEmpty();
        browser.screenshot("package-detail");
        if (!name.equals("etcd")) return;
        // install with an option from the generated form: the app id comes from service.name
        WebElement serviceName = css(".install-form [name='service.name']");
        assertThat(serviceName.getAttribute("value")).isEqualTo("etcd");
        serviceName.sendKeys(Keys.chord(Keys.CONTROL, "a"), "ui-etcd");
        click("#install-submit");
        WebElement done = await("the install result").atMost(UI).ignoreExceptions()
                .until(() -> css(".success-box"), WebElement::isDisplayed);
        assertThat(done.getText()).contains("Installed etcd");
        JsonNode app = marathonApp("/ui-etcd");
        assertThat(app.path("labels").path("DCOS_PACKAGE_NAME").asText()).isEqualTo("etcd");
        browser.screenshot("package-installed");
        await("Cosmos lists the install").atMost(UI).ignoreExceptions()
                .until(() -> css(".pkg-installed li[data-app-id='/ui-etcd']").isDisplayed());
        done.findElement(By.linkText("/ui-etcd")).click();
        await("the installed app's page").atMost(UI).ignoreExceptions().until(() -> css("main h1").getText().equals("ui-etcd"));
        // back to the package, and uninstall it there
        browser.driver.navigate().back();
        click(".pkg-installed button[data-uninstall='/ui-etcd']");
        click("dialog[open] .btn-danger");
        await("Marathon no longer has /ui-etcd").atMost(HEALTHY).until(() -> marathonStatus("/ui-etcd") == 404);
        await("the package page says so").atMost(UI).ignoreExceptions()
                .until(() -> css(".pkg-installed").getText().contains("etcd is not installed"));
    }

    @Test
    @Order(10)
    void packagesSayThePackageManagerIsUnavailableWhenCosmosDoesNotAnswer() {
        int port = Ports.free();
        NodeProcess second = strata.startGatewayWithoutCosmos(port);
        try {
            browser.driver.get("http://127.0.0.1:" + port + "/#/packages");
            // not an empty page or a spinner: a clear state with the gateway's reason and a way to try again
            WebElement box = await("the unavailable state").atMost(UI).ignoreExceptions()
                    .until(() -> css("#packages-unavailable"), WebElement::isDisplayed);
            assertThat(box.getText()).contains("Package manager unavailable").contains("HTTP 502");
            assertThat(box.getAttribute("role")).isEqualTo("alert");
            browser.screenshot("packages-unavailable");
            click("#packages-retry");
            await("still unavailable after trying again").atMost(UI).ignoreExceptions()
                    .until(() -> css("#packages-unavailable").isDisplayed());
        } finally {
            second.killTree();
        }
    }

    @Test
    @Order(7)
    void theUiFollowsMarathonsEventsWithoutAReload() {
        open("#/apps");
        await("both event streams connected").atMost(UI).ignoreExceptions()
                .until(() -> css("#live-status").getText().equals("Live"));
        // the page counts what each stream delivered; the app and its task must arrive as events
        long marathonEvents = events("marathon");
        long mesosEvents = events("mesos");
        postApp("""
                {"id": "/live/crashy", "cmd": "exit 1", "cpus": 0.1, "mem": 16, "instances": 1,
                 "backoffSeconds": 120, "maxLaunchDelaySeconds": 300}""");
        postApp("""
                {"id": "/live/idle", "cmd": "sleep 100000", "cpus": 0.1, "mem": 16, "instances": 0}""");
        await("the new apps in the open page").atMost(UI).ignoreExceptions().until(() ->
                css("tr.folder[data-group='/live']").isDisplayed());
        await("Marathon's events reached the page").atMost(UI).until(() -> events("marathon") > marathonEvents);
        await("the master's task events reached the page").atMost(UI).until(() -> events("mesos") > mesosEvents);
        click("tr.folder[data-group='/live'] a");
        await("/live/idle is Suspended").atMost(UI).ignoreExceptions().until(() ->
                css("tr[data-app-id='/live/idle']").getAttribute("data-status").equals("Suspended"));
        // a task that exits at once: Marathon's launch queue backs off, the UI says Delayed
        await("/live/crashy is Delayed").atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                css("tr[data-app-id='/live/crashy']").getAttribute("data-status").equals("Delayed"));
        browser.screenshot("live-delayed-and-suspended");
        click("tr[data-app-id='/live/crashy'] a.app-link");
        await("the last failure and the reset-delay action").atMost(UI).ignoreExceptions().until(() ->
                css("section.failure").getText().contains("Failed") && css("button[data-action='reset-delay']").isDisplayed()
                        && css("#app-status-note").getText().startsWith("Next launch in"));
        browser.screenshot("app-last-failure");
        for (String id : List.of("live/crashy", "live/idle")) {
            Http.send(Http.request(strata.marathon.resolve("v2/apps/" + id + "?force=true")).DELETE().build());
        }
    }

    @Test
    @Order(8)
    void theStatusAndHealthRulesAreTheDcosUis() {
        open("#/services");
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/format.js').then((f) => {
                  const now = new Date().toISOString();
                  const old = new Date(Date.now() - 60000).toISOString();
                  const app = (o) => Object.assign({instances: 1, tasksRunning: 1, tasksStaged: 0, deployments: []}, o);
                  const overdue = (since) => ({delay: {overdue: true, timeLeftSeconds: 0}, since});
                  done({
                    running: f.appStatus(app({})),
                    deploying: f.appStatus(app({deployments: [{id: 'd'}]})),
                    suspended: f.appStatus(app({instances: 0, tasksRunning: 0})),
                    delayed: f.appStatus(app({tasksRunning: 0, deployments: [{id: 'd'}]}), {delay: {overdue: false, timeLeftSeconds: 12}, since: now}),
                    waiting: f.appStatus(app({tasksRunning: 0, deployments: [{id: 'd'}]}), overdue(old)),
                    launching: f.appStatus(app({tasksRunning: 0, deployments: [{id: 'd'}]}), overdue(now)),
                    staged: f.appStatus(app({tasksRunning: 0, tasksStaged: 1})),
                    health: f.appHealth({healthChecks: [{}], tasksRunning: 3, tasksHealthy: 1, tasksUnhealthy: 1}),
                    noChecks: f.appHealth({tasksRunning: 2}),
                    sizes: [f.mib(64), f.mib(1536), f.mib(2097152), f.cpus(0.25)],
                  });
                }).catch((e) => done({error: String(e)}));""");
        assertThat(r).doesNotContainKey("error");
        assertThat(r).containsEntry("running", "Running").containsEntry("deploying", "Deploying")
                .containsEntry("suspended", "Suspended").containsEntry("delayed", "Delayed")
                .containsEntry("waiting", "Waiting").containsEntry("launching", "Deploying")
                .containsEntry("staged", "Waiting");
        assertThat(r.get("health")).isEqualTo(Map.of("checks", true, "healthy", 1L, "unhealthy", 1L, "unknown", 1L, "running", 3L));
        assertThat(r.get("noChecks")).isEqualTo(Map.of("checks", false, "healthy", 0L, "unhealthy", 0L, "unknown", 2L, "running", 2L));
        assertThat(r.get("sizes")).isEqualTo(List.of("64 MiB", "1.5 GiB", "2 TiB", "0.25"));
    }

    @Test
    @Order(9)
    void theRecordIoReaderAndTheConfigSchemaForm() {
        open("#/services");
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                Promise.all([import('/store.js'), import('/schema-form.js')]).then(async ([store, forms]) => {
                  // two records split at awkward places: inside the length, inside the JSON, inside a UTF-8 character
                  const enc = new TextEncoder();
                  const rec = (o) => { const b = enc.encode(JSON.stringify(o)); return [...enc.encode(b.length + '\\n'), ...b]; };
                  const bytes = Uint8Array.from([...rec({type: 'SUBSCRIBED'}), ...rec({type: 'TASK_ADDED', name: 'caf\u00e9'})]);
                  const cuts = [1, 7, bytes.length - 4, bytes.length - 3];
                  const chunks = [];
                  let from = 0;
                  for (const c of [...cuts, bytes.length]) { chunks.push(bytes.slice(from, c)); from = c; }
                  const body = new ReadableStream({start(ctl) { chunks.forEach((c) => ctl.enqueue(c)); ctl.close(); }});
                  const seen = [];
                  await store.readRecordIo(body, (e) => seen.push(e.type + (e.name ? ':' + e.name : '')));

                  const form = forms.schemaForm({type: 'object', properties: {
                    service: {type: 'object', properties: {
                      name: {type: 'string', default: 'etcd', pattern: '^[a-z]+$'},
                      cpus: {type: 'number', default: 0.2, minimum: 0.05},
                      mode: {type: 'string', enum: ['a', 'b'], default: 'b'},
                      verbose: {type: 'boolean', default: false},
                      note: {type: 'string'}},
                      required: ['name', 'cpus']},
                    extra: {type: 'array', default: [1, 2]}}});
                  document.body.appendChild(form.el);
                  const defaults = form.value();
                  form.el.querySelector('[name="service.cpus"]').value = '1.5';
                  form.el.querySelector('[name="service.verbose"]').checked = true;
                  const changed = form.value();
                  form.el.querySelector('[name="service.name"]').value = 'Not Valid';
                  let error = null;
                  try { form.value(); } catch (e) { error = e.message; }
                  const labelled = [...form.el.querySelectorAll('input, select, textarea')]
                    .every((c) => form.el.querySelector('label[for="' + c.id + '"]'));
                  form.el.remove();
                  done({seen, defaults: JSON.stringify(defaults), changed: JSON.stringify(changed), error, labelled});
                }).catch((e) => done({error: 'failed: ' + e}));""");
        assertThat(r.get("seen")).isEqualTo(List.of("SUBSCRIBED", "TASK_ADDED:caf\u00e9"));
        assertThat(r.get("defaults")).isEqualTo(
                "{\"service\":{\"name\":\"etcd\",\"cpus\":0.2,\"mode\":\"b\",\"verbose\":false},\"extra\":[1,2]}");
        assertThat(r.get("changed")).isEqualTo(
                "{\"service\":{\"name\":\"etcd\",\"cpus\":1.5,\"mode\":\"b\",\"verbose\":true},\"extra\":[1,2]}");
        assertThat(r.get("error")).isEqualTo("service.name must match ^[a-z]+$");
        assertThat(r.get("labelled")).isEqualTo(true);
    }

    // ------------------------------------------------------------------ helpers

    private static void open(String fragment) {
        browser.driver.get(strata.url("/" + fragment));
    }

    /** Clicks, again if a live update replaced the element in between. */
    private static void click(String selector) {
        await("click " + selector).atMost(UI).ignoreExceptions().until(() -> {
            css(selector).click();
            return true;
        });
    }

    /** Focuses the element and presses Enter, as a keyboard user would. */
    private static void enter(String selector) {
        await("Enter on " + selector).atMost(UI).ignoreExceptions().until(() -> {
            browser.js("arguments[0].focus()", css(selector));
            new Actions(browser.driver).sendKeys(Keys.ENTER).perform();
            return true;
        });
    }

    private static WebElement css(String selector) {
        return browser.driver.findElement(By.cssSelector(selector));
    }

    /** Presses Tab until the focused element matches; at most {@code max} presses. */
    private static WebElement tabUntil(java.util.function.Predicate<WebElement> match, int max) {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            new Actions(browser.driver).sendKeys(Keys.TAB).perform();
            WebElement e = browser.driver.switchTo().activeElement();
            if (match.test(e)) return e;
            seen.add(e.getTagName() + ":" + e.getText());
        }
        throw new AssertionError("not reached with " + max + " Tabs; focus went through " + seen);
    }

    private static void assertFocusVisible() {
        String outline = (String) browser.js("const s = getComputedStyle(document.activeElement); "
                + "return s.outlineStyle + ' ' + s.outlineWidth;");
        assertThat(outline).as("the focused control shows an outline").doesNotStartWith("none").doesNotEndWith(" 0px");
    }

    /** The text of the label of a control (label[for] or aria-label). */
    private static String label(WebElement control) {
        return (String) browser.js("const e = arguments[0]; const l = e.id && document.querySelector('label[for=\"' + e.id + '\"]');"
                + " return (l ? l.textContent : e.getAttribute('aria-label') || '').trim();", control);
    }

    /** Controls (inputs, selects, text areas, buttons, links) with no accessible name on the page or in the dialog. */
    @SuppressWarnings("unchecked")
    private static List<String> unlabelled(String where) {
        List<String> found = (List<String>) browser.js("""
                const scope = document.querySelector('dialog[open]') || document;
                const out = [];
                for (const e of scope.querySelectorAll('input, select, textarea, button, a[href]')) {
                  if (e.type === 'hidden' || e.closest('[hidden]')) continue;
                  let name = (e.getAttribute('aria-label') || '').trim();
                  if (!name && e.getAttribute('aria-labelledby')) {
                    name = e.getAttribute('aria-labelledby').split(' ').map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
                  }
                  if (!name && e.id) { const l = document.querySelector('label[for="' + CSS.escape(e.id) + '"]'); if (l) name = l.textContent.trim(); }
                  if (!name && e.closest('label')) name = e.closest('label').textContent.trim();
                  if (!name && (e.tagName === 'BUTTON' || e.tagName === 'A')) name = e.textContent.trim();
                  if (!name) out.push(e.outerHTML.slice(0, 160));
                }
                return out;""");
        return found.stream().map(s -> where + ": " + s).toList();
    }

    /** How many events the page's store has had from a stream ("marathon" or "mesos"). */
    private static long events(String stream) {
        Object n = browser.driver.executeAsyncScript("const stream = arguments[0]; const done = arguments[1];"
                + " import('/store.js').then((m) => done(m.store.events[stream])).catch(() => done(-1));", stream);
        return ((Number) n).longValue();
    }

    private static void postApp(String json) {
        Http.Resp r = Http.send(Http.request(strata.marathon.resolve("v2/apps")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
        assertThat(r.status()).as("POST /v2/apps: %s", r).isEqualTo(201);
    }

    private static JsonNode marathonApp(String id) {
        Http.Resp r = Http.get(strata.marathon.resolve("v2/apps" + id));
        assertThat(r.status()).as("GET /v2/apps%s: %s", id, r).isEqualTo(200);
        return r.json().path("app");
    }

    private static int marathonStatus(String id) {
        Http.Resp r = Http.tryGet(strata.marathon.resolve("v2/apps" + id));
        return r == null ? -1 : r.status();
    }


}
