package io.strata.it;

import static io.strata.it.support.ItEnv.EVENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.it.support.DumpLogsOnFailure;
import io.strata.it.support.Encoding;
import io.strata.it.support.Http;
import io.strata.it.support.ItEnv;
import io.strata.it.support.LocalNode;
import io.strata.it.support.NodeProcess;
import io.strata.it.support.OperatorClient;
import io.strata.it.support.Procs;
import io.strata.it.support.Tasks;
import io.strata.it.support.V1Scheduler;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.master.Protos.Call;
import org.apache.mesos.v1.master.Protos.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code dcos-node local}: one command brings up ZooKeeper, a master and two agents (one public, its resources
 * reserved for role slave_public) quickly, runs a task, and on SIGTERM takes everything down with it,
 * the task included.
 */
@ExtendWith(DumpLogsOnFailure.class)
class LocalClusterIT {
    private static final Duration READY = Duration.ofSeconds(30); // "ready in seconds" (DESIGN.md)

    private static LocalNode node;
    private static Path work;
    private static NodeProcess local;

    @BeforeAll
    static void prepare() {
        node = LocalNode.create(LocalClusterIT.class, "strata-it-local-");
        work = node.work;
        local = node.process;
    }

    @AfterAll
    static void cleanUp() {
        if (node != null) node.close();
    }

    @Test
    void localClusterComesUpRunsATaskAndLeavesNothingBehindOnSigterm() {
        URI master = node.master;

        Instant started = Instant.now();
        node.start().awaitReady("local cluster: leading master with 2 active agents, the gateway up", READY,
                node::gatewayUp);
        System.out.println("[it] local cluster ready in " + Duration.between(started, Instant.now()).toMillis() + " ms");

        Response agents = new OperatorClient(master).call(Call.Type.GET_AGENTS, Encoding.PROTOBUF);
        List<Boolean> isPublic = new ArrayList<>();
        for (var a : agents.getGetAgents().getAgentsList()) {
            isPublic.add(a.getTotalResourcesList().stream().anyMatch(r -> "slave_public".equals(role(r))));
        }
        assertThat(isPublic).as("which agents have slave_public resources").containsExactlyInAnyOrder(true, false);

        // the daemons' log through the files API, as `dcos node log` reads it via the gateway
        URI gateway = node.gateway;
        JsonNode size = Http.getJson(gateway, "mesos/files/read?path=/master/log");
        assertThat(size.path("data").asText()).isEmpty();
        assertThat(size.path("offset").asLong()).as("the log's size").isPositive();
        JsonNode head = Http.getJson(gateway, "mesos/files/read?path=/master/log&offset=0&length=65536");
        assertThat(head.path("data").asText()).contains("msg=");
        String agentId = agents.getGetAgents().getAgents(0).getAgentInfo().getId().getValue();
        JsonNode agentLog = Http.getJson(gateway, "agent/" + agentId + "/files/read?path=/slave/log&offset=0&length=4096");
        assertThat(agentLog.path("data").asText()).contains("msg=");
        assertThat(Http.get(gateway, "mesos/files/read?path=/master/log/../../etc/passwd&offset=0").status())
                .as("nothing but the log itself").isIn(400, 404);

        V1Scheduler s = new V1Scheduler(master, Encoding.JSON,
                ItEnv.logDir("LocalClusterIT").resolve("scheduler-local.log"));
        try {
            s.subscribeAndAwait(V1Scheduler.framework("it-local").build());
            Offer offer = s.takeOffer(o -> Tasks.scalar(o, "cpus") >= 0.1 && Tasks.scalar(o, "mem") >= 32, EVENT);
            assertThat(offer.getResourcesList()).as("a '*' framework is offered no slave_public resources")
                    .noneMatch(r -> "slave_public".equals(role(r)));
            s.launch(offer, List.of(new Tasks(offer).command("local-task", 0.1, 32, 0, "exec sleep 1000")));
            s.awaitState("local-task", EVENT, TaskState.TASK_RUNNING);
        } finally {
            s.close();
        }
        Set<Long> taskPids = Procs.pidsOfTask(work, "local-task");
        await("the task's process").atMost(EVENT).until(() -> !Procs.pidsOfTask(work, "local-task").isEmpty());
        taskPids = Procs.pidsOfTask(work, "local-task");
        List<ProcessHandle> tree = new ArrayList<>(local.process().descendants().toList());

        assertThat(local.terminate(Duration.ofSeconds(30))).as("dcos-node local exits on SIGTERM").isTrue();
        Set<Long> finalTaskPids = taskPids;
        await("the task is gone").atMost(EVENT).until(() -> !Procs.anyAlive(finalTaskPids));
        await("every child of dcos-node local is gone").atMost(EVENT)
                .until(() -> tree.stream().noneMatch(ProcessHandle::isAlive));
        await("nothing runs under the work dir").atMost(EVENT).until(() -> Procs.under(work).isEmpty());
    }

    /** The role a resource belongs to: the last reservation's (refined reservations) or the old 'role' field. */
    private static String role(Resource r) {
        if (r.getReservationsCount() > 0) return r.getReservations(r.getReservationsCount() - 1).getRole();
        return r.hasRole() ? r.getRole() : "*";
    }
}
