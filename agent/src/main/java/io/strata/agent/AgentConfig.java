package io.strata.agent;

import io.strata.agent.containerizer.docker.DockerSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything an agent needs to start. Built by {@code dcos-node agent} (flags named after Mesos' agent flags)
 * and by {@code dcos-node local}.
 *
 * @param master              {@code zk://host:2181/strata} or {@code host:port} of a master
 * @param bindHost            address to listen on (127.0.0.1 unless configured)
 * @param port                HTTP port (5051; 0 picks a free one)
 * @param advertisedHost      host name/IP in AgentInfo, offers and the task's HOST variable; Docker port mappings
 *                            are bound to it
 * @param workDir             sandboxes and checkpoints live here ({@code slaves/...}, {@code meta/...})
 * @param resources           Mesos --resources ("cpus:4;mem:8192;ports:[31000-32000]"), or null to detect
 * @param attributes          Mesos --attributes ("rack:a;zone:1"), or null
 * @param isPublic            a public agent: its resources are reserved for role {@code slave_public}
 * @param killTasksOnShutdown kill every task on a graceful shutdown (local cluster); otherwise tasks keep
 *                            running and are recovered when the agent comes back
 * @param cgroupsRoot         cgroup name prefix for tasks ("strata"); null disables cgroups
 * @param maxCompletedTasks   completed tasks kept for /state
 * @param containerizers      Mesos --containerizers: {@code mesos} (processes) and/or {@code docker}, in order;
 *                            null is {@code mesos} plus {@code docker} when the Docker daemon answers at start
 * @param docker              how to reach the Docker daemon and its registries; null is the defaults
 */
public record AgentConfig(
        String master,
        String bindHost,
        int port,
        String advertisedHost,
        Path workDir,
        String resources,
        String attributes,
        boolean isPublic,
        boolean killTasksOnShutdown,
        String cgroupsRoot,
        int maxCompletedTasks,
        List<String> containerizers,
        DockerSettings docker) {

    public static final String MESOS = "mesos";
    public static final String DOCKER = "docker";

    public AgentConfig {
        if (containerizers != null) containerizers = checkContainerizers(containerizers);
    }

    /** The configuration before containerizers were configurable: Docker is used when its daemon answers. */
    public AgentConfig(String master, String bindHost, int port, String advertisedHost, Path workDir, String resources,
                       String attributes, boolean isPublic, boolean killTasksOnShutdown, String cgroupsRoot,
                       int maxCompletedTasks) {
        this(master, bindHost, port, advertisedHost, workDir, resources, attributes, isPublic, killTasksOnShutdown,
                cgroupsRoot, maxCompletedTasks, null, null);
    }

    public static AgentConfig defaults(String master, Path workDir) {
        return new AgentConfig(master, "127.0.0.1", 5051, "127.0.0.1", workDir, null, null, false, false, "strata", 1000);
    }

    /** This configuration with Mesos' --containerizers (null: automatic). */
    public AgentConfig withContainerizers(List<String> containerizers) {
        return new AgentConfig(master, bindHost, port, advertisedHost, workDir, resources, attributes, isPublic,
                killTasksOnShutdown, cgroupsRoot, maxCompletedTasks, containerizers, docker);
    }

    /** This configuration with other Docker settings (null: the defaults). */
    public AgentConfig withDocker(DockerSettings docker) {
        return new AgentConfig(master, bindHost, port, advertisedHost, workDir, resources, attributes, isPublic,
                killTasksOnShutdown, cgroupsRoot, maxCompletedTasks, containerizers, docker);
    }

    /** The Docker settings to use: the configured ones or the defaults. */
    public DockerSettings dockerSettings() {
        return docker != null ? docker : DockerSettings.defaults();
    }

    /**
     * Parses Mesos' {@code --containerizers} flag: a comma-separated list of {@code mesos} and {@code docker}
     * ("docker,mesos" as on DC/OS). Null or blank is null (automatic). IllegalArgumentException on anything else.
     */
    public static List<String> parseContainerizers(String flag) {
        if (flag == null || flag.isBlank()) return null;
        List<String> out = new ArrayList<>();
        for (String part : flag.split(",")) out.add(part.trim().toLowerCase(Locale.ROOT));
        return checkContainerizers(out);
    }

    private static List<String> checkContainerizers(List<String> names) {
        if (names.isEmpty()) throw new IllegalArgumentException("--containerizers must name at least one of mesos, docker");
        for (String n : names) {
            if (!MESOS.equals(n) && !DOCKER.equals(n)) {
                throw new IllegalArgumentException("Unknown containerizer '" + n + "': the agent has mesos and docker");
            }
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("--containerizers names a containerizer twice: " + String.join(",", names));
        }
        return List.copyOf(names);
    }
}
