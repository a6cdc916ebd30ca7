package io.strata.agent.containerizer.docker;

import io.strata.agent.containerizer.LaunchScript;
import io.strata.agent.containerizer.TaskEnvironment;
import io.strata.agent.health.HealthProbe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.apache.mesos.v1.Protos.TaskInfo;

/** What the agent needs to know to run a task with the docker containerizer, apart from Docker itself. */
public final class DockerTasks {
    private DockerTasks() {}

    /**
     * The container's environment: the same Mesos variables as a process task ({@code MESOS_TASK_ID},
     * {@code PORT0..}, {@code HOST}, the framework's), with {@code MESOS_SANDBOX} where the sandbox is mounted. Nothing
     * comes from the agent's own environment, and PATH only when the framework sets it: the image's wins.
     */
    public static Map<String, String> environment(TaskInfo task, TaskEnvironment.Context ctx) {
        TaskEnvironment.Context inContainer = new TaskEnvironment.Context(ctx.frameworkId(), ctx.executorId(), ctx.agentId(),
                Path.of(DockerRunSpec.SANDBOX_MOUNT), ctx.agentEndpoint(), ctx.host());
        Map<String, String> env = TaskEnvironment.build(task, task.getCommand(), inContainer, Map.of());
        boolean frameworkPath = task.getCommand().getEnvironment().getVariablesList().stream()
                .anyMatch(v -> v.getName().equals("PATH") && (!v.hasType() || v.getType() == Environment.Variable.Type.VALUE));
        if (!frameworkPath) env.remove("PATH");
        return env;
    }

    /** The labels that tell this agent's containers from any other's, and which task each one runs. */
    public static Map<String, String> labels(Path workDir, String agentId, String frameworkId, String taskId, String containerId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(DockerRunSpec.LABEL_WORK_DIR, workDir.toString());
        if (agentId != null) labels.put(DockerRunSpec.LABEL_AGENT_ID, agentId);
        labels.put(DockerRunSpec.LABEL_FRAMEWORK_ID, frameworkId);
        labels.put(DockerRunSpec.LABEL_TASK_ID, taskId);
        labels.put(DockerRunSpec.LABEL_CONTAINER_ID, containerId);
        return labels;
    }

    /** The network mode a task's container runs in, as {@link DockerRunSpec} decides it (without parameters). */
    public static String networkMode(TaskInfo task) {
        var d = task.getContainer().getDocker();
        if (!d.hasNetwork()) return "host";
        return switch (d.getNetwork()) {
            case BRIDGE -> "bridge";
            case NONE -> "none";
            case USER -> task.getContainer().getNetworkInfosCount() > 0 ? task.getContainer().getNetworkInfos(0).getName() : "";
            default -> "host";
        };
    }

    /**
     * The health probe of a docker task. COMMAND checks run in the container ({@code docker exec}), as Mesos runs
     * them. HTTP and TCP checks name a port: a host port of the task, or a container port (what Marathon sends for
     * Mesos checks of bridged apps, which Mesos probes inside the container's network) that is reached through
     * its mapped host port on the agent's address; a port that is neither is probed on the container's address.
     */
    public static HealthProbe healthProbe(HealthCheck check, TaskInfo task, DockerContainer container, DockerContainerizer docker,
                                          String advertisedHost) {
        int checkPort = HealthProbe.checkPort(check);
        int hostPort = DockerRunSpec.hostPortFor(task, checkPort);
        List<String> hosts = HealthProbe.hostsFor(advertisedHost);
        int port = hostPort;
        boolean onHost = "host".equals(container.network()) || hostPort != checkPort || DockerRunSpec.reachableOnHost(task, checkPort);
        if (!onHost && container.ipAddress() != null) {
            hosts = List.of(container.ipAddress());
            port = checkPort;
        }
        String dockerId = container.dockerId();
        HealthProbe.CommandRunner commands = (command, timeout) -> {
            List<String> argv;
            try {
                argv = LaunchScript.commandLine(command);
            } catch (IllegalArgumentException e) {
                return false;
            }
            return docker.exec(dockerId, argv, env(command), timeout);
        };
        return new HealthProbe(check, commands, hosts, port);
    }

    private static List<String> env(CommandInfo command) {
        List<String> out = new ArrayList<>();
        for (Environment.Variable v : command.getEnvironment().getVariablesList()) {
            if ((!v.hasType() || v.getType() == Environment.Variable.Type.VALUE) && !v.getName().isEmpty()) out.add(v.getName() + "=" + v.getValue());
        }
        return out;
    }
}
