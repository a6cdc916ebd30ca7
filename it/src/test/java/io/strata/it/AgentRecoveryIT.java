package io.strata.it;

import static io.strata.it.support.ItEnv.EVENT;
import static io.strata.it.support.ItEnv.STARTUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.it.support.Cluster;
import io.strata.it.support.DumpLogsOnFailure;
import io.strata.it.support.Encoding;
import io.strata.it.support.Http;
import io.strata.it.support.Procs;
import io.strata.it.support.Tasks;
import io.strata.it.support.V1Scheduler;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Agent recovery (Mesos docs/agent-recovery.md): the agent process is kill -9'd and started again on the same
 * work dir. Its tasks keep running meanwhile and are re-attached (same pids), the master keeps listing them,
 * no status update is lost or duplicated, and a task that died while the agent was down is reported
 * TASK_FAILED after the restart. The ping timeout is long enough (5secs x 6) that the master does not mark the
 * agent unreachable during the restart.
 */
@ExtendWith(DumpLogsOnFailure.class)
class AgentRecoveryIT {
    private static final List<String> SURVIVORS = List.of("survivor-1", "survivor-2");
    private static final String VICTIM = "victim";

    private static Cluster cluster;
    private static V1Scheduler framework;

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.builder("AgentRecoveryIT").agentPing("5secs", 6).agent(Cluster.AgentSpec.standard()).start();
    }

    @AfterAll
    static void stopCluster() {
        if (framework != null) framework.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void tasksSurviveAnAgentRestartAndATaskThatDiedMeanwhileFails() {
        framework = new V1Scheduler(cluster.leaderUri(), Encoding.JSON, cluster.logDir().resolve("scheduler-recovery.log"));
        framework.subscribeAndAwait(V1Scheduler.framework("it-recovery").build());
        Offer offer = framework.takeOffer(EVENT);
        Tasks t = new Tasks(offer);
        AgentID agent = offer.getAgentId();
        framework.launch(offer, List.of(
                t.command(SURVIVORS.get(0), 0.1, 32, 1, "exec sleep 1000"),
                t.command(SURVIVORS.get(1), 0.1, 32, 1, "exec sleep 1000"),
                t.command(VICTIM, 0.1, 32, 1, "exec sleep 1000")));
        List<String> all = List.of(SURVIVORS.get(0), SURVIVORS.get(1), VICTIM);
        for (String id : all) framework.awaitState(id, EVENT, TaskState.TASK_RUNNING);
        await("TASK_RUNNING acknowledged").atMost(EVENT).until(() ->
                all.stream().allMatch(id -> framework.acknowledged().contains(id + "/TASK_RUNNING")));

        Map<String, Set<Long>> pids = new HashMap<>();
        await("a process per task").atMost(EVENT).until(() -> {
            Map<String, Set<Long>> now = Procs.taskPids(cluster.root());
            pids.clear();
            // the wrapper and the command it forks: both, or a pid set taken mid-launch differs later
            for (String id : all) if (now.getOrDefault(id, Set.of()).size() >= 2) pids.put(id, now.get(id));
            return pids.size() == all.size();
        });
        String agentId = cluster.agentId(0);

        // crash the agent
        cluster.agent(0).kill9();
        for (String id : all) {
            assertThat(Procs.anyAlive(pids.get(id))).as("%s keeps running while its agent is down", id).isTrue();
        }
        assertThat(masterTaskStates()).as("the master still lists the tasks while the agent is down")
                .containsEntry(SURVIVORS.get(0), "TASK_RUNNING").containsEntry(VICTIM, "TASK_RUNNING");

        // the victim dies while nobody watches
        pids.get(VICTIM).forEach(p -> Procs.signal(p, "KILL"));
        await("victim's processes are gone").atMost(EVENT).until(() -> !Procs.anyAlive(pids.get(VICTIM)));

        int since = framework.eventCount();
        cluster.agent(0).start();
        cluster.awaitAgentHealthy(0);

        TaskStatus failed = framework.awaitState(VICTIM, STARTUP, TaskState.TASK_FAILED, TaskState.TASK_LOST,
                TaskState.TASK_FINISHED, TaskState.TASK_KILLED, TaskState.TASK_GONE, TaskState.TASK_DROPPED);
        assertThat(failed.getState()).as("state of the task that died while its agent was down")
                .isEqualTo(TaskState.TASK_FAILED);
        await("TASK_FAILED acknowledged").atMost(EVENT)
                .until(() -> framework.acknowledged().contains(VICTIM + "/TASK_FAILED"));

        // same agent, same tasks, same processes
        cluster.awaitActiveAgents(1, STARTUP);
        assertThat(cluster.agentId(0)).as("the restarted agent keeps its id").isEqualTo(agentId);
        for (String id : SURVIVORS) {
            assertThat(Procs.pidsOfTask(cluster.root(), id)).as("pids of %s after the restart", id)
                    .isEqualTo(pids.get(id));
            assertThat(Procs.anyAlive(pids.get(id))).isTrue();
        }
        await("the master lists the survivors as running").atMost(EVENT).until(() -> {
            Map<String, String> states = masterTaskStates();
            return SURVIVORS.stream().allMatch(id -> "TASK_RUNNING".equals(states.get(id)));
        });

        // reconciliation agrees
        int rec = framework.eventCount();
        Map<String, AgentID> ask = new LinkedHashMap<>();
        all.forEach(id -> ask.put(id, agent));
        framework.reconcile(ask);
        for (String id : SURVIVORS) {
            Event e = framework.awaitEvent(rec, ev -> reconciliationOf(ev, id), EVENT);
            assertThat(e.getUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
        }

        // nothing lost, nothing new: the survivors got no new update after the restart other than reconciliation
        // answers; the victim exactly one TASK_FAILED. Delivery across an agent crash is at least once, as in
        // Mesos: the master answers an ACKNOWLEDGE before the agent has checkpointed it, so an update sent before
        // the kill -9 may come again after the restart (same uuid), but no update is ever made up twice.
        Set<Object> beforeCrash = new HashSet<>();
        for (Event e : framework.events().subList(0, since)) {
            if (e.getType() == Event.Type.UPDATE && !e.getUpdate().getStatus().getUuid().isEmpty()) {
                beforeCrash.add(e.getUpdate().getStatus().getUuid());
            }
        }
        for (Event e : framework.eventsSince(since)) {
            if (e.getType() != Event.Type.UPDATE) continue;
            TaskStatus s = e.getUpdate().getStatus();
            if (SURVIVORS.contains(s.getTaskId().getValue())) {
                assertThat(s.getReason() == TaskStatus.Reason.REASON_RECONCILIATION || beforeCrash.contains(s.getUuid()))
                        .as("update of a survivor after the agent restart is a reconciliation answer or a resent "
                                + "pre-crash update: %s", s).isTrue();
            }
        }
        assertThat(framework.statuses(VICTIM).stream().filter(s -> s.getState() == TaskState.TASK_FAILED
                && !s.getUuid().isEmpty()).map(TaskStatus::getUuid).distinct().count())
                .as("TASK_FAILED updates of the victim").isEqualTo(1);
        for (String id : all) {
            Set<Object> uuids = new HashSet<>();
            for (TaskStatus s : framework.statuses(id)) {
                if (s.getUuid().isEmpty()) continue;
                assertThat(uuids.add(s.getUuid()) || beforeCrash.contains(s.getUuid()))
                        .as("update %s of %s delivered once (or resent after the crash)", s.getState(), id).isTrue();
            }
        }
        framework.assertNoCallFailures();

        // the recovered agent still controls its tasks: KILL works
        framework.kill(SURVIVORS.get(0), agent);
        framework.awaitState(SURVIVORS.get(0), EVENT, TaskState.TASK_KILLED);
        await("killed survivor's process is gone").atMost(Duration.ofSeconds(20))
                .until(() -> !Procs.anyAlive(pids.get(SURVIVORS.get(0))));
    }

    private static boolean reconciliationOf(Event e, String id) {
        return e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getTaskId().getValue().equals(id)
                && e.getUpdate().getStatus().getReason() == TaskStatus.Reason.REASON_RECONCILIATION;
    }

    private static Map<String, String> masterTaskStates() {
        Map<String, String> out = new HashMap<>();
        for (JsonNode t : Http.getJson(cluster.leaderUri(), "master/tasks").path("tasks")) {
            out.put(t.path("id").asText(), t.path("state").asText());
        }
        return out;
    }
}
