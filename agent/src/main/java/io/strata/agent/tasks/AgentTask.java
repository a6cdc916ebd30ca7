package io.strata.agent.tasks;

import io.strata.agent.containerizer.Container;
import io.strata.agent.containerizer.docker.DockerContainer;
import io.strata.agent.health.HealthChecker;
import io.strata.agent.status.TaskKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * One task on this agent, from launch until its terminal update is acknowledged. Mutable, and owned by the
 * agent: every field is read and written with the agent's lock held. The persistent part is checkpointed by
 * {@link io.strata.agent.checkpoint.TaskCheckpoints}; the rest (process, timers, health checker) lives only as
 * long as this agent process.
 */
public final class AgentTask {
    /** Statuses kept per task for /state and re-subscription; the newest ones win. */
    static final int MAX_STATUSES = 20;

    private final FrameworkID frameworkId;
    private final TaskInfo info;
    private final ExecutorInfo groupExecutor; // the LAUNCH_GROUP executor, null for a command task
    private final ExecutorID executorId;
    private final String containerId;
    private final String groupContainerId; // the group's run container, null for a command task
    private final Path sandbox;
    private final Path executorDirectory; // the run dir shown as the executor's directory in /state
    private final double launchedAt;

    private Container container;
    private DockerContainer docker; // a task run by the docker containerizer, once its container exists
    private TaskState state;
    private final List<TaskStatus> statuses = new ArrayList<>();
    private boolean killRequested;
    private boolean killedByHealthCheck;
    private boolean exited;

    // this process only
    private Process process;
    private HealthChecker healthChecker;
    private ScheduledFuture<?> escalation;
    private long killDeadlineNanos;

    public AgentTask(FrameworkID frameworkId, TaskInfo info, ExecutorInfo groupExecutor, ExecutorID executorId,
                     String containerId, String groupContainerId, Path sandbox, Path executorDirectory, double launchedAt) {
        this.frameworkId = frameworkId;
        this.info = info;
        this.groupExecutor = groupExecutor;
        this.executorId = executorId;
        this.containerId = containerId;
        this.groupContainerId = groupContainerId;
        this.sandbox = sandbox;
        this.executorDirectory = executorDirectory;
        this.launchedAt = launchedAt;
    }

    public TaskKey key() {
        return TaskKey.of(frameworkId, info.getTaskId());
    }

    /**
     * Records a status the agent is about to send. Illegal transitions are refused (false), so a late health
     * report can never follow a terminal update.
     */
    public boolean apply(TaskStatus status) {
        if (!TaskStateMachine.canTransition(state, status.getState())) return false;
        state = status.getState();
        statuses.add(status);
        if (statuses.size() > MAX_STATUSES) statuses.remove(1); // keep the first (STARTING) and the newest
        return true;
    }

    /** Restores state from a checkpoint without the transition check (the checkpoint was checked when written). */
    public void restore(TaskState state, List<TaskStatus> statuses) {
        this.state = state;
        this.statuses.clear();
        this.statuses.addAll(statuses);
    }

    public boolean isTerminal() {
        return TaskStateMachine.isTerminal(state);
    }

    public FrameworkID frameworkId() {
        return frameworkId;
    }

    public TaskInfo info() {
        return info;
    }

    public ExecutorInfo groupExecutor() {
        return groupExecutor;
    }

    public boolean inGroup() {
        return groupExecutor != null;
    }

    public ExecutorID executorId() {
        return executorId;
    }

    public String containerId() {
        return containerId;
    }

    public String groupContainerId() {
        return groupContainerId;
    }

    public Path sandbox() {
        return sandbox;
    }

    public Path executorDirectory() {
        return executorDirectory;
    }

    public double launchedAt() {
        return launchedAt;
    }

    public Container container() {
        return container;
    }

    public void container(Container container) {
        this.container = container;
    }

    /** Whether the docker containerizer runs this task (its ContainerInfo is DOCKER). */
    public boolean isDocker() {
        return info.hasContainer() && info.getContainer().getType() == org.apache.mesos.v1.Protos.ContainerInfo.Type.DOCKER;
    }

    public DockerContainer docker() {
        return docker;
    }

    public void docker(DockerContainer docker) {
        this.docker = docker;
    }

    public TaskState state() {
        return state;
    }

    public List<TaskStatus> statuses() {
        return List.copyOf(statuses);
    }

    public TaskStatus latestStatus() {
        return statuses.isEmpty() ? null : statuses.get(statuses.size() - 1);
    }

    public boolean killRequested() {
        return killRequested;
    }

    public void killRequested(boolean byHealthCheck) {
        this.killRequested = true;
        this.killedByHealthCheck |= byHealthCheck;
    }

    public boolean killedByHealthCheck() {
        return killedByHealthCheck;
    }

    public void restoreKill(boolean requested, boolean byHealthCheck) {
        this.killRequested = requested;
        this.killedByHealthCheck = byHealthCheck;
    }

    public boolean exited() {
        return exited;
    }

    public void markExited() {
        this.exited = true;
    }

    public Process process() {
        return process;
    }

    public void process(Process process) {
        this.process = process;
    }

    public HealthChecker healthChecker() {
        return healthChecker;
    }

    public void healthChecker(HealthChecker healthChecker) {
        this.healthChecker = healthChecker;
    }

    public ScheduledFuture<?> escalation() {
        return escalation;
    }

    public void escalation(ScheduledFuture<?> escalation, long deadlineNanos) {
        this.escalation = escalation;
        this.killDeadlineNanos = deadlineNanos;
    }

    public long killDeadlineNanos() {
        return killDeadlineNanos;
    }

    /** Stops what only lives in this process: health checks and a pending SIGKILL. */
    public void stopTimers() {
        if (healthChecker != null) {
            healthChecker.close();
            healthChecker = null;
        }
        if (escalation != null) {
            escalation.cancel(false);
            escalation = null;
        }
    }
}
