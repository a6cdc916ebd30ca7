package io.strata.master;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.strata.common.protocol.AgentMessage;
import io.strata.common.resources.Resources;
import io.strata.common.zk.EmbeddedZooKeeper;
import io.strata.common.zk.ZkClients;
import io.strata.common.zk.ZkUri;
import io.strata.master.registry.Registry;
import io.strata.master.stream.EventStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master's rules, in memory: streams are read directly, ZooKeeper is embedded. */
class MasterTest {
    static EmbeddedZooKeeper zookeeper;
    static CuratorFramework zk;
    @TempDir
    static Path dir;
    ZkUri uri;
    Registry registry;
    Master master;
    MasterConfig config;

    @BeforeAll
    static void zookeeper() throws Exception {
        zookeeper = EmbeddedZooKeeper.start("127.0.0.1", 0, dir.resolve("zk"));
        zk = ZkClients.connect(ZkUri.parse("zk://" + zookeeper.connectString() + "/"));
    }

    @AfterAll
    static void stopZookeeper() {
        zk.close();
        zookeeper.close();
    }

    @BeforeEach
    void startMaster() {
        uri = ZkUri.parse("zk://" + zookeeper.connectString() + "/t" + UUID.randomUUID().toString().substring(0, 8));
        registry = new Registry(zk, uri);
        master = newMaster(Duration.ofSeconds(15));
    }

    Master newMaster(Duration pingTimeout) {
        config = new MasterConfig(uri.toString(), "127.0.0.1", 5050, "127.0.0.1", dir, "test",
                pingTimeout, 3, Duration.ofSeconds(15), Map.of(), null, 5.0);
        MasterInfo info = MasterInfo.newBuilder().setId(UUID.randomUUID().toString()).setIp(16777343).setPort(5050)
                .setHostname("127.0.0.1").setPid("master@127.0.0.1:5050").build();
        Master m = new Master(config, info, registry, Clock.systemUTC());
        m.start();
        return m;
    }

    @AfterEach
    void stop() {
        master.close();
    }

