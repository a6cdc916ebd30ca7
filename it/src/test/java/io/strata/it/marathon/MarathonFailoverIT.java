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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two Marathons ({@code dcos-node marathon}, same --zk and framework name) on a cluster of separate
 * {@code dcos-node zookeeper / master / agent} processes: one leads, the other answers /v2/leader with it and
 * proxies; kill -9 the leader and the other takes over within seconds with the same framework id, keeps every
 * running task (same task ids, same processes), reconciles them and goes on managing the app.
 */
@ExtendWith(DumpLogsOnFailure.class)
class MarathonFailoverIT {
    private static final String TEST = "MarathonFailoverIT";
    /** Marathon's leader election (Curator latch on a ZooKeeper session) must move within seconds. */
    private static final Duration TAKEOVER = Duration.ofSeconds(60);

    private static Cluster cluster;
    private static final List<NodeProcess> marathons = new ArrayList<>();
    private static final List<Integer> ports = new ArrayList<>();

    @BeforeAll
    static void start() {
        cluster = Cluster.builder(TEST)
                .agent(new Cluster.AgentSpec("cpus:4;mem:4096;disk:4096;ports:[31000-31999]", "rack:a", List.of()))
                .start();
        String zkMarathon = cluster.zkUrl().replace("/strata", "/marathon");
        for (int i = 0; i < 2; i++) {
            int port = Ports.free();
            ports.add(port);
            NodeProcess m = new NodeProcess("marathon-" + i, List.of("marathon", "--master", cluster.zkUrl(),
                    "--zk", zkMarathon, "--framework-name", "marathon", "--http-address", "127.0.0.1",
                    "--hostname", "127.0.0.1", "--http-port", Integer.toString(port),
                    "--zk-session-timeout", "5000", "--reconciliation-interval", "600000"),
                    cluster.logDir().resolve("marathon-" + i + ".log"));
            marathons.add(m);
            m.start();
        }
    }

    @AfterAll
    static void stop() {
        for (NodeProcess m : marathons) m.killTree();
        if (cluster != null) cluster.close();
    }

    private static URI uri(int i) {
        return URI.create("http://127.0.0.1:" + ports.get(i) + "/");
    }

    /** GET /v2/leader on Marathon i: its "leader" or null (not reachable, no leader yet). */
    private static String leaderSeenBy(int i) {
        Http.Resp r = Http.tryGet(uri(i).resolve("v2/leader"));
        return r != null && r.status() == 200 ? r.json().path("leader").asText(null) : null;
    }

    @Test
    void followerTakesOverKeepsTasksAndReconciles() {
        await("both Marathons agree on a leader").atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> {
            marathons.forEach(NodeProcess::assertAlive);
            String a = leaderSeenBy(0);
            return a != null && a.equals(leaderSeenBy(1));
        });
        String leaderAddr = leaderSeenBy(0);
        int leader = leaderAddr.equals("127.0.0.1:" + ports.get(0)) ? 0 : 1;
        int follower = 1 - leader;
        assertThat(leaderAddr).as("/v2/leader names one of the two").isEqualTo("127.0.0.1:" + ports.get(leader));
        MarathonApi lead = new MarathonApi(uri(leader));
        MarathonApi follow = new MarathonApi(uri(follower));
        await("the leader registered with the master").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .until(() -> !lead.get("v2/info").json().path("frameworkId").asText("").isEmpty());
        String frameworkId = lead.get("v2/info").json().path("frameworkId").asText();

