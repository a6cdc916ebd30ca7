package io.strata.agent.tasks;

import java.util.EnumSet;
import java.util.Set;
import org.apache.mesos.v1.Protos.TaskState;

/**
 * The task states an agent may report and the order it may report them in. A task the agent has just been
 * given has no state yet (the master calls it TASK_STAGING); from there it moves through STARTING and RUNNING
 * to exactly one terminal state. Every transition the agent makes goes through {@link #canTransition}.
 */
public final class TaskStateMachine {
    private static final Set<TaskState> TERMINAL = EnumSet.of(
            TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_KILLED, TaskState.TASK_ERROR,
            TaskState.TASK_LOST, TaskState.TASK_DROPPED, TaskState.TASK_GONE, TaskState.TASK_GONE_BY_OPERATOR);

    /** States a task that never ran can end in: the launch was refused or failed before the process started. */
    private static final Set<TaskState> FROM_NEW = EnumSet.of(
            TaskState.TASK_STARTING, TaskState.TASK_ERROR, TaskState.TASK_DROPPED, TaskState.TASK_FAILED,
            TaskState.TASK_LOST, TaskState.TASK_KILLED);

    private static final Set<TaskState> FROM_STARTING = EnumSet.of(
            TaskState.TASK_RUNNING, TaskState.TASK_KILLING, TaskState.TASK_FINISHED, TaskState.TASK_FAILED,
            TaskState.TASK_KILLED, TaskState.TASK_LOST);

    /** RUNNING to RUNNING is a health (or other attribute) change of a running task. */
    private static final Set<TaskState> FROM_RUNNING = EnumSet.of(
            TaskState.TASK_RUNNING, TaskState.TASK_KILLING, TaskState.TASK_FINISHED, TaskState.TASK_FAILED,
            TaskState.TASK_KILLED, TaskState.TASK_LOST);

    private static final Set<TaskState> FROM_KILLING = EnumSet.of(
            TaskState.TASK_KILLED, TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_LOST);

    private TaskStateMachine() {}

    public static boolean isTerminal(TaskState state) {
        return state != null && TERMINAL.contains(state);
    }

    /** Whether a task in state {@code from} (null: not started yet) may next report {@code to}. */
    public static boolean canTransition(TaskState from, TaskState to) {
        if (to == null) return false;
        if (from == null || from == TaskState.TASK_STAGING) return FROM_NEW.contains(to);
        return switch (from) {
            case TASK_STARTING -> FROM_STARTING.contains(to);
            case TASK_RUNNING -> FROM_RUNNING.contains(to);
            case TASK_KILLING -> FROM_KILLING.contains(to);
            default -> false; // terminal, or a state only the master reports
        };
    }

    /** Like {@link #canTransition} but throws, for code paths where an illegal transition is a bug. */
    public static void requireTransition(TaskState from, TaskState to) {
        if (!canTransition(from, to)) {
            throw new IllegalStateException("illegal task transition " + (from == null ? "(new)" : from) + " -> " + to);
        }
    }
}
