package io.strata.agent.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.apache.mesos.v1.Protos.TaskState.*;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.junit.jupiter.api.Test;

class TaskStateMachineTest {
    @Test
    void aNewTaskStartsOrIsRefused() {
        assertThat(TaskStateMachine.canTransition(null, TASK_STARTING)).isTrue();
        assertThat(TaskStateMachine.canTransition(null, TASK_ERROR)).isTrue();
        assertThat(TaskStateMachine.canTransition(null, TASK_DROPPED)).isTrue();
        assertThat(TaskStateMachine.canTransition(TASK_STAGING, TASK_STARTING)).isTrue();
        assertThat(TaskStateMachine.canTransition(null, TASK_RUNNING)).as("RUNNING comes after STARTING").isFalse();
        assertThat(TaskStateMachine.canTransition(null, TASK_KILLING)).isFalse();
    }

    @Test
    void theUsualLives() {
        assertThat(TaskStateMachine.canTransition(TASK_STARTING, TASK_RUNNING)).isTrue();
        assertThat(TaskStateMachine.canTransition(TASK_RUNNING, TASK_FINISHED)).isTrue();
        assertThat(TaskStateMachine.canTransition(TASK_RUNNING, TASK_FAILED)).isTrue();
        assertThat(TaskStateMachine.canTransition(TASK_RUNNING, TASK_KILLING)).isTrue();
        assertThat(TaskStateMachine.canTransition(TASK_KILLING, TASK_KILLED)).isTrue();
        assertThat(TaskStateMachine.canTransition(TASK_STARTING, TASK_FAILED)).as("launch failure").isTrue();
        assertThat(TaskStateMachine.canTransition(TASK_RUNNING, TASK_RUNNING)).as("health change").isTrue();
    }

    @Test
    void nothingFollowsATerminalState() {
        for (TaskState terminal : new TaskState[] {TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_LOST, TASK_DROPPED}) {
            assertThat(TaskStateMachine.isTerminal(terminal)).isTrue();
            for (TaskState next : TaskState.values()) {
                assertThat(TaskStateMachine.canTransition(terminal, next)).as("%s -> %s", terminal, next).isFalse();
            }
        }
        assertThat(TaskStateMachine.isTerminal(TASK_RUNNING)).isFalse();
        assertThat(TaskStateMachine.isTerminal(null)).isFalse();
    }

    @Test
    void noWayBack() {
        assertThat(TaskStateMachine.canTransition(TASK_RUNNING, TASK_STARTING)).isFalse();
        assertThat(TaskStateMachine.canTransition(TASK_KILLING, TASK_RUNNING)).isFalse();
        assertThatThrownBy(() -> TaskStateMachine.requireTransition(TASK_KILLING, TASK_RUNNING))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("TASK_KILLING -> TASK_RUNNING");
    }

    @Test
    void aTaskRefusesStatusesThatDoNotFollowItsState() {
        AgentTask t = new AgentTask(FrameworkID.newBuilder().setValue("fw").build(),
                TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t"))
                        .setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue("a")).build(),
                null, ExecutorID.newBuilder().setValue("t").build(), "c", null, Path.of("/tmp/s"), Path.of("/tmp/s"), 0);
        assertThat(t.apply(status(TASK_STARTING))).isTrue();
        assertThat(t.apply(status(TASK_RUNNING))).isTrue();
        assertThat(t.apply(status(TASK_FINISHED))).isTrue();
        assertThat(t.apply(status(TASK_RUNNING))).as("a late health update").isFalse();
        assertThat(t.state()).isEqualTo(TASK_FINISHED);
        assertThat(t.statuses()).extracting(TaskStatus::getState).containsExactly(TASK_STARTING, TASK_RUNNING, TASK_FINISHED);
    }

    private static TaskStatus status(TaskState s) {
        return TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t")).setState(s)
                .setUuid(ByteString.copyFromUtf8("0123456789abcdef")).build();
    }
}
