package io.strata.master.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.mesos.v1.Protos.TaskState.*;

import org.apache.mesos.v1.Protos.TaskState;
import org.junit.jupiter.api.Test;

class TaskStatesTest {
    @Test
    void terminalStatesAreExactlyTheEndsOfATask() {
        for (TaskState s : new TaskState[] {TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_LOST, TASK_DROPPED, TASK_GONE, TASK_GONE_BY_OPERATOR}) {
            assertThat(TaskStates.isTerminal(s)).as(s.name()).isTrue();
        }
        for (TaskState s : new TaskState[] {TASK_STAGING, TASK_STARTING, TASK_RUNNING, TASK_KILLING, TASK_UNREACHABLE, TASK_UNKNOWN}) {
            assertThat(TaskStates.isTerminal(s)).as(s.name()).isFalse();
        }
    }

    @Test
    void theUsualLifeOfATaskIsAllowed() {
        assertThat(TaskStates.canTransition(TASK_STAGING, TASK_STARTING)).isTrue();
        assertThat(TaskStates.canTransition(TASK_STARTING, TASK_RUNNING)).isTrue();
        assertThat(TaskStates.canTransition(TASK_STAGING, TASK_RUNNING)).isTrue();
        assertThat(TaskStates.canTransition(TASK_RUNNING, TASK_RUNNING)).as("health updates").isTrue();
        assertThat(TaskStates.canTransition(TASK_RUNNING, TASK_KILLING)).isTrue();
        assertThat(TaskStates.canTransition(TASK_KILLING, TASK_KILLED)).isTrue();
        assertThat(TaskStates.canTransition(TASK_RUNNING, TASK_FINISHED)).isTrue();
        assertThat(TaskStates.canTransition(TASK_STAGING, TASK_ERROR)).isTrue();
        assertThat(TaskStates.canTransition(TASK_RUNNING, TASK_UNREACHABLE)).isTrue();
        assertThat(TaskStates.canTransition(TASK_UNREACHABLE, TASK_RUNNING)).as("agent came back").isTrue();
    }

    @Test
    void nothingLeavesATerminalStateOrGoesBackwards() {
        assertThat(TaskStates.canTransition(TASK_FINISHED, TASK_RUNNING)).isFalse();
        assertThat(TaskStates.canTransition(TASK_KILLED, TASK_KILLED)).isFalse();
        assertThat(TaskStates.canTransition(TASK_LOST, TASK_RUNNING)).isFalse();
        assertThat(TaskStates.canTransition(TASK_RUNNING, TASK_STARTING)).isFalse();
        assertThat(TaskStates.canTransition(TASK_RUNNING, TASK_STAGING)).isFalse();
        assertThat(TaskStates.canTransition(TASK_KILLING, TASK_RUNNING)).isFalse();
    }
}
