package io.strata.marathon.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.json.Json;
import io.strata.common.zk.EmbeddedZooKeeper;
import io.strata.marathon.MarathonConfig;
import io.strata.marathon.MarathonServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Marathon against a scripted master: subscribe, launch on offers, status updates, acks, kills and replacement. */
class MesosSchedulerTest {
    static EmbeddedZooKeeper zk;
    static FakeMaster master;
    static MarathonServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir);
        master = new FakeMaster();
        MarathonConfig config = MarathonConfig.defaults("127.0.0.1:" + master.port(), "zk://" + zk.connectString() + "/marathon-sched")
                .withHttpPort(0).withFrameworkName("marathon-user").withRole("slave_public");
        server = MarathonServer.start(config);
        await().atMost(Duration.ofSeconds(20)).until(() -> server.marathon() != null && "fw-1".equals(server.marathon().frameworkId()));
    }

    @AfterAll
    static void stop() {
        server.close();
        master.close();
        zk.close();
    }

    static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode app(String id) throws Exception {
        return Json.read(send("GET", "/v2/apps" + id, null).body()).get("app");
    }

    @Test
    void subscribesLaunchesReplacesAndStops() throws Exception {
        FrameworkInfo fi = master.subscribe.getSubscribe().getFrameworkInfo();
        assertThat(fi.getName()).isEqualTo("marathon-user");
        assertThat(fi.getRole()).isEqualTo("slave_public");
        assertThat(fi.getFailoverTimeout()).isEqualTo(604800.0);
        assertThat(fi.getCapabilitiesList()).extracting(c -> c.getType().name()).contains("PARTITION_AWARE", "TASK_KILLING_STATE");
        assertThat(Json.read(send("GET", "/v2/info", null).body()).get("frameworkId").asText()).isEqualTo("fw-1");

        HttpResponse<String> created = send("POST", "/v2/apps", "{\"id\":\"/web\",\"cmd\":\"sleep 1000\",\"cpus\":0.5,\"mem\":64,\"instances\":2,"
                + "\"acceptedResourceRoles\":[\"*\"],\"role\":\"slave_public\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(20)).until(() -> app("/web").get("tasksRunning").asInt() == 2
                && Json.read(send("GET", "/v2/deployments", null).body()).isEmpty());
        JsonNode task = app("/web").get("tasks").get(0);
        assertThat(task.get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(task.get("state").asText()).isEqualTo("TASK_RUNNING");
        assertThat(task.get("ports").get(0).asInt()).isBetween(31000, 32000);
        assertThat(task.get("slaveId").asText()).isEqualTo("agent-1");
        assertThat(task.get("servicePorts").get(0).asInt()).isBetween(10000, 20000);
        assertThat(master.launched).hasSize(2);
        assertThat(master.launched.get(0).getName()).isEqualTo("web");
        await().atMost(Duration.ofSeconds(10)).until(() -> master.count(Call.Type.ACKNOWLEDGE) >= 2);
        assertThat(master.count(Call.Type.RECONCILE)).isGreaterThanOrEqualTo(1);

        String victim = task.get("id").asText();
        HttpResponse<String> killed = send("DELETE", "/v2/apps/web/tasks/" + victim, null);
        assertThat(killed.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> master.launched.size() == 3 && app("/web").get("tasksRunning").asInt() == 2);
        assertThat(master.calls).anyMatch(c -> c.getType() == Call.Type.KILL && c.getKill().getTaskId().getValue().equals(victim));
        assertThat(master.launched.get(2).getTaskId().getValue()).isEqualTo(victim.replace("._app.1", "._app.2"));

        HttpResponse<String> text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v2/tasks"))
                .header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(text.body()).startsWith("web\t1").contains("127.0.0.1:31");

        assertThat(send("DELETE", "/v2/apps/web", null).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> send("GET", "/v2/apps/web", null).statusCode() == 404
                && server.marathon().instances().isEmpty() && Json.read(send("GET", "/v2/deployments", null).body()).isEmpty());
    }
}
