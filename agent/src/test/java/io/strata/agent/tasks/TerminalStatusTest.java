package io.strata.agent.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.junit.jupiter.api.Test;

class TerminalStatusTest {
    @Test
    void exitCodesBecomeFinishedOrFailed() {
        assertThat(TerminalStatus.of(0, false, false, 64)).isEqualTo(new TerminalStatus(TaskState.TASK_FINISHED,
                TaskStatus.Source.SOURCE_EXECUTOR, null, "Command exited with status 0"));
        TerminalStatus failed = TerminalStatus.of(3, false, false, 64);
        assertThat(failed.state()).isEqualTo(TaskState.TASK_FAILED);
        assertThat(failed.message()).isEqualTo("Command exited with status 3");
    }

    @Test
    void aKilledTaskIsKilledWhateverItsExitCode() {
        assertThat(TerminalStatus.of(143, true, false, 64).message()).isEqualTo("Command terminated with signal Terminated");
        assertThat(TerminalStatus.of(null, true, false, 64).message()).isEqualTo("Command terminated with signal Killed");
        assertThat(TerminalStatus.of(0, true, false, 64).state()).isEqualTo(TaskState.TASK_KILLED);
    }

    @Test
    void anOomKillIsAMemoryLimitation() {
        TerminalStatus oom = TerminalStatus.of(137, false, true, 64);
        assertThat(oom.state()).isEqualTo(TaskState.TASK_FAILED);
        assertThat(oom.reason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
        assertThat(oom.source()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
        assertThat(oom.message()).startsWith("Memory limit exceeded");
    }

    @Test
    void aTaskThatDiedUnwatchedFails() {
        TerminalStatus s = TerminalStatus.exitedWhileAgentDown(false);
        assertThat(s.state()).isEqualTo(TaskState.TASK_FAILED);
        assertThat(s.message()).isEqualTo("Task exited while the agent was down");
        assertThat(TerminalStatus.exitedWhileAgentDown(true).state()).isEqualTo(TaskState.TASK_KILLED);
    }
}
