package io.strata.it.marathon;

import static io.strata.it.support.ItEnv.EVENT;
import static io.strata.it.support.ItEnv.STARTUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.it.support.ItEnv;
import io.strata.it.support.DumpLogsOnFailure;
import io.strata.it.support.Http;
import io.strata.it.support.LocalNode;
import io.strata.it.support.MarathonApi;
import io.strata.it.support.NodeProcess;
import io.strata.it.support.Procs;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marathon end to end, through its v2 REST API only, against one {@code dcos-node local} (ZooKeeper, master, a
 * private and a public agent, Marathon) with free ports: apps serving HTTP with health checks become healthy,
 * roll within their upgrade strategy, are replaced when their process dies or their health check fails, scale,
 * restart and go away; bad requests are refused without changing anything; /v2/events tells the story.
 * Expected values are Marathon 1.11's (docs/MARATHON.md and Marathon's REST API documentation).
 */
@ExtendWith(DumpLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MarathonIT {
    /** Longest a deployment of a few small HTTP apps may take (launch, python start, grace, first checks). */
    private static final Duration DEPLOY = Duration.ofSeconds(60);

    private static LocalNode node;
    private static Path work;
    private static NodeProcess local;
    private static URI master;
    private static MarathonApi api;
    private static String python;

    @BeforeAll
    static void startLocal() throws Exception {
        node = LocalNode.create(MarathonIT.class, "strata-it-marathon-");
        work = node.work;
        local = node.process;
        python = ItEnv.realPython();
        master = node.master;
        api = new MarathonApi(node.marathon);
        node.start().awaitReady("local cluster with 2 active agents and an elected, registered Marathon", STARTUP,
                node::marathonRegistered);
    }

    @AfterAll
    static void stopLocal() {
        if (node != null) node.close();
    }


    /** An app serving HTTP on $PORT0 (python's http.server) with an HTTP health check on {@code path}. */
    static String webApp(String id, int instances, String path, int grace, int maxFailures, String extra) {
        return """
                {"id": "%s", "cmd": "exec %s -m http.server $PORT0 --bind 127.0.0.1", "cpus": 0.1, "mem": 48,
                 "instances": %d, "backoffSeconds": 1, "backoffFactor": 1.0,
                 "healthChecks": [{"protocol": "HTTP", "portIndex": 0, "path": "%s", "gracePeriodSeconds": %d,
                                   "intervalSeconds": 1, "timeoutSeconds": 5, "maxConsecutiveFailures": %d}]%s}
                """.formatted(id, python, instances, path, grace, maxFailures, extra);
    }

    private static JsonNode awaitSettled(String id, int n) {
        return api.awaitSettled(id, n, DEPLOY, local);
    }

    private static void awaitNoDeployments() {
        await("GET /v2/deployments is empty").atMost(DEPLOY).pollInterval(Duration.ofMillis(200))
                .until(() -> api.deployments().isEmpty());
    }

    private static void deleteForced(String id) {
        Http.Resp r = api.delete("v2/apps" + id + "?force=true");
        assertThat(r.status()).as("DELETE %s?force=true: %s", id, r).isEqualTo(200);
        await(id + " is gone").atMost(DEPLOY).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("v2/apps" + id).status() == 404 && api.deployments().isEmpty());
    }

    // ------------------------------------------------------------------ 1. healthy

    @Test
    @Order(1)
    void appWithHttpHealthCheckBecomesHealthy() {
        Http.Resp created = api.post("v2/apps", webApp("/it/web", 2, "/", 5, 3,
                ", \"env\": {\"GEN\": \"1\"}, \"upgradeStrategy\": {\"minimumHealthCapacity\": 1, \"maximumOverCapacity\": 0.5}"));
        assertThat(created.status()).as("POST /v2/apps: %s", created).isEqualTo(201);
        assertThat(created.header("Marathon-Deployment-Id")).as("Marathon-Deployment-Id header").isPresent();
        assertThat(created.json().path("id").asText()).isEqualTo("/it/web");

        JsonNode app = awaitSettled("/it/web", 2);
        assertThat(app.path("tasksUnhealthy").asInt()).isZero();
        awaitNoDeployments();

        JsonNode tasks = api.get("v2/tasks").json().path("tasks");
        List<JsonNode> web = new ArrayList<>();
        tasks.forEach(t -> {
            if (t.path("appId").asText().equals("/it/web")) web.add(t);
        });
        assertThat(web).as("/v2/tasks for /it/web").hasSize(2);
        for (JsonNode t : web) {
            assertThat(t.path("healthCheckResults")).as("healthCheckResults of %s", t).hasSize(1);
            assertThat(t.path("healthCheckResults").get(0).path("alive").asBoolean()).as("alive: %s", t).isTrue();
            // Marathon 1.11 names the instance (the task id without its "._app.<incarnation>" suffix)
            assertThat(t.path("id").asText()).startsWith(t.path("healthCheckResults").get(0).path("instanceId").asText() + ".");
            assertThat(t.path("ports")).hasSize(1);
            // the task really serves HTTP on the port Marathon reports
            int port = t.path("ports").get(0).asInt();
            assertThat(Http.get(URI.create("http://127.0.0.1:" + port + "/")).status()).isEqualTo(200);
        }
    }

    // ------------------------------------------------------------------ 2. rolling update

    @Test
    @Order(2)
    void rollingUpdateKeepsMinimumHealthCapacityAndMaximumOverCapacity() {
        JsonNode before = awaitSettled("/it/web", 2);
        Set<String> oldIds = MarathonApi.taskIds(before);
        int instances = 2;
        double minHealth = 1.0;
        double maxOver = 0.5;

        Http.Resp put = api.put("v2/apps/it/web", "{\"env\": {\"GEN\": \"2\"}}");
        assertThat(put.status()).as("PUT /v2/apps/it/web: %s", put).isEqualTo(200);
        String deploymentId = put.json().path("deploymentId").asText();
        String newVersion = put.json().path("version").asText();
        assertThat(deploymentId).isNotEmpty();
        assertThat(put.header("Marathon-Deployment-Id")).contains(deploymentId);

        List<String> violations = new ArrayList<>();
        int[] samples = {0};
        int[] maxTotal = {0};
        await("rolling update " + deploymentId + " finishes").atMost(DEPLOY).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    local.assertAlive();
                    JsonNode app = api.app("/it/web");
                    samples[0]++;
                    int healthy = app.path("tasksHealthy").asInt();
                    int total = app.path("tasks").size();
                    maxTotal[0] = Math.max(maxTotal[0], total);
                    if (healthy < Math.ceil(instances * minHealth)) {
                        violations.add("healthy " + healthy + " < " + instances * minHealth + ": " + MarathonApi.taskIds(app));
                    }
                    if (total > Math.floor(instances * (1 + maxOver))) {
                        violations.add("tasks " + total + " > " + instances * (1 + maxOver) + ": " + MarathonApi.taskIds(app));
                    }
                    return !api.deployments().contains(deploymentId) && MarathonApi.settled(app, instances)
                            && MarathonApi.tasks(app).stream().allMatch(t -> t.path("version").asText().equals(newVersion));
                });
        System.out.println("[it] rolling update: " + samples[0] + " samples, at most " + maxTotal[0] + " tasks");
        assertThat(violations).as("upgrade strategy bounds during the deployment").isEmpty();
        assertThat(maxTotal[0]).as("the update started a new task before killing an old one").isEqualTo(3);
        awaitNoDeployments();

        JsonNode after = api.app("/it/web");
        assertThat(after.path("version").asText()).isEqualTo(newVersion);
        assertThat(after.path("env").path("GEN").asText()).isEqualTo("2");
        assertThat(MarathonApi.taskIds(after)).as("every task was replaced").doesNotContainAnyElementsOf(oldIds);
        for (JsonNode t : MarathonApi.tasks(after)) assertThat(t.path("version").asText()).isEqualTo(newVersion);
    }

    // ------------------------------------------------------------------ 3. process killed

    @Test
    @Order(3)
    void killedTaskProcessIsReplaced() {
        JsonNode before = awaitSettled("/it/web", 2);
        Set<String> oldIds = MarathonApi.taskIds(before);
        String victim = oldIds.iterator().next();
        Set<Long>[] pids = new Set[1];
        await("the processes of " + victim).atMost(EVENT).until(() -> !(pids[0] = Procs.pidsOfTask(work, victim)).isEmpty());
        pids[0].forEach(pid -> Procs.signal(pid, "KILL"));

        JsonNode[] app = new JsonNode[1];
        await("a replacement for " + victim).atMost(DEPLOY).pollInterval(Duration.ofMillis(200)).until(() -> {
            app[0] = api.app("/it/web");
            Set<String> ids = MarathonApi.taskIds(app[0]);
            return !ids.contains(victim) && MarathonApi.settled(app[0], 2);
        });
        Set<String> now = MarathonApi.taskIds(app[0]);
        Set<String> fresh = new HashSet<>(now);
        fresh.removeAll(oldIds);
        assertThat(fresh).as("new task ids").hasSize(1);
        assertThat(now).as("the other task kept running").containsAll(oldIds.stream().filter(i -> !i.equals(victim)).toList());
        JsonNode failure = app[0].path("lastTaskFailure");
        assertThat(failure.path("taskId").asText()).as("lastTaskFailure: %s", failure).isEqualTo(victim);
        assertThat(failure.path("state").asText()).as("lastTaskFailure: %s", failure).isEqualTo("TASK_FAILED");
        assertThat(failure.path("appId").asText()).isEqualTo("/it/web");
    }

    // ------------------------------------------------------------------ 4. failing health check

    @Test
    @Order(4)
    void taskFailingItsHealthCheckIsKilledAndReplaced() {
        try (EventStream events = new EventStream(api.base()).awaitOpen(EVENT)) {
            Http.Resp created = api.post("v2/apps", webApp("/it/sick", 1, "/missing", 2, 2, ""));
            assertThat(created.status()).as("POST: %s", created).isEqualTo(201);
            String[] first = new String[1];
            await("the first task of /it/sick").atMost(DEPLOY).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonNode app = api.app("/it/sick");
                for (JsonNode t : app.path("tasks")) {
                    if (t.path("state").asText().equals("TASK_RUNNING")) first[0] = t.path("id").asText();
                }
                return first[0] != null;
            });
            await("a replacement for the unhealthy " + first[0]).atMost(DEPLOY).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        Set<String> ids = MarathonApi.taskIds(api.app("/it/sick"));
                        return !ids.isEmpty() && !ids.contains(first[0]);
                    });
            events.await("unhealthy_instance_kill_event", e -> e.path("appId").asText().equals("/it/sick")
                    && e.path("taskId").asText().equals(first[0]), EVENT);
            events.await("failed_health_check_event", e -> e.path("appId").asText().equals("/it/sick"), EVENT);
            events.await("status_update_event", e -> e.path("taskId").asText().equals(first[0])
                    && e.path("taskStatus").asText().equals("TASK_KILLED"), EVENT);
            JsonNode app = api.app("/it/sick");
            assertThat(app.path("tasksHealthy").asInt()).isZero();
            assertThat(app.path("deployments")).as("the deployment waits for a healthy instance").isNotEmpty();
        } finally {
            deleteForced("/it/sick");
        }
    }

    // ------------------------------------------------------------------ 5. scale, restart, delete

    @Test
    @Order(5)
    void scaleRestartAndDelete() {
        Set<String> start = MarathonApi.taskIds(awaitSettled("/it/web", 2));

        Http.Resp up = api.put("v2/apps/it/web", "{\"instances\": 3}");
        assertThat(up.status()).as("scale up: %s", up).isEqualTo(200);
        JsonNode three = awaitSettled("/it/web", 3);
        assertThat(MarathonApi.taskIds(three)).as("scaling up keeps the running tasks").containsAll(start);
        awaitNoDeployments();

        Http.Resp down = api.put("v2/apps/it/web", "{\"instances\": 1}");
        assertThat(down.status()).as("scale down: %s", down).isEqualTo(200);
        JsonNode one = awaitSettled("/it/web", 1);
        assertThat(MarathonApi.taskIds(three)).containsAll(MarathonApi.taskIds(one));
        awaitNoDeployments();

        Http.Resp two = api.put("v2/apps/it/web", "{\"instances\": 2}");
        assertThat(two.status()).isEqualTo(200);
        Set<String> beforeRestart = MarathonApi.taskIds(awaitSettled("/it/web", 2));
        awaitNoDeployments();

        Http.Resp restart = api.post("v2/apps/it/web/restart", "");
        assertThat(restart.status()).as("restart: %s", restart).isEqualTo(200);
        assertThat(restart.json().path("deploymentId").asText()).isNotEmpty();
        assertThat(restart.json().path("version").asText()).isNotEmpty();
        JsonNode restarted = awaitSettled("/it/web", 2);
        await("the restart deployment ends with new tasks only").atMost(DEPLOY).pollInterval(Duration.ofMillis(200))
                .until(() -> api.deployments().isEmpty()
                        && java.util.Collections.disjoint(MarathonApi.taskIds(api.app("/it/web")), beforeRestart));
        restarted = awaitSettled("/it/web", 2);
        Set<String> last = MarathonApi.taskIds(restarted);
        assertThat(last).doesNotContainAnyElementsOf(beforeRestart);
        Map<String, Set<Long>> pids = new HashMap<>();
        for (String id : last) pids.put(id, Procs.pidsOfTask(work, id));

        Http.Resp del = api.delete("v2/apps/it/web");
        assertThat(del.status()).as("DELETE: %s", del).isEqualTo(200);
        assertThat(del.json().path("deploymentId").asText()).isNotEmpty();
        await("/it/web is gone").atMost(DEPLOY).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("v2/apps/it/web").status() == 404 && api.deployments().isEmpty());
        Http.Resp missing = api.get("v2/apps/it/web");
        assertThat(missing.json().path("message").asText()).isEqualTo("App '/it/web' does not exist");
        await("the master reports every task of /it/web KILLED").atMost(EVENT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Map<String, String> states = masterTaskStates();
                    return last.stream().allMatch(id -> "TASK_KILLED".equals(states.get(id)));
                });
        await("the task processes are gone").atMost(EVENT)
                .until(() -> pids.values().stream().noneMatch(Procs::anyAlive));
    }

    private static Map<String, String> masterTaskStates() {
        Map<String, String> out = new HashMap<>();
        for (JsonNode t : Http.getJson(master, "master/tasks").path("tasks")) {
            out.put(t.path("id").asText(), t.path("state").asText());
        }
        return out;
    }

    // ------------------------------------------------------------------ 6. bad inputs

    @Test
    @Order(6)
    void badRequestsAreRefusedAndChangeNothing() {
        // an app whose deployment never finishes: its only instance never becomes healthy (and is within its grace)
        Http.Resp created = api.post("v2/apps", webApp("/it/locked", 1, "/missing", 600, 3, ""));
        assertThat(created.status()).as("POST: %s", created).isEqualTo(201);
        String deploymentId = created.header("Marathon-Deployment-Id").orElseThrow();
        try {
            await("/it/locked runs").atMost(DEPLOY).pollInterval(Duration.ofMillis(200))
                    .until(() -> api.app("/it/locked").path("tasksRunning").asInt() == 1);
            JsonNode before = api.app("/it/locked");
            String appsBefore = appIdsAndVersions();

            Http.Resp malformed = api.post("v2/apps", "{\"id\": \"/it/bad\", \"cmd\": ");
            assertThat(malformed.status()).as("malformed JSON: %s", malformed).isEqualTo(400);
            assertThat(malformed.json().path("message").asText()).isEqualTo("Invalid JSON");

            Http.Resp empty = api.post("v2/apps", "");
            assertThat(empty.status()).as("no body: %s", empty).isEqualTo(400);
            assertThat(empty.json().path("message").asText()).isEqualTo("Please specify data in JSON format");

            Http.Resp invalid = api.post("v2/apps", "{\"id\": \"/it/bad\", \"cmd\": \"sleep 1\", \"cpus\": -1}");
            assertThat(invalid.status()).as("cpus -1: %s", invalid).isEqualTo(422);
            JsonNode details = invalid.json().path("details");
            List<String> paths = new ArrayList<>();
            details.forEach(d -> paths.add(d.path("path").asText()));
            assertThat(paths).as("details: %s", details).contains("/cpus");
            for (JsonNode d : details) {
                if (d.path("path").asText().equals("/cpus")) {
                    assertThat(d.path("errors").toString()).contains("error.min");
                }
            }

            Http.Resp badHc = api.put("v2/apps/it/locked?force=true",
                    "{\"healthChecks\": [{\"protocol\": \"HTTP\", \"portIndex\": 5}]}");
            assertThat(badHc.status()).as("health check port index 5 of 1 port: %s", badHc).isEqualTo(422);
            assertThat(badHc.json().path("details").toString()).contains("/healthChecks(0)");

            Http.Resp unknown = api.get("v2/apps/x");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().toString()).isEqualTo("{\"message\":\"App '/x' does not exist\"}");
            Http.Resp unknownRestart = api.post("v2/apps/x/restart", "");
            assertThat(unknownRestart.status()).as("restart /x: %s", unknownRestart).isEqualTo(404);
            assertThat(unknownRestart.json().path("message").asText()).isEqualTo("App '/x' does not exist");

            Http.Resp locked = api.put("v2/apps/it/locked", "{\"instances\": 2}");
            assertThat(locked.status()).as("PUT during a deployment: %s", locked).isEqualTo(409);
            // Marathon's AppLockedException message has the placeholder literally; the ids are in "deployments"
            assertThat(locked.json().path("message").asText()).isEqualTo(
                    "App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/<DEPLOYMENT_ID>'.");
            assertThat(locked.json().path("deployments").get(0).path("id").asText()).isEqualTo(deploymentId);

            Http.Resp lockedRestart = api.post("v2/apps/it/locked/restart", "");
            assertThat(lockedRestart.status()).as("restart during a deployment: %s", lockedRestart).isEqualTo(409);

            Http.Resp exists = api.post("v2/apps", webApp("/it/locked", 1, "/", 5, 3, ""));
            assertThat(exists.status()).isEqualTo(409);
            assertThat(exists.json().path("message").asText()).isEqualTo("An app with id [/it/locked] already exists.");

            // nothing changed
            JsonNode after = api.app("/it/locked");
            assertThat(after.path("version").asText()).isEqualTo(before.path("version").asText());
            assertThat(after.path("instances").asInt()).isEqualTo(1);
            assertThat(after.path("healthChecks").get(0).path("portIndex").asInt()).isZero();
            assertThat(api.deployments()).containsExactly(deploymentId);
            assertThat(api.get("v2/apps/it/bad").status()).isEqualTo(404);
            assertThat(appIdsAndVersions()).isEqualTo(appsBefore);
        } finally {
            deleteForced("/it/locked");
        }
    }

    private static String appIdsAndVersions() {
        List<String> out = new ArrayList<>();
        for (JsonNode a : Http.getJson(api.base(), "v2/apps").path("apps")) {
            out.add(a.path("id").asText() + "@" + a.path("version").asText() + "x" + a.path("instances").asInt());
        }
        java.util.Collections.sort(out);
        return out.toString();
    }

    // ------------------------------------------------------------------ 7. events

    @Test
    @Order(7)
    void eventStreamTellsTheStoryOfAnApp() {
        try (EventStream events = new EventStream(api.base()).awaitOpen(EVENT)) {
            events.await("event_stream_attached", e -> true, EVENT);
            Http.Resp created = api.post("v2/apps", webApp("/it/events", 1, "/", 5, 3, ""));
            assertThat(created.status()).as("POST: %s", created).isEqualTo(201);
            String deploymentId = created.header("Marathon-Deployment-Id").orElseThrow();

            JsonNode post = events.await("api_post_event",
                    e -> e.path("appDefinition").path("id").asText().equals("/it/events"), EVENT).data();
            assertThat(post.path("eventType").asText()).isEqualTo("api_post_event");
            assertThat(post.path("timestamp").asText()).isNotEmpty();
            events.await("deployment_info", e -> e.path("plan").path("id").asText().equals(deploymentId), EVENT);
            JsonNode running = events.await("status_update_event", e -> e.path("appId").asText().equals("/it/events")
                    && e.path("taskStatus").asText().equals("TASK_RUNNING"), DEPLOY).data();
            assertThat(running.path("ports")).hasSize(1);
            assertThat(running.path("host").asText()).isNotEmpty();
            events.await("health_status_changed_event", e -> e.path("appId").asText().equals("/it/events")
                    && e.path("alive").asBoolean(false), DEPLOY);
            events.await("deployment_success", e -> e.path("id").asText().equals(deploymentId), DEPLOY);

            List<String> order = new ArrayList<>();
            for (EventStream.Event e : events.events()) order.add(e.type());
            assertThat(order.indexOf("api_post_event")).as("order: %s", order).isLessThan(order.indexOf("deployment_success"));
        } finally {
            deleteForced("/it/events");
        }
    }
}
