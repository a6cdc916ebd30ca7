package io.strata.it.marathon;

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
import io.strata.it.support.Procs;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A network partition as Marathon sees it: the agent running an app's only task stops answering (SIGSTOP), the
 * master marks it unreachable, Marathon (default unreachableStrategy: replace at once) starts a replacement on the
 * other agent; then the agent comes back (SIGCONT) with the old task still running. Marathon must not end up with
 * two copies: the old task is unknown to it now and gets killed, found by the frequent reconciliation Marathon
 * runs while abandoned tasks may come back (the master does not announce a returning agent).
 */
@ExtendWith(DumpLogsOnFailure.class)
class MarathonAgentPartitionIT {
    private static final String TEST = "MarathonAgentPartitionIT";
    private static final Duration LOSS = Duration.ofSeconds(40);

    private static Cluster cluster;
    private static NodeProcess marathon;
    private static MarathonApi api;

    @BeforeAll
    static void start() {
        cluster = Cluster.builder(TEST)
                .agentPing("1secs", 3)
                .agent(Cluster.AgentSpec.withPorts(31000, 31499, "rack:a"))
                .agent(Cluster.AgentSpec.withPorts(31500, 31999, "rack:b"))
                .start();
        int port = Ports.free();
        marathon = new NodeProcess("marathon", List.of("marathon", "--master", cluster.zkUrl(),
                "--zk", cluster.zkUrl().replace("/strata", "/marathon"), "--framework-name", "marathon",
                "--http-address", "127.0.0.1", "--hostname", "127.0.0.1", "--http-port", Integer.toString(port),
                "--reconciliation-interval", "600000"),
                cluster.logDir().resolve("marathon.log"));
        marathon.start();
        api = new MarathonApi(URI.create("http://127.0.0.1:" + port + "/"));
    }

    @AfterAll
    static void stop() {
        if (marathon != null) marathon.killTree();
        if (cluster != null) cluster.close();
    }

    @Test
    void theTaskLeftBehindOnAReturningAgentIsKilled() {
        await("Marathon registered").atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> {
            marathon.assertAlive();
            Http.Resp info = api.tryGet("v2/info");
            return info != null && info.status() == 200 && !info.json().path("frameworkId").asText("").isEmpty();
        });
        Http.Resp created = api.post("v2/apps", """
                {"id": "/part/sleepy", "cmd": "exec sleep 600", "cpus": 0.1, "mem": 32, "instances": 1}""");
        assertThat(created.status()).as("POST /v2/apps: %s", created).isEqualTo(201);
        await("one running task").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .until(() -> api.app("/part/sleepy").path("tasksRunning").asInt() == 1 && api.deployments().isEmpty());
        JsonNode task = api.app("/part/sleepy").path("tasks").get(0);
        String oldTask = task.path("id").asText();
        String agentId = task.path("slaveId").asText();
        int frozen = cluster.agentId(0).equals(agentId) ? 0 : 1;
        assertThat(cluster.agentId(frozen)).isEqualTo(agentId);
        Set<Long> oldPids = Procs.pidsOfTask(cluster.root(), oldTask);
        assertThat(oldPids).as("the old task's process").isNotEmpty();

        cluster.agent(frozen).signal("STOP");
        await("a replacement runs on the other agent").atMost(LOSS).pollInterval(Duration.ofMillis(250)).until(() -> {
            JsonNode app = api.app("/part/sleepy");
            for (JsonNode t : app.path("tasks")) {
                if (!t.path("id").asText().equals(oldTask) && t.path("state").asText().equals("TASK_RUNNING")
                        && t.path("slaveId").asText().equals(cluster.agentId(1 - frozen))) return true;
            }
            return false;
        });
        assertThat(Procs.pidsOfTask(cluster.root(), oldTask)).as("the old task still runs on the frozen agent")
                .isNotEmpty();

        cluster.agent(frozen).signal("CONT");
        await("the old task is killed once its agent is back").atMost(LOSS).pollInterval(Duration.ofMillis(250))
                .until(() -> Procs.pidsOfTask(cluster.root(), oldTask).isEmpty());
        JsonNode app = api.app("/part/sleepy");
        assertThat(app.path("instances").asInt()).isEqualTo(1);
        assertThat(app.path("tasksRunning").asInt()).as("still one running copy").isEqualTo(1);
        assertThat(MarathonApi.taskIds(app)).doesNotContain(oldTask);
    }
}
