package io.strata.agent.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ContainerInfo;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.Value;
import org.junit.jupiter.api.Test;

class TaskValidationTest {
    private static final FrameworkInfo FW = FrameworkInfo.newBuilder().setName("f").setUser("u")
            .setId(FrameworkID.newBuilder().setValue("fw-1")).build();

    @Test
    void aPlainCommandTaskIsValid() {
        assertThat(TaskValidation.validate(FW, null, task("t1", "sleep 1").build())).isEmpty();
    }

    @Test
    void idsThatWouldEscapeTheSandboxAreErrors() {
        var r = TaskValidation.validate(FW, null, task("../../etc", "true").build()).orElseThrow();
        assertThat(r.state()).isEqualTo(TaskState.TASK_ERROR);
        assertThat(r.message()).contains("task id");
        FrameworkInfo badFw = FW.toBuilder().setId(FrameworkID.newBuilder().setValue("a/b")).build();
        assertThat(TaskValidation.validate(badFw, null, task("t", "true").build()).orElseThrow().message()).contains("framework id");
        ExecutorInfo badExecutor = ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("..")).build();
        assertThat(TaskValidation.validate(FW, badExecutor, task("t", "true").build()).orElseThrow().message()).contains("executor id");
    }

    @Test
    void aTaskNeedsSomethingToRun() {
        assertThat(TaskValidation.validate(FW, null, task("t", "x").clearCommand().build()).orElseThrow().message())
                .contains("no command");
        assertThat(TaskValidation.validate(FW, null, task("t", "  ").build()).orElseThrow().state()).isEqualTo(TaskState.TASK_ERROR);
    }

    @Test
    void dockerAndCustomExecutorsCannotRunHere() {
        var docker = task("t", "x").setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)).build();
        assertThat(TaskValidation.validate(FW, null, docker).orElseThrow().state()).isEqualTo(TaskState.TASK_FAILED);
        var custom = task("t", "x").setExecutor(ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("e"))).build();
        assertThat(TaskValidation.validate(FW, null, custom).orElseThrow().message()).contains("Custom executors");
    }

    @Test
    void malformedResourcesAreErrors() {
        var negative = task("t", "x").addResources(scalar("cpus", -1)).build();
        assertThat(TaskValidation.validate(FW, null, negative).orElseThrow().message()).contains("cpus");
        var badRange = task("t", "x").addResources(ports(200, 100)).build();
        assertThat(TaskValidation.validate(FW, null, badRange)).isPresent();
    }

    @Test
    void aTaskMustFitWhatIsFree() {
        List<Resource> total = List.of(scalar("cpus", 2), scalar("mem", 1024), ports(31000, 31010));
        List<Resource> used = List.of(scalar("cpus", 1.5), ports(31000, 31000));
        assertThat(TaskValidation.fits(total, used, task("t", "x").addResources(scalar("cpus", 0.5)).build())).isEmpty();
        var tooMuch = TaskValidation.fits(total, used, task("t", "x").addResources(scalar("cpus", 0.6)).build()).orElseThrow();
        assertThat(tooMuch.message()).isEqualTo("Task uses more cpus (0.6) than this agent has free (0.5 of 2)");
        assertThat(TaskValidation.fits(total, used, task("t", "x").addResources(scalar("mem", 2048)).build())).isPresent();
        assertThat(TaskValidation.fits(total, used, task("t", "x").addResources(ports(31000, 31000)).build()).orElseThrow().message())
                .contains("another task");
        assertThat(TaskValidation.fits(total, used, task("t", "x").addResources(ports(32000, 32000)).build()).orElseThrow().message())
                .contains("does not offer");
        assertThat(TaskValidation.fits(total, used, task("t", "x").addResources(ports(31001, 31010)).build())).isEmpty();
    }

    private static TaskInfo.Builder task(String id, String cmd) {
        return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
                .setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue("a"))
                .setCommand(CommandInfo.newBuilder().setValue(cmd));
    }

    static Resource scalar(String name, double v) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(v)).build();
    }

    static Resource ports(long b, long e) {
        return Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
                .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(b).setEnd(e))).build();
    }
}
