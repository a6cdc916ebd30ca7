package io.strata.it;

import static io.strata.it.support.ItEnv.EVENT;
import static io.strata.it.support.ItEnv.STARTUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import org.assertj.core.api.SoftAssertions;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.it.support.Cluster;
import io.strata.it.support.DumpLogsOnFailure;
import io.strata.it.support.Encoding;
import io.strata.it.support.Http;
import io.strata.it.support.Procs;
import io.strata.it.support.Tasks;
import io.strata.it.support.V1Scheduler;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Master failover with ZooKeeper: (1) the only master is kill -9'd and restarted; the agent re-registers with
 * its tasks and the framework re-subscribes with its framework_id and gets its tasks back by reconciliation;
 * (2) a second master on the same ZooKeeper stays standby and redirects scheduler, operator and state calls to
 * the leader with 307; (3) killing the leader lets the standby take over with the same agent, tasks and
 * framework. Tests run in order on one cluster.
 */
@ExtendWith(DumpLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MasterFailoverIT {
    private static final List<String> TASKS = List.of("ha-1", "ha-2");

    private static Cluster cluster;
    private static FrameworkID frameworkId;
    private static AgentID agent;
    private static String agentId;
    private static final Map<String, Set<Long>> pids = new HashMap<>();
    private static final List<V1Scheduler> schedulers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static int standby = -1;

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.builder("MasterFailoverIT").agentPing("5secs", 6).agent(Cluster.AgentSpec.standard()).start();
    }

    @AfterAll
    static void stopCluster() {
        schedulers.forEach(V1Scheduler::close);
        if (cluster != null) cluster.close();
    }

    private static V1Scheduler scheduler(URI master, String name) {
        V1Scheduler s = new V1Scheduler(master, Encoding.JSON, cluster.logDir().resolve("scheduler-" + name + ".log"));
        schedulers.add(s);
        return s;
    }

    @Test
    @Order(1)
    void restartedMasterGetsAgentTasksAndFrameworkBack() {
        V1Scheduler first = scheduler(cluster.leaderUri(), "before-restart");
        first.subscribeAndAwait(V1Scheduler.framework("it-failover").setFailoverTimeout(3600).build());
        frameworkId = first.frameworkId();
        Offer offer = first.takeOffer(EVENT);
        agent = offer.getAgentId();
        Tasks t = new Tasks(offer);
        first.launch(offer, TASKS.stream().map(id -> t.command(id, 0.1, 32, 1, "exec sleep 1000")).toList());
        for (String id : TASKS) first.awaitState(id, EVENT, TaskState.TASK_RUNNING);
        await("TASK_RUNNING acknowledged").atMost(EVENT).until(() ->
                TASKS.stream().allMatch(id -> first.acknowledged().contains(id + "/TASK_RUNNING")));
        first.assertNoCallFailures();
        recordPids();
        agentId = cluster.agentId(0);

        cluster.master(0).kill9();
        await("the scheduler's event stream ends with the master").atMost(EVENT).until(first::streamEnded);
        cluster.master(0).start();
        cluster.awaitMasterHealthy(0);
        assertThat(cluster.awaitLeader(STARTUP)).isEqualTo(0);

        assertAgentAndTasksBack();
        resubscribeAndReconcile(cluster.masterUri(0), "after-restart");
    }

    @Test
    @Order(2)
    void standbyMasterRedirectsToTheLeader() {
        assumeThat(frameworkId).as("framework from the first test").isNotNull();
        standby = cluster.startMaster();
        int leader = cluster.awaitLeader(STARTUP);
        assertThat(leader).as("the first master stays leader").isEqualTo(0);
        URI sb = cluster.masterUri(standby);
        String leaderHostPort = "127\\.0\\.0\\.1:" + cluster.masterPort(leader);

        // every redirect checked, then all failures reported together
        SoftAssertions soft = new SoftAssertions();
        Http.Resp subscribe = Http.send(Http.request(sb.resolve("/api/v1/scheduler"))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"root\",\"name\":\"x\"}}}"))
                .build());
        soft.assertThat(subscribe.status()).as("SUBSCRIBE to the standby: %s", subscribe).isEqualTo(307);
        soft.assertThat(subscribe.header("Location")).as("Location of the subscribe redirect").hasValueSatisfying(l ->
                soft.assertThat(l).matches("^(http:)?//" + leaderHostPort + "/api/v1/scheduler$"));

        Http.Resp operator = Http.send(Http.request(sb.resolve("/api/v1"))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"GET_HEALTH\"}")).build());
        soft.assertThat(operator.status()).as("operator call to the standby: %s", operator).isEqualTo(307);
        soft.assertThat(operator.header("Location")).as("Location of the operator redirect").hasValueSatisfying(l ->
                soft.assertThat(l).matches("^(http:)?//" + leaderHostPort + "/api/v1$"));

        Http.Resp redirect = Http.get(sb.resolve("/master/redirect"));
        soft.assertThat(redirect.status()).as("/master/redirect on the standby: %s", redirect).isEqualTo(307);
        soft.assertThat(redirect.header("Location")).as("Location of the redirect redirect").hasValueSatisfying(l ->
                soft.assertThat(l).matches("^(http:)?//" + leaderHostPort + "/?$"));

        Http.Resp state = Http.get(sb.resolve("/master/state"));
        soft.assertThat(state.status()).as("/master/state on the standby: %s", state).isEqualTo(307);
        soft.assertThat(state.header("Location")).as("Location of the state redirect").hasValueSatisfying(l ->
                soft.assertThat(l).matches("^(http:)?//" + leaderHostPort + "/master/state$"));

        soft.assertThat(Http.get(sb.resolve("/master/health")).status()).isEqualTo(200);
        soft.assertThat(Http.getJson(sb, "metrics/snapshot").path("master/elected").asDouble()).isEqualTo(0.0);
        soft.assertThat(Http.getJson(cluster.masterUri(leader), "metrics/snapshot").path("master/elected").asDouble())
                .isEqualTo(1.0);
        soft.assertAll();
    }

    @Test
    @Order(3)
    void killingTheLeaderLetsTheStandbyTakeOver() {
        assumeThat(standby).as("standby master from the previous test").isPositive();
        cluster.master(0).kill9();
        await("the standby becomes leader").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> cluster.leaderIndex() == standby);

        assertAgentAndTasksBack();
        resubscribeAndReconcile(cluster.masterUri(standby), "after-takeover");

        Http.Resp redirect = Http.get(cluster.masterUri(standby).resolve("/master/redirect"));
        assertThat(redirect.status()).isEqualTo(307);
        assertThat(redirect.header("Location")).hasValueSatisfying(l ->
                assertThat(l).matches("^(http:)?//127\\.0\\.0\\.1:" + cluster.masterPort(standby) + "/?$"));
    }

    // ------------------------------------------------------------------ shared checks

    private static void recordPids() {
        await("a process per task").atMost(EVENT).until(() -> {
            Map<String, Set<Long>> now = Procs.taskPids(cluster.root());
            // the wrapper and the command it forks: both, or a pid set taken mid-launch differs later
            return TASKS.stream().allMatch(id -> now.getOrDefault(id, Set.of()).size() >= 2);
        });
        Map<String, Set<Long>> now = Procs.taskPids(cluster.root());
        for (String id : TASKS) pids.put(id, new TreeSet<>(now.get(id)));
    }

    private static void assertAgentAndTasksBack() {
        cluster.awaitActiveAgents(1, STARTUP);
        assertThat(cluster.agentId(0)).as("the agent re-registers with its id").isEqualTo(agentId);
        await("the new leader lists the agent's tasks as running").atMost(STARTUP).until(() -> {
            Map<String, String> states = new HashMap<>();
            for (JsonNode t : Http.getJson(cluster.leaderUri(), "master/tasks").path("tasks")) {
                states.put(t.path("id").asText(), t.path("state").asText());
            }
            return TASKS.stream().allMatch(id -> "TASK_RUNNING".equals(states.get(id)));
        });
        for (String id : TASKS) {
            assertThat(Procs.pidsOfTask(cluster.root(), id)).as("processes of %s untouched", id).isEqualTo(pids.get(id));
        }
    }

    private static void resubscribeAndReconcile(URI master, String name) {
        V1Scheduler again = scheduler(master, name);
        Event.Subscribed sub = again.subscribeAndAwait(V1Scheduler.framework("it-failover").setFailoverTimeout(3600)
                .setId(frameworkId).build());
        assertThat(sub.getFrameworkId()).as("re-subscribed with the same framework id").isEqualTo(frameworkId);

        int since = again.eventCount();
        Map<String, AgentID> ask = new LinkedHashMap<>();
        TASKS.forEach(id -> ask.put(id, agent));
        again.reconcile(ask);
        for (String id : TASKS) {
            Event e = again.awaitEvent(since, ev -> reconciliationOf(ev, id), EVENT);
            assertThat(e.getUpdate().getStatus().getState()).as("reconciled %s", id).isEqualTo(TaskState.TASK_RUNNING);
        }
        int since2 = again.eventCount();
        again.reconcile(Map.of());
        for (String id : TASKS) {
            Event e = again.awaitEvent(since2, ev -> reconciliationOf(ev, id), EVENT);
            assertThat(e.getUpdate().getStatus().getState()).as("implicitly reconciled %s", id)
                    .isEqualTo(TaskState.TASK_RUNNING);
        }
        again.assertNoCallFailures();
        // the framework controls its tasks again: offers come, and the tasks are not killed
        again.awaitEvent(e -> e.getType() == Event.Type.OFFERS, EVENT);
        for (String id : TASKS) assertThat(Procs.anyAlive(pids.get(id))).isTrue();
        again.disconnect();
    }

    private static boolean reconciliationOf(Event e, String id) {
        return e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getTaskId().getValue().equals(id)
                && e.getUpdate().getStatus().getReason() == TaskStatus.Reason.REASON_RECONCILIATION;
    }
}