        // an app created through the follower (proxied to the leader)
        Http.Resp created = follow.post("v2/apps", """
                {"id": "/ha/sleepy", "cmd": "exec sleep 600", "cpus": 0.1, "mem": 32, "instances": 3}""");
        assertThat(created.status()).as("POST through the follower: %s", created).isEqualTo(201);
        await("3 running tasks").atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode app = lead.app("/ha/sleepy");
            return app.path("tasksRunning").asInt() == 3 && lead.deployments().isEmpty();
        });
        Set<String> ids = MarathonApi.taskIds(lead.app("/ha/sleepy"));
        assertThat(ids).hasSize(3);
        Map<String, Set<Long>> pids = new HashMap<>();
        await("the task processes").atMost(EVENT).until(() -> {
            for (String id : ids) pids.put(id, Procs.pidsOfTask(cluster.root(), id));
            // the wrapper and the command it forks: both, or a pid set taken mid-launch differs later
            return pids.values().stream().allMatch(p -> p.size() >= 2);
        });

        Instant killed = Instant.now();
        marathons.get(leader).kill9();
        String self = "127.0.0.1:" + ports.get(follower);
        await("the follower leads").atMost(TAKEOVER).pollInterval(Duration.ofMillis(100)).until(() -> {
            marathons.get(follower).assertAlive();
            Http.Resp info = follow.tryGet("v2/info");
            return self.equals(leaderSeenBy(follower)) && info != null && info.status() == 200
                    && info.json().path("elected").asBoolean(false);
        });
        long takeoverMs = Duration.between(killed, Instant.now()).toMillis();
        System.out.println("[it] Marathon takeover in " + takeoverMs + " ms");

        assertThat(follow.get("v2/info").json().path("frameworkId").asText()).as("same framework id").isEqualTo(frameworkId);
        await("the new leader lists the same 3 running tasks").atMost(EVENT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    JsonNode app = follow.app("/ha/sleepy");
                    return MarathonApi.taskIds(app).equals(ids) && app.path("tasksRunning").asInt() == 3;
                });
        await("the framework is re-subscribed on the master with the same id and tasks").atMost(EVENT)
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    for (JsonNode f : Http.getJson(cluster.leaderUri(), "master/frameworks").path("frameworks")) {
                        if (!f.path("id").asText().equals(frameworkId)) continue;
                        Set<String> running = new TreeSet<>();
                        for (JsonNode t : f.path("tasks")) {
                            if (t.path("state").asText().equals("TASK_RUNNING")) running.add(t.path("id").asText());
                        }
                        return f.path("active").asBoolean(false) && running.equals(ids);
                    }
                    return false;
                });
        for (String id : ids) {
            assertThat(Procs.pidsOfTask(cluster.root(), id)).as("processes of %s", id).isEqualTo(pids.get(id));
        }
        JsonNode frameworks = Http.getJson(cluster.leaderUri(), "master/frameworks").path("frameworks");
        assertThat(frameworks).as("no second framework registered").hasSize(1);

        // the new leader manages the app: a task that dies is replaced, scaling works
        String victim = ids.iterator().next();
        pids.get(victim).forEach(p -> Procs.signal(p, "KILL"));
        await("the new leader replaces " + victim).atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode app = follow.app("/ha/sleepy");
            Set<String> now = MarathonApi.taskIds(app);
            return !now.contains(victim) && now.size() == 3 && app.path("tasksRunning").asInt() == 3;
        });
        Http.Resp scale = follow.put("v2/apps/ha/sleepy", "{\"instances\": 4}");
        assertThat(scale.status()).as("scale: %s", scale).isEqualTo(200);
        await("4 running").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .until(() -> follow.app("/ha/sleepy").path("tasksRunning").asInt() == 4 && follow.deployments().isEmpty());

        // the old leader comes back as a follower of the new one
        marathons.get(leader).start();
        await("the restarted Marathon follows").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .until(() -> self.equals(leaderSeenBy(leader)));
        JsonNode viaOld = new MarathonApi(uri(leader)).app("/ha/sleepy");
        assertThat(viaOld.path("tasksRunning").asInt()).as("proxied through the restarted one").isEqualTo(4);

        Http.Resp del = follow.delete("v2/apps/ha/sleepy");
        assertThat(del.status()).isEqualTo(200);
        await("tasks gone").atMost(EVENT).pollInterval(Duration.ofMillis(200))
                .until(() -> follow.get("v2/apps/ha/sleepy").status() == 404
                        && Procs.taskPids(cluster.root()).isEmpty());
    }
}
