package io.strata.dns.state;

import static io.strata.dns.support.Tasks.running;
import static io.strata.dns.support.Tasks.task;
import static io.strata.dns.support.Tasks.withPorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.dns.naming.LabelSpec;
import io.strata.dns.records.AgentRef;
import io.strata.dns.records.FrameworkRef;
import io.strata.dns.records.HostPort;
import io.strata.dns.records.RecordGenerator;
import io.strata.dns.records.Rr;
import io.strata.dns.records.Zone;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.master.Protos.Event;
import org.apache.mesos.v1.master.Protos.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class ClusterMirrorTest {
    static final Zone.Settings SETTINGS = Zone.Settings.of("mesos", 60, 1, "ns1.mesos", "root.ns1.mesos", 60, 600, 86400, 60);
    final ClusterMirror mirror = new ClusterMirror(new RecordGenerator("mesos", LabelSpec.RFC1123, List.of("netinfo", "host")),
            SETTINGS, HostResolver.LITERALS_ONLY, List.of(Rr.a("ns1.mesos.", "127.0.0.1")), Clock.systemUTC());

    @AfterEach
    void close() {
        mirror.close();
    }

    static Response.GetAgents.Agent agent(String id, String ip) {
        return Response.GetAgents.Agent.newBuilder().setAgentInfo(AgentInfo.newBuilder().setId(AgentID.newBuilder().setValue(id))
                .setHostname(ip).setPort(5051)).setPid("slave(1)@" + ip + ":5051").setActive(true).setVersion("1.11.0").build();
    }

    static Response.GetFrameworks.Framework framework(String id, String name) {
        return Response.GetFrameworks.Framework.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder()
                .setId(FrameworkID.newBuilder().setValue(id)).setName(name).setUser("root").setHostname("127.0.0.1"))
                .setActive(true).setConnected(true).setRecovered(false).build();
    }

    static Event subscribed(List<Response.GetAgents.Agent> agents, List<Response.GetFrameworks.Framework> fws, List<Task> tasks) {
        return Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
                .setGetState(Response.GetState.newBuilder()
                        .setGetAgents(Response.GetAgents.newBuilder().addAllAgents(agents))
                        .setGetFrameworks(Response.GetFrameworks.newBuilder().addAllFrameworks(fws))
                        .setGetTasks(Response.GetTasks.newBuilder().addAllTasks(tasks)))).build();
    }

    static Event updated(String fw, String taskId, TaskState state, double ts, String ip) {
        TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(org.apache.mesos.v1.Protos.TaskID.newBuilder().setValue(taskId))
                .setState(state).setTimestamp(ts);
        if (ip != null) s.setContainerStatus(org.apache.mesos.v1.Protos.ContainerStatus.newBuilder().addNetworkInfos(
                org.apache.mesos.v1.Protos.NetworkInfo.newBuilder().addIpAddresses(
                        org.apache.mesos.v1.Protos.NetworkInfo.IPAddress.newBuilder().setIpAddress(ip))));
        return Event.newBuilder().setType(Event.Type.TASK_UPDATED).setTaskUpdated(Event.TaskUpdated.newBuilder()
                .setFrameworkId(FrameworkID.newBuilder().setValue(fw)).setStatus(s).setState(state)).build();
    }

    List<String> a(String name) throws Exception {
        List<String> out = new ArrayList<>();
        for (Record r : mirror.zone().find(Name.fromString(name)).get(Type.A)) out.add(r.rdataToString());
        return out;
    }

    List<String> srv(String name) throws Exception {
        return mirror.zone().find(Name.fromString(name)).get(Type.SRV).stream().map(Record::rdataToString).collect(Collectors.toList());
    }

    @Test
    void aTaskAnswersFromRunningUntilItEnds() throws Exception {
        Task staging = withPorts(task("fw1", "a-S0", "web.1", "web", TaskState.TASK_STAGING), 31000, 31000).build();
        assertThat(mirror.zone().synced()).isFalse();
        mirror.event(subscribed(List.of(agent("a-S0", "10.0.0.1")), List.of(framework("fw1", "marathon")), List.of()));
        mirror.event(Event.newBuilder().setType(Event.Type.TASK_ADDED).setTaskAdded(Event.TaskAdded.newBuilder().setTask(staging)).build());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a("slave.mesos.")).containsExactly("10.0.0.1"));
        assertThat(mirror.zone().synced()).isTrue();
        assertThat(a("web.marathon.mesos.")).isEmpty();
        assertThat(a("marathon.mesos.")).containsExactly("127.0.0.1"); // the framework's host

        mirror.event(updated("fw1", "web.1", TaskState.TASK_RUNNING, 2.0, "172.17.0.5"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a("web.marathon.mesos.")).containsExactly("172.17.0.5"));
        assertThat(a("web.marathon.slave.mesos.")).containsExactly("10.0.0.1");
        assertThat(srv("_web._tcp.marathon.mesos.")).hasSize(1).allMatch(s -> s.startsWith("0 1 31000 web-"));

        mirror.event(updated("fw1", "web.1", TaskState.TASK_KILLED, 3.0, null));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a("web.marathon.mesos.")).isEmpty());
        assertThat(srv("_web._tcp.marathon.mesos.")).isEmpty();
        assertThat(mirror.zone().find(Name.fromString("marathon.slave.mesos.")).exists()).isFalse();
    }

    @Test
    void agentAndFrameworkEventsRecomputeTheirTasks() throws Exception {
        Task t = running(task("fw1", "a-S0", "web.1", "web", TaskState.TASK_STAGING), 1.0).build();
        mirror.event(subscribed(List.of(agent("a-S0", "10.0.0.1")), List.of(framework("fw1", "marathon")), List.of(t)));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a("web.marathon.mesos.")).containsExactly("10.0.0.1"));

        // the agent re-registers from another address: host-sourced names follow
        mirror.event(Event.newBuilder().setType(Event.Type.AGENT_ADDED).setAgentAdded(Event.AgentAdded.newBuilder()
                .setAgent(agent("a-S0", "10.0.0.2"))).build());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a("web.marathon.mesos.")).containsExactly("10.0.0.2"));
        assertThat(a("slave.mesos.")).containsExactly("10.0.0.2");

        // the framework is renamed
        mirror.event(Event.newBuilder().setType(Event.Type.FRAMEWORK_UPDATED).setFrameworkUpdated(Event.FrameworkUpdated.newBuilder()
                .setFramework(framework("fw1", "marathon-user"))).build());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a("web.marathon-user.mesos.")).containsExactly("10.0.0.2"));
        assertThat(a("web.marathon.mesos.")).isEmpty();

        // the agent goes: its tasks lose their names (Mesos-DNS names only tasks on known agents)
        mirror.event(Event.newBuilder().setType(Event.Type.AGENT_REMOVED).setAgentRemoved(Event.AgentRemoved.newBuilder()
                .setAgentId(AgentID.newBuilder().setValue("a-S0"))).build());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a("web.marathon-user.mesos.")).isEmpty());
        assertThat(a("slave.mesos.")).isEmpty();

        mirror.event(Event.newBuilder().setType(Event.Type.FRAMEWORK_REMOVED).setFrameworkRemoved(Event.FrameworkRemoved.newBuilder()
                .setFrameworkInfo(framework("fw1", "marathon-user").getFrameworkInfo())).build());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a("marathon-user.mesos.")).isEmpty());
    }

    @Test
    void aResyncDoesNotUndoAnEventThatCameAfterItStarted() throws Exception {
        Task staging = task("fw1", "a-S0", "web.1", "web", TaskState.TASK_STAGING).build();
        mirror.event(subscribed(List.of(agent("a-S0", "10.0.0.1")), List.of(framework("fw1", "marathon")), List.of(staging)));
        await().atMost(Duration.ofSeconds(5)).until(() -> mirror.sequence() >= 1);
        long resyncStart = mirror.sequence();
        // the task runs (event), then a state fetched before that arrives saying STAGING
        mirror.event(updated("fw1", "web.1", TaskState.TASK_RUNNING, 2.0, null));
        Snapshot stale = new Snapshot(List.of(new AgentRef("a-S0", "10.0.0.1", 5051)),
                List.of(new FrameworkRef("fw1", "marathon", "127.0.0.1", 0)), List.of(staging), new HostPort("10.0.0.100", 5050));
        mirror.resync(stale, resyncStart);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a("leader.mesos.")).containsExactly("10.0.0.100"));
        assertThat(a("web.marathon.mesos.")).containsExactly("10.0.0.1");

        // a resync that started after the event wins
        mirror.resync(new Snapshot(stale.agents(), stale.frameworks(), List.of(), null), mirror.sequence());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a("web.marathon.mesos.")).isEmpty());
    }

    @Test
    void resyncAloneFeedsTheRecords() throws Exception {
        Task t = running(withPorts(task("fw1", "a-S1", "db.1", "db", TaskState.TASK_STAGING), 31002, 31002), 1.0, "10.0.0.7").build();
        mirror.resync(new Snapshot(List.of(new AgentRef("a-S1", "10.0.0.1", 5051)), List.of(new FrameworkRef("fw1", "marathon", "", 0)),
                List.of(t), null), 0);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a("db.marathon.mesos.")).containsExactly("10.0.0.7"));
        assertThat(mirror.read(ClusterMirror::enumerate, Duration.ofSeconds(5))).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("marathon");
            assertThat(f.tasks()).singleElement().satisfies(et -> {
                assertThat(et.id()).isEqualTo("db.1");
                assertThat(et.records()).extracting(Rr::name).contains("db.marathon.mesos.", "_db._tcp.marathon.mesos.");
            });
        });
    }

    @Test
    void mastersFromTheFeed() throws Exception {
        mirror.masters(new HostPort("10.0.0.2", 5050), List.of("10.0.0.1:5050", "10.0.0.2:5050"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a("leader.mesos.")).containsExactly("10.0.0.2"));
        assertThat(a("master.mesos.")).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
        assertThat(a("master0.mesos.")).containsExactly("10.0.0.1");
        assertThat(srv("_leader._udp.mesos.")).containsExactly("0 1 5050 leader.mesos.");
        mirror.masters(new HostPort("10.0.0.1", 5050), List.of("10.0.0.1:5050"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a("leader.mesos.")).containsExactly("10.0.0.1"));
        assertThat(a("master1.mesos.")).isEmpty();
    }
}
