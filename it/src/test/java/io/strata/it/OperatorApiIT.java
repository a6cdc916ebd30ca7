package io.strata.it;

import static io.strata.it.support.ItEnv.EVENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.it.support.Cluster;
import io.strata.it.support.DumpLogsOnFailure;
import io.strata.it.support.Encoding;
import io.strata.it.support.Http;
import io.strata.it.support.OperatorClient;
import io.strata.it.support.Tasks;
import io.strata.it.support.V1Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.master.Protos.Call;
import org.apache.mesos.v1.master.Protos.Event;
import org.apache.mesos.v1.master.Protos.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Mesos v1 operator API (GET_* calls in JSON and protobuf, the SUBSCRIBE event stream) and the legacy
 * JSON endpoints (/master/state, /master/state-summary, /master/frameworks, /master/slaves, /master/tasks,
 * /master/redirect, /master/health, /metrics/snapshot, /version) with Mesos 1.x field names. The operator
 * streams are opened before the second agent, the framework and its task exist, so their events must follow.
 */
@ExtendWith(DumpLogsOnFailure.class)
class OperatorApiIT {
    private static final String ROLE = "it-ops";

    private static Cluster cluster;
    private static OperatorClient operator;
    private static final List<OperatorClient.Subscription> streams = new ArrayList<>();
    private static V1Scheduler framework;
    private static TaskInfo task;
    private static long taskPort;

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.builder("OperatorApiIT").agent(Cluster.AgentSpec.withPorts(31000, 31499, "rack:a")).start();
        operator = new OperatorClient(cluster.leaderUri());
        for (Encoding e : Encoding.values()) streams.add(operator.subscribe(e));
        streams.forEach(s -> s.await(ev -> ev.getType() == Event.Type.SUBSCRIBED, EVENT));

        cluster.startAgent(Cluster.AgentSpec.withPorts(31500, 31999, "rack:b"));

