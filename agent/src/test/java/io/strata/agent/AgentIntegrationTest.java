package io.strata.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.agent.master.FakeMaster;
import io.strata.common.json.Json;
import io.strata.common.protocol.AgentMessage;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskGroupInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against a fake master that speaks docs/PROTOCOL.md: subscription, the task lifecycle with
 * acknowledged status updates, kill, cgroup limits, the HTTP endpoints, and a restart that re-attaches a live
 * task. Real processes, 127.0.0.1 only.
 */
class AgentIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final FrameworkID FW = FrameworkID.newBuilder().setValue("fw-" + UUID.randomUUID()).build();
    private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder().setId(FW).setName("test").setUser("root")
            .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.TASK_KILLING_STATE))
            .build();

    @TempDir
    Path workDir;
    private FakeMaster master;
    private AgentServer agent;
    private final String cgroupsRoot = "strata-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        master = new FakeMaster();
        agent = AgentServer.start(config());
        await().atMost(WAIT).until(() -> agent.registered());
    }

    private AgentConfig config() {
        return new AgentConfig(master.hostPort(), "127.0.0.1", 0, "127.0.0.1", workDir,
                "cpus:2;mem:1024;disk:1024;ports:[31000-31100]", "rack:a;zone:1", false, false, cgroupsRoot, 100);
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) agent.close();
        // whatever a test left running is killed by an agent that recovers it and stops with killTasksOnShutdown
        AgentConfig c = config();
        new AgentServer[] {AgentServer.start(new AgentConfig(c.master(), c.bindHost(), 0, c.advertisedHost(), c.workDir(),
                c.resources(), null, false, true, c.cgroupsRoot(), 100))}[0].close();
        if (master != null) master.close();
        http.close();
        for (String controller : List.of("memory", "cpu")) {
            Files.deleteIfExists(Path.of("/sys/fs/cgroup", controller, cgroupsRoot)); // empty by now; fails quietly elsewhere
        }
        Files.deleteIfExists(Path.of("/sys/fs/cgroup", cgroupsRoot));
    }

    @Test
    void subscribesAndRunsATaskToCompletionWithAcknowledgedUpdates() throws Exception {
        AgentMessage sub = master.subscriptions().get(0);
        assertThat(sub.agentInfo().hasId()).isFalse();
        assertThat(sub.agentInfo().getHostname()).isEqualTo("127.0.0.1");
        assertThat(sub.agentInfo().getPort()).isEqualTo(agent.port());
        assertThat(sub.agentInfo().getAttributesList()).extracting(a -> a.getName()).containsExactly("rack", "zone");
        assertThat(agent.agentId()).isNotNull();

        master.send(AgentMessage.launch(FRAMEWORK, task("echo-1", "echo hello from $MESOS_TASK_ID on $HOST:$PORT0; exit 0", 64, 31000)));
        TaskStatus starting = master.await("echo-1", TaskState.TASK_STARTING, WAIT);
        assertThat(starting.getUuid().size()).isEqualTo(16);
        assertThat(starting.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
        assertThat(starting.getAgentId().getValue()).isEqualTo(agent.agentId());
        // in order: nothing else for this task until STARTING is acknowledged
        assertThat(master.updates("echo-1")).hasSize(1);
        master.ack(FW, starting);
        TaskStatus running = master.await("echo-1", TaskState.TASK_RUNNING, WAIT);
        assertThat(running.getContainerStatus().getNetworkInfos(0).getIpAddresses(0).getIpAddress()).isEqualTo("127.0.0.1");
        assertThat(running.getContainerStatus().getExecutorPid()).isPositive();
        master.ack(FW, running);
        TaskStatus finished = master.await("echo-1", TaskState.TASK_FINISHED, WAIT);
        assertThat(finished.getMessage()).isEqualTo("Command exited with status 0");
        assertThat(List.of(starting.getUuid(), running.getUuid(), finished.getUuid())).doesNotHaveDuplicates();

        JsonNode state = getJson("/state");
        // the task has ended, so its executor is a completed one (its terminal update is not acknowledged yet)
        String dir = state.at("/frameworks/0/completed_executors/0/directory").asText();
        assertThat(state.at("/frameworks/0/completed_executors/0/completed_tasks/0/state").asText()).isEqualTo("TASK_FINISHED");
        assertThat(state.path("id").asText()).isEqualTo(agent.agentId());
        assertThat(state.path("pid").asText()).isEqualTo("slave(1)@127.0.0.1:" + agent.port());
        assertThat(state.path("version").asText()).isEqualTo("1.11.0");
        assertThat(state.path("attributes").path("rack").asText()).isEqualTo("a");
        assertThat(state.path("attributes").path("zone").asDouble()).isEqualTo(1.0);
        assertThat(state.path("resources").path("cpus").asDouble()).isEqualTo(2.0);
        assertThat(state.path("resources").path("ports").asText()).isEqualTo("[31000-31100]");
        assertThat(getJson("/slave(1)/state.json").path("id").asText()).isEqualTo(agent.agentId());
        HttpResponse<String> jsonp = get("/state?jsonp=cb");
        assertThat(jsonp.body()).startsWith("cb({").endsWith(");");
        assertThat(dir).contains("/slaves/" + agent.agentId() + "/frameworks/" + FW.getValue() + "/executors/echo-1/runs/");
        JsonNode read = getJson("/files/read?path=" + enc(dir + "/stdout") + "&offset=0");
        assertThat(read.path("data").asText()).isEqualTo("hello from echo-1 on 127.0.0.1:31000\n");
        assertThat(getJson("/files/read?path=" + enc(dir + "/stdout") + "&offset=-1").path("offset").asLong())
                .isEqualTo("hello from echo-1 on 127.0.0.1:31000\n".length());
        assertThat(get("/files/read?path=" + enc(dir + "/../../../../../../../../meta/agent.json")).statusCode())
                .as("a path out of the sandboxes").isEqualTo(400);

        master.ack(FW, finished);
        await().atMost(WAIT).until(() -> getJson("/state").at("/completed_frameworks/0/completed_executors/0/completed_tasks/0/state")
                .asText().equals("TASK_FINISHED"));
        assertThat(getJson("/metrics/snapshot").path("slave/tasks_finished").asDouble()).isEqualTo(1.0);
        agent.close(); // brings the checkpoint files up to date from the log
        agent = null;
        assertThat(workDir.resolve("meta")).isDirectory();
        assertThat(workDir.resolve("meta/frameworks/" + FW.getValue())).as("checkpoint removed after the ack").doesNotExist();
        assertThat(workDir.resolve("meta/agent.json")).as("the agent id stays").isRegularFile();
    }

    @Test
    void killsATaskAndLimitsItsMemory() throws Exception {
        master.send(AgentMessage.launch(FRAMEWORK, task("sleeper", "exec sleep 300", 96, 31001)));
        TaskStatus running = ackUntilRunning("sleeper");
        long pid = running.getContainerStatus().getExecutorPid();
        assertThat(ProcessHandle.of(pid)).isPresent();

        Path memoryDir = Path.of("/sys/fs/cgroup/memory", cgroupsRoot);
        if (Files.isDirectory(memoryDir)) {
            Path limit = Files.list(memoryDir).filter(Files::isDirectory).findFirst().orElseThrow().resolve("memory.limit_in_bytes");
            assertThat(Files.readString(limit).trim()).isEqualTo(Long.toString(96L * 1024 * 1024));
        } else {
            Path v2 = Path.of("/sys/fs/cgroup", cgroupsRoot);
            Assumptions.assumeTrue(Files.isDirectory(v2), "cgroups are not writable on this host");
            Path limit = Files.list(v2).filter(Files::isDirectory).findFirst().orElseThrow().resolve("memory.max");
            assertThat(Files.readString(limit).trim()).isEqualTo(Long.toString(96L * 1024 * 1024));
        }

        master.send(AgentMessage.kill(FW, TaskID.newBuilder().setValue("sleeper").build(), null));
        TaskStatus killing = master.await("sleeper", TaskState.TASK_KILLING, WAIT);
        master.ack(FW, killing);
        TaskStatus killed = master.await("sleeper", TaskState.TASK_KILLED, WAIT);
        assertThat(killed.getMessage()).isEqualTo("Command terminated with signal Terminated");
        await().atMost(WAIT).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        master.ack(FW, killed);
        await().atMost(WAIT).until(() -> !Files.exists(memoryDir) || Files.list(memoryDir).noneMatch(Files::isDirectory));
    }

    @Test
    void restartReattachesALiveTaskAndReportsOneThatDied() throws Exception {
        master.send(AgentMessage.launch(FRAMEWORK, task("survivor", "exec sleep 300", 32, 31002)));
        master.send(AgentMessage.launch(FRAMEWORK, task("victim", "exec sleep 300", 32, 31003)));
        long survivorPid = ackUntilRunning("survivor").getContainerStatus().getExecutorPid();
        long victimPid = ackUntilRunning("victim").getContainerStatus().getExecutorPid();
        String agentId = agent.agentId();
        awaitAcknowledged("survivor");
        awaitAcknowledged("victim");

        agent.close(); // killTasksOnShutdown=false: tasks keep running
        agent = null;
        assertThat(ProcessHandle.of(survivorPid).map(ProcessHandle::isAlive)).contains(true);
        ProcessHandle.of(victimPid).ifPresent(ProcessHandle::destroyForcibly);
        await().atMost(WAIT).until(() -> ProcessHandle.of(victimPid).map(p -> !p.isAlive()).orElse(true));
        int updatesBefore = master.allUpdates().size();

        agent = AgentServer.start(config());
        assertThat(agent.agentId()).as("agent id from the checkpoint").isEqualTo(agentId);
        await().atMost(WAIT).until(() -> master.subscriptions().size() == 2);
        AgentMessage resub = master.subscriptions().get(1);
        assertThat(resub.agentInfo().getId().getValue()).isEqualTo(agentId);
        assertThat(resub.tasks()).extracting(t -> t.getTaskId().getValue()).contains("survivor", "victim");
        Task survivor = resub.tasks().stream().filter(t -> t.getTaskId().getValue().equals("survivor")).findFirst().orElseThrow();
        assertThat(survivor.getState()).isEqualTo(TaskState.TASK_RUNNING);
        assertThat(resub.frameworks()).extracting(f -> f.getId()).containsExactly(FW);

        TaskStatus failed = master.await("victim", TaskState.TASK_FAILED, WAIT);
        assertThat(failed.getMessage()).isNotBlank();
        master.ack(FW, failed);
        assertThat(master.allUpdates().subList(updatesBefore, master.allUpdates().size()))
                .extracting(u -> u.status().getTaskId().getValue()).doesNotContain("survivor");
        assertThat(ProcessHandle.of(survivorPid).map(ProcessHandle::isAlive)).contains(true);
        assertThat(getJson("/state").at("/frameworks/0/executors/0/tasks/0/id").asText()).isEqualTo("survivor");

        // the re-attached task is still under control
        master.send(AgentMessage.kill(FW, TaskID.newBuilder().setValue("survivor").build(), null));
        master.ack(FW, master.await("survivor", TaskState.TASK_KILLING, WAIT));
        master.ack(FW, master.await("survivor", TaskState.TASK_KILLED, WAIT));
        await().atMost(WAIT).until(() -> ProcessHandle.of(survivorPid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void refusesInvalidTasksAndRunsTaskGroups() throws Exception {
        master.send(AgentMessage.launch(FRAMEWORK, task("../escape", "true", 32, 0)));
        TaskStatus error = master.await("../escape", TaskState.TASK_ERROR, WAIT);
        assertThat(error.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
        assertThat(error.getMessage()).contains("task id");
        master.ack(FW, error);

        master.send(AgentMessage.launch(FRAMEWORK, task("huge", "true", 1_000_000, 0)));
        assertThat(master.await("huge", TaskState.TASK_ERROR, WAIT).getMessage()).contains("mem");

        ExecutorInfo executor = ExecutorInfo.newBuilder().setType(ExecutorInfo.Type.DEFAULT)
                .setExecutorId(ExecutorID.newBuilder().setValue("group-executor")).setFrameworkId(FW).build();
        master.send(AgentMessage.launchGroup(FRAMEWORK, executor, TaskGroupInfo.newBuilder()
                .addTasks(task("g-ok", "exec sleep 300", 32, 0))
                .addTasks(task("g-fails", "exit 7", 32, 0)).build()));
        ackUntilRunning("g-fails");
        ackUntilRunning("g-ok");
        TaskStatus failed = master.await("g-fails", TaskState.TASK_FAILED, WAIT);
        assertThat(failed.getMessage()).isEqualTo("Command exited with status 7");
        master.ack(FW, failed);
        // the default executor's rule: a failed task takes its group down
        master.ack(FW, master.await("g-ok", TaskState.TASK_KILLING, WAIT));
        master.await("g-ok", TaskState.TASK_KILLED, WAIT);
    }

    @Test
    void killsATaskWhoseHealthCheckKeepsFailing() {
        TaskInfo t = task("sick", "exec sleep 300", 32, 0).toBuilder()
                .setHealthCheck(HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND)
                        .setCommand(CommandInfo.newBuilder().setValue("test -f healthy"))
                        .setDelaySeconds(0).setIntervalSeconds(0.1).setTimeoutSeconds(5)
                        .setGracePeriodSeconds(0).setConsecutiveFailures(2))
                .build();
        master.send(AgentMessage.launch(FRAMEWORK, t));
        ackUntilRunning("sick");
        TaskStatus first = master.awaitUpdate(s -> s.getTaskId().getValue().equals("sick") && s.hasHealthy(), WAIT);
        assertThat(first.getState()).isEqualTo(TaskState.TASK_RUNNING);
        assertThat(first.getHealthy()).isFalse();
        assertThat(first.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
        master.ack(FW, first);
        TaskStatus second = master.awaitUpdate(s -> s.getTaskId().getValue().equals("sick") && s.hasHealthy()
                && !s.getUuid().equals(first.getUuid()), WAIT);
        master.ack(FW, second);
        master.ack(FW, master.await("sick", TaskState.TASK_KILLING, WAIT));
        TaskStatus killed = master.await("sick", TaskState.TASK_KILLED, WAIT);
        assertThat(killed.getHealthy()).isFalse();
    }

    @Test
    void reportsHealthyOnceTheCheckPasses() {
        TaskInfo t = task("well", "touch healthy; exec sleep 300", 32, 0).toBuilder()
                .setHealthCheck(HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND)
                        .setCommand(CommandInfo.newBuilder().setValue("test -f healthy"))
                        .setDelaySeconds(0).setIntervalSeconds(0.1).setGracePeriodSeconds(30))
                .build();
        master.send(AgentMessage.launch(FRAMEWORK, t));
        ackUntilRunning("well");
        TaskStatus healthy = master.awaitUpdate(s -> s.getTaskId().getValue().equals("well") && s.hasHealthy(), WAIT);
        assertThat(healthy.getHealthy()).isTrue();
        assertThat(healthy.getState()).isEqualTo(TaskState.TASK_RUNNING);
        master.ack(FW, healthy);
    }

    @Test
    void aTaskOverItsMemoryLimitFailsWithAMemoryLimitation() {
        Assumptions.assumeTrue(Files.isWritable(Path.of("/sys/fs/cgroup/memory")) || Files.isWritable(Path.of("/sys/fs/cgroup/cgroup.procs")),
                "memory cgroups are not writable here");
        // tail keeps the last line, here the whole newline-free input, in memory: far over 32 MB
        // a whole cpu: at 0.1 cpus (its CFS quota) filling the memory would take many seconds
        TaskInfo hog = task("hog", "head -c 200000000 /dev/zero | tail -n 1 > /dev/null", 32, 0).toBuilder()
                .setResources(0, scalar("cpus", 1)).build();
        master.send(AgentMessage.launch(FRAMEWORK, hog));
        ackUntilRunning("hog");
        TaskStatus failed = master.await("hog", TaskState.TASK_FAILED, WAIT);
        assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
        assertThat(failed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
        assertThat(failed.getMessage()).startsWith("Memory limit exceeded");
    }

    @Test
    void resubscribesWhenTheStreamBreaksAndResendsWhatIsUnacknowledged() {
        master.send(AgentMessage.ping());
        await().atMost(WAIT).until(() -> master.pongs() == 1);
        master.send(AgentMessage.launch(FRAMEWORK, task("steady", "exec sleep 300", 32, 0)));
        TaskStatus starting = master.await("steady", TaskState.TASK_STARTING, WAIT);

        master.dropStream();
        await().atMost(WAIT).until(() -> master.subscriptions().size() == 2);
        AgentMessage resub = master.subscriptions().get(1);
        assertThat(resub.agentInfo().getId().getValue()).isEqualTo(agent.agentId());
        Task steady = resub.tasks().get(0);
        assertThat(steady.getState()).isEqualTo(TaskState.TASK_RUNNING);
        assertThat(steady.getStatusUpdateState()).as("the update in flight").isEqualTo(TaskState.TASK_STARTING);
        await().atMost(WAIT).until(() -> master.updates("steady").size() >= 2);
        assertThat(master.updates("steady").get(1).getUuid()).as("STARTING again, same uuid").isEqualTo(starting.getUuid());
        master.ack(FW, starting);
        master.ack(FW, master.await("steady", TaskState.TASK_RUNNING, WAIT));
    }

    @Test
    void aCallRefusedWith403MakesTheAgentSubscribeAgain() {
        master.forgetStreamId();
        master.send(AgentMessage.launch(FRAMEWORK, task("after-403", "exec sleep 300", 32, 0)));
        await().atMost(WAIT).until(() -> master.subscriptions().size() == 2);
        TaskStatus starting = master.await("after-403", TaskState.TASK_STARTING, WAIT);
        master.ack(FW, starting);
        master.ack(FW, master.await("after-403", TaskState.TASK_RUNNING, WAIT));
    }

    @Test
    void aRefusedAgentRetriesAndGracefulShutdownCanKillTasks() throws Exception {
        master.send(AgentMessage.launch(FRAMEWORK, task("doomed", "exec sleep 300", 32, 0)));
        long pid = ackUntilRunning("doomed").getContainerStatus().getExecutorPid();
        awaitAcknowledged("doomed");
        agent.close();
        master.refuseWith("Agent is not allowed");
        agent = AgentServer.start(new AgentConfig(master.hostPort(), "127.0.0.1", 0, "127.0.0.1", workDir,
                "cpus:2;mem:1024;disk:1024;ports:[31000-31100]", null, false, true, cgroupsRoot, 100));
        await().atMost(WAIT).until(() -> master.subscriptions().size() == 3 && agent.registered());
        agent.close();
        agent = null;
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("killed on shutdown").isFalse();
        master.await("doomed", TaskState.TASK_KILLING, WAIT);
        // TASK_KILLED waits for TASK_KILLING's acknowledgement: it stays checkpointed for the next start
        Path updates = workDir.resolve("meta/frameworks").resolve(FW.getValue()).resolve("tasks/doomed/updates.json");
        assertThat(Files.readString(updates)).contains("TASK_KILLING", "TASK_KILLED");
    }

    @Test
    void aBurstOfLaunchesRunsConcurrentlyAndEachTaskKeepsItsUpdatesInOrder() throws Exception {
        int n = 15;
        for (int i = 0; i < n; i++) master.send(AgentMessage.launch(FRAMEWORK, task("burst-" + i, "exec sleep 300", 16, 0)));
        List<Long> pids = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "burst-" + i;
            TaskStatus running = ackUntil(id, TaskState.TASK_RUNNING);
            assertThat(master.updates(id)).extracting(TaskStatus::getState).as(id)
                    .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);
            pids.add((long) running.getContainerStatus().getExecutorPid());
        }
        assertThat(pids).doesNotHaveDuplicates().allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isTrue());
        for (int i = 0; i < n; i++) awaitAcknowledged("burst-" + i);
        // what was sent is on disk: a restart finds every task running
        agent.close();
        agent = AgentServer.start(config());
        await().atMost(WAIT).until(() -> agent.registered());
        AgentMessage resubscribe = master.subscriptions().get(master.subscriptions().size() - 1);
        assertThat(resubscribe.tasks()).filteredOn(t -> t.getTaskId().getValue().startsWith("burst-"))
                .hasSize(n).allSatisfy(t -> assertThat(t.getState()).isEqualTo(TaskState.TASK_RUNNING));
        for (int i = 0; i < n; i++) master.send(AgentMessage.kill(FW, TaskID.newBuilder().setValue("burst-" + i).build(), null));
        for (int i = 0; i < n; i++) ackUntil("burst-" + i, TaskState.TASK_KILLED);
        assertThat(pids).allSatisfy(pid -> await().atMost(WAIT).until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)));
    }

    @Test
    void aKillThatArrivesWhileTheTaskIsBeingLaunchedEndsItKilled() throws Exception {
        // the KILL is read right after the LAUNCH, while the launcher pool is (or is about to be) starting the process
        master.send(AgentMessage.launch(FRAMEWORK, task("short-lived", "exec sleep 300", 16, 0)));
        master.send(AgentMessage.kill(FW, TaskID.newBuilder().setValue("short-lived").build(), null));
        TaskStatus killed = ackUntil("short-lived", TaskState.TASK_KILLED);
        assertThat(master.updates("short-lived")).extracting(TaskStatus::getState)
                .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_KILLING, TaskState.TASK_KILLED);
        if (killed.getContainerStatus().hasExecutorPid()) {
            long pid = killed.getContainerStatus().getExecutorPid();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("no process left").isFalse();
        } else {
            assertThat(killed.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_KILLED_DURING_LAUNCH);
        }
        awaitAcknowledged("short-lived");
    }

    // ------------------------------------------------------------------ helpers

    /** Acknowledges the task's updates one by one, in the order they arrive, until (and including) {@code end}. */
    private TaskStatus ackUntil(String taskId, TaskState end) {
        for (int acked = 0; acked < 10; acked++) {
            int seen = acked;
            await().atMost(WAIT).until(() -> master.updates(taskId).size() > seen);
            TaskStatus s = master.updates(taskId).get(acked);
            master.ack(FW, s);
            if (s.getState() == end) return s;
        }
        throw new AssertionError(taskId + " did not reach " + end + ": " + master.updates(taskId));
    }

    /** The agent has processed every acknowledgement of the task: nothing is pending. */
    private void awaitAcknowledged(String taskId) {
        await().atMost(WAIT).until(() -> AcknowledgedUpdates.of(agent, taskId));
    }

    private TaskStatus ackUntilRunning(String taskId) {
        master.ack(FW, master.await(taskId, TaskState.TASK_STARTING, WAIT));
        TaskStatus running = master.await(taskId, TaskState.TASK_RUNNING, WAIT);
        master.ack(FW, running);
        return running;
    }

    private static TaskInfo task(String id, String command, double memMb, long port) {
        TaskInfo.Builder t = TaskInfo.newBuilder()
                .setName(id)
                .setTaskId(TaskID.newBuilder().setValue(id))
                .setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue("ignored"))
                .addResources(scalar("cpus", 0.1))
                .addResources(scalar("mem", memMb))
                .setCommand(CommandInfo.newBuilder().setValue(command)
                        .setEnvironment(Environment.newBuilder().addVariables(
                                Environment.Variable.newBuilder().setName("FROM_FRAMEWORK").setValue("yes"))));
        if (port > 0) {
            t.addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
                    .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(port).setEnd(port))));
        }
        return t.build();
    }

    private static Resource scalar(String name, double v) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(v)).build();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return Json.read(r.body());
    }
}
