package io.strata.agent.containerizer.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.agent.AgentConfig;
import io.strata.agent.checkpoint.Layout;
import io.strata.agent.checkpoint.TaskCheckpoints;
import io.strata.agent.containerizer.TaskEnvironment;
import io.strata.agent.tasks.AgentTask;
import io.strata.common.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ContainerInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's docker settings, the container environment and the checkpoint of a docker task. */
class DockerConfigurationTest {
    @TempDir
    Path dir;

    @Test
    void containerizersAsMesosFlagsNameThem() {
        assertThat(AgentConfig.parseContainerizers("docker,mesos")).containsExactly("docker", "mesos");
        assertThat(AgentConfig.parseContainerizers(" Mesos ")).containsExactly("mesos");
        assertThat(AgentConfig.parseContainerizers("")).as("automatic").isNull();
        assertThatThrownBy(() -> AgentConfig.parseContainerizers("docker,rkt")).hasMessageContaining("rkt");
        assertThatThrownBy(() -> AgentConfig.parseContainerizers("docker,docker")).hasMessageContaining("twice");

        AgentConfig old = new AgentConfig("127.0.0.1:5050", "127.0.0.1", 0, "127.0.0.1", dir, null, null, false, false, null, 10);
        assertThat(old.containerizers()).as("the constructor callers already use").isNull();
        AgentConfig withDocker = old.withContainerizers(List.of("docker", "mesos"));
        assertThat(withDocker.containerizers()).containsExactly("docker", "mesos");
        assertThat(withDocker.master()).isEqualTo(old.master());
        assertThat(old.dockerSettings().host()).startsWith("unix://").isNotBlank();
    }

    @Test
    void dockerSettingsFindTheCliConfig() {
        assertThat(DockerSettings.defaultConfig(Map.of("DOCKER_CONFIG", "/etc/docker-cli"), "/home/x"))
                .isEqualTo(Path.of("/etc/docker-cli/config.json"));
        assertThat(DockerSettings.defaultConfig(Map.of(), "/home/x")).isEqualTo(Path.of("/home/x/.docker/config.json"));
        assertThat(new DockerSettings(null, Path.of("/c.json")).host()).isEqualTo(DockerSettings.DEFAULT_SOCKET);
        assertThatThrownBy(() -> new DockerSettings("http://x", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theContainerGetsTheMesosEnvironmentButNotTheAgents() {
        TaskInfo task = TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t")).setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue("a"))
                .setCommand(CommandInfo.newBuilder().setValue("x").setEnvironment(Environment.newBuilder()
                        .addVariables(Environment.Variable.newBuilder().setName("APP").setValue("1"))))
                .build();
        Map<String, String> env = DockerTasks.environment(task, new TaskEnvironment.Context("fw", "t", "agent", dir, "127.0.0.1:5051", "127.0.0.1"));
        assertThat(env).containsEntry("MESOS_SANDBOX", "/mnt/mesos/sandbox").containsEntry("MESOS_TASK_ID", "t")
                .containsEntry("HOST", "127.0.0.1").containsEntry("APP", "1").doesNotContainKeys("PATH", "HOME", "LANG");

        TaskInfo withPath = task.toBuilder().setCommand(task.getCommand().toBuilder().setEnvironment(Environment.newBuilder()
                .addVariables(Environment.Variable.newBuilder().setName("PATH").setValue("/opt/bin")))).build();
        assertThat(DockerTasks.environment(withPath, new TaskEnvironment.Context("fw", "t", "agent", dir, "e", "h")))
                .containsEntry("PATH", "/opt/bin");
    }

    @Test
    void aDockerTaskCheckpointKeepsItsContainer() throws Exception {
        TaskInfo info = TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t")).setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue("a"))
                .setCommand(CommandInfo.newBuilder().setValue("x"))
                .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
                        .setDocker(ContainerInfo.DockerInfo.newBuilder().setImage("busybox"))).build();
        AgentTask task = new AgentTask(FrameworkID.newBuilder().setValue("fw").build(), info, null,
                ExecutorID.newBuilder().setValue("t").build(), "c-1", null, dir.resolve("sandbox"), dir.resolve("sandbox"), 1.0);
        assertThat(task.isDocker()).isTrue();
        task.docker(new DockerContainer("abc123", "mesos-c-1", 4242L, "172.17.0.2", "bridge"));
        Layout layout = new Layout(dir);
        TaskCheckpoints.write(layout, task);
        JsonNode json = Json.read(Files.readString(layout.taskFile(task.key())));
        AgentTask back = TaskCheckpoints.fromJson(json);
        assertThat(back.docker()).isEqualTo(task.docker());
        assertThat(back.container()).isNull();
    }
}
