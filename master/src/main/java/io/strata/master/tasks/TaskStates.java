package io.strata.master.tasks;

import java.util.EnumSet;
import java.util.Set;
import org.apache.mesos.v1.Protos.TaskState;

/**
 * The task state machine, in one place. A task starts STAGING (the master), goes STARTING and RUNNING (the
 * agent), possibly KILLING, and ends in one terminal state. UNREACHABLE is not terminal: the agent may come back.
 */
public final class TaskStates {
    private static final Set<TaskState> TERMINAL = EnumSet.of(TaskState.TASK_FINISHED, TaskState.TASK_FAILED,
            TaskState.TASK_KILLED, TaskState.TASK_ERROR, TaskState.TASK_LOST, TaskState.TASK_DROPPED,
            TaskState.TASK_GONE, TaskState.TASK_GONE_BY_OPERATOR);

    private TaskStates() {}

    public static boolean isTerminal(TaskState state) {
        return TERMINAL.contains(state);
    }

    /**
     * Whether a task in {@code from} may move to {@code to}. A repeated state is allowed (RUNNING updates carry
     * health changes); nothing leaves a terminal state; nothing goes back to STAGING or STARTING once running.
     */
    public static boolean canTransition(TaskState from, TaskState to) {
        if (isTerminal(from)) return false;
        if (from == to) return true;
        return switch (to) {
            case TASK_STAGING -> false;
            case TASK_STARTING -> from == TaskState.TASK_STAGING;
            case TASK_RUNNING -> from != TaskState.TASK_KILLING;
            case TASK_KILLING -> from != TaskState.TASK_UNREACHABLE;
            case TASK_UNREACHABLE -> true;
            default -> isTerminal(to) || to == TaskState.TASK_UNKNOWN;
        };
    }
}
