package io.strata.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.agent.cgroups.CgroupLimits;
import io.strata.agent.checkpoint.AtomicFiles;
import io.strata.agent.checkpoint.CheckpointLog;
import io.strata.agent.checkpoint.Layout;
import io.strata.agent.checkpoint.TaskCheckpoints;
import io.strata.agent.containerizer.Container;
import io.strata.agent.containerizer.ProcessContainerizer;
import io.strata.agent.containerizer.ProcessContainerizer.Signal;
import io.strata.agent.containerizer.TaskEnvironment;
import io.strata.agent.containerizer.docker.DockerContainer;
import io.strata.agent.containerizer.docker.DockerContainerizer;
import io.strata.agent.containerizer.docker.DockerExit;
import io.strata.agent.containerizer.docker.DockerRunSpec;
import io.strata.agent.containerizer.docker.DockerTasks;
import io.strata.agent.health.HealthCheckPolicy;
import io.strata.agent.health.HealthChecker;
import io.strata.agent.health.HealthProbe;
import io.strata.agent.http.AgentState;
import io.strata.agent.master.AgentStream;
import io.strata.agent.status.StatusUpdateManager;
import io.strata.agent.status.StatusUpdates;
import io.strata.agent.status.TaskKey;
import io.strata.agent.tasks.AgentTask;
import io.strata.agent.tasks.TaskStateMachine;
import io.strata.agent.tasks.TaskValidation;
import io.strata.agent.tasks.TerminalStatus;
import io.strata.common.ids.Ids;
import io.strata.common.json.Json;
import io.strata.common.json.ProtoJson;
import io.strata.common.protocol.AgentMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.ContainerID;
import org.apache.mesos.v1.Protos.ContainerStatus;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.KillPolicy;
import org.apache.mesos.v1.Protos.NetworkInfo;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskResourceLimitation;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's state and what changes it: frameworks, tasks from launch to acknowledged terminal update, their
 * containers, health checks and status updates, checkpointed under {@code <workDir>/meta} and recovered on
 * start. One lock (this object's monitor) guards all of it and is only held to record and decide, never across
 * disk or process work: checkpoints are queued to the {@link CheckpointLog} (one flush per group of writes; a
 * status update goes out once the write that recorded it is on disk), a task's sandbox, cgroup and process are
 * set up by the launcher pool, and kill escalation, exit handling and health checks run on the timer or on
 * virtual threads. So acknowledgements and kills are handled while a batch of tasks is still starting.
 */
public final class Agent implements AgentStream.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(3);
    static final Duration STATUS_RETRY = Duration.ofSeconds(10);
    static final long RECOVERED_POLL_MS = 500;
    /** Tasks being set up at once (system property {@code strata.agent.launcher.threads}). */
    static final int LAUNCHER_THREADS = Integer.getInteger("strata.agent.launcher.threads",
            Math.max(2, Runtime.getRuntime().availableProcessors()));

    /** A task that is gone from this agent, kept for /state. */
    record CompletedTask(FrameworkID frameworkId, ExecutorInfo executor, String executorContainerId, String directory, Task task) {}

    private final AgentConfig config;
    private final Layout layout;
    private final AgentInfo baseInfo; // hostname, port, resources, attributes; no id
    private final ProcessContainerizer containerizer;
    private final DockerContainerizer docker; // null: the docker containerizer is not enabled
    private final boolean mesosEnabled;
    private final StatusUpdateManager statusUpdates;
    private final AgentMetrics metrics;
    private final ScheduledExecutorService timer;
    private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final ExecutorService launcher; // sandbox, cgroup and fork of process tasks, off the master stream's thread
    private final CheckpointLog checkpoints;
    private final String agentEndpoint;
    private final String dockerBindIp; // Docker port mappings listen here: the advertised address
    private final double startTime = System.currentTimeMillis() / 1000.0;

    private final Map<String, FrameworkInfo> frameworks = new LinkedHashMap<>();
    private final Map<TaskKey, AgentTask> tasks = new LinkedHashMap<>();
    private final Deque<CompletedTask> completedTasks = new ArrayDeque<>();
    private final Map<String, FrameworkInfo> completedFrameworks = new LinkedHashMap<>();

    private volatile String agentId;
    private volatile String masterHostPort;
    private volatile boolean registered;
    private volatile boolean closed;
    private volatile Predicate<AgentMessage> outbound = m -> false;

    Agent(AgentConfig config, AgentInfo baseInfo, ProcessContainerizer containerizer, AgentMetrics metrics) {
        this(config, baseInfo, containerizer, null, true, metrics);
    }

    /** @param docker the docker containerizer, or null; {@code mesosEnabled}: whether plain command tasks run here */
    Agent(AgentConfig config, AgentInfo baseInfo, ProcessContainerizer containerizer, DockerContainerizer docker,
          boolean mesosEnabled, AgentMetrics metrics) {
        this.config = config;
        this.layout = new Layout(config.workDir());
        this.baseInfo = baseInfo;
        this.containerizer = containerizer;
        this.docker = docker;
        this.mesosEnabled = mesosEnabled;
        this.metrics = metrics;
        this.agentEndpoint = baseInfo.getHostname() + ":" + baseInfo.getPort();
        this.dockerBindIp = docker == null ? null : resolve(baseInfo.getHostname());
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "agent-timer");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        try {
            this.checkpoints = CheckpointLog.open(layout.metaDir()); // a previous agent's log is applied to the files here
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the checkpoint log in " + layout.metaDir(), e);
        }
        this.statusUpdates = new StatusUpdateManager(layout::updatesFileOrNull, checkpoints, this::sendUpdate, STATUS_RETRY,
                System::nanoTime);
        this.launcher = Executors.newFixedThreadPool(LAUNCHER_THREADS, r -> {
            Thread th = new Thread(r, "agent-launcher");
            th.setDaemon(true);
            return th;
        });
        metrics.bind(this);
    }

    /** Where status updates and PONGs go: the master stream. */
    void outbound(Predicate<AgentMessage> outbound) {
        this.outbound = outbound;
    }

    void startTimers() {
        timer.scheduleWithFixedDelay(this::retryStatusUpdates, 1, 1, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::pollRecoveredContainers, RECOVERED_POLL_MS, RECOVERED_POLL_MS, TimeUnit.MILLISECONDS);
    }

    private void sendUpdate(FrameworkID frameworkId, TaskStatus status) {
        String id = agentId;
        if (id == null || closed) return;
        outbound.test(AgentMessage.update(AgentID.newBuilder().setValue(id).build(), frameworkId, status));
    }

    private void retryStatusUpdates() {
        if (!closed && registered) statusUpdates.retryDue();
    }

    public String agentId() {
        return agentId;
    }

    public boolean registered() {
        return registered;
    }

    Layout layout() {
        return layout;
    }

    // ------------------------------------------------------------------ master stream

    @Override
    public synchronized AgentMessage subscribeMessage() {
        AgentInfo.Builder info = baseInfo.toBuilder();
        if (agentId != null) info.setId(AgentID.newBuilder().setValue(agentId));
        List<Task> list = new ArrayList<>();
        for (AgentTask t : tasks.values()) list.add(toTask(t));
        List<FrameworkInfo> fws = new ArrayList<>();
        for (AgentTask t : tasks.values()) {
            FrameworkInfo fw = frameworks.get(t.frameworkId().getValue());
            if (fw != null && !fws.contains(fw)) fws.add(fw);
        }
        return AgentMessage.subscribe(info.build(), list, fws);
    }

    @Override
    public void onSubscribed(AgentID id, String master) {
        synchronized (this) {
            if (closed) return;
            String given = id == null ? null : id.getValue();
            if (given != null && !given.equals(agentId)) {
                if (agentId != null) {
                    LOG.warn("msg=\"master gave this agent a new id\" old={} new={}", agentId, given);
                }
                if (!Ids.isSafePathSegment(given)) {
                    LOG.error("msg=\"master gave an agent id that cannot name a directory; ignoring it\" id={}", given);
                } else {
                    agentId = given;
                    checkpointAgentId();
                }
            }
            masterHostPort = master;
            registered = true;
        }
        statusUpdates.resendAll();
    }

    @Override
    public void onDisconnected() {
        registered = false;
    }

    @Override
    public void onMessage(AgentMessage m) {
        if (closed) return;
        switch (m.type()) {
            case LAUNCH -> {
                if (m.frameworkInfo() == null || m.task() == null) {
                    LOG.warn("msg=\"LAUNCH without framework_info or task\"");
                    return;
                }
                launch(m.frameworkInfo(), null, List.of(m.task()));
            }
            case LAUNCH_GROUP -> {
                if (m.frameworkInfo() == null || m.executor() == null || m.taskGroup() == null) {
                    LOG.warn("msg=\"LAUNCH_GROUP without framework_info, executor or task_group\"");
                    return;
                }
                launch(m.frameworkInfo(), m.executor(), m.taskGroup().getTasksList());
            }
            case KILL -> {
                if (m.frameworkId() != null && m.taskId() != null) kill(m.frameworkId(), m.taskId(), m.killPolicy());
            }
            case ACKNOWLEDGE -> {
                if (m.frameworkId() != null && m.taskId() != null && m.uuid() != null) acknowledge(m.frameworkId(), m.taskId(), m.uuid());
            }
            case SHUTDOWN_FRAMEWORK -> {
                if (m.frameworkId() != null) shutdownFramework(m.frameworkId());
            }
            default -> LOG.warn("msg=\"unexpected message\" type={}", m.type());
        }
    }

    // ------------------------------------------------------------------ launch

    /**
     * Records the tasks (validated, resources taken, checkpointed, TASK_STARTING queued) with the lock held, on
     * the caller's thread, so later messages (a KILL, the next LAUNCH) see them; their processes are then started
     * by the launcher pool.
     */
    void launch(FrameworkInfo framework, ExecutorInfo groupExecutor, List<TaskInfo> group) {
        List<AgentTask> toStart = new ArrayList<>();
        synchronized (this) {
            record(framework, groupExecutor, group, toStart);
        }
        for (AgentTask task : toStart) {
            try {
                launcher.execute(() -> startProcess(task));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.info("msg=\"agent stopping; task not started\" task={}", task.key()); // recovered as never started
            }
        }
    }

    private void record(FrameworkInfo framework, ExecutorInfo groupExecutor, List<TaskInfo> group, List<AgentTask> toStart) {
        if (closed) return;
        FrameworkID fwId = framework.getId();
        if (agentId == null) {
            for (TaskInfo t : group) reject(fwId, t.getTaskId(), null, TaskState.TASK_DROPPED, TaskStatus.Reason.REASON_AGENT_UNKNOWN,
                    "The agent is not registered yet");
            return;
        }
        for (TaskInfo t : group) {
            // the same launch again (a master retrying): the task's own updates already answer it, and a refusal
            // would land in the existing task's update stream
            if (tasks.containsKey(TaskKey.of(fwId, t.getTaskId()))) {
                LOG.warn("msg=\"ignoring launch of a task this agent already has\" framework={} task={}", fwId.getValue(),
                        t.getTaskId().getValue());
                return;
            }
        }
        // a group is all or nothing: one invalid task refuses all of them
        List<TaskValidation.Rejection> rejections = new ArrayList<>();
        List<Resource> groupUse = new ArrayList<>(resourcesInUse());
        for (TaskInfo t : group) {
            TaskValidation.Rejection r = TaskValidation.validate(framework, groupExecutor, t, docker != null, mesosEnabled)
                    .or(() -> TaskValidation.fits(baseInfo.getResourcesList(), groupUse, t))
                    .orElse(null);
            rejections.add(r);
            groupUse.addAll(t.getResourcesList());
        }
        boolean anyRejected = rejections.stream().anyMatch(r -> r != null);
        if (anyRejected) {
            for (int i = 0; i < group.size(); i++) {
                TaskInfo t = group.get(i);
                TaskValidation.Rejection r = rejections.get(i);
                if (r == null) {
                    r = new TaskValidation.Rejection(TaskState.TASK_ERROR, TaskStatus.Reason.REASON_TASK_GROUP_INVALID,
                            "Another task of its task group is invalid");
                }
                if (groupExecutor != null && r.reason() == TaskStatus.Reason.REASON_TASK_INVALID) {
                    r = new TaskValidation.Rejection(r.state(), TaskStatus.Reason.REASON_TASK_GROUP_INVALID, r.message());
                }
                LOG.warn("msg=\"refusing task\" framework={} task={} state={} reason=\"{}\"", fwId.getValue(),
                        t.getTaskId().getValue(), r.state(), r.message());
                reject(fwId, t.getTaskId(), groupExecutor == null ? null : groupExecutor.getExecutorId(), r.state(), r.reason(), r.message());
            }
            return;
        }

        rememberFramework(framework);
        String groupContainer = null;
        Path groupRunDir = null;
        if (groupExecutor != null) {
            // more tasks for a running executor join its container, as with Mesos' default executor
            for (AgentTask t : tasks.values()) {
                if (t.inGroup() && t.frameworkId().equals(fwId) && t.executorId().equals(groupExecutor.getExecutorId()) && !t.isTerminal()) {
                    groupContainer = t.groupContainerId();
                    groupRunDir = t.executorDirectory();
                    break;
                }
            }
            if (groupContainer == null) {
                groupContainer = UUID.randomUUID().toString();
                groupRunDir = layout.runDir(agentId, fwId.getValue(), groupExecutor.getExecutorId().getValue(), groupContainer);
                linkLatest(groupRunDir);
            }
        }
        for (TaskInfo info : group) {
            String containerId = UUID.randomUUID().toString();
            AgentTask task;
            if (groupExecutor == null) {
                ExecutorID executorId = ExecutorID.newBuilder().setValue(info.getTaskId().getValue()).build();
                Path runDir = layout.runDir(agentId, fwId.getValue(), executorId.getValue(), containerId);
                task = new AgentTask(fwId, info, null, executorId, containerId, null, runDir, runDir, now());
            } else {
                Path sandbox = layout.groupTaskSandbox(groupRunDir, info.getTaskId().getValue());
                task = new AgentTask(fwId, info, groupExecutor, groupExecutor.getExecutorId(), containerId, groupContainer,
                        sandbox, groupRunDir, now());
            }
            tasks.put(task.key(), task);
            if (task.isDocker()) {
                checkpoint(task);
                startDocker(task);
            } else {
                update(task, status(task, TaskState.TASK_STARTING, TaskStatus.Source.SOURCE_EXECUTOR).build()); // checkpoints
                toStart.add(task);
            }
        }
    }

    /**
     * On a launcher thread: the sandbox, cgroup, wrapper script and process of a recorded task, then (lock held)
     * the container is checkpointed and TASK_RUNNING queued behind it. A kill that arrived meanwhile wins: before
     * the fork the task ends TASK_KILLED without a process, after it the process gets its SIGTERM at once.
     */
    private void startProcess(AgentTask task) {
        TaskKey key = task.key();
        ProcessContainerizer.LaunchRequest request;
        synchronized (this) {
            if (closed || tasks.get(key) != task || task.isTerminal() || task.exited()) return;
            if (task.killRequested()) {
                finishKilledDuringLaunch(task);
                return;
            }
            TaskInfo info = task.info();
            Map<String, String> env = TaskEnvironment.build(info, info.getCommand(), envContext(task), System.getenv());
            CgroupLimits limits = CgroupLimits.of(TaskValidation.scalar(info.getResourcesList(), "cpus"),
                    TaskValidation.scalar(info.getResourcesList(), "mem"));
            request = new ProcessContainerizer.LaunchRequest(task.containerId(), task.sandbox(),
                    layout.containerMetaDir(task.containerId()), info.getCommand(), env, limits);
        }
        if (!task.inGroup()) linkLatest(task.sandbox());
        ProcessContainerizer.Launched launched;
        try {
            launched = containerizer.launch(request);
        } catch (IOException | RuntimeException e) {
            LOG.warn("msg=\"task launch failed\" task={} error=\"{}\"", key, e.toString());
            synchronized (this) {
                if (closed || tasks.get(key) != task || task.isTerminal()) return;
                task.markExited();
                task.stopTimers();
                if (task.killRequested()) {
                    finishKilledDuringLaunch(task);
                } else {
                    update(task, status(task, TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT)
                            .setReason(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED)
                            .setMessage("Failed to launch container: " + e.getMessage()).build());
                }
            }
            return;
        }
        synchronized (this) {
            task.container(launched.container());
            task.process(launched.process());
            if (closed) {
                // the agent stopped meanwhile: the process runs on and the next agent finds it by its pid file
                LOG.info("msg=\"task started while the agent stopped\" task={} pid={}", key, launched.container().pid());
                return;
            }
            checkpoint(task); // before TASK_RUNNING, which is sent once this is on disk
            String containerId = task.containerId();
            launched.process().onExit().thenAcceptAsync(p -> containerExited(key, containerId, p.exitValue()), virtualThreads);
            if (task.killRequested()) {
                // killed while it was being set up: the kill's grace period counts from the kill
                long deadline = killDeadline(task);
                LOG.info("msg=\"killing task that was killed during its launch\" task={} pid={}", key, launched.container().pid());
                signalLater(task.container(), Signal.TERM);
                scheduleEscalation(task, deadline);
                return;
            }
            LOG.info("msg=\"task running\" framework={} task={} pid={} sandbox={}", task.frameworkId().getValue(),
                    task.info().getTaskId().getValue(), launched.container().pid(), task.sandbox());
            update(task, status(task, TaskState.TASK_RUNNING, TaskStatus.Source.SOURCE_EXECUTOR).build());
            startHealthChecks(task, request.environment());
        }
    }

    private TaskEnvironment.Context envContext(AgentTask task) {
        return new TaskEnvironment.Context(task.frameworkId().getValue(), task.executorId().getValue(), agentId,
                task.sandbox(), agentEndpoint, baseInfo.getHostname());
    }

    // ------------------------------------------------------------------ docker

    private static String resolve(String host) {
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            LOG.warn("msg=\"cannot resolve the advertised host; Docker port mappings listen on every address\" host={}", host);
            return "0.0.0.0";
        }
    }

    /**
     * A docker task is launched on a virtual thread (a pull may take minutes and never happens under the lock);
     * each step comes back through {@link DockerLaunch}, which records it, and a kill meanwhile stops the launch.
     */
    private void startDocker(AgentTask task) {
        String containerId = task.containerId();
        DockerRunSpec spec;
        try {
            Files.createDirectories(task.sandbox());
            Files.createDirectories(layout.containerMetaDir(containerId));
            for (String out : List.of("stdout", "stderr")) {
                Path f = task.sandbox().resolve(out);
                if (!Files.exists(f)) Files.createFile(f);
            }
            Map<String, String> env = DockerTasks.environment(task.info(), envContext(task));
            spec = DockerRunSpec.of(task.info(), new DockerRunSpec.Context(containerId, task.sandbox(), dockerBindIp, env,
                    DockerTasks.labels(layout.workDir(), agentId, task.frameworkId().getValue(), task.info().getTaskId().getValue(),
                            containerId)));
        } catch (IOException | IllegalArgumentException e) {
            dockerLaunchFailed(task, e.getMessage());
            return;
        }
        LOG.info("msg=\"launching docker task\" framework={} task={} image={} container={}", task.frameworkId().getValue(),
                task.info().getTaskId().getValue(), spec.imageName(), spec.name());
        DockerLaunch steps = new DockerLaunch(task.key(), containerId);
        virtualThreads.execute(() -> docker.launch(spec, steps));
    }

    private void dockerLaunchFailed(AgentTask task, String message) {
        LOG.warn("msg=\"docker task launch failed\" task={} error=\"{}\"", task.key(), message);
        task.markExited();
        task.stopTimers();
        update(task, status(task, TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT)
                .setReason(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED)
                .setMessage("Failed to launch container: " + message).build());
    }

    /** When a task killed during its launch must be gone: the kill's own deadline, else the default grace from now. */
    private static long killDeadline(AgentTask task) {
        return task.killDeadlineNanos() > 0 ? task.killDeadlineNanos() : System.nanoTime() + DEFAULT_KILL_GRACE.toNanos();
    }

    private void finishKilledDuringLaunch(AgentTask task) {
        task.markExited();
        task.stopTimers();
        finish(task, new TerminalStatus(TaskState.TASK_KILLED, TaskStatus.Source.SOURCE_AGENT,
                TaskStatus.Reason.REASON_TASK_KILLED_DURING_LAUNCH, "Task was killed before its container started"));
    }

    /** Records the steps of one docker launch; each takes the agent's lock for as long as it records. */
    private final class DockerLaunch implements DockerContainerizer.LaunchSteps {
        private final TaskKey key;
        private final String containerId;

        DockerLaunch(TaskKey key, String containerId) {
            this.key = key;
            this.containerId = containerId;
        }

        /** The task while its launch is still wanted: null when the agent stops or the task ended. Lock held. */
        private AgentTask live() {
            AgentTask t = tasks.get(key);
            if (closed || t == null || !t.containerId().equals(containerId) || t.exited() || t.isTerminal()) return null;
            return t;
        }

        @Override
        public boolean pulled() {
            synchronized (Agent.this) {
                AgentTask t = live();
                if (t == null || t.killRequested()) return false;
                update(t, status(t, TaskState.TASK_STARTING, TaskStatus.Source.SOURCE_EXECUTOR).build());
                return true;
            }
        }

        @Override
        public boolean created(DockerContainer container) {
            synchronized (Agent.this) {
                AgentTask t = live();
                if (t == null || t.killRequested()) return false;
                t.docker(container); // checkpointed: a restart from here on finds the container
                checkpoint(t);
                return true;
            }
        }

        @Override
        public void started(DockerContainer container) {
            synchronized (Agent.this) {
                AgentTask t = live();
                if (t == null) {
                    // a stopping agent leaves the container running: the next one re-attaches it (its id is
                    // checkpointed); a container nobody wants any more goes
                    if (!closed) docker.removeLater(container.dockerId());
                    return;
                }
                t.docker(container);
                checkpoint(t);
                watchDocker(t, container);
                LOG.info("msg=\"task running\" framework={} task={} container={} docker_id={} ip={} sandbox={}",
                        t.frameworkId().getValue(), t.info().getTaskId().getValue(), container.name(), container.dockerId(),
                        container.ipAddress(), t.sandbox());
                if (t.killRequested()) {
                    // killed while its container was being created: stop it within what is left of the grace period
                    long deadline = killDeadline(t);
                    String dockerId = container.dockerId();
                    afterCheckpoints(() -> docker.stop(dockerId, Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
                    scheduleEscalation(t, deadline);
                    return;
                }
                update(t, status(t, TaskState.TASK_RUNNING, TaskStatus.Source.SOURCE_EXECUTOR).build());
                startHealthChecks(t, Map.of());
            }
        }

        @Override
        public void failed(String message) {
            synchronized (Agent.this) {
                AgentTask t = live();
                if (t == null) return;
                if (t.killRequested()) finishKilledDuringLaunch(t);
                else dockerLaunchFailed(t, message);
            }
        }

        @Override
        public void stopped() {
            synchronized (Agent.this) {
                AgentTask t = live();
                if (t != null) finishKilledDuringLaunch(t);
            }
        }
    }

    /** Copies the container's output into the sandbox and reports its exit. Lock held. */
    private void watchDocker(AgentTask task, DockerContainer container) {
        TaskKey key = task.key();
        String containerId = task.containerId();
        docker.watch(container.dockerId(), task.sandbox(), layout.containerMetaDir(containerId),
                exit -> dockerExited(key, containerId, exit));
    }

    /** A task's container stopped (its output is in the sandbox): the terminal update, then the container goes. */
    synchronized void dockerExited(TaskKey key, String containerId, DockerExit exit) {
        AgentTask task = tasks.get(key);
        if (closed || task == null || task.exited() || task.isTerminal() || !task.containerId().equals(containerId)) return;
        task.markExited();
        task.stopTimers();
        finish(task, exit.terminalStatus(task.killRequested(), TaskValidation.scalar(task.info().getResourcesList(), "mem")));
        // once the terminal update is on disk the container has nothing left to tell
        if (task.docker() != null && !exit.missing()) {
            String dockerId = task.docker().dockerId();
            afterCheckpoints(() -> docker.removeLater(dockerId));
        }
    }

    private void reject(FrameworkID fwId, TaskID taskId, ExecutorID executorId, TaskState state, TaskStatus.Reason reason, String message) {
        TaskStatus.Builder s = StatusUpdates.status(taskId, state, TaskStatus.Source.SOURCE_AGENT)
                .setReason(reason).setMessage(message);
        if (agentId != null) s.setAgentId(AgentID.newBuilder().setValue(agentId));
        if (executorId != null) s.setExecutorId(executorId);
        metrics.terminal(state);
        statusUpdates.update(fwId, s.build());
    }

    private List<Resource> resourcesInUse() {
        List<Resource> out = new ArrayList<>();
        for (AgentTask t : tasks.values()) if (!t.isTerminal()) out.addAll(t.info().getResourcesList());
        return out;
    }

    private void linkLatest(Path runDir) {
        try {
            Files.createDirectories(runDir);
            Path latest = runDir.resolveSibling("latest");
            Files.deleteIfExists(latest);
            Files.createSymbolicLink(latest, runDir.getFileName());
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("msg=\"cannot link latest run\" dir={} error=\"{}\"", runDir, e.toString());
        }
    }

    // ------------------------------------------------------------------ health

    private void startHealthChecks(AgentTask task, Map<String, String> env) {
        if (!task.info().hasHealthCheck()) return;
        var check = task.info().getHealthCheck();
        if (HealthProbe.type(check) == org.apache.mesos.v1.Protos.HealthCheck.Type.UNKNOWN) {
            LOG.warn("msg=\"ignoring health check of unknown type\" task={}", task.key());
            return;
        }
        TaskKey key = task.key();
        Boolean lastReported = null;
        for (TaskStatus s : task.statuses()) if (s.hasHealthy()) lastReported = s.getHealthy();
        HealthProbe probe = task.isDocker() && task.docker() != null && docker != null
                ? DockerTasks.healthProbe(check, task.info(), task.docker(), docker, baseInfo.getHostname())
                : new HealthProbe(check, task.sandbox(), env, baseInfo.getHostname());
        HealthChecker checker = new HealthChecker(key.taskId(), check, probe, timer, lastReported, r -> healthChanged(key, r));
        task.healthChecker(checker);
        checker.start();
    }

    private synchronized void healthChanged(TaskKey key, HealthCheckPolicy.Report report) {
        AgentTask task = tasks.get(key);
        if (closed || task == null || task.isTerminal() || task.killRequested() || task.exited()) return;
        TaskStatus last = task.latestStatus();
        TaskStatus.Builder s = (last != null ? last.toBuilder() : status(task, TaskState.TASK_RUNNING, TaskStatus.Source.SOURCE_EXECUTOR))
                .setUuid(StatusUpdates.newUuid())
                .setTimestamp(now())
                .setState(TaskState.TASK_RUNNING)
                .setSource(TaskStatus.Source.SOURCE_EXECUTOR)
                .setReason(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED)
                .setHealthy(report.healthy())
                .clearMessage();
        update(task, s.build());
        if (report.killTask()) {
            LOG.info("msg=\"killing unhealthy task\" task={} consecutive_failures={}", key, report.consecutiveFailures());
            startKill(task, null, true);
        }
    }

    // ------------------------------------------------------------------ kill

    synchronized void kill(FrameworkID fwId, TaskID taskId, KillPolicy override) {
        if (closed) return;
        AgentTask task = tasks.get(TaskKey.of(fwId, taskId));
        if (task == null) {
            FrameworkInfo fw = frameworks.get(fwId.getValue());
            if (fw == null) {
                LOG.info("msg=\"ignoring kill of a task of an unknown framework\" framework={} task={}", fwId.getValue(), taskId.getValue());
                return;
            }
            // the master thinks the task is here and it is not: answer, so the framework does not wait forever
            boolean partitionAware = fw.getCapabilitiesList().stream()
                    .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.PARTITION_AWARE);
            reject(fwId, taskId, null, partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST, TaskStatus.Reason.REASON_TASK_UNKNOWN,
                    "Cannot find the task on this agent");
            return;
        }
        startKill(task, override, false);
    }

    private void startKill(AgentTask task, KillPolicy override, boolean byHealthCheck) {
        if (task.isTerminal() || task.exited()) return;
        Duration grace = DEFAULT_KILL_GRACE;
        if (override != null && override.hasGracePeriod()) grace = Duration.ofNanos(override.getGracePeriod().getNanoseconds());
        else if (task.info().hasKillPolicy() && task.info().getKillPolicy().hasGracePeriod()) {
            grace = Duration.ofNanos(task.info().getKillPolicy().getGracePeriod().getNanoseconds());
        }
        if (grace.isNegative()) grace = Duration.ZERO;
        long deadline = System.nanoTime() + grace.toNanos();
        if (task.killRequested()) {
            // a repeated kill may only shorten the remaining grace period
            if (deadline < task.killDeadlineNanos()) {
                if (task.escalation() != null) {
                    task.escalation().cancel(false);
                    scheduleEscalation(task, deadline);
                } else {
                    task.escalation(null, deadline); // still launching: the launcher schedules it
                }
            }
            return;
        }
        task.killRequested(byHealthCheck);
        if (task.healthChecker() != null) {
            task.healthChecker().close();
            task.healthChecker(null);
        }
        checkpoint(task);
        FrameworkInfo fw = frameworks.get(task.frameworkId().getValue());
        boolean killingState = fw != null && fw.getCapabilitiesList().stream()
                .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.TASK_KILLING_STATE);
        if (killingState) update(task, status(task, TaskState.TASK_KILLING, TaskStatus.Source.SOURCE_EXECUTOR).build());
        if (task.isDocker()) {
            killDocker(task, grace, deadline);
            return;
        }
        if (task.container() == null) {
            // its process is being started: the launcher sees the kill before the fork (no process) or right after it
            LOG.info("msg=\"killing task that is being launched\" task={} grace_ms={}", task.key(), grace.toMillis());
            task.escalation(null, deadline);
            return;
        }
        LOG.info("msg=\"killing task\" task={} pid={} grace_ms={}", task.key(), task.container().pid(), grace.toMillis());
        signalLater(task.container(), Signal.TERM);
        scheduleEscalation(task, deadline);
    }

    /** {@code docker stop} with the grace period, and SIGKILL at its exact end. Lock held. */
    private void killDocker(AgentTask task, Duration grace, long deadline) {
        DockerContainer c = task.docker();
        if (c == null) {
            if (task.state() == null) {
                // still pulling its image: nothing runs yet; the task ends now and the launch stops at its next step
                finishKilledDuringLaunch(task);
            } else {
                // being created: the launch stops, or stops the container it has just started, by this deadline
                task.escalation(null, deadline);
            }
            return;
        }
        LOG.info("msg=\"killing docker task\" task={} container={} grace_ms={}", task.key(), c.name(), grace.toMillis());
        String dockerId = c.dockerId();
        afterCheckpoints(() -> docker.stop(dockerId, grace)); // stop starts its own thread
        scheduleEscalation(task, deadline);
    }

    /**
     * Signals a process group from a virtual thread once the checkpoints queued so far (the task's
     * {@code kill_requested}) are on disk: a task killed just before a crash is then recovered as killed, not as
     * failed. A group signal runs {@code kill}, a process of its own, and a framework tearing down hundreds of
     * tasks must not hold the lock (and the acknowledgements) for that.
     */
    private void signalLater(Container c, Signal signal) {
        afterCheckpoints(() -> {
            try {
                virtualThreads.execute(() -> containerizer.signal(c, signal));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                containerizer.signal(c, signal); // stopping: do it now
            }
        });
    }

    /** Runs {@code action}, which must not block, once every checkpoint queued so far is durable. */
    private void afterCheckpoints(Runnable action) {
        checkpoints.whenDurable(checkpoints.lastSeq(), action);
    }

    private void scheduleEscalation(AgentTask task, long deadlineNanos) {
        TaskKey key = task.key();
        long delay = Math.max(0, deadlineNanos - System.nanoTime());
        var future = timer.schedule(() -> escalate(key), delay, TimeUnit.NANOSECONDS);
        task.escalation(future, deadlineNanos);
    }

    private void escalate(TaskKey key) {
        Container c;
        synchronized (this) {
            AgentTask task = tasks.get(key);
            if (closed || task == null || task.exited()) return;
            if (task.isDocker()) {
                if (task.docker() == null) return;
                LOG.info("msg=\"container did not stop within its grace period; killing it\" task={} container={}", key,
                        task.docker().name());
                docker.kill(task.docker().dockerId());
                return;
            }
            if (task.container() == null) return;
            c = task.container();
        }
        LOG.info("msg=\"task did not stop within its grace period; sending SIGKILL\" task={} pid={}", key, c.pid());
        containerizer.signal(c, Signal.KILL);
    }

    synchronized void shutdownFramework(FrameworkID fwId) {
        LOG.info("msg=\"shutting down framework\" framework={}", fwId.getValue());
        for (AgentTask t : List.copyOf(tasks.values())) {
            if (t.frameworkId().equals(fwId)) startKill(t, null, false);
        }
    }

    // ------------------------------------------------------------------ exit

    /** A task's process ended. {@code processExit} is its exit value when this agent is its parent. */
    void containerExited(TaskKey key, String containerId, Integer processExit) {
        Container c;
        double mem;
        synchronized (this) {
            AgentTask task = tasks.get(key);
            if (closed || task == null || task.exited() || !task.containerId().equals(containerId)) return;
            task.markExited();
            task.stopTimers();
            c = task.container();
            mem = TaskValidation.scalar(task.info().getResourcesList(), "mem");
        }
        OptionalInt recorded = ProcessContainerizer.exitStatus(c.metaDir());
        Integer code = recorded.isPresent() ? Integer.valueOf(recorded.getAsInt()) : processExit;
        boolean oom = false;
        if (c.cgroup() != null) {
            oom = containerizer.cgroups().oomKilled(c.cgroup());
            containerizer.cgroups().destroy(c.cgroup());
        }
        synchronized (this) {
            AgentTask task = tasks.get(key);
            if (closed || task == null) return;
            finish(task, TerminalStatus.of(code, task.killRequested(), oom, mem));
        }
    }

    private void finish(AgentTask task, TerminalStatus end) {
        TaskStatus.Builder s = status(task, end.state(), end.source()).setMessage(end.message());
        if (end.reason() != null) s.setReason(end.reason());
        if (task.killedByHealthCheck() && end.state() == TaskState.TASK_KILLED) s.setHealthy(false);
        if (end.reason() == TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY) {
            s.setLimitation(TaskResourceLimitation.newBuilder().addAllResources(task.info().getResourcesList().stream()
                    .filter(r -> r.getName().equals("mem")).toList()));
        }
        LOG.info("msg=\"task ended\" task={} state={} message=\"{}\"", task.key(), end.state(), end.message());
        update(task, s.build());
        // Mesos' default executor: when one task of a group fails, the others are killed
        if (task.inGroup() && end.state() != TaskState.TASK_FINISHED) {
            for (AgentTask sibling : List.copyOf(tasks.values())) {
                if (sibling != task && task.groupContainerId().equals(sibling.groupContainerId())) startKill(sibling, null, false);
            }
        }
    }

    // ------------------------------------------------------------------ acknowledgements

    synchronized void acknowledge(FrameworkID fwId, TaskID taskId, com.google.protobuf.ByteString uuid) {
        if (closed) return;
        StatusUpdateManager.Ack ack = statusUpdates.acknowledge(fwId, taskId, uuid);
        if (ack.outcome() == StatusUpdateManager.AckOutcome.ACKNOWLEDGED && ack.streamDone()) retire(TaskKey.of(fwId, taskId));
    }

    /** The terminal update was acknowledged: the task leaves the agent (and its checkpoint), /state keeps it. */
    private void retire(TaskKey key) {
        AgentTask task = tasks.remove(key);
        if (task == null) return;
        task.stopTimers();
        completedTasks.addLast(new CompletedTask(task.frameworkId(), executorInfo(task),
                task.inGroup() ? task.groupContainerId() : task.containerId(), task.executorDirectory().toString(), toTask(task)));
        while (completedTasks.size() > Math.max(0, config.maxCompletedTasks())) completedTasks.removeFirst();
        checkpoints.delete(layout.taskMetaDir(key));
        deleteTree(layout.containerMetaDir(task.containerId())); // the wrapper's files, not a checkpoint
        String fw = key.frameworkId();
        if (tasks.values().stream().noneMatch(t -> t.frameworkId().getValue().equals(fw))) {
            FrameworkInfo info = frameworks.remove(fw);
            if (info != null) {
                completedFrameworks.remove(fw);
                completedFrameworks.put(fw, info);
                while (completedFrameworks.size() > 50) completedFrameworks.remove(completedFrameworks.keySet().iterator().next());
            }
            checkpoints.delete(layout.frameworkMetaDir(fw));
        }
    }

    // ------------------------------------------------------------------ status updates

    private TaskStatus.Builder status(AgentTask task, TaskState state, TaskStatus.Source source) {
        TaskStatus.Builder s = StatusUpdates.status(task.info().getTaskId(), state, source)
                .setExecutorId(task.executorId());
        if (agentId != null) s.setAgentId(AgentID.newBuilder().setValue(agentId));
        if (task.container() != null || task.isDocker()) s.setContainerStatus(containerStatus(task));
        return s;
    }

    private ContainerStatus containerStatus(AgentTask task) {
        ContainerID.Builder id = ContainerID.newBuilder().setValue(task.containerId());
        if (task.groupContainerId() != null) id.setParent(ContainerID.newBuilder().setValue(task.groupContainerId()));
        if (task.isDocker()) return dockerContainerStatus(task, id);
        ContainerStatus.Builder c = ContainerStatus.newBuilder()
                .setContainerId(id)
                .addNetworkInfos(NetworkInfo.newBuilder().addIpAddresses(
                        NetworkInfo.IPAddress.newBuilder().setIpAddress(baseInfo.getHostname())));
        if (task.container() != null) c.setExecutorPid((int) task.container().pid());
        return c.build();
    }

    /**
     * As Mesos' docker executor: the container's address on its network (bridge, user network), in a copy of the
     * task's NetworkInfo (name, labels) when it has one; the agent's address on the host network; none without a
     * network.
     */
    private ContainerStatus dockerContainerStatus(AgentTask task, ContainerID.Builder id) {
        ContainerStatus.Builder c = ContainerStatus.newBuilder().setContainerId(id);
        DockerContainer d = task.docker();
        if (d == null) return c.build();
        String ip = d.ipAddress() != null ? d.ipAddress() : "host".equals(d.network()) ? baseInfo.getHostname() : null;
        if (ip != null) {
            var container = task.info().getContainer();
            NetworkInfo.Builder n = container.getNetworkInfosCount() > 0 && !"host".equals(d.network())
                    ? container.getNetworkInfos(0).toBuilder().clearIpAddresses() : NetworkInfo.newBuilder();
            c.addNetworkInfos(n.addIpAddresses(NetworkInfo.IPAddress.newBuilder().setIpAddress(ip)));
        }
        if (d.pid() != null) c.setExecutorPid(d.pid().intValue());
        return c.build();
    }

    /** Records the status on the task, then hands it to the reliable status update stream. */
    private void update(AgentTask task, TaskStatus status) {
        if (!task.apply(status)) {
            LOG.debug("msg=\"dropping status that does not follow the task's state\" task={} state={} new={}",
                    task.key(), task.state(), status.getState());
            return;
        }
        if (TaskStateMachine.isTerminal(status.getState())) metrics.terminal(status.getState());
        statusUpdates.update(task.frameworkId(), status); // checkpointed before it is sent
        checkpoint(task);
    }

    // ------------------------------------------------------------------ checkpoints

    /** Queues the task's {@code task.json}; rendered and written by the checkpoint log's next commit. */
    private void checkpoint(AgentTask task) {
        TaskCheckpoints.Snapshot snapshot = TaskCheckpoints.snapshot(task);
        checkpoints.put(layout.taskFile(task.key()), snapshot::render);
    }

    private void rememberFramework(FrameworkInfo framework) {
        String id = framework.getId().getValue();
        completedFrameworks.remove(id);
        if (framework.equals(frameworks.get(id))) return;
        frameworks.put(id, framework);
        checkpoints.put(layout.frameworkFile(id), () -> ProtoJson.print(framework).getBytes(StandardCharsets.UTF_8));
    }

    /** Queued like every checkpoint: whatever this agent sends under its id is sent after the id is on disk. */
    private void checkpointAgentId() {
        String id = agentId;
        checkpoints.put(layout.agentFile(), () -> Json.write(Json.object().put("agent_id", id)).getBytes(StandardCharsets.UTF_8));
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("msg=\"cannot delete\" dir={} error=\"{}\"", dir, e.toString());
        }
    }

    // ------------------------------------------------------------------ recovery

    /**
     * Reads the checkpoints left by a previous run: the agent id, frameworks, tasks and their pending updates.
     * Live task processes are re-attached; tasks whose process ended while no agent watched get their terminal
     * update now (sent once the agent has subscribed).
     */
    synchronized void recover() throws IOException {
        String text = AtomicFiles.readOrNull(layout.agentFile());
        if (text != null) {
            JsonNode id = Json.read(text).get("agent_id");
            if (id != null && Ids.isSafePathSegment(id.asText())) agentId = id.asText();
        }
        Path fwRoot = layout.frameworksMetaDir();
        if (Files.isDirectory(fwRoot)) {
            try (DirectoryStream<Path> fwDirs = Files.newDirectoryStream(fwRoot)) {
                for (Path fwDir : fwDirs) recoverFramework(fwDir);
            }
        }
        // even without checkpoints: containers labelled with this work dir are this agent's
        List<DockerContainerizer.Found> containers = listDockerContainers();
        int live = 0;
        for (AgentTask task : List.copyOf(tasks.values())) {
            if (recoverTask(task, containers)) live++;
        }
        removeDockerOrphans(containers);
        LOG.info("msg=\"recovered\" agent={} frameworks={} tasks={} live_processes={} pending_updates={}",
                agentId, frameworks.size(), tasks.size(), live, statusUpdates.pendingCount());
    }

    private void recoverFramework(Path fwDir) throws IOException {
        String fwId = fwDir.getFileName().toString();
        if (!Ids.isSafePathSegment(fwId)) return;
        String fwText = AtomicFiles.readOrNull(fwDir.resolve("framework.json"));
        if (fwText != null) {
            try {
                frameworks.put(fwId, ProtoJson.parse(fwText, FrameworkInfo.newBuilder()).build());
            } catch (IllegalArgumentException e) {
                LOG.warn("msg=\"unreadable framework checkpoint\" framework={} error=\"{}\"", fwId, e.getMessage());
            }
        }
        Path taskRoot = fwDir.resolve("tasks");
        if (!Files.isDirectory(taskRoot)) return;
        FrameworkID frameworkId = FrameworkID.newBuilder().setValue(fwId).build();
        try (DirectoryStream<Path> taskDirs = Files.newDirectoryStream(taskRoot)) {
            for (Path taskDir : taskDirs) {
                String taskId = taskDir.getFileName().toString();
                if (!Ids.isSafePathSegment(taskId)) continue;
                TaskKey key = new TaskKey(fwId, taskId);
                String taskText = AtomicFiles.readOrNull(taskDir.resolve("task.json"));
                List<TaskStatus> pending = statusUpdates.recover(key, frameworkId);
                if (taskText == null) continue; // a refused launch: only its update is left to deliver
                AgentTask task;
                try {
                    task = TaskCheckpoints.fromJson(Json.read(taskText));
                } catch (IllegalArgumentException e) {
                    LOG.error("msg=\"unreadable task checkpoint; the task is forgotten\" task={} error=\"{}\"", key, e.getMessage());
                    continue;
                }
                // updates are checkpointed before the task file: add any the task file did not get to record
                List<TaskStatus> statuses = new ArrayList<>(task.statuses());
                TaskState state = task.state();
                for (TaskStatus p : pending) {
                    if (statuses.stream().noneMatch(s -> s.getUuid().equals(p.getUuid()))) {
                        statuses.add(p);
                        state = p.getState();
                    }
                }
                task.restore(state, statuses);
                tasks.put(key, task);
            }
        }
    }

    /** True when the task's process (or container) is alive and re-attached. */
    private boolean recoverTask(AgentTask task, List<DockerContainerizer.Found> containers) {
        TaskKey key = task.key();
        if (task.isTerminal()) {
            task.markExited();
            if (statusUpdates.pending(key).isEmpty()) retire(key); // acknowledged just before the crash
            return false;
        }
        if (task.isDocker()) return recoverDocker(task, containers);
        Container c = task.container();
        if (c == null) {
            // crashed between STARTING and the process start; the wrapper may still have written its pid
            c = containerFromPidFile(task);
            if (c != null) {
                task.container(c);
                checkpoint(task);
            }
        }
        if (c != null && ProcessContainerizer.isRunning(c.pid(), c.startMillis())) {
            LOG.info("msg=\"re-attached to running task\" task={} pid={}", key, c.pid());
            if (task.state() == null || task.state() == TaskState.TASK_STARTING) {
                if (task.state() == null) update(task, status(task, TaskState.TASK_STARTING, TaskStatus.Source.SOURCE_EXECUTOR).build());
                update(task, status(task, TaskState.TASK_RUNNING, TaskStatus.Source.SOURCE_EXECUTOR).build());
            }
            if (task.killRequested()) {
                // it was being killed when the agent went down: finish the job
                containerizer.signal(c, Signal.TERM);
                scheduleEscalation(task, System.nanoTime() + DEFAULT_KILL_GRACE.toNanos());
            } else {
                startHealthChecks(task, TaskEnvironment.build(task.info(), task.info().getCommand(), envContext(task), System.getenv()));
            }
            return true;
        }
        task.markExited();
        TerminalStatus end;
        if (c == null) {
            end = TerminalStatus.exitedWhileAgentDown(task.killRequested());
        } else {
            OptionalInt code = ProcessContainerizer.exitStatus(c.metaDir());
            boolean oom = c.cgroup() != null && containerizer.cgroups().oomKilled(c.cgroup());
            if (c.cgroup() != null) containerizer.cgroups().destroy(c.cgroup());
            end = code.isPresent()
                    ? TerminalStatus.of(code.getAsInt(), task.killRequested(), oom, TaskValidation.scalar(task.info().getResourcesList(), "mem"))
                    : TerminalStatus.exitedWhileAgentDown(task.killRequested());
        }
        LOG.info("msg=\"task ended while the agent was down\" task={} state={}", key, end.state());
        finish(task, end);
        return false;
    }

    /** This agent's containers as Docker lists them; null when the docker containerizer is off or Docker does not answer. */
    private List<DockerContainerizer.Found> listDockerContainers() {
        if (docker == null) return null;
        try {
            return docker.list(layout.workDir());
        } catch (DockerContainerizer.LaunchException e) {
            LOG.warn("msg=\"cannot list this agent's containers; recovering from the checkpoints only\" error=\"{}\"", e.getMessage());
            return null;
        }
    }

    /**
     * A docker task after a restart: its container (checkpointed, or found by its labels) is re-attached, its
     * output copied on from where the last agent stopped, and its exit reported, at once if it stopped while no
     * agent watched. A container that never started means the launch was cut short. {@code containers} is null
     * when Docker could not list them. Lock held.
     */
    private boolean recoverDocker(AgentTask task, List<DockerContainerizer.Found> containers) {
        TaskKey key = task.key();
        if (docker == null) {
            LOG.error("msg=\"a docker task is checkpointed but the docker containerizer is off; its container is left alone\" task={}", key);
            task.markExited();
            finish(task, new TerminalStatus(TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT,
                    TaskStatus.Reason.REASON_EXECUTOR_TERMINATED, "The docker containerizer is not enabled on this agent any more"));
            return false;
        }
        DockerContainerizer.Found found = containers == null ? null : containers.stream()
                .filter(f -> task.containerId().equals(f.containerId())).findFirst().orElse(null);
        DockerContainer c = task.docker();
        if (c == null && found != null) c = new DockerContainer(found.dockerId(), found.name(), null, null, DockerTasks.networkMode(task.info()));
        if (c == null || (found != null && "created".equals(found.state()))) {
            if (found != null) {
                String id = found.dockerId();
                docker.removeLater(id);
            }
            LOG.info("msg=\"docker task launch was cut short by the restart\" task={}", key);
            if (task.killRequested()) {
                finishKilledDuringLaunch(task);
            } else {
                task.markExited();
                finish(task, new TerminalStatus(TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT,
                        TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, "Container launch was interrupted by an agent restart"));
            }
            return false;
        }
        // unknown (Docker did not answer the listing): assume it runs; the watch finds out
        boolean running = found != null ? !List.of("exited", "dead", "removing").contains(found.state()) : containers == null;
        if (running) {
            try {
                c = docker.inspect(c.dockerId(), c.name(), c.network()).orElse(c);
            } catch (DockerContainerizer.LaunchException e) {
                LOG.debug("msg=\"cannot inspect a recovered container\" task={} error=\"{}\"", key, e.getMessage());
            }
        }
        task.docker(c);
        // whatever comes next must follow the state machine: a task that ends must have started
        if (task.state() == null) update(task, status(task, TaskState.TASK_STARTING, TaskStatus.Source.SOURCE_EXECUTOR).build());
        if (running && task.state() == TaskState.TASK_STARTING && !task.killRequested()) {
            update(task, status(task, TaskState.TASK_RUNNING, TaskStatus.Source.SOURCE_EXECUTOR).build());
        }
        checkpoint(task);
        watchDocker(task, c);
        LOG.info("msg=\"re-attached to docker container\" task={} container={} running={}", key, c.name(), running);
        if (running) {
            if (task.killRequested()) {
                docker.stop(c.dockerId(), DEFAULT_KILL_GRACE);
                scheduleEscalation(task, System.nanoTime() + DEFAULT_KILL_GRACE.toNanos());
            } else {
                startHealthChecks(task, Map.of());
            }
        }
        return running;
    }

    /** Containers of this agent that no live task claims (Mesos' --docker_kill_orphans): removed. */
    private void removeDockerOrphans(List<DockerContainerizer.Found> containers) {
        if (docker == null || containers == null) return;
        Map<String, AgentTask> claimed = new HashMap<>();
        for (AgentTask t : tasks.values()) if (t.isDocker() && !t.isTerminal()) claimed.put(t.containerId(), t);
        for (DockerContainerizer.Found f : containers) {
            if (f.containerId() != null && claimed.containsKey(f.containerId())) continue;
            LOG.info("msg=\"removing a container no task of this agent claims\" container={} state={}", f.name(), f.state());
            docker.removeLater(f.dockerId());
        }
    }

    private Container containerFromPidFile(AgentTask task) {
        Path meta = layout.containerMetaDir(task.containerId());
        try {
            String pid = AtomicFiles.readOrNull(meta.resolve(ProcessContainerizer.PID_FILE));
            if (pid == null || pid.isBlank()) return null;
            return new Container(task.containerId(), Long.parseLong(pid.trim()), null, task.sandbox(), meta, null);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /** Tasks re-attached after a restart have no Process to wait on: poll them. */
    private void pollRecoveredContainers() {
        List<AgentTask> watched;
        synchronized (this) {
            if (closed) return;
            watched = tasks.values().stream()
                    .filter(t -> t.process() == null && t.container() != null && !t.exited() && !t.isTerminal()).toList();
        }
        for (AgentTask t : watched) {
            Container c = t.container();
            if (!ProcessContainerizer.isRunning(c.pid(), c.startMillis())) {
                TaskKey key = t.key();
                virtualThreads.execute(() -> containerExited(key, c.containerId(), null));
            }
        }
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Stops the agent's own activity. With {@code killTasks} every task is killed (its grace period applies)
     * and waited for, and the terminal updates are handed to the stream; otherwise tasks keep running and the
     * next agent on this work dir re-attaches them.
     */
    void shutdown(boolean killTasks, AgentStream stream) {
        if (killTasks) {
            long maxGrace = 0;
            synchronized (this) {
                for (AgentTask t : List.copyOf(tasks.values())) {
                    if (t.isTerminal() || t.exited()) continue;
                    startKill(t, null, false);
                    maxGrace = Math.max(maxGrace, t.killDeadlineNanos() - System.nanoTime());
                }
            }
            long deadline = System.nanoTime() + Math.max(0, maxGrace) + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline && liveTaskCount() > 0) {
                try {
                    Thread.sleep(25);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (stream != null) stream.flush(Duration.ofSeconds(2));
        }
        synchronized (this) {
            closed = true;
            for (AgentTask t : tasks.values()) t.stopTimers();
        }
        timer.shutdownNow();
        virtualThreads.shutdown();
        launcher.shutdown();
        try {
            if (!launcher.awaitTermination(10, TimeUnit.SECONDS)) LOG.warn("msg=\"task launches still running at stop\"");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        checkpoints.close(); // the files are up to date after this
    }

    /** The checkpoint log, for tests. */
    CheckpointLog checkpoints() {
        return checkpoints;
    }

    /** Tasks that have not reached a terminal state yet (their exit may be being recorded right now). */
    synchronized int liveTaskCount() {
        int n = 0;
        for (AgentTask t : tasks.values()) if (!t.isTerminal()) n++;
        return n;
    }

    // ------------------------------------------------------------------ views

    private Task toTask(AgentTask t) {
        TaskInfo info = t.info();
        Task.Builder b = Task.newBuilder()
                .setName(info.getName())
                .setTaskId(info.getTaskId())
                .setFrameworkId(t.frameworkId())
                .setState(t.state() == null ? TaskState.TASK_STAGING : t.state())
                .addAllResources(info.getResourcesList())
                .addAllStatuses(t.statuses());
        if (agentId != null) b.setAgentId(AgentID.newBuilder().setValue(agentId));
        if (t.inGroup()) b.setExecutorId(t.executorId());
        statusUpdates.head(t.key()).ifPresent(h -> b.setStatusUpdateState(h.getState()).setStatusUpdateUuid(h.getUuid()));
        if (info.hasLabels()) b.setLabels(info.getLabels());
        if (info.hasDiscovery()) b.setDiscovery(info.getDiscovery());
        if (info.hasContainer()) b.setContainer(info.getContainer());
        if (info.hasHealthCheck()) b.setHealthCheck(info.getHealthCheck());
        if (info.hasKillPolicy()) b.setKillPolicy(info.getKillPolicy());
        if (info.getCommand().hasUser()) b.setUser(info.getCommand().getUser());
        return b.build();
    }

    /** The executor as Mesos would show it: the group's, or the one it synthesises for a command task. */
    @SuppressWarnings("deprecation") // ExecutorInfo.source: deprecated, and still in Mesos' /state
    private static ExecutorInfo executorInfo(AgentTask t) {
        if (t.inGroup()) return t.groupExecutor();
        TaskInfo task = t.info();
        ExecutorInfo.Builder e = ExecutorInfo.newBuilder()
                .setExecutorId(t.executorId())
                .setFrameworkId(t.frameworkId())
                .setName("Command Executor " + commandExecutorName(task))
                .setSource(task.getTaskId().getValue());
        if (task.hasLabels()) e.setLabels(task.getLabels());
        if (task.hasContainer()) e.setContainer(task.getContainer());
        return e.build();
    }

    static String commandExecutorName(TaskInfo task) {
        String name = "(Task: " + task.getTaskId().getValue() + ") ";
        var c = task.getCommand();
        if (!c.hasShell() || c.getShell()) {
            if (!c.hasValue()) return name + "(Command: NO COMMAND)";
            String v = c.getValue();
            return name + "(Command: sh -c '" + (v.length() > 15 ? v.substring(0, 12) + "..." : v) + "')";
        }
        if (!c.hasValue()) return name + "(Command: NO EXECUTABLE)";
        String args = c.getValue() + ", " + String.join(", ", c.getArgumentsList());
        return name + (args.length() > 15 ? "(Command: [" + args.substring(0, 12) + "...])" : "(Command: [" + args + "])");
    }

    synchronized AgentState snapshot(Map<String, String> flags) {
        record ExecKey(String frameworkId, String executorId, String containerId) {}
        Map<ExecKey, List<AgentTask>> live = new LinkedHashMap<>();
        for (AgentTask t : tasks.values()) {
            String container = t.inGroup() ? t.groupContainerId() : t.containerId();
            live.computeIfAbsent(new ExecKey(t.frameworkId().getValue(), t.executorId().getValue(), container), k -> new ArrayList<>()).add(t);
        }
        Map<ExecKey, List<CompletedTask>> done = new LinkedHashMap<>();
        for (CompletedTask c : completedTasks) {
            done.computeIfAbsent(new ExecKey(c.frameworkId().getValue(), c.executor().getExecutorId().getValue(), c.executorContainerId()),
                    k -> new ArrayList<>()).add(c);
        }
        Map<String, List<AgentState.ExecutorView>> executors = new LinkedHashMap<>();
        Map<String, List<AgentState.ExecutorView>> completedExecutors = new LinkedHashMap<>();
        for (var e : live.entrySet()) {
            List<AgentTask> ts = e.getValue();
            AgentTask first = ts.get(0);
            List<Task> running = new ArrayList<>();
            List<Task> ended = new ArrayList<>();
            List<Resource> resources = new ArrayList<>();
            for (AgentTask t : ts) {
                (t.isTerminal() ? ended : running).add(toTask(t));
                resources.addAll(t.info().getResourcesList());
            }
            for (CompletedTask c : done.getOrDefault(e.getKey(), List.of())) ended.add(c.task());
            done.remove(e.getKey());
            if (first.inGroup()) resources.addAll(first.groupExecutor().getResourcesList());
            AgentState.ExecutorView view = new AgentState.ExecutorView(executorInfo(first), e.getKey().containerId(),
                    first.executorDirectory().toString(), resources, running, ended);
            (running.isEmpty() ? completedExecutors : executors).computeIfAbsent(e.getKey().frameworkId(), k -> new ArrayList<>()).add(view);
        }
        for (var e : done.entrySet()) {
            CompletedTask first = e.getValue().get(0);
            List<Task> ended = e.getValue().stream().map(CompletedTask::task).toList();
            List<Resource> resources = new ArrayList<>();
            for (Task t : ended) resources.addAll(t.getResourcesList());
            completedExecutors.computeIfAbsent(e.getKey().frameworkId(), k -> new ArrayList<>()).add(new AgentState.ExecutorView(
                    first.executor(), first.executorContainerId(), first.directory(), resources, List.of(), ended));
        }
        List<AgentState.FrameworkView> fws = new ArrayList<>();
        for (var f : frameworks.entrySet()) {
            fws.add(new AgentState.FrameworkView(f.getValue(), executors.getOrDefault(f.getKey(), List.of()),
                    completedExecutors.getOrDefault(f.getKey(), List.of())));
        }
        List<AgentState.FrameworkView> completedFws = new ArrayList<>();
        for (var f : completedFrameworks.entrySet()) {
            if (frameworks.containsKey(f.getKey())) continue;
            completedFws.add(new AgentState.FrameworkView(f.getValue(), List.of(), completedExecutors.getOrDefault(f.getKey(), List.of())));
        }
        int runningExecutors = executors.values().stream().mapToInt(List::size).sum();
        Map<String, Double> counters = metrics.snapshot(tasks.values().stream().map(AgentTask::state).toList(),
                resourcesInUse(), baseInfo.getResourcesList(), registered, frameworks.size(), runningExecutors);
        counters.put("slave/uptime_secs", now() - startTime);
        return new AgentState(agentId, baseInfo.getHostname(), baseInfo.getPort(), startTime, baseInfo.getResourcesList(),
                baseInfo.getAttributesList(), masterHostPort, registered, flags, fws, completedFws, counters);
    }

    /** Sandbox run directories of live and completed executors, for the files API's virtual paths. */
    synchronized Map<String, Path> sandboxes() {
        Map<String, Path> out = new LinkedHashMap<>();
        for (AgentTask t : tasks.values()) {
            out.put("/frameworks/" + t.frameworkId().getValue() + "/executors/" + t.executorId().getValue() + "/runs/latest",
                    t.executorDirectory());
        }
        for (CompletedTask c : completedTasks) {
            out.putIfAbsent("/frameworks/" + c.frameworkId().getValue() + "/executors/" + c.executor().getExecutorId().getValue()
                    + "/runs/latest", Path.of(c.directory()));
        }
        return out;
    }

    synchronized Map<TaskState, Integer> tasksByState() {
        Map<TaskState, Integer> out = new LinkedHashMap<>();
        for (AgentTask t : tasks.values()) {
            TaskState s = t.state() == null ? TaskState.TASK_STAGING : t.state();
            out.merge(s, 1, Integer::sum);
        }
        return out;
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }
}
