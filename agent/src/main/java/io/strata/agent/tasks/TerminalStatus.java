package io.strata.agent.tasks;

import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * How a task's end becomes its terminal status, following Mesos' command executor: a task the agent was asked
 * to kill is KILLED whatever its exit code; otherwise exit 0 is FINISHED and anything else FAILED, with the
 * message "Command exited with status N". A memory-limit kill is FAILED with
 * REASON_CONTAINER_LIMITATION_MEMORY, reported by the agent.
 *
 * @param state   terminal state
 * @param source  who reports it
 * @param reason  why, or null
 * @param message the human-readable message
 */
public record TerminalStatus(TaskState state, TaskStatus.Source source, TaskStatus.Reason reason, String message) {
    static final int SIGTERM_STATUS = 128 + 15;
    static final int SIGKILL_STATUS = 128 + 9;

    /**
     * @param exitCode     the command's exit status, or null when none was recorded (the wrapper was SIGKILLed)
     * @param killed       the agent was asked to kill the task
     * @param oomKilled    the kernel killed it for exceeding its memory limit
     * @param memLimitMb   the task's memory limit, for the message
     */
    public static TerminalStatus of(Integer exitCode, boolean killed, boolean oomKilled, double memLimitMb) {
        if (killed) {
            return new TerminalStatus(TaskState.TASK_KILLED, TaskStatus.Source.SOURCE_EXECUTOR, null, killedMessage(exitCode));
        }
        if (oomKilled) {
            return new TerminalStatus(TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT,
                    TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY,
                    String.format(java.util.Locale.ROOT, "Memory limit exceeded: Requested: %.0fMB", memLimitMb));
        }
        if (exitCode == null) {
            return new TerminalStatus(TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_EXECUTOR,
                    TaskStatus.Reason.REASON_COMMAND_EXECUTOR_FAILED, "Failed to get exit status for Command");
        }
        if (exitCode == 0) {
            return new TerminalStatus(TaskState.TASK_FINISHED, TaskStatus.Source.SOURCE_EXECUTOR, null, "Command exited with status 0");
        }
        return new TerminalStatus(TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_EXECUTOR, null, "Command exited with status " + exitCode);
    }

    /** A task whose process ended while no agent was watching it and left no exit status behind. */
    public static TerminalStatus exitedWhileAgentDown(boolean killed) {
        if (killed) {
            return new TerminalStatus(TaskState.TASK_KILLED, TaskStatus.Source.SOURCE_AGENT, TaskStatus.Reason.REASON_EXECUTOR_TERMINATED,
                    "Task was killed while the agent was down");
        }
        return new TerminalStatus(TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT, TaskStatus.Reason.REASON_EXECUTOR_TERMINATED,
                "Task exited while the agent was down");
    }

    private static String killedMessage(Integer exitCode) {
        if (exitCode == null || exitCode == SIGKILL_STATUS) return "Command terminated with signal Killed";
        if (exitCode == SIGTERM_STATUS) return "Command terminated with signal Terminated";
        return "Command exited with status " + exitCode;
    }
}
