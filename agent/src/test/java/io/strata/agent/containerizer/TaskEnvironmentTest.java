package io.strata.agent.containerizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.Value;
import org.junit.jupiter.api.Test;

class TaskEnvironmentTest {
    private static final TaskEnvironment.Context CTX = new TaskEnvironment.Context("fw-1", "exec-1", "agent-S0",
            Path.of("/work/slaves/x/runs/c"), "10.0.0.5:5051", "10.0.0.5");

    @Test
    void portsFromTheTaskResources() {
        TaskInfo task = task().addResources(ports(31000, 31001)).addResources(ports(31005, 31005)).build();
        Map<String, String> env = TaskEnvironment.build(task, task.getCommand(), CTX, Map.of());
        assertThat(env).containsEntry("PORT0", "31000").containsEntry("PORT1", "31001").containsEntry("PORT2", "31005")
                .containsEntry("PORT", "31000").containsEntry("PORTS", "31000,31001,31005").doesNotContainKey("PORT3");
    }

    @Test
    void mesosVariables() {
        TaskInfo task = task().build();
        Map<String, String> env = TaskEnvironment.build(task, task.getCommand(), CTX, Map.of("PATH", "/bin", "SECRET_OF_AGENT", "x"));
        assertThat(env).containsEntry("MESOS_TASK_ID", "t-1")
                .containsEntry("MESOS_FRAMEWORK_ID", "fw-1")
                .containsEntry("MESOS_EXECUTOR_ID", "exec-1")
                .containsEntry("MESOS_AGENT_ID", "agent-S0")
                .containsEntry("MESOS_SANDBOX", "/work/slaves/x/runs/c")
                .containsEntry("MESOS_AGENT_ENDPOINT", "10.0.0.5:5051")
                .containsEntry("HOST", "10.0.0.5")
                .containsEntry("PATH", "/bin")
                .doesNotContainKey("SECRET_OF_AGENT")
                .doesNotContainKey("PORT0");
    }

    @Test
    void theFrameworksVariablesWinOverDerivedOnesButNotOverTheAgents() {
        TaskInfo task = task().addResources(ports(31000, 31000)).setCommand(CommandInfo.newBuilder().setValue("x")
                .setEnvironment(Environment.newBuilder()
                        .addVariables(var("PORT0", "8080"))
                        .addVariables(var("MARATHON_APP_ID", "/app"))
                        .addVariables(var("MESOS_SANDBOX", "/elsewhere"))
                        .addVariables(Environment.Variable.newBuilder().setName("TOKEN").setType(Environment.Variable.Type.SECRET))))
                .build();
        Map<String, String> env = TaskEnvironment.build(task, task.getCommand(), CTX, Map.of());
        assertThat(env).containsEntry("PORT0", "8080").containsEntry("MARATHON_APP_ID", "/app")
                .containsEntry("MESOS_SANDBOX", "/work/slaves/x/runs/c").doesNotContainKey("TOKEN");
        assertThat(env.get("PATH")).isEqualTo(TaskEnvironment.DEFAULT_PATH);
    }

    @Test
    void tasksOnTheAgentsHostLearnWhereTheLauncherIs() {
        TaskInfo task = task().build();
        Map<String, String> env = TaskEnvironment.build(task, task.getCommand(), CTX, Map.of("PATH", "/bin"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        assertThat(env).containsEntry(TaskEnvironment.STRATA_JAVA, java);
        // unit tests load the agent from target/classes, not from a jar: no jar to point at
        assertThat(env).doesNotContainKey(TaskEnvironment.STRATA_NODE_JAR);
        assertThat(TaskEnvironment.launcher()).containsOnlyKeys(TaskEnvironment.STRATA_JAVA);
    }

    @Test
    void theFrameworkMayPointTasksAtAnotherLauncher() {
        TaskInfo task = task().setCommand(CommandInfo.newBuilder().setValue("x")
                .setEnvironment(Environment.newBuilder().addVariables(var("STRATA_JAVA", "/opt/jdk/bin/java")))).build();
        assertThat(TaskEnvironment.build(task, task.getCommand(), CTX, Map.of("PATH", "/bin")))
                .containsEntry(TaskEnvironment.STRATA_JAVA, "/opt/jdk/bin/java");
    }

    @Test
    void tasksWithoutTheAgentsEnvironmentGetNoLauncher() {
        TaskInfo task = task().build();
        assertThat(TaskEnvironment.build(task, task.getCommand(), CTX, Map.of()))
                .doesNotContainKeys(TaskEnvironment.STRATA_JAVA, TaskEnvironment.STRATA_NODE_JAR);
    }

    private static Environment.Variable var(String n, String v) {
        return Environment.Variable.newBuilder().setName(n).setValue(v).build();
    }

    private static TaskInfo.Builder task() {
        return TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t-1"))
                .setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue("a"))
                .setCommand(CommandInfo.newBuilder().setValue("true"));
    }

    private static Resource ports(long b, long e) {
        return Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
                .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(b).setEnd(e))).build();
    }
}