    EventStream<AgentMessage> agent(String id, String resources) {
        EventStream<AgentMessage> s = new EventStream<>(UUID.randomUUID().toString(), EventStream.Encoding.JSON);
        AgentInfo.Builder info = AgentInfo.newBuilder().setHostname("127.0.0.1").setPort(5051)
                .addAllResources(Resources.parse(resources).toList());
        if (id != null) info.setId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue(id));
        master.call(() -> master.agentSubscribe(AgentMessage.subscribe(info.build(), List.of(), List.of()), s));
        return s;
    }

    EventStream<Event> framework(FrameworkInfo.Builder info) {
        EventStream<Event> s = new EventStream<>(UUID.randomUUID().toString(), EventStream.Encoding.JSON);
        master.call(() -> master.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info).build(), s));
        return s;
    }

    static FrameworkInfo.Builder info(String name) {
        return FrameworkInfo.newBuilder().setUser("root").setName(name).setFailoverTimeout(60);
    }

    /** Events read from a stream but not yet matched, per stream: awaiting one event never loses another. */
    static final Map<EventStream<?>, java.util.List<Object>> pending = new java.util.concurrent.ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    static <E> E await(EventStream<E> s, Predicate<E> match) throws InterruptedException {
        java.util.List<Object> buffer = pending.computeIfAbsent(s, k -> new java.util.ArrayList<>());
        for (java.util.Iterator<Object> it = buffer.iterator(); it.hasNext(); ) {
            E e = (E) it.next();
            if (match.test(e)) {
                it.remove();
                return e;
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            E e = s.next(Duration.ofMillis(100));
            if (e == null) continue;
            if (match.test(e)) return e;
            buffer.add(e);
        }
        throw new AssertionError("no matching event within 5 s; unmatched: " + buffer);
    }

    static <E> void assertNone(EventStream<E> s, Predicate<E> match, Duration during) throws InterruptedException {
        long deadline = System.nanoTime() + during.toNanos();
        while (System.nanoTime() < deadline) {
            E e = s.next(Duration.ofMillis(50));
            if (e != null && match.test(e)) throw new AssertionError("unexpected event " + e);
        }
    }

    static TaskInfo task(String id, Offer offer, String resources) {
        return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId())
                .addAllResources(Resources.parse(resources).toList())
                .setCommand(CommandInfo.newBuilder().setValue("sleep 100")).build();
    }

    void launch(String fid, Offer offer, TaskInfo... tasks) {
        launch(0, fid, offer, tasks);
    }

    /** Launches on one offer; what is left of it is refused for {@code refuseSeconds}. */
    void launch(double refuseSeconds, String fid, Offer offer, TaskInfo... tasks) {
        master.call(() -> {
            master.accept(fid, Call.Accept.newBuilder().addOfferIds(offer.getId())
                    .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                            .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(List.of(tasks))))
                    .setFilters(Filters.newBuilder().setRefuseSeconds(refuseSeconds)).build());
            return null;
        });
    }

    void update(String agentId, String fid, String taskId, TaskState state, ByteString uuid) {
        TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state)
                .setSource(TaskStatus.Source.SOURCE_EXECUTOR);
        if (uuid != null) s.setUuid(uuid);
        master.call(() -> {
            master.agentUpdate(agentId, AgentMessage.update(null, org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue(fid).build(), s.build()));
            return null;
        });
    }

    @Test
    void subscribedFrameworkIsOfferedTheAgentAndLaunchesATask() throws Exception {
        EventStream<AgentMessage> a = agent(null, "cpus:2;mem:1024;ports:[31000-31009]");
        String agentId = await(a, m -> m.type() == AgentMessage.Type.SUBSCRIBED).agentId().getValue();
        EventStream<Event> f = framework(info("web"));
        String fid = await(f, e -> e.getType() == Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId().getValue();
        Offer offer = await(f, e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
        assertThat(offer.getAgentId().getValue()).isEqualTo(agentId);
        assertThat(offer.getHostname()).isEqualTo("127.0.0.1");
        assertThat(Resources.of(offer.getResourcesList()).cpus()).isEqualTo(2.0);

        launch(fid, offer, task("t1", offer, "cpus:0.5;mem:128;ports:[31000-31000]"));
        AgentMessage launch = await(a, m -> m.type() == AgentMessage.Type.LAUNCH);
        assertThat(launch.task().getTaskId().getValue()).isEqualTo("t1");
        assertThat(launch.frameworkInfo().getId().getValue()).isEqualTo(fid);

        ByteString uuid = ByteString.copyFrom(new byte[16]);
        update(agentId, fid, "t1", TaskState.TASK_RUNNING, uuid);
        Event running = await(f, e -> e.getType() == Event.Type.UPDATE);
        assertThat(running.getUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
        assertThat(running.getUpdate().getStatus().getAgentId().getValue()).isEqualTo(agentId);

        master.call(() -> {
            master.acknowledge(fid, Call.Acknowledge.newBuilder().setAgentId(running.getUpdate().getStatus().getAgentId())
                    .setTaskId(TaskID.newBuilder().setValue("t1")).setUuid(uuid).build());
            return null;
        });
        assertThat(await(a, m -> m.type() == AgentMessage.Type.ACKNOWLEDGE).uuid()).isEqualTo(uuid);

        // The rest of the agent is offered again, without the task's resources.
        Offer next = await(f, e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
        assertThat(Resources.of(next.getResourcesList()).cpus()).isEqualTo(1.5);
        assertThat(master.call(() -> master.operator().getTasks().getTasksList()))
                .extracting(Task::getState).containsExactly(TaskState.TASK_RUNNING);
    }

    @Test
    void oversizedOrDuplicateTasksFailWithTaskErrorAndNothingElseBreaks() throws Exception {
        agent(null, "cpus:1;mem:256");
        EventStream<Event> f = framework(info("big"));
        String fid = await(f, e -> e.getType() == Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId().getValue();
        Offer offer = await(f, e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
        launch(fid, offer, task("huge", offer, "cpus:8;mem:128"), task("ok", offer, "cpus:0.1;mem:32"), task("ok", offer, "cpus:0.1;mem:32"));
        Event e1 = await(f, e -> e.getType() == Event.Type.UPDATE);
        assertThat(e1.getUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_ERROR);
        assertThat(e1.getUpdate().getStatus().getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
        assertThat(e1.getUpdate().getStatus().getMessage()).contains("more resources");
        Event e2 = await(f, e -> e.getType() == Event.Type.UPDATE);
        assertThat(e2.getUpdate().getStatus().getMessage()).contains("duplicate ID");
        // The valid one runs; the framework keeps getting offers.
        assertThat(master.call(() -> master.operator().getTasks().getTasksCount())).isEqualTo(1);
        await(f, e -> e.getType() == Event.Type.OFFERS);
    }

    @Test
    void launchOnAStaleOfferIsLost() throws Exception {
        agent(null, "cpus:1;mem:256");
        EventStream<Event> f = framework(info("stale"));
        String fid = await(f, e -> e.getType() == Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId().getValue();
        Offer offer = await(f, e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
        master.call(() -> {
            master.decline(fid, Call.Decline.newBuilder().addOfferIds(offer.getId()).build());
            return null;
        });
        launch(fid, offer, task("late", offer, "cpus:0.1;mem:32"));
        Event e = await(f, ev -> ev.getType() == Event.Type.UPDATE);
        assertThat(e.getUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_LOST);
        assertThat(e.getUpdate().getStatus().getReason()).isEqualTo(TaskStatus.Reason.REASON_INVALID_OFFERS);
    }

    @Test
    void declineFiltersTheAgentUntilRevive() throws Exception {
        agent(null, "cpus:1;mem:256");
        EventStream<Event> f = framework(info("picky"));
        String fid = await(f, e -> e.getType() == Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId().getValue();
        Offer offer = await(f, e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
        master.call(() -> {
            master.decline(fid, Call.Decline.newBuilder().addOfferIds(offer.getId())
                    .setFilters(Filters.newBuilder().setRefuseSeconds(3600)).build());
            return null;
        });
        assertNone(f, e -> e.getType() == Event.Type.OFFERS, Duration.ofMillis(1500));
        master.call(() -> {
            master.revive(fid, Call.Revive.getDefaultInstance());
            return null;
        });
        await(f, e -> e.getType() == Event.Type.OFFERS);
    }

    @Test
    void silentAgentMakesItsTasksLostOrUnreachable() throws Exception {
        master.close();
        master = newMaster(Duration.ofMillis(300));
        EventStream<AgentMessage> a = agent(null, "cpus:2;mem:512");
        String agentId = await(a, m -> m.type() == AgentMessage.Type.SUBSCRIBED).agentId().getValue();
        EventStream<Event> plain = framework(info("plain"));
        String plainId = await(plain, e -> e.getType() == Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId().getValue();
        Offer o1 = await(plain, e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
        launch(3600, plainId, o1, task("p1", o1, "cpus:0.5;mem:64"));
        EventStream<Event> aware = framework(info("aware").addCapabilities(FrameworkInfo.Capability.newBuilder()
                .setType(FrameworkInfo.Capability.Type.PARTITION_AWARE)));
        String awareId = await(aware, e -> e.getType() == Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId().getValue();
        Offer o2 = await(aware, e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
        launch(awareId, o2, task("a1", o2, "cpus:0.5;mem:64"));
        update(agentId, plainId, "p1", TaskState.TASK_RUNNING, null);
        update(agentId, awareId, "a1", TaskState.TASK_RUNNING, null);
        // The agent never answers a ping: after 3 x 300 ms it is unreachable.
        Event lost = await(plain, e -> e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getState() == TaskState.TASK_LOST);
        assertThat(lost.getUpdate().getStatus().getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_REMOVED);
        await(aware, e -> e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getState() == TaskState.TASK_UNREACHABLE);
        assertThat(master.call(() -> master.operator().getTasks().getUnreachableTasksCount())).isEqualTo(1);
        assertThat(master.call(() -> master.operator().getAgents().getAgentsCount())).isZero();
    }

    @Test
    void teardownKillsTheFrameworksTasksOnItsAgents() throws Exception {
        EventStream<AgentMessage> a = agent(null, "cpus:2;mem:512");
        EventStream<Event> f = framework(info("short-lived"));
        String fid = await(f, e -> e.getType() == Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId().getValue();
        Offer o = await(f, e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
        launch(fid, o, task("x", o, "cpus:0.5;mem:64"));
        master.call(() -> {
            master.teardown(fid);
            return null;
        });
        AgentMessage shutdown = await(a, m -> m.type() == AgentMessage.Type.SHUTDOWN_FRAMEWORK);
        assertThat(shutdown.frameworkId().getValue()).isEqualTo(fid);
        assertThat(master.call(() -> master.operator().getFrameworks().getCompletedFrameworksCount())).isEqualTo(1);
    }

    @Test
    void aNewMasterRecoversFrameworksFromTheRegistryAndTasksFromAgents() throws Exception {
        EventStream<AgentMessage> a = agent(null, "cpus:2;mem:512");
        String agentId = await(a, m -> m.type() == AgentMessage.Type.SUBSCRIBED).agentId().getValue();
        EventStream<Event> f = framework(info("durable"));
        String fid = await(f, e -> e.getType() == Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId().getValue();
        Offer o = await(f, e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
        TaskInfo t = task("keep", o, "cpus:0.5;mem:64");
        launch(fid, o, t);
        update(agentId, fid, "keep", TaskState.TASK_RUNNING, null);
        Task running = master.call(() -> master.operator().getTasks().getTasks(0));
        master.close();

        master = newMaster(Duration.ofSeconds(15));
        assertThat(master.call(() -> master.operator().getFrameworks().getFrameworks(0).getRecovered())).isTrue();
        // The agent re-registers with its id and its task; the framework re-subscribes with its id.
        EventStream<AgentMessage> again = new EventStream<>("s2", EventStream.Encoding.JSON);
        AgentInfo info = AgentInfo.newBuilder().setHostname("127.0.0.1").setPort(5051)
                .setId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue(agentId))
                .addAllResources(Resources.parse("cpus:2;mem:512").toList()).build();
        master.call(() -> master.agentSubscribe(AgentMessage.subscribe(info, List.of(running), List.of()), again));
        assertThat(await(again, m -> m.type() == AgentMessage.Type.SUBSCRIBED).agentId().getValue()).isEqualTo(agentId);
        EventStream<Event> f2 = framework(info("durable").setId(org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue(fid)));
        await(f2, e -> e.getType() == Event.Type.SUBSCRIBED);
        master.call(() -> {
            master.reconcile(fid, Call.Reconcile.getDefaultInstance());
            return null;
        });
        Event reconciled = await(f2, e -> e.getType() == Event.Type.UPDATE);
        assertThat(reconciled.getUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
        assertThat(reconciled.getUpdate().getStatus().getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
        // Offers account for the recovered task.
        Offer after = await(f2, e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
        assertThat(Resources.of(after.getResourcesList()).cpus()).isEqualTo(1.5);
    }

    @Test
    void failedOverSchedulerGetsAnErrorOnItsOldStream() throws Exception {
        EventStream<Event> f = framework(info("ha"));
        String fid = await(f, e -> e.getType() == Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId().getValue();
        EventStream<Event> f2 = framework(info("ha").setId(org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue(fid)));
        await(f2, e -> e.getType() == Event.Type.SUBSCRIBED);
        Event error = await(f, e -> e.getType() == Event.Type.ERROR);
        assertThat(error.getError().getMessage()).isEqualTo("Framework failed over");
        assertThat(master.call(() -> master.checkFramework(fid, f2.id()))).isEqualTo(Master.FrameworkCheck.OK);
        assertThat(master.call(() -> master.checkFramework(fid, f.id()))).isEqualTo(Master.FrameworkCheck.WRONG_STREAM_ID);
    }

    @Test
    void frameworkUsingTheSamePortsOnTwoAgentsKeepsConsistentTotals() throws Exception {
        agent(null, "cpus:2;mem:512;ports:[31000-31009]");
        agent(null, "cpus:2;mem:512;ports:[31000-31009]");
        EventStream<Event> f = framework(info("spread"));
        String fid = await(f, e -> e.getType() == Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId().getValue();
        java.util.List<Offer> offers = new java.util.ArrayList<>();
        while (offers.size() < 2) offers.addAll(await(f, e -> e.getType() == Event.Type.OFFERS).getOffers().getOffersList());
        // Same port on both agents: a launch on each, then a kill, must never break the framework's accounting.
        launch(3600, fid, offers.get(0), task("a", offers.get(0), "cpus:0.5;mem:64;ports:[31000-31000]"));
        launch(3600, fid, offers.get(1), task("b", offers.get(1), "cpus:0.5;mem:64;ports:[31000-31000]"));
        assertThat(master.call(() -> master.operator().getTasks().getTasksCount())).isEqualTo(2);
        assertThat(master.call(() -> Resources.of(master.operator().getFrameworks().getFrameworks(0).getAllocatedResourcesList()).cpus()))
                .isEqualTo(1.0);
    }

    @Test
    void manyAgentsAreMarkedUnreachableInBatchesAndAnExistingEntryFallsBackToSingleWrites() {
        java.time.Instant at = java.time.Instant.ofEpochMilli(1_700_000_000_000L);
        registry.markUnreachable("agent-7", at.minusSeconds(60));
        Map<String, java.time.Instant> lost = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 1200; i++) lost.put("agent-" + i, at);
        registry.markUnreachable(lost);
        Map<String, java.time.Instant> stored = registry.unreachableAgents();
        assertThat(stored).hasSize(1200);
        assertThat(stored).containsEntry("agent-0", at).containsEntry("agent-1199", at)
                .as("the chunk with the existing entry was written one by one").containsEntry("agent-7", at);
    }
}
