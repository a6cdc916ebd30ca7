package io.strata.agent.containerizer.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.agent.tasks.TerminalStatus;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.junit.jupiter.api.Test;

/** How a container's end becomes its task's terminal status, in the words of Mesos' docker executor. */
class DockerExitTest {
    @Test
    void exitCodesAndKills() {
        assertThat(new DockerExit(0, false, false, null).terminalStatus(false, 64))
                .isEqualTo(new TerminalStatus(TaskState.TASK_FINISHED, TaskStatus.Source.SOURCE_EXECUTOR, null, "Container exited with status 0"));
        TerminalStatus failed = new DockerExit(137, false, false, null).terminalStatus(false, 64);
        assertThat(failed.state()).as("a docker kill the agent did not ask for").isEqualTo(TaskState.TASK_FAILED);
        assertThat(failed.message()).isEqualTo("Container exited with status 137");
        assertThat(new DockerExit(143, false, false, null).terminalStatus(true, 64).state()).isEqualTo(TaskState.TASK_KILLED);
    }

    @Test
    void memoryLimitsAndVanishedContainers() {
        TerminalStatus oom = new DockerExit(137, true, false, null).terminalStatus(false, 64);
        assertThat(oom.state()).isEqualTo(TaskState.TASK_FAILED);
        assertThat(oom.reason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
        assertThat(oom.message()).isEqualTo("Memory limit exceeded: Requested: 64MB");

        TerminalStatus gone = DockerExit.gone().terminalStatus(false, 64);
        assertThat(gone.state()).isEqualTo(TaskState.TASK_FAILED);
        assertThat(gone.reason()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_TERMINATED);
        assertThat(DockerExit.gone().terminalStatus(true, 64).state()).isEqualTo(TaskState.TASK_KILLED);
        assertThat(new DockerExit(1, false, false, "exec format error").terminalStatus(false, 64).message())
                .isEqualTo("Container exited with status 1: exec format error");
    }
}
