package io.strata.it.docker;

import static io.strata.it.support.ItEnv.EVENT;
import static io.strata.it.support.ItEnv.STARTUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.it.support.Cluster;
import io.strata.it.support.DumpLogsOnFailure;
import io.strata.it.support.Http;
import io.strata.it.support.MarathonApi;
import io.strata.it.support.NodeProcess;
import io.strata.it.support.Ports;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #8, agent crash: separate {@code dcos-node zookeeper / master / agent --containerizers docker,mesos /
 * marathon} processes; a healthy Docker app's agent is killed with SIGKILL and started again. Its container keeps
 * running throughout (same container id, same main process), the recovered agent adopts it, and the task stays
 * TASK_RUNNING under the same id in the master and in Marathon, healthy, still serving on its host port.
 */
@ExtendWith(DumpLogsOnFailure.class)
class DockerAgentRestartIT {
    private static final String TEST = "DockerAgentRestartIT";
    private static final Duration DEPLOY = Duration.ofSeconds(60);

    private static String image;
    private static Cluster cluster;
    private static NodeProcess marathon;
    private static MarathonApi api;

    @BeforeAll
    static void start() throws Exception {
        DockerIt.assumeDockerAndBusybox();
        image = DockerIt.importImage("strata-it-docker/busybox");
        // Mesos-like ping timeout (the harness default, 1 s x 3, makes a 4 s agent restart TASK_UNREACHABLE, which
        // Marathon's default unreachableStrategy (0 s) replaces at once): this is about a restart within the timeout
        cluster = Cluster.builder(TEST).agentPing("5secs", 6)
                .agent(new Cluster.AgentSpec(Cluster.STANDARD_RESOURCES, null, List.of("--containerizers", "docker,mesos")))
                .start();
        int port = Ports.free();
        marathon = new NodeProcess("marathon", List.of("marathon", "--master", cluster.zkUrl(),
                "--zk", cluster.zkUrl().replace("/strata", "/marathon"), "--framework-name", "marathon",
                "--http-address", "127.0.0.1", "--hostname", "127.0.0.1", "--http-port", Integer.toString(port)),
                cluster.logDir().resolve("marathon.log"));
        api = new MarathonApi(URI.create("http://127.0.0.1:" + port + "/"));
        marathon.start();
        await("Marathon elected and registered").atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> {
            marathon.assertAlive();
            return api.elected();
        });
    }

    @AfterAll
    static void stop() {
        if (marathon != null) marathon.killTree();
        if (cluster != null) {
            cluster.close();
            int removed = DockerIt.removeContainersUnder(cluster.root());
            if (removed > 0) System.out.println("[it] " + TEST + " removed leftover containers: " + removed);
        }
        DockerIt.removeImage(image);
    }

    private static JsonNode masterTask(String taskId) {
        for (JsonNode t : Http.getJson(cluster.leaderUri(), "master/tasks").path("tasks")) {
            if (t.path("id").asText().equals(taskId)) return t;
        }
        return null;
    }

    @Test
    void killedAndRestartedAgentKeepsTheContainerAndTheTask() {
        Http.Resp created = api.post("v2/apps", DockerIt.httpdApp("/it/httpd", image, 1, ""));
        assertThat(created.status()).as("POST /v2/apps: %s", created).isEqualTo(201);
        JsonNode[] app = new JsonNode[1];
        await("/it/httpd healthy").atMost(DEPLOY).pollInterval(Duration.ofMillis(200)).until(() -> {
            marathon.assertAlive();
            app[0] = api.app("/it/httpd");
            return MarathonApi.settled(app[0], 1);
        });
        JsonNode task = app[0].path("tasks").get(0);
        String taskId = task.path("id").asText();
        int hostPort = task.path("ports").get(0).asInt();
        String[] c = new String[1];
        await("the container of " + taskId).atMost(EVENT).pollInterval(Duration.ofMillis(200))
                .until(() -> DockerIt.containersOfTask(taskId).size() == 1 && (c[0] = DockerIt.containersOfTask(taskId).get(0)) != null);
        String container = c[0];
        String pid = DockerIt.inspect(container, "{{.State.Pid}}");
        String startedAt = DockerIt.inspect(container, "{{.State.StartedAt}}");
        String agentId = cluster.agentId(0);

        cluster.agent(0).kill9();
        assertThat(DockerIt.inspect(container, "{{.State.Running}}")).as("the container outlives its agent").isEqualTo("true");
        assertThat(Http.get(URI.create("http://127.0.0.1:" + hostPort + "/")).text()).isEqualTo(DockerIt.PAGE);

        cluster.agent(0).start();
        cluster.awaitAgentHealthy(0);
        await("the agent is back, active, with the same id").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.activeAgentCount() == 1 && agentId.equals(cluster.agentId(0)));
        await("the recovered agent lists " + taskId + " as TASK_RUNNING").atMost(EVENT).pollInterval(Duration.ofMillis(200))
                .until(() -> Http.getJson(cluster.agentUri(0), "state").toString().contains(taskId));
        JsonNode agentState = Http.getJson(cluster.agentUri(0), "state");
        String running = null;
        for (JsonNode f : agentState.path("frameworks")) {
            for (JsonNode e : f.path("executors")) {
                for (JsonNode t : e.path("tasks")) if (t.path("id").asText().equals(taskId)) running = t.path("state").asText();
            }
        }
        assertThat(running).as("agent /state: %s", agentState.path("frameworks")).isEqualTo("TASK_RUNNING");

        assertThat(DockerIt.containersOfTask(taskId)).as("containers of the task").containsExactly(container);
        assertThat(DockerIt.inspect(container, "{{.State.Running}}")).isEqualTo("true");
        assertThat(DockerIt.inspect(container, "{{.State.Pid}}")).as("same main process").isEqualTo(pid);
        assertThat(DockerIt.inspect(container, "{{.State.StartedAt}}")).as("never restarted").isEqualTo(startedAt);
        assertThat(masterTask(taskId).path("state").asText()).isEqualTo("TASK_RUNNING");
        await("Marathon still has exactly " + taskId + ", healthy").atMost(EVENT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    JsonNode a = api.app("/it/httpd");
                    return MarathonApi.taskIds(a).equals(java.util.Set.of(taskId)) && MarathonApi.settled(a, 1);
                });
        assertThat(Http.get(URI.create("http://127.0.0.1:" + hostPort + "/")).text()).isEqualTo(DockerIt.PAGE);

        // the recovered agent still manages it: deleting the app kills and removes the container
        Http.Resp del = api.delete("v2/apps/it/httpd");
        assertThat(del.status()).as("DELETE: %s", del).isEqualTo(200);
        await("the master reports " + taskId + " KILLED").atMost(EVENT).pollInterval(Duration.ofMillis(200))
                .until(() -> "TASK_KILLED".equals(masterTask(taskId).path("state").asText()));
        await("the container is removed").atMost(EVENT).pollInterval(Duration.ofMillis(200))
                .until(() -> DockerIt.inspect(container, "{{.Id}}") == null);
    }
}