        framework = new V1Scheduler(cluster.leaderUri(), Encoding.JSON,
                cluster.logDir().resolve("scheduler-operator.log"));
        framework.subscribeAndAwait(V1Scheduler.framework("it-operator").setRole(ROLE).build());
        String agent0 = cluster.agentId(0);
        Offer offer = framework.takeOffer(o -> o.getAgentId().getValue().equals(agent0), EVENT);
        Tasks t = new Tasks(offer);
        task = t.command("op-task", 0.1, 32, 1, "exec sleep 1000");
        taskPort = Tasks.port0(task);
        framework.launch(offer, List.of(task));
        framework.awaitState("op-task", EVENT, TaskState.TASK_RUNNING);
        await("TASK_RUNNING acknowledged").atMost(EVENT)
                .until(() -> framework.acknowledged().contains("op-task/TASK_RUNNING"));
        // decline whatever else is offered for a while, so the metrics below are steady
        framework.declineOutstanding(V1Scheduler.refuse(3600));
    }

    @AfterAll
    static void stopCluster() {
        streams.forEach(OperatorClient.Subscription::close);
        if (framework != null) framework.close();
        if (cluster != null) cluster.close();
    }

    private static String fid() {
        return framework.frameworkId().getValue();
    }

    // ------------------------------------------------------------------ v1 operator calls

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void getHealth(Encoding e) {
        Response r = operator.call(Call.Type.GET_HEALTH, e);
        assertThat(r.getType()).isEqualTo(Response.Type.GET_HEALTH);
        assertThat(r.getGetHealth().getHealthy()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void getVersion(Encoding e) {
        Response r = operator.call(Call.Type.GET_VERSION, e);
        assertThat(r.getType()).isEqualTo(Response.Type.GET_VERSION);
        assertThat(r.getGetVersion().getVersionInfo().getVersion()).startsWith("1.");
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void getFlagsUsesMesosFlagNames(Encoding e) {
        Response r = operator.call(Call.Type.GET_FLAGS, e);
        assertThat(r.getType()).isEqualTo(Response.Type.GET_FLAGS);
        Map<String, String> flags = new java.util.HashMap<>();
        r.getGetFlags().getFlagsList().forEach(f -> flags.put(f.getName(), f.getValue()));
        assertThat(flags).containsEntry("agent_ping_timeout", "5secs")
                .containsEntry("max_agent_ping_timeouts", "6")
                .containsKey("zk")
                .containsKey("port")
                .containsKey("work_dir");
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void getState(Encoding e) {
        Response r = operator.call(Call.Type.GET_STATE, e);
        assertThat(r.getType()).isEqualTo(Response.Type.GET_STATE);
        var state = r.getGetState();
        assertThat(state.getGetAgents().getAgentsList()).hasSize(2);
        assertThat(state.getGetFrameworks().getFrameworksList())
                .anySatisfy(f -> assertThat(f.getFrameworkInfo().getId().getValue()).isEqualTo(fid()));
        assertThat(state.getGetTasks().getTasksList()).anySatisfy(this::isOurRunningTask);
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void getAgents(Encoding e) {
        Response r = operator.call(Call.Type.GET_AGENTS, e);
        assertThat(r.getType()).isEqualTo(Response.Type.GET_AGENTS);
        var agents = r.getGetAgents().getAgentsList();
        assertThat(agents).hasSize(2);
        assertThat(agents).extracting(a -> a.getAgentInfo().getId().getValue())
                .containsExactlyInAnyOrder(cluster.agentId(0), cluster.agentId(1));
        for (var a : agents) {
            assertThat(a.getActive()).isTrue();
            assertThat(a.getAgentInfo().getHostname()).isEqualTo("127.0.0.1");
            assertThat(a.getVersion()).startsWith("1.");
            assertThat(sum(a.getTotalResourcesList(), "cpus")).isEqualTo(4.0);
            assertThat(sum(a.getTotalResourcesList(), "mem")).isEqualTo(4096.0);
            assertThat(a.getAgentInfo().getAttributesList()).anySatisfy(at -> {
                assertThat(at.getName()).isEqualTo("rack");
                assertThat(at.getType()).isEqualTo(Value.Type.TEXT);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void getFrameworks(Encoding e) {
        Response r = operator.call(Call.Type.GET_FRAMEWORKS, e);
        assertThat(r.getType()).isEqualTo(Response.Type.GET_FRAMEWORKS);
        assertThat(r.getGetFrameworks().getFrameworksList()).anySatisfy(f -> {
            assertThat(f.getFrameworkInfo().getId().getValue()).isEqualTo(fid());
            assertThat(f.getFrameworkInfo().getName()).isEqualTo("it-operator");
            assertThat(f.getActive()).isTrue();
            assertThat(f.getConnected()).isTrue();
        });
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void getTasks(Encoding e) {
        Response r = operator.call(Call.Type.GET_TASKS, e);
        assertThat(r.getType()).isEqualTo(Response.Type.GET_TASKS);
        assertThat(r.getGetTasks().getTasksList()).anySatisfy(this::isOurRunningTask);
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void getRoles(Encoding e) {
        Response r = operator.call(Call.Type.GET_ROLES, e);
        assertThat(r.getType()).isEqualTo(Response.Type.GET_ROLES);
        assertThat(r.getGetRoles().getRolesList()).anySatisfy(role -> {
            assertThat(role.getName()).isEqualTo(ROLE);
            assertThat(role.getFrameworksList()).extracting(f -> f.getValue()).contains(fid());
        });
    }

    private void isOurRunningTask(Task t) {
        assertThat(t.getTaskId().getValue()).isEqualTo("op-task");
        assertThat(t.getFrameworkId().getValue()).isEqualTo(fid());
        assertThat(t.getAgentId().getValue()).isEqualTo(cluster.agentId(0));
        assertThat(t.getState()).isEqualTo(TaskState.TASK_RUNNING);
        assertThat(sum(t.getResourcesList(), "cpus")).isEqualTo(0.1);
        assertThat(sum(t.getResourcesList(), "mem")).isEqualTo(32.0);
        assertThat(t.getResourcesList().stream().filter(x -> x.getName().equals("ports"))
                .flatMap(x -> x.getRanges().getRangeList().stream()).toList())
                .containsExactly(Value.Range.newBuilder().setBegin(taskPort).setEnd(taskPort).build());
    }

    private static double sum(List<Resource> resources, String name) {
        return resources.stream().filter(r -> r.getName().equals(name)).mapToDouble(r -> r.getScalar().getValue()).sum();
    }

    // ------------------------------------------------------------------ operator event stream

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void subscribeStreamsSnapshotThenAgentFrameworkAndTaskEvents(Encoding e) {
        OperatorClient.Subscription s = streams.get(e.ordinal());
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.contentType()).startsWith(e.mediaType);
        List<Event> events = s.events();
        assertThat(events).isNotEmpty();
        Event first = events.get(0);
        assertThat(first.getType()).as("first operator event").isEqualTo(Event.Type.SUBSCRIBED);
        assertThat(first.getSubscribed().getGetState().getGetAgents().getAgentsList()).extracting(
                a -> a.getAgentInfo().getId().getValue()).containsExactly(cluster.agentId(0));

        Event agentAdded = s.await(ev -> ev.getType() == Event.Type.AGENT_ADDED, EVENT);
        assertThat(agentAdded.getAgentAdded().getAgent().getAgentInfo().getId().getValue())
                .isEqualTo(cluster.agentId(1));
        Event fwAdded = s.await(ev -> ev.getType() == Event.Type.FRAMEWORK_ADDED
                && ev.getFrameworkAdded().getFramework().getFrameworkInfo().getId().getValue().equals(fid()), EVENT);
        assertThat(fwAdded.getFrameworkAdded().getFramework().getFrameworkInfo().getName()).isEqualTo("it-operator");
        Event taskAdded = s.await(ev -> ev.getType() == Event.Type.TASK_ADDED
                && ev.getTaskAdded().getTask().getTaskId().getValue().equals("op-task"), EVENT);
        assertThat(taskAdded.getTaskAdded().getTask().getFrameworkId().getValue()).isEqualTo(fid());
        Event running = s.await(ev -> ev.getType() == Event.Type.TASK_UPDATED
                && ev.getTaskUpdated().getStatus().getTaskId().getValue().equals("op-task")
                && ev.getTaskUpdated().getState() == TaskState.TASK_RUNNING, EVENT);
        assertThat(running.getTaskUpdated().getFrameworkId().getValue()).isEqualTo(fid());

        List<Event.Type> order = s.types();
        assertThat(order.indexOf(Event.Type.FRAMEWORK_ADDED)).as("event order %s", order)
                .isLessThan(order.indexOf(Event.Type.TASK_ADDED));
        assertThat(order.indexOf(Event.Type.TASK_ADDED)).as("event order %s", order)
                .isLessThan(order.indexOf(Event.Type.TASK_UPDATED));
    }

    // ------------------------------------------------------------------ legacy JSON endpoints

    @Test
    void masterStateHasMesosFieldNames() {
        for (String path : List.of("master/state", "master/state.json", "state.json")) {
            JsonNode s = Http.getJson(cluster.leaderUri(), path);
            assertThat(s.path("version").asText()).as(path + " version").startsWith("1.");
            assertThat(s.path("id").asText()).as(path + " id").isNotBlank();
            assertThat(s.path("pid").asText()).as(path + " pid")
                    .isEqualTo("master@127.0.0.1:" + cluster.masterPort(cluster.leaderIndex()));
            assertThat(s.path("leader").asText()).as(path + " leader").isEqualTo(s.path("pid").asText());
            assertThat(s.path("hostname").asText()).isEqualTo("127.0.0.1");
            assertThat(s.path("activated_slaves").asInt()).as(path + " activated_slaves").isEqualTo(2);
            assertThat(s.path("flags").path("agent_ping_timeout").asText()).isEqualTo("5secs");

            JsonNode slave = find(s.path("slaves"), "id", cluster.agentId(0));
            assertThat(slave.path("hostname").asText()).isEqualTo("127.0.0.1");
            assertThat(slave.path("active").asBoolean()).isTrue();
            assertThat(slave.path("resources").path("cpus").asDouble()).isEqualTo(4.0);
            assertThat(slave.path("resources").path("mem").asDouble()).isEqualTo(4096.0);
            assertThat(slave.path("resources").path("disk").asDouble()).isEqualTo(4096.0);
            assertThat(slave.path("resources").path("ports").asText()).isEqualTo("[31000-31499]");
            assertThat(slave.path("attributes").path("rack").asText()).isEqualTo("a");
            assertThat(slave.path("used_resources").path("cpus").asDouble()).isEqualTo(0.1);

            JsonNode fw = find(s.path("frameworks"), "id", fid());
            assertThat(fw.path("name").asText()).isEqualTo("it-operator");
            assertThat(fw.path("active").asBoolean()).isTrue();
            assertThat(fw.path("role").asText()).isEqualTo(ROLE);
            assertJsonTask(find(fw.path("tasks"), "id", "op-task"));
        }
    }

    @Test
    void stateSummaryCountsTasksPerFrameworkAndAgent() {
        JsonNode s = Http.getJson(cluster.leaderUri(), "master/state-summary");
        assertThat(s.path("hostname").asText()).isEqualTo("127.0.0.1");
        JsonNode slave = find(s.path("slaves"), "id", cluster.agentId(0));
        assertThat(slave.path("TASK_RUNNING").asInt()).isEqualTo(1);
        assertThat(texts(slave.path("framework_ids"))).contains(fid());
        JsonNode fw = find(s.path("frameworks"), "id", fid());
        assertThat(fw.path("name").asText()).isEqualTo("it-operator");
        assertThat(fw.path("TASK_RUNNING").asInt()).isEqualTo(1);
        assertThat(texts(fw.path("slave_ids"))).contains(cluster.agentId(0));
    }

    @Test
    void frameworksSlavesAndTasksEndpoints() {
        JsonNode fws = Http.getJson(cluster.leaderUri(), "master/frameworks");
        assertThat(fws.path("completed_frameworks").isArray()).as("completed_frameworks array").isTrue();
        JsonNode fw = find(fws.path("frameworks"), "id", fid());
        assertJsonTask(find(fw.path("tasks"), "id", "op-task"));

        JsonNode slaves = Http.getJson(cluster.leaderUri(), "master/slaves");
        assertThat(slaves.path("slaves")).hasSize(2);
        assertThat(find(slaves.path("slaves"), "id", cluster.agentId(1)).path("attributes").path("rack").asText())
                .isEqualTo("b");
        assertThat(find(slaves.path("slaves"), "id", cluster.agentId(1)).path("resources").path("ports").asText())
                .isEqualTo("[31500-31999]");

        JsonNode tasks = Http.getJson(cluster.leaderUri(), "master/tasks");
        assertJsonTask(find(tasks.path("tasks"), "id", "op-task"));
    }

    private void assertJsonTask(JsonNode t) {
        assertThat(t.path("name").asText()).isEqualTo("op-task");
        assertThat(t.path("framework_id").asText()).isEqualTo(fid());
        assertThat(t.path("slave_id").asText()).isEqualTo(cluster.agentId(0));
        assertThat(t.path("state").asText()).isEqualTo("TASK_RUNNING");
        assertThat(t.path("resources").path("cpus").asDouble()).isEqualTo(0.1);
        assertThat(t.path("resources").path("mem").asDouble()).isEqualTo(32.0);
        assertThat(t.path("resources").path("ports").asText()).isEqualTo("[" + taskPort + "-" + taskPort + "]");
        assertThat(t.path("statuses")).as("statuses of %s", t).isNotEmpty();
        assertThat(t.path("statuses").get(t.path("statuses").size() - 1).path("state").asText())
                .isEqualTo("TASK_RUNNING");
    }

    @Test
    void redirectPointsAtTheLeader() {
        Http.Resp r = Http.get(cluster.leaderUri().resolve("/master/redirect"));
        assertThat(r.status()).as("/master/redirect: %s", r).isEqualTo(307);
        int port = cluster.masterPort(cluster.leaderIndex());
        assertThat(r.header("Location")).hasValueSatisfying(l ->
                assertThat(l).matches("^(http:)?//127\\.0\\.0\\.1:" + port + "/?$"));
    }

    @Test
    void healthIs200() {
        assertThat(Http.get(cluster.leaderUri().resolve("/master/health")).status()).isEqualTo(200);
    }

    @Test
    void metricsSnapshot() {
        JsonNode m = Http.getJson(cluster.leaderUri(), "metrics/snapshot");
        assertThat(m.path("master/elected").asDouble()).isEqualTo(1.0);
        assertThat(m.path("master/slaves_active").asDouble()).isEqualTo(2.0);
        assertThat(m.path("master/tasks_running").asDouble()).isEqualTo(1.0);
        assertThat(m.path("master/frameworks_active").asDouble()).isEqualTo(1.0);
        assertThat(m.has("master/uptime_secs")).as("master/uptime_secs").isTrue();
    }

    @Test
    void versionEndpoint() {
        JsonNode v = Http.getJson(cluster.leaderUri(), "version");
        assertThat(v.path("version").asText()).startsWith("1.");
        assertThat(v.has("build_date")).as("build_date in %s", v).isTrue();
        assertThat(v.has("build_time")).as("build_time in %s", v).isTrue();
        assertThat(v.has("build_user")).as("build_user in %s", v).isTrue();
    }

    // ------------------------------------------------------------------ helpers

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (n.path(field).asText().equals(value)) return n;
        }
        throw new AssertionError("no element with " + field + "=" + value + " in " + array);
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

}
