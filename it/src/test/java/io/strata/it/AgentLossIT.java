package io.strata.it;

import static io.strata.it.support.ItEnv.EVENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.strata.it.support.Cluster;
import io.strata.it.support.DumpLogsOnFailure;
import io.strata.it.support.Encoding;
import io.strata.it.support.Tasks;
import io.strata.it.support.V1Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Agent loss with short pings (--agent-ping-timeout 1secs --max-agent-ping-timeouts 3): an agent that stops
 * answering (SIGSTOP) or dies (kill -9) and does not come back is marked unreachable. Its tasks become
 * TASK_LOST for a framework without PARTITION_AWARE and TASK_UNREACHABLE for one with it (source
 * SOURCE_MASTER, reason REASON_AGENT_REMOVED (v1 name of REASON_SLAVE_REMOVED), as Mesos' master sends them), and offers of that agent are
 * rescinded. Two agents: agent 0 is frozen, agent 1 is killed.
 */
@ExtendWith(DumpLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentLossIT {
    private static final Duration LOSS = Duration.ofSeconds(30);

    private static Cluster cluster;
    private static V1Scheduler plain;
    private static V1Scheduler aware;
    private static boolean launched;

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.builder("AgentLossIT").agentPing("1secs", 3)
                .agent(Cluster.AgentSpec.withPorts(31000, 31499, "rack:a"))
                .agent(Cluster.AgentSpec.withPorts(31500, 31999, "rack:b"))
                .start();
    }

    @AfterAll
    static void stopCluster() {
        if (plain != null) plain.close();
        if (aware != null) aware.close();
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void tasksOfBothFrameworksRunOnBothAgents() {
        String a0 = cluster.agentId(0);
        String a1 = cluster.agentId(1);

        plain = new V1Scheduler(cluster.leaderUri(), Encoding.JSON, cluster.logDir().resolve("scheduler-plain.log"));
        plain.subscribeAndAwait(V1Scheduler.framework("it-loss-plain").build());
        launchOn(plain, a0, "plain-0");
        launchOn(plain, a1, "plain-1");
        plain.suppress();
        plain.declineAll(V1Scheduler.refuse(3600));

        aware = new V1Scheduler(cluster.leaderUri(), Encoding.JSON, cluster.logDir().resolve("scheduler-aware.log"));
        aware.subscribeAndAwait(V1Scheduler.partitionAware(V1Scheduler.framework("it-loss-aware")).build());
        launchOn(aware, a0, "aware-0");
        launchOn(aware, a1, "aware-1");

        for (String id : List.of("plain-0", "plain-1")) plain.awaitState(id, EVENT, TaskState.TASK_RUNNING);
        for (String id : List.of("aware-0", "aware-1")) aware.awaitState(id, EVENT, TaskState.TASK_RUNNING);
        // the aware framework keeps the rest of both agents on offer, so losing an agent must rescind one
        await("the partition-aware framework holds offers of both agents").atMost(EVENT).until(() ->
                heldOn(aware, a0) && heldOn(aware, a1));
        plain.assertNoCallFailures();
        aware.assertNoCallFailures();
        launched = true;
    }

    @Test
    @Order(2)
    void frozenAgentIsLostOrUnreachableAndItsOffersRescinded() {
        assumeThat(launched).as("tasks launched").isTrue();
        expectLoss(0, () -> cluster.agent(0).signal("STOP"), "plain-0", "aware-0");
        assertThat(plain.latestState("plain-1")).hasValue(TaskState.TASK_RUNNING);
        assertThat(aware.latestState("aware-1")).hasValue(TaskState.TASK_RUNNING);
    }

    @Test
    @Order(3)
    void killedAgentIsLostOrUnreachableAndItsOffersRescinded() {
        assumeThat(launched).as("tasks launched").isTrue();
        expectLoss(1, () -> cluster.agent(1).kill9(), "plain-1", "aware-1");
    }

    private static void expectLoss(int agentIndex, Runnable loseIt, String plainTask, String awareTask) {
        String agentId = cluster.agentId(agentIndex);
        Set<String> heldOffers = aware.outstandingOffers().stream()
                .filter(o -> o.getAgentId().getValue().equals(agentId))
                .map(o -> o.getId().getValue()).collect(Collectors.toSet());
        assertThat(heldOffers).as("offers held for agent %d", agentIndex).isNotEmpty();

        loseIt.run();

        TaskStatus lost = plain.awaitState(plainTask, LOSS, TaskState.TASK_LOST, TaskState.TASK_UNREACHABLE,
                TaskState.TASK_GONE, TaskState.TASK_FAILED, TaskState.TASK_KILLED);
        assertThat(lost.getState()).as("%s of a framework without PARTITION_AWARE", plainTask)
                .isEqualTo(TaskState.TASK_LOST);
        assertThat(lost.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
        assertThat(lost.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_REMOVED);

        TaskStatus unreachable = aware.awaitState(awareTask, LOSS, TaskState.TASK_LOST, TaskState.TASK_UNREACHABLE,
                TaskState.TASK_GONE, TaskState.TASK_FAILED, TaskState.TASK_KILLED);
        assertThat(unreachable.getState()).as("%s of a PARTITION_AWARE framework", awareTask)
                .isEqualTo(TaskState.TASK_UNREACHABLE);
        assertThat(unreachable.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
        assertThat(unreachable.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_REMOVED);
        assertThat(unreachable.hasUnreachableTime()).as("unreachable_time set").isTrue();

        await("offers of the lost agent are rescinded").atMost(EVENT).until(() ->
                aware.rescinded().stream().map(OfferID::getValue).collect(Collectors.toSet()).containsAll(heldOffers));
        await("the master no longer counts the agent as active").atMost(EVENT)
                .until(() -> cluster.activeAgentCount() == cluster.agentCount() - lostSoFar(agentIndex));
        // no new offer for the lost agent
        assertThat(aware.outstandingOffers()).noneMatch(o -> o.getAgentId().getValue().equals(agentId));
    }

    private static int lostSoFar(int agentIndex) {
        return agentIndex + 1;
    }

    private static boolean heldOn(V1Scheduler s, String agentId) {
        return s.outstandingOffers().stream().anyMatch(o -> o.getAgentId().getValue().equals(agentId));
    }

    private static void launchOn(V1Scheduler s, String agentId, String taskId) {
        Offer offer = s.takeOffer(o -> o.getAgentId().getValue().equals(agentId), EVENT);
        Tasks t = new Tasks(offer);
        s.launch(offer, List.of(t.command(taskId, 0.1, 32, 1, "exec sleep 1000")));
    }
}
