package io.strata.agent.containerizer.docker;

import io.strata.agent.tasks.TerminalStatus;
import java.util.Locale;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * How a Docker container ended, and the terminal status that makes for its task, in the words of Mesos' docker
 * executor: "Container exited with status N" (a {@code docker kill} is 137: TASK_FAILED unless the agent was
 * killing the task), TASK_KILLED when the agent killed it, and a memory-limit kill as for process tasks.
 *
 * @param exitCode  the container's exit code, or null when unknown
 * @param oomKilled the kernel killed it for exceeding its memory limit
 * @param missing   the container is gone (removed behind the agent's back, or never created)
 * @param error     Docker's error for the container, or null
 */
public record DockerExit(Integer exitCode, boolean oomKilled, boolean missing, String error) {
    public static DockerExit gone() {
        return new DockerExit(null, false, true, null);
    }

    public TerminalStatus terminalStatus(boolean killed, double memLimitMb) {
        if (missing) {
            return killed
                    ? new TerminalStatus(TaskState.TASK_KILLED, TaskStatus.Source.SOURCE_AGENT, TaskStatus.Reason.REASON_EXECUTOR_TERMINATED,
                            "Container was killed and is gone")
                    : new TerminalStatus(TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT, TaskStatus.Reason.REASON_EXECUTOR_TERMINATED,
                            "Container is gone: it was removed while the agent was not watching it");
        }
        String message = exitCode == null ? "Failed to get exit status of container" : "Container exited with status " + exitCode;
        if (error != null && !error.isBlank()) message += ": " + error;
        if (killed) return new TerminalStatus(TaskState.TASK_KILLED, TaskStatus.Source.SOURCE_EXECUTOR, null, message);
        if (oomKilled) {
            return new TerminalStatus(TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT, TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY,
                    String.format(Locale.ROOT, "Memory limit exceeded: Requested: %.0fMB", memLimitMb));
        }
        if (exitCode != null && exitCode == 0) return new TerminalStatus(TaskState.TASK_FINISHED, TaskStatus.Source.SOURCE_EXECUTOR, null, message);
        return new TerminalStatus(TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_EXECUTOR, null, message);
    }
}
