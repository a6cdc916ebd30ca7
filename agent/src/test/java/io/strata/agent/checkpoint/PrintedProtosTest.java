package io.strata.agent.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.common.json.ProtoJson;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.junit.jupiter.api.Test;

class PrintedProtosTest {
    @Test
    void printsWhatProtoJsonPrintsOncePerMessage() {
        TaskStatus s = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t")).setState(TaskState.TASK_RUNNING).build();
        String first = PrintedProtos.print(s);
        assertThat(first).isEqualTo(ProtoJson.print(s));
        assertThat(PrintedProtos.print(s)).isSameAs(first);
        TaskStatus other = s.toBuilder().setState(TaskState.TASK_FINISHED).build();
        assertThat(PrintedProtos.print(other)).isEqualTo(ProtoJson.print(other)).isNotEqualTo(first);
    }

    @Test
    void buildersAreNotRemembered() {
        TaskStatus.Builder b = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t")).setState(TaskState.TASK_RUNNING);
        String before = PrintedProtos.print(b);
        b.setState(TaskState.TASK_KILLED);
        assertThat(PrintedProtos.print(b)).isNotEqualTo(before).isEqualTo(ProtoJson.print(b));
    }
}
