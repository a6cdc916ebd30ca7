package io.strata.agent.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.agent.cgroups.Cgroup;
import io.strata.agent.containerizer.Container;
import io.strata.agent.status.StatusUpdates;
import io.strata.agent.status.TaskKey;
import io.strata.agent.tasks.AgentTask;
import io.strata.common.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskCheckpointsTest {
    @TempDir
    Path work;

    @Test
    void aTaskSurvivesTheRoundTrip() throws Exception {
        Layout layout = new Layout(work);
        TaskInfo info = TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t1"))
                .setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue("a"))
                .setCommand(CommandInfo.newBuilder().setValue("sleep 1")).build();
        Path sandbox = layout.runDir("S0", "fw", "t1", "c1");
        AgentTask task = new AgentTask(FrameworkID.newBuilder().setValue("fw").build(), info, null,
                ExecutorID.newBuilder().setValue("t1").build(), "c1", null, sandbox, sandbox, 1234.5);
        TaskStatus starting = StatusUpdates.status(info.getTaskId(), TaskState.TASK_STARTING, TaskStatus.Source.SOURCE_EXECUTOR).build();
        task.apply(starting);
        task.container(new Container("c1", 4242, 1_700_000_000_000L, sandbox, layout.containerMetaDir("c1"),
                new Cgroup(1, List.of(Path.of("/sys/fs/cgroup/memory/strata/c1"), Path.of("/sys/fs/cgroup/cpu/strata/c1")),
                        Path.of("/sys/fs/cgroup/memory/strata/c1"))));
        task.killRequested(true);

        TaskCheckpoints.write(layout, task);
        Path file = layout.taskFile(new TaskKey("fw", "t1"));
        assertThat(file).isEqualTo(work.resolve("meta/frameworks/fw/tasks/t1/task.json"));
        AgentTask back = TaskCheckpoints.fromJson(Json.read(Files.readString(file)));

        assertThat(back.info()).isEqualTo(info);
        assertThat(back.key()).isEqualTo(task.key());
        assertThat(back.container()).isEqualTo(task.container());
        assertThat(back.state()).isEqualTo(TaskState.TASK_STARTING);
        assertThat(back.statuses()).containsExactly(starting);
        assertThat(back.killRequested()).isTrue();
        assertThat(back.killedByHealthCheck()).isTrue();
        assertThat(back.sandbox()).isEqualTo(sandbox);
        assertThat(back.launchedAt()).isEqualTo(1234.5);
        assertThat(Files.list(file.getParent())).as("no temporary file left").containsExactly(file);

        // what the checkpoint log writes: the same document
        byte[] rendered = TaskCheckpoints.snapshot(task).render();
        assertThat(Json.read(rendered)).isEqualTo(Json.read(Files.readString(file)));
        AgentTask fromLog = TaskCheckpoints.fromJson(Json.read(rendered));
        assertThat(fromLog.info()).isEqualTo(info);
        assertThat(fromLog.statuses()).containsExactly(starting);
        assertThat(fromLog.container()).isEqualTo(task.container());
    }

    @Test
    void theLayoutIsMesosLikeAndRefusesUnsafeIds() {
        Layout layout = new Layout(work);
        assertThat(layout.runDir("S0", "fw", "ex", "c")).isEqualTo(work.resolve("slaves/S0/frameworks/fw/executors/ex/runs/c"));
        assertThat(layout.groupTaskSandbox(layout.runDir("S0", "fw", "ex", "c"), "t"))
                .isEqualTo(work.resolve("slaves/S0/frameworks/fw/executors/ex/runs/c/tasks/t"));
        assertThat(layout.updatesFileOrNull(new TaskKey("fw", "../t"))).isNull();
        assertThatThrownBy(() -> layout.runDir("S0", "..", "ex", "c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> layout.taskFile(new TaskKey("fw", "a/b"))).isInstanceOf(IllegalArgumentException.class);
    }
}
