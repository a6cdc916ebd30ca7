package io.strata.marathon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.zk.EmbeddedZooKeeper;
import io.strata.marathon.MarathonConfig;
import io.strata.marathon.MarathonServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The v2 REST API over HTTP on 127.0.0.1, with state in an embedded ZooKeeper and no Mesos master. */
class MarathonApiTest {
    static EmbeddedZooKeeper zk;
    static MarathonServer server;
    static ApiClient api;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir);
        MarathonConfig config = MarathonConfig.defaults(null, "zk://" + zk.connectString() + "/marathon-api").withHttpPort(0);
        server = MarathonServer.start(config);
        api = new ApiClient(server.port());
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v2/apps").status() == 200);
    }

    @AfterAll
    static void stop() {
        server.close();
        zk.close();
    }

    @Test
    void pingInfoAndLeader() {
        ApiClient.Response ping = api.get("/ping");
        assertThat(ping.status()).isEqualTo(200);
        assertThat(ping.body()).isEqualTo("pong");
        JsonNode info = api.get("/v2/info").json();
        assertThat(info.get("name").asText()).isEqualTo("marathon");
        assertThat(info.get("version").asText()).isEqualTo("1.11.0");
        assertThat(info.get("elected").asBoolean()).isTrue();
        assertThat(info.get("leader").asText()).isEqualTo("127.0.0.1:" + server.port());
        assertThat(info.get("marathon_config").get("framework_name").asText()).isEqualTo("marathon");
        assertThat(info.get("marathon_config").get("failover_timeout").asLong()).isEqualTo(604800);
        assertThat(info.get("zookeeper_config").get("zk").asText()).endsWith("/marathon-api");
        assertThat(info.get("http_config").get("http_port").asInt()).isEqualTo(server.port());
        assertThat(api.get("/v2/leader").json().get("leader").asText()).isEqualTo("127.0.0.1:" + server.port());
        assertThat(api.get("/metrics").json().has("gauges")).isTrue();
        assertThat(api.get("/metrics", "Accept", "text/plain").body()).contains("marathon_apps_active");
    }

    @Test
    void eventCallbackSubscriptionsAreRefusedAsMarathonWithoutHttpCallbackDoes() {
        String expected = "http event callback system is not running on this Marathon instance. "
                + "Please re-start this instance with \"--event_subscriber http_callback\".";
        List<ApiClient.Response> answers = List.of(api.get("/v2/eventSubscriptions"),
                api.post("/v2/eventSubscriptions?callbackUrl=http://127.0.0.1:1/cb", ""),
                api.delete("/v2/eventSubscriptions?callbackUrl=http://127.0.0.1:1/cb"));
        for (ApiClient.Response r : answers) {
            assertThat(r.status()).as("%s", r).isEqualTo(400);
            assertThat(r.json().get("message").asText()).isEqualTo(expected);
        }
    }

    @Test
    void createsAnAppWithMarathonsDefaultsAndHeaders() {
        ApiClient.Response r = api.post("/v2/apps", "{\"id\":\"create/sleepy\",\"cmd\":\"sleep 100\",\"instances\":0}");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("Location")).isEqualTo("/v2/apps/create/sleepy");
        String deploymentId = r.header("Marathon-Deployment-Id");
        assertThat(deploymentId).isNotBlank();
        JsonNode app = r.json();
        assertThat(app.get("id").asText()).isEqualTo("/create/sleepy");
        assertThat(app.get("cpus").asDouble()).isEqualTo(1.0);
        assertThat(app.get("mem").asDouble()).isEqualTo(128.0);
        assertThat(app.get("portDefinitions").get(0).get("port").asInt()).isBetween(10000, 19999);
        assertThat(app.get("deployments").get(0).get("id").asText()).isEqualTo(deploymentId);
        assertThat(app.get("tasksRunning").asInt()).isZero();
        assertThat(app.get("version").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

        JsonNode got = api.get("/v2/apps/create/sleepy").json().get("app");
        assertThat(got.get("tasks").isArray()).isTrue();
        assertThat(got.get("tasksStaged").asInt()).isZero();
        assertThat(got.get("deployments").isArray()).isTrue();
        assertThat(api.get("/v2/apps/create/*").json().get("*")).hasSize(1);

        ApiClient.Response dup = api.post("/v2/apps", "{\"id\":\"/create/sleepy\",\"cmd\":\"sleep 100\"}");
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.json().get("message").asText()).isEqualTo("An app with id [/create/sleepy] already exists.");
    }

    @Test
    void listsAndFiltersApps() {
        api.post("/v2/apps", "{\"id\":\"/filter/a\",\"cmd\":\"python -m http.server\",\"instances\":0,\"labels\":{\"tier\":\"web\",\"env\":\"prod\"}}");
        api.post("/v2/apps", "{\"id\":\"/filter/b\",\"cmd\":\"sleep 5\",\"instances\":0,\"labels\":{\"tier\":\"db\"}}");
        assertThat(ids(api.get("/v2/apps?id=filter/").json())).containsExactly("/filter/a", "/filter/b");
        assertThat(ids(api.get("/v2/apps?cmd=HTTP.SERVER").json())).containsExactly("/filter/a");
        assertThat(ids(api.get("/v2/apps?id=filter&label=tier==web").json())).containsExactly("/filter/a");
        assertThat(ids(api.get("/v2/apps?id=filter&label=tier%20in%20(web,db),env").json())).containsExactly("/filter/a");
        assertThat(ids(api.get("/v2/apps?id=filter&label=tier!=web").json())).containsExactly("/filter/b");
        JsonNode withTasks = api.get("/v2/apps?id=filter/a&embed=apps.tasks&embed=apps.lastTaskFailure").json().get("apps").get(0);
        assertThat(withTasks.get("tasks").isArray()).isTrue();
        assertThat(withTasks.has("tasksRunning")).isTrue();
        assertThat(api.get("/v2/apps?label=a%20b%20c").status()).isEqualTo(422);
    }

    static List<String> ids(JsonNode apps) {
        List<String> out = new ArrayList<>();
        apps.get("apps").forEach(a -> out.add(a.get("id").asText()));
        return out;
    }

    @Test
    void answersErrorsAsMarathonDoes() {
        ApiClient.Response invalid = api.post("/v2/apps", "{\"id\":\"/err/a\",\"cmd\":\"x\",\"cpus\":-1,\"healthChecks\":[{\"portIndex\":\"x\"}]}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.json().get("message").asText()).isEqualTo("Invalid JSON");
        assertThat(invalid.json().get("details").toString()).contains("\"/cpus\"", "\"/healthChecks(0)/portIndex\"");

        ApiClient.Response semantic = api.post("/v2/apps", "{\"id\":\"/err/b\",\"cmd\":\"x\",\"args\":[\"y\"]}");
        assertThat(semantic.status()).isEqualTo(422);
        assertThat(semantic.json().get("message").asText()).isEqualTo("Object is not valid");
        assertThat(semantic.json().get("details").get(0).get("path").asText()).isEqualTo("/");

        ApiClient.Response malformed = api.post("/v2/apps", "{\"id\":\"/err/c\",");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("message").asText()).isEqualTo("Invalid JSON");
        assertThat(api.post("/v2/apps", "").status()).isEqualTo(400);

        ApiClient.Response missing = api.get("/v2/apps/err/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"message\":\"App '/err/nope' does not exist\"}");
        assertThat(api.delete("/v2/apps/err/nope").status()).isEqualTo(404);
        assertThat(api.patch("/v2/apps/err/nope", "{\"instances\":2}").status()).isEqualTo(404);
        assertThat(api.get("/v2/groups/err-none").json().get("message").asText()).isEqualTo("Group '/err-none' does not exist");

        String huge = "{\"id\":\"/err/huge\",\"cmd\":\"x\",\"labels\":{\"a\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}}";
        ApiClient.Response tooBig = api.post("/v2/apps", huge);
        assertThat(tooBig.status()).isEqualTo(413);

        // nothing half-written: the rejected apps are not there
        assertThat(ids(api.get("/v2/apps?id=/err/").json())).isEmpty();
        assertThat(api.get("/v2/groups/err").status()).isEqualTo(404);
    }

    @Test
    void locksAppsDuringDeploymentsUnlessForced() {
        ApiClient.Response created = api.post("/v2/apps", "{\"id\":\"/lock/web\",\"cmd\":\"sleep 100\",\"instances\":2}");
        assertThat(created.status()).isEqualTo(201);
        String deployment = created.header("Marathon-Deployment-Id");
        JsonNode deployments = api.get("/v2/deployments").json();
        JsonNode mine = find(deployments, deployment);
        assertThat(mine.get("affectedApps").get(0).asText()).isEqualTo("/lock/web");
        assertThat(mine.get("steps").toString()).contains("StartApplication", "ScaleApplication");
        assertThat(mine.get("currentStep").asInt()).isEqualTo(2);
        assertThat(mine.get("totalSteps").asInt()).isEqualTo(2);
        assertThat(mine.get("currentActions").get(0).get("action").asText()).isEqualTo("ScaleApplication");

        JsonNode queue = api.get("/v2/queue").json().get("queue");
        JsonNode entry = null;
        for (JsonNode q : queue) if (q.get("app").get("id").asText().equals("/lock/web")) entry = q;
        assertThat(entry).isNotNull();
        assertThat(entry.get("count").asInt()).isEqualTo(2);
        assertThat(entry.get("delay").get("overdue").asBoolean()).isTrue();

        ApiClient.Response locked = api.put("/v2/apps/lock/web", "{\"instances\":3}");
        assertThat(locked.status()).isEqualTo(409);
        assertThat(locked.json().get("message").asText()).startsWith("App is locked by one or more deployments.");
        assertThat(locked.json().get("deployments").get(0).get("id").asText()).isEqualTo(deployment);

        ApiClient.Response forced = api.put("/v2/apps/lock/web?force=true", "{\"instances\":0}");
        assertThat(forced.status()).isEqualTo(200);
        assertThat(forced.json().get("deploymentId").asText()).isEqualTo(forced.header("Marathon-Deployment-Id"));
        assertThat(forced.json().get("version").asText()).isNotBlank();
        await().atMost(Duration.ofSeconds(10)).until(() -> find(api.get("/v2/deployments").json(), deployment) == null);
        JsonNode app = api.get("/v2/apps/lock/web").json().get("app");
        assertThat(app.get("instances").asInt()).isZero();
        assertThat(app.get("cmd").asText()).isEqualTo("sleep 100");
    }

    static JsonNode find(JsonNode deployments, String id) {
        for (JsonNode d : deployments) if (d.get("id").asText().equals(id)) return d;
        return null;
    }

    @Test
    void updatesPartiallyKeepsVersionsAndRollsBack() {
        api.post("/v2/apps", "{\"id\":\"/upd/web\",\"cmd\":\"sleep 1\",\"instances\":0,\"mem\":64,\"env\":{\"A\":\"1\"}}");
        String v1 = api.get("/v2/apps/upd/web").json().get("app").get("version").asText();
        ApiClient.Response put = api.put("/v2/apps/upd/web", "{\"cmd\":\"sleep 2\"}");
        assertThat(put.status()).isEqualTo(200);
        JsonNode app = api.get("/v2/apps/upd/web").json().get("app");
        assertThat(app.get("cmd").asText()).isEqualTo("sleep 2");
        assertThat(app.get("mem").asInt()).isEqualTo(64);
        assertThat(app.get("env").get("A").asText()).isEqualTo("1");
        int servicePort = app.get("portDefinitions").get(0).get("port").asInt();
        assertThat(app.get("versionInfo").get("lastConfigChangeAt").asText()).isEqualTo(app.get("version").asText());

        ApiClient.Response patch = api.patch("/v2/apps/upd/web", "{\"instances\":0,\"labels\":{\"x\":\"y\"}}");
        assertThat(patch.status()).isEqualTo(200);
        JsonNode versions = api.get("/v2/apps/upd/web/versions").json().get("versions");
        assertThat(versions.size()).isEqualTo(3);
        assertThat(versions.get(2).asText()).isEqualTo(v1);
        JsonNode old = api.get("/v2/apps/upd/web/versions/" + v1).json();
        assertThat(old.get("cmd").asText()).isEqualTo("sleep 1");
        assertThat(api.get("/v2/apps/upd/web/versions/2001-01-01T00:00:00.000Z").status()).isEqualTo(404);

        ApiClient.Response rollback = api.put("/v2/apps/upd/web", "{\"version\":\"" + v1 + "\"}");
        assertThat(rollback.status()).isEqualTo(200);
        JsonNode back = api.get("/v2/apps/upd/web").json().get("app");
        assertThat(back.get("cmd").asText()).isEqualTo("sleep 1");
        assertThat(back.get("portDefinitions").get(0).get("port").asInt()).isEqualTo(servicePort);
        assertThat(api.put("/v2/apps/upd/web", "{\"version\":\"" + v1 + "\",\"cmd\":\"x\"}").status()).isEqualTo(422);

        ApiClient.Response created = api.put("/v2/apps/upd/other", "{\"cmd\":\"sleep 3\",\"instances\":0}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(api.get("/v2/apps/upd/other").json().get("app").get("id").asText()).isEqualTo("/upd/other");

        ApiClient.Response restart = api.post("/v2/apps/upd/other/restart", null);
        assertThat(restart.status()).isEqualTo(200);
        assertThat(restart.json().has("deploymentId")).isTrue();

        ApiClient.Response deleted = api.delete("/v2/apps/upd/other");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(api.get("/v2/apps/upd/other").status()).isEqualTo(404);
    }

    @Test
    void groupsDeployInDependencyOrder() {
        String group = """
            {"id":"/shop","groups":[
               {"id":"db","apps":[{"id":"pg","cmd":"sleep 100","instances":1}]},
               {"id":"web","dependencies":["/shop/db"],"apps":[{"id":"ui","cmd":"sleep 100","instances":1},
                                                              {"id":"api","cmd":"sleep 100","instances":1,"dependencies":["../db/pg"]}]}]}
            """;
        ApiClient.Response r = api.post("/v2/groups", group);
        assertThat(r.status()).isEqualTo(201);
        String id = r.json().get("deploymentId").asText();
        JsonNode d = find(api.get("/v2/deployments").json(), id);
        List<String> order = new ArrayList<>();
        for (JsonNode step : d.get("steps")) {
            List<String> s = new ArrayList<>();
            step.get("actions").forEach(a -> s.add(a.get("action").asText().replace("Application", "") + " " + a.get("app").asText()));
            order.add(String.join(",", s));
        }
        assertThat(order).containsExactly("Start /shop/db/pg,Start /shop/web/api,Start /shop/web/ui", "Scale /shop/db/pg",
                "Scale /shop/web/api,Scale /shop/web/ui");
        JsonNode g = api.get("/v2/groups/shop").json();
        assertThat(g.get("groups")).hasSize(2);
        assertThat(g.get("groups").get(1).get("dependencies").get(0).asText()).isEqualTo("/shop/db");
        assertThat(g.get("groups").get(1).get("apps").get(0).get("dependencies").get(0).asText()).isEqualTo("/shop/db/pg");
        assertThat(api.post("/v2/groups", group).status()).isEqualTo(409);

        ApiClient.Response bad = api.put("/v2/groups/shop2", "{\"apps\":[{\"id\":\"x\",\"cmd\":\"a\",\"cpus\":\"many\"}]}");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().get("details").get(0).get("path").asText()).isEqualTo("/apps(0)/cpus");

        ApiClient.Response rollback = api.delete("/v2/deployments/" + id);
        assertThat(rollback.status()).isEqualTo(200);
        assertThat(rollback.json().has("deploymentId")).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v2/groups/shop").status() == 404);
        assertThat(api.delete("/v2/deployments/nope").status()).isEqualTo(404);
    }

    @Test
    void scalesGroupsAndDeletesThem() {
        api.put("/v2/groups/scale", "{\"apps\":[{\"id\":\"a\",\"cmd\":\"sleep 1\",\"instances\":0}]}");
        assertThat(api.get("/v2/apps/scale/a").status()).isEqualTo(200);
        ApiClient.Response stopped = api.delete("/v2/groups/scale");
        assertThat(stopped.status()).isEqualTo(200);
        assertThat(api.get("/v2/groups/scale").status()).isEqualTo(404);
        ApiClient.Response force = api.put("/v2/groups/forced?force=true", "{\"apps\":[{\"id\":\"a\",\"cmd\":\"sleep 1\",\"instances\":1}]}");
        String id = force.json().get("deploymentId").asText();
        assertThat(api.delete("/v2/deployments/" + id + "?force=true").status()).isEqualTo(202);
        assertThat(find(api.get("/v2/deployments").json(), id)).isNull();
        api.delete("/v2/groups/forced?force=true");

        assertThat(api.post("/v2/groups/nest", "{\"id\":\"inner\",\"apps\":[{\"id\":\"x\",\"cmd\":\"sleep 1\",\"instances\":0}]}").status())
                .isEqualTo(201);
        assertThat(api.get("/v2/apps/nest/inner/x").status()).isEqualTo(200);
        ApiClient.Response scaled = api.put("/v2/groups/nest", "{\"scaleBy\":2}");
        assertThat(scaled.status()).isEqualTo(200);
        api.delete("/v2/groups/nest");
    }

    @Test
    void partialUpdatesSwitchNetworkingCleanly() {
        api.post("/v2/apps", "{\"id\":\"/net/web\",\"cmd\":\"sleep 1\",\"instances\":0,\"portDefinitions\":[{\"port\":0,\"name\":\"http\"}]}");
        ApiClient.Response toBridge = api.put("/v2/apps/net/web", "{\"container\":{\"type\":\"DOCKER\",\"docker\":{\"image\":\"nginx\","
                + "\"network\":\"BRIDGE\",\"portMappings\":[{\"containerPort\":80,\"hostPort\":0,\"name\":\"http\"}]}}}");
        assertThat(toBridge.status()).isEqualTo(200);
        JsonNode app = api.get("/v2/apps/net/web").json().get("app");
        assertThat(app.has("portDefinitions")).isFalse();
        assertThat(app.get("networks").get(0).get("mode").asText()).isEqualTo("container/bridge");
        assertThat(app.get("container").get("portMappings").get(0).get("servicePort").asInt()).isBetween(10000, 19999);
        ApiClient.Response toArgs = api.put("/v2/apps/net/web", "{\"args\":[\"nginx\",\"-g\",\"daemon off;\"]}");
        assertThat(toArgs.status()).isEqualTo(200);
        JsonNode withArgs = api.get("/v2/apps/net/web").json().get("app");
        assertThat(withArgs.has("cmd")).isFalse();
        assertThat(withArgs.get("args")).hasSize(3);
        ApiClient.Response full = api.put("/v2/apps/net/web?partialUpdate=false", "{\"cmd\":\"sleep 2\",\"instances\":0}");
        assertThat(full.status()).isEqualTo(200);
        JsonNode replaced = api.get("/v2/apps/net/web").json().get("app");
        assertThat(replaced.has("container")).isFalse();
        assertThat(replaced.get("networks").get(0).get("mode").asText()).isEqualTo("host");
    }

    @Test
    void tasksAndQueue() {
        assertThat(api.get("/v2/tasks").json().get("tasks").isArray()).isTrue();
        ApiClient.Response text = api.get("/v2/tasks", "Accept", "text/plain");
        assertThat(text.status()).isEqualTo(200);
        assertThat(text.header("Content-Type")).startsWith("text/plain");
        assertThat(api.delete("/v2/queue/nope/delay").status()).isEqualTo(404);
        assertThat(api.get("/v2/queue").json().get("queue").isArray()).isTrue();
        assertThat(api.post("/v2/tasks/delete", "{\"ids\":[]}").json().get("tasks")).isEmpty();
        api.post("/v2/apps", "{\"id\":\"/q/web\",\"cmd\":\"sleep 100\",\"instances\":1}");
        assertThat(api.delete("/v2/queue/q/web/delay").status()).isEqualTo(204);
        api.delete("/v2/apps/q/web?force=true");
    }

    @Test
    void streamsEventsOverSse() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpRequest req = HttpRequest.newBuilder(URI.create(api.base + "/v2/events?event_type=api_post_event&event_type=deployment_info"))
                .header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> resp = api.raw().send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) lines.add(l);
            } catch (Exception e) {
                // closed
            }
        });
        api.post("/v2/apps", "{\"id\":\"/sse/web\",\"cmd\":\"sleep 100\",\"instances\":0}");
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event: api_post_event") && lines.contains("event: deployment_info"));
        String data = lines.stream().filter(l -> l.startsWith("data: ") && l.contains("api_post_event")).findFirst().orElseThrow();
        JsonNode event = io.strata.common.json.Json.read(data.substring(6));
        assertThat(event.get("appDefinition").get("id").asText()).isEqualTo("/sse/web");
        assertThat(event.get("uri").asText()).isEqualTo("/v2/apps");
        assertThat(lines).noneMatch(l -> l.contains("group_change_success"));
        resp.body().close();
        reader.interrupt();
    }
}
