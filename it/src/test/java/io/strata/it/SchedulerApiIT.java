package io.strata.it;

import static io.strata.it.support.ItEnv.EVENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.strata.it.support.AgentFiles;
import io.strata.it.support.Cgroups;
import io.strata.it.support.Cluster;
import io.strata.it.support.Encoding;
import io.strata.it.support.Http;
import io.strata.it.support.DumpLogsOnFailure;
import io.strata.it.support.Procs;
import io.strata.it.support.Tasks;
import io.strata.it.support.V1Scheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskGroupInfo;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Mesos v1 scheduler API against one master and one agent (cpus:4;mem:4096;disk:4096;ports:[31000-31999],
 * rack:a): subscription in JSON and protobuf, offers, LAUNCH and LAUNCH_GROUP, the task environment and
 * cgroup, KILL, explicit and implicit reconciliation, DECLINE filters, REVIVE, SUPPRESS, TEARDOWN, terminal
 * states from exit codes, and an invalid launch. Tests run in order; at most one framework is alive at a time.
 */
@ExtendWith(DumpLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchedulerApiIT {
    private static final String SLEEPER = "{ env; echo \"CWD=$(pwd -P)\"; } > info.tmp"
            + " && cat /proc/self/cgroup > cgroup.txt && mv info.tmp info.txt && exec sleep 1000";
    private static final long MiB = 1024 * 1024;

    private static Cluster cluster;
    private static final List<V1Scheduler> schedulers = new CopyOnWriteArrayList<>();

    // the lifecycle framework shared by the ordered tests 10..14
    private static V1Scheduler life;
    private static final Map<String, TaskInfo> lifeTasks = new LinkedHashMap<>();
    private static final Map<String, String> lifeHosts = new HashMap<>();
    private static final Set<String> lifeKilled = new TreeSet<>();
    private static Instant lifeSubscribedAt;

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.builder("SchedulerApiIT").agent(Cluster.AgentSpec.standard()).start();
    }

    @AfterAll
    static void stopCluster() {
        for (V1Scheduler s : schedulers) finish(s);
        if (cluster != null) cluster.close();
    }

    private static V1Scheduler scheduler(String name, Encoding encoding) {
        if (life != null && !life.tornDown() && !name.equals("lifecycle")) {
            finish(life); // a failed lifecycle test must not leave its offers and tasks to the next tests
        }
        V1Scheduler s = new V1Scheduler(cluster.leaderUri(), encoding,
                cluster.logDir().resolve("scheduler-" + name + ".log"));
        schedulers.add(s);
        return s;
    }

    /** TEARDOWN (if subscribed and not yet torn down) and close; never throws. */
    private static void finish(V1Scheduler s) {
        try {
            if (s.frameworkId() != null && !s.tornDown() && !s.streamEnded()) s.teardown();
        } catch (RuntimeException | AssertionError e) {
            System.out.println("[it] teardown failed: " + e);
        }
        s.close();
    }

    // ------------------------------------------------------------------ subscription and offers

    @Test
    @Order(1)
    void subscribeJsonGivesStreamIdSubscribedAndOffers() {
        V1Scheduler s = scheduler("subscribe-json", Encoding.JSON);
        try {
            V1Scheduler.Subscription sub = s.subscribe(V1Scheduler.framework("it-subscribe-json").build());
            assertSubscription(sub, Encoding.JSON);
            assertFirstEventsAndOffer(s);
        } finally {
            finish(s);
        }
    }

    @Test
    @Order(2)
    void subscribeProtobufAndLaunchWithProtobufCalls() {
        V1Scheduler s = scheduler("subscribe-protobuf", Encoding.PROTOBUF);
        try {
            V1Scheduler.Subscription sub = s.subscribe(V1Scheduler.framework("it-subscribe-protobuf").build());
            assertSubscription(sub, Encoding.PROTOBUF);
            assertFirstEventsAndOffer(s);

            Offer offer = s.takeOffer(EVENT);
            Tasks t = new Tasks(offer);
            s.launch(offer, List.of(t.command("proto-sleeper", 0.1, 32, 1, "exec sleep 1000")));
            s.awaitState("proto-sleeper", EVENT, TaskState.TASK_RUNNING);
            await().atMost(EVENT).until(() -> s.acknowledged().contains("proto-sleeper/TASK_RUNNING"));
            Set<Long> pids = awaitPids("proto-sleeper");

            s.teardown();
            await("proto-sleeper's processes are gone after TEARDOWN").atMost(EVENT)
                    .until(() -> !Procs.anyAlive(pids));
            s.assertNoCallFailures();
        } finally {
            finish(s);
        }
    }

    @Test
    @Order(3)
    void resubscribingFailsOverTheOldSubscription() {
        V1Scheduler first = scheduler("resubscribe-old", Encoding.JSON);
        V1Scheduler second = scheduler("resubscribe-new", Encoding.JSON);
        try {
            first.subscribeAndAwait(V1Scheduler.framework("it-resubscribe").build());
            FrameworkID id = first.frameworkId();
            String oldStream = first.streamId();

            Event.Subscribed again = second.subscribeAndAwait(V1Scheduler.framework("it-resubscribe").setId(id).build());
            assertThat(again.getFrameworkId()).as("same framework id after re-subscribing").isEqualTo(id);
            assertThat(second.streamId()).as("a new Mesos-Stream-Id").isNotEqualTo(oldStream);

            // Mesos: the old subscription gets ERROR "Framework failed over" and is closed
            Event error = first.awaitEvent("ERROR on the old subscription", 0,
                    e -> e.getType() == Event.Type.ERROR, EVENT);
            assertThat(error.getError().getMessage()).contains("failed over");
            await("the master closes the old subscription").atMost(EVENT).until(first::streamEnded);

            Http.Resp stale = first.send(org.apache.mesos.v1.scheduler.Protos.Call.newBuilder()
                    .setType(org.apache.mesos.v1.scheduler.Protos.Call.Type.REVIVE).setFrameworkId(id).build());
            assertThat(stale.status()).as("a call with the old stream id: %s", stale).isEqualTo(400);
            second.revive();
            second.assertNoCallFailures();
        } finally {
            first.close();
            finish(second);
        }
    }

    private static void assertSubscription(V1Scheduler.Subscription sub, Encoding encoding) {
        assertThat(sub.status()).as("SUBSCRIBE status (body: %s)", sub.errorBody()).isEqualTo(200);
        assertThat(sub.streamId()).as("Mesos-Stream-Id header").hasValueSatisfying(id ->
                assertThat(id).isNotBlank().hasSizeLessThanOrEqualTo(128));
        assertThat(sub.contentType()).as("Content-Type of the event stream")
                .hasValueSatisfying(ct -> assertThat(ct).startsWith(encoding.mediaType));
    }

    private static void assertFirstEventsAndOffer(V1Scheduler s) {
        Event first = s.awaitEvent(e -> true, EVENT);
        assertThat(first.getType()).as("first event").isEqualTo(Event.Type.SUBSCRIBED);
        assertThat(first.getSubscribed().getFrameworkId().getValue()).isNotBlank();
        assertThat(first.getSubscribed().getHeartbeatIntervalSeconds()).isPositive();

        Event offers = s.awaitEvent(e -> e.getType() == Event.Type.OFFERS, EVENT);
        assertThat(offers.getOffers().getOffersList()).isNotEmpty();
        Offer o = offers.getOffers().getOffers(0);
        assertThat(o.getId().getValue()).isNotBlank();
        assertThat(o.getFrameworkId()).isEqualTo(s.frameworkId());
        assertThat(o.getHostname()).isEqualTo("127.0.0.1");
        assertThat(o.getAgentId().getValue()).isEqualTo(cluster.agentId(0));
        assertThat(Tasks.scalar(o, "cpus")).isEqualTo(4.0);
        assertThat(Tasks.scalar(o, "mem")).isEqualTo(4096.0);
        assertThat(Tasks.scalar(o, "disk")).isEqualTo(4096.0);
        List<Value.Range> ports = o.getResourcesList().stream().filter(r -> r.getName().equals("ports"))
                .peek(r -> assertThat(r.getType()).isEqualTo(Value.Type.RANGES))
                .flatMap(r -> r.getRanges().getRangeList().stream()).toList();
        assertThat(ports).containsExactly(Value.Range.newBuilder().setBegin(31000).setEnd(31999).build());
        for (Resource r : o.getResourcesList()) {
            if (!r.getName().equals("ports")) assertThat(r.getType()).as(r.getName()).isEqualTo(Value.Type.SCALAR);
        }
        assertThat(o.getAttributesList()).as("agent attributes").containsExactly(Attribute.newBuilder()
                .setName("rack").setType(Value.Type.TEXT).setText(Value.Text.newBuilder().setValue("a")).build());

        // the master lists the framework as active
        var frameworks = Http.getJson(cluster.leaderUri(), "master/frameworks").path("frameworks");
        assertThat(frameworks.findValuesAsText("id")).contains(s.frameworkId().getValue());
    }

    // ------------------------------------------------------------------ the lifecycle of 20 tasks

    @Test
    @Order(10)
    void twentyTasksAcrossOffersAllRunWithTheirEnvironment() {
        life = scheduler("lifecycle", Encoding.JSON);
        life.subscribeAndAwait(V1Scheduler.framework("it-lifecycle").build());
        lifeSubscribedAt = Instant.now();

        Deque<String> pending = new ArrayDeque<>();
        IntStream.range(0, 20).forEach(i -> pending.add(String.format("sleeper-%02d", i)));
        int offersUsed = 0;
        while (!pending.isEmpty()) {
            Offer offer = life.takeOffer(EVENT);
            Tasks t = new Tasks(offer);
            List<TaskInfo> batch = new ArrayList<>();
            // at most 10 per offer, so the 20 tasks need at least two offers
            while (!pending.isEmpty() && batch.size() < 10 && t.fits(0.1, 32, 1)) {
                batch.add(t.command(pending.poll(), 0.1, 32, 1, SLEEPER));
            }
            if (batch.isEmpty()) {
                life.decline(List.of(offer), V1Scheduler.refuse(0));
                continue;
            }
            life.launch(offer, batch);
            offersUsed++;
            for (TaskInfo task : batch) {
                lifeTasks.put(task.getTaskId().getValue(), task);
                lifeHosts.put(task.getTaskId().getValue(), offer.getHostname());
            }
        }
        assertThat(offersUsed).isGreaterThanOrEqualTo(2);

        for (String id : lifeTasks.keySet()) life.awaitState(id, EVENT, TaskState.TASK_RUNNING);
        await("every TASK_RUNNING acknowledged with 202").atMost(EVENT).until(() ->
                lifeTasks.keySet().stream().allMatch(id -> life.acknowledged().contains(id + "/TASK_RUNNING")));
        life.assertNoCallFailures();
        for (String id : lifeTasks.keySet()) {
            assertThat(life.statuses(id)).as("updates of %s", id).allSatisfy(st -> {
                assertThat(st.getState()).isIn(TaskState.TASK_STAGING, TaskState.TASK_STARTING, TaskState.TASK_RUNNING);
                assertThat(st.getAgentId().getValue()).isEqualTo(cluster.agentId(0));
            });
        }
        await("a process for each of the 20 tasks").atMost(EVENT)
                .until(() -> Procs.taskPids(cluster.root()).keySet().containsAll(lifeTasks.keySet()));

        // the environment each task saw, read back through the agent's /files/read
        String fid = life.frameworkId().getValue();
        for (TaskInfo task : lifeTasks.values()) {
            String id = task.getTaskId().getValue();
            String sandbox = awaitSandbox(fid, id);
            String info = awaitFile(sandbox + "/info.txt");
            Map<String, String> env = parseEnv(info);
            assertThat(env).as("environment of %s", id)
                    .containsEntry("MESOS_TASK_ID", id)
                    .containsEntry("PORT0", Long.toString(Tasks.port0(task)))
                    .containsEntry("HOST", lifeHosts.get(id))
                    .containsKey("MESOS_SANDBOX");
            assertThat(real(env.get("MESOS_SANDBOX"))).as("MESOS_SANDBOX of %s", id).isEqualTo(real(sandbox));
            assertThat(real(env.get("CWD"))).as("working directory of %s is its sandbox", id).isEqualTo(real(sandbox));
        }
    }

    @Test
    @Order(11)
    void eachTaskCgroupMemoryLimitEqualsItsMem() {
        assumeThat(life).as("lifecycle tasks launched").isNotNull();
        assumeThat(Cgroups.memoryWritable()).as("this host lets processes create memory cgroups").isTrue();
        String fid = life.frameworkId().getValue();
        for (String id : lifeTasks.keySet()) {
            String cgroup = awaitFile(awaitSandbox(fid, id) + "/cgroup.txt");
            OptionalLong limit = Cgroups.memoryLimit(cgroup);
            assertThat(limit).as("memory limit of %s's cgroup (/proc/self/cgroup: %s)", id, cgroup.trim())
                    .hasValue(32 * MiB);
        }
    }

    @Test
    @Order(12)
    void killFiveTasks() {
        assumeThat(lifeTasks).as("lifecycle tasks launched").hasSize(20);
        List<String> victims = new ArrayList<>(lifeTasks.keySet()).subList(0, 5);
        Map<String, Set<Long>> pids = new HashMap<>();
        for (String id : victims) pids.put(id, awaitPids(id));
        AgentID agent = lifeTasks.get(victims.get(0)).getAgentId();
        for (String id : victims) life.kill(id, agent);
        for (String id : victims) {
            TaskStatus killed = life.awaitState(id, EVENT, TaskState.TASK_KILLED, TaskState.TASK_FAILED,
                    TaskState.TASK_FINISHED, TaskState.TASK_LOST, TaskState.TASK_ERROR);
            assertThat(killed.getState()).as("terminal state of killed %s", id).isEqualTo(TaskState.TASK_KILLED);
            lifeKilled.add(id);
        }
        await("killed tasks' processes are gone").atMost(EVENT)
                .until(() -> victims.stream().noneMatch(id -> Procs.anyAlive(pids.get(id))));
        await("every TASK_KILLED acknowledged").atMost(EVENT).until(() ->
                victims.stream().allMatch(id -> life.acknowledged().contains(id + "/TASK_KILLED")));
        for (String id : lifeTasks.keySet()) {
            if (!lifeKilled.contains(id)) {
                assertThat(life.latestState(id)).as("untouched %s", id).hasValue(TaskState.TASK_RUNNING);
            }
        }
        life.assertNoCallFailures();
    }

    @Test
    @Order(13)
    void explicitAndImplicitReconciliation() {
        assumeThat(lifeKilled).as("five tasks killed").hasSize(5);
        List<String> running = lifeTasks.keySet().stream().filter(id -> !lifeKilled.contains(id)).toList();
        AgentID agent = lifeTasks.get(running.get(0)).getAgentId();

        // explicit: two task ids
        List<String> two = running.subList(0, 2);
        int since = life.eventCount();
        Map<String, AgentID> ask = new LinkedHashMap<>();
        two.forEach(id -> ask.put(id, agent));
        life.reconcile(ask);
        for (String id : two) {
            Event e = life.awaitEvent(since, ev -> isReconciliation(ev, id), EVENT);
            TaskStatus st = e.getUpdate().getStatus();
            assertThat(st.getState()).as("reconciled state of %s", id).isEqualTo(TaskState.TASK_RUNNING);
            assertThat(st.getAgentId()).isEqualTo(agent);
        }

        // implicit: every task the master knows for the framework, non-terminal ones as RUNNING
        int since2 = life.eventCount();
        life.reconcile(Map.of());
        await("implicit reconciliation covers the 15 running tasks").atMost(EVENT).until(() ->
                reconciledIds(since2).containsAll(running));
        for (Event e : life.eventsSince(since2)) {
            if (e.getType() != Event.Type.UPDATE
                    || e.getUpdate().getStatus().getReason() != TaskStatus.Reason.REASON_RECONCILIATION) {
                continue;
            }
            TaskStatus st = e.getUpdate().getStatus();
            String id = st.getTaskId().getValue();
            assertThat(lifeTasks).as("reconciliation names only our tasks").containsKey(id);
            assertThat(st.getState()).as("reconciled state of %s", id)
                    .isEqualTo(lifeKilled.contains(id) ? TaskState.TASK_KILLED : TaskState.TASK_RUNNING);
        }
        life.assertNoCallFailures();
    }

    @Test
    @Order(14)
    void heartbeatsComeAtTheAdvertisedInterval() {
        assumeThat(life).as("lifecycle framework").isNotNull();
        double interval = life.events().get(0).getSubscribed().getHeartbeatIntervalSeconds();
        Duration slack = Duration.ofSeconds(3);
        Duration bound = Duration.ofMillis((long) (interval * 1000)).plus(slack);
        // Mesos sends the first HEARTBEAT right after SUBSCRIBED, then one per interval
        Duration left = bound.minus(Duration.between(lifeSubscribedAt, Instant.now()));
        life.awaitEvent("a HEARTBEAT within " + bound.toSeconds() + " s of SUBSCRIBED (interval " + interval
                        + " s; Mesos sends the first one right after SUBSCRIBED)", 0,
                e -> e.getType() == Event.Type.HEARTBEAT, left.compareTo(Duration.ofMillis(200)) < 0 ? Duration.ofMillis(200) : left);
        List<Instant> times = new ArrayList<>();
        List<Event> events = life.events();
        List<Instant> at = life.eventTimes();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).getType() == Event.Type.SUBSCRIBED || events.get(i).getType() == Event.Type.HEARTBEAT) {
                times.add(at.get(i));
            }
        }
        times.add(Instant.now());
        for (int i = 1; i < times.size(); i++) {
            assertThat(Duration.between(times.get(i - 1), times.get(i)))
                    .as("gap %d between SUBSCRIBED/HEARTBEATs (interval %.1f s)", i, interval)
                    .isLessThanOrEqualTo(bound);
        }
    }

    @Test
    @Order(15)
    void teardownKillsEveryTask() {
        assumeThat(life).as("lifecycle framework").isNotNull();
        Set<Long> pids = new HashSet<>();
        Procs.taskPids(cluster.root()).forEach((id, p) -> {
            if (lifeTasks.containsKey(id)) pids.addAll(p);
        });
        assertThat(pids).as("processes of the 15 running tasks").hasSizeGreaterThanOrEqualTo(15);
        String fid = life.frameworkId().getValue();
        life.teardown();
        await("every task process is gone after TEARDOWN").atMost(EVENT).until(() -> !Procs.anyAlive(pids));
        await("the master no longer lists the framework as active").atMost(EVENT).until(() ->
                !Http.getJson(cluster.leaderUri(), "master/frameworks").path("frameworks")
                        .findValuesAsText("id").contains(fid));
        await("the master lists none of its tasks as live").atMost(EVENT).until(() -> allTerminal(fid));
    }

    private static boolean allTerminal(String fid) {
        for (var t : Http.getJson(cluster.leaderUri(), "master/tasks").path("tasks")) {
            if (t.path("framework_id").asText().equals(fid)
                    && List.of("TASK_RUNNING", "TASK_STAGING", "TASK_STARTING").contains(t.path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ offer flow control

    @Test
    @Order(20)
    void declineWithFilterThenReviveGetsOffersAgain() {
        V1Scheduler s = scheduler("decline-revive", Encoding.JSON);
        try {
            s.subscribeAndAwait(V1Scheduler.framework("it-decline-revive").build());
            awaitWholeAgentOffer(s);
            s.declineOutstanding(V1Scheduler.refuse(3600));
            int since = s.eventCount();
            await("no offers while the one-hour filter holds").during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5)).until(() -> noOffersSince(s, since));
            s.revive();
            s.awaitEvent(since, e -> e.getType() == Event.Type.OFFERS, EVENT);
            s.assertNoCallFailures();
        } finally {
            finish(s);
        }
    }

    @Test
    @Order(21)
    void suppressStopsOffersUntilRevive() {
        V1Scheduler s = scheduler("suppress", Encoding.JSON);
        try {
            s.subscribeAndAwait(V1Scheduler.framework("it-suppress").build());
            awaitWholeAgentOffer(s);
            s.suppress();
            s.declineOutstanding(V1Scheduler.refuse(0));
            int since = s.eventCount();
            await("no offers while suppressed").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> noOffersSince(s, since));
            s.revive();
            s.awaitEvent(since, e -> e.getType() == Event.Type.OFFERS, EVENT);
            s.assertNoCallFailures();
        } finally {
            finish(s);
        }
    }

    // ------------------------------------------------------------------ terminal states

    @Test
    @Order(30)
    void exitCodeZeroFinishesAndNonZeroFails() {
        V1Scheduler s = scheduler("exit-codes", Encoding.JSON);
        try {
            s.subscribeAndAwait(V1Scheduler.framework("it-exit-codes").build());
            Offer offer = s.takeOffer(EVENT);
            Tasks t = new Tasks(offer);
            s.launch(offer, List.of(t.command("exits-0", 0.1, 32, 0, "exit 0"),
                    t.command("exits-3", 0.1, 32, 0, "exit 3")));
            TaskStatus ok = s.awaitState("exits-0", EVENT, TaskState.TASK_FINISHED, TaskState.TASK_FAILED,
                    TaskState.TASK_ERROR, TaskState.TASK_LOST, TaskState.TASK_KILLED);
            assertThat(ok.getState()).isEqualTo(TaskState.TASK_FINISHED);
            TaskStatus bad = s.awaitState("exits-3", EVENT, TaskState.TASK_FINISHED, TaskState.TASK_FAILED,
                    TaskState.TASK_ERROR, TaskState.TASK_LOST, TaskState.TASK_KILLED);
            assertThat(bad.getState()).isEqualTo(TaskState.TASK_FAILED);
            assertThat(bad.getMessage()).as("TASK_FAILED message").contains("3");
            await("terminal updates acknowledged").atMost(EVENT).until(() ->
                    s.acknowledged().containsAll(List.of("exits-0/TASK_FINISHED", "exits-3/TASK_FAILED")));
            s.assertNoCallFailures();
        } finally {
            finish(s);
        }
    }

    @Test
    @Order(31)
    void oversizedLaunchIsRejectedAndTheFrameworkKeepsWorking() {
        V1Scheduler s = scheduler("oversized", Encoding.JSON);
        try {
            s.subscribeAndAwait(V1Scheduler.framework("it-oversized").build());
            Offer offer = s.takeOffer(EVENT);
            Tasks t = new Tasks(offer);
            double tooMany = Tasks.scalar(offer, "cpus") + 100;
            TaskInfo huge = t.command("too-big", 0.1, 32, 0, "exec sleep 1000").toBuilder()
                    .clearResources()
                    .addResources(t.oversized("cpus", tooMany))
                    .addResources(t.oversized("mem", 32))
                    .build();
            s.launch(offer, List.of(huge));
            TaskStatus st = s.awaitState("too-big", EVENT, TaskState.TASK_ERROR, TaskState.TASK_DROPPED,
                    TaskState.TASK_RUNNING, TaskState.TASK_STAGING, TaskState.TASK_STARTING, TaskState.TASK_LOST,
                    TaskState.TASK_FAILED);
            assertThat(st.getState()).as("state of a task using more cpus than offered")
                    .isIn(TaskState.TASK_ERROR, TaskState.TASK_DROPPED);
            assertThat(st.getMessage()).as("why the launch was refused").isNotBlank();
            assertThat(Procs.pidsOfTask(cluster.root(), "too-big")).isEmpty();

            Offer next = s.takeOffer(EVENT);
            Tasks t2 = new Tasks(next);
            s.launch(next, List.of(t2.command("fits", 0.1, 32, 0, "exec sleep 1000")));
            s.awaitState("fits", EVENT, TaskState.TASK_RUNNING);
            s.assertNoCallFailures();
        } finally {
            finish(s);
        }
    }

    @Test
    @Order(32)
    void launchGroupRunsEveryTaskOfTheGroup() {
        V1Scheduler s = scheduler("launch-group", Encoding.JSON);
        try {
            s.subscribeAndAwait(V1Scheduler.framework("it-launch-group").build());
            Offer offer = s.takeOffer(EVENT);
            Tasks t = new Tasks(offer);
            ExecutorInfo executor = t.defaultExecutor("group-executor", s.frameworkId());
            TaskGroupInfo group = TaskGroupInfo.newBuilder()
                    .addTasks(t.command("group-a", 0.1, 32, 1, "exec sleep 1000"))
                    .addTasks(t.command("group-b", 0.1, 32, 1, "exec sleep 1000"))
                    .build();
            s.launchGroup(offer, executor, group);
            s.awaitState("group-a", EVENT, TaskState.TASK_RUNNING);
            s.awaitState("group-b", EVENT, TaskState.TASK_RUNNING);
            Set<Long> pids = new HashSet<>(awaitPids("group-a"));
            pids.addAll(awaitPids("group-b"));
            s.teardown();
            await("group processes are gone after TEARDOWN").atMost(EVENT).until(() -> !Procs.anyAlive(pids));
            s.assertNoCallFailures();
        } finally {
            finish(s);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Set<Long> awaitPids(String taskId) {
        Set<Long>[] found = new Set[1];
        await("a process of " + taskId).atMost(EVENT).until(() -> {
            found[0] = Procs.pidsOfTask(cluster.root(), taskId);
            return !found[0].isEmpty();
        });
        return found[0];
    }

    private static String awaitSandbox(String frameworkId, String taskId) {
        String[] dir = new String[1];
        await("agent /state names the sandbox of " + taskId).atMost(EVENT).until(() -> {
            dir[0] = AgentFiles.sandbox(cluster.agentUri(0), frameworkId, taskId).orElse(null);
            return dir[0] != null;
        });
        return dir[0];
    }

    private static String awaitFile(String path) {
        String[] data = new String[1];
        await("/files/read of " + path).atMost(EVENT).until(() -> {
            data[0] = AgentFiles.read(cluster.agentUri(0), path).filter(d -> !d.isEmpty()).orElse(null);
            return data[0] != null;
        });
        return data[0];
    }

    private static Map<String, String> parseEnv(String text) {
        Map<String, String> env = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) env.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
        }
        return env;
    }

    private static String real(String path) {
        try {
            return Path.of(path).toRealPath().toString();
        } catch (java.io.IOException e) {
            return Path.of(path).normalize().toString();
        }
    }

    private static boolean isReconciliation(Event e, String taskId) {
        return e.getType() == Event.Type.UPDATE
                && e.getUpdate().getStatus().getTaskId().getValue().equals(taskId)
                && e.getUpdate().getStatus().getReason() == TaskStatus.Reason.REASON_RECONCILIATION;
    }

    private static Set<String> reconciledIds(int since) {
        return life.eventsSince(since).stream()
                .filter(e -> e.getType() == Event.Type.UPDATE
                        && e.getUpdate().getStatus().getReason() == TaskStatus.Reason.REASON_RECONCILIATION)
                .map(e -> e.getUpdate().getStatus().getTaskId().getValue())
                .collect(Collectors.toSet());
    }

    private static boolean noOffersSince(V1Scheduler s, int since) {
        return s.eventsSince(since).stream().noneMatch(e -> e.getType() == Event.Type.OFFERS);
    }

    /**
     * Waits for an offer of the agent's whole resources (earlier tests' tasks are gone), declining partial
     * ones without a filter. A DECLINE filter only holds back offers its declined resources contain, so the
     * flow-control tests need nothing else to be freed afterwards.
     */
    private static void awaitWholeAgentOffer(V1Scheduler s) {
        await("an offer of the whole agent").atMost(EVENT).until(() -> {
            for (Offer o : s.outstandingOffers()) {
                if (Tasks.scalar(o, "cpus") == 4.0 && Tasks.scalar(o, "mem") == 4096.0) return true;
                s.decline(List.of(o), V1Scheduler.refuse(0));
            }
            return false;
        });
    }
}
