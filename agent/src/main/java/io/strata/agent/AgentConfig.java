package io.strata.agent;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything an agent needs to start. Built by {@code dcos-node agent} (flags named after Mesos' agent flags)
 * and by {@code dcos-node local}.
 *
 * @param master              {@code zk://host:2181/strata} or {@code host:port} of a master
 * @param bindHost            address to listen on (127.0.0.1 unless configured)
 * @param port                HTTP port (5051; 0 picks a free one)
 * @param advertisedHost      host name/IP in AgentInfo, offers and the task's HOST variable
 * @param workDir             sandboxes and checkpoints live here ({@code slaves/...}, {@code meta/...})
 * @param resources           Mesos --resources ("cpus:4;mem:8192;ports:[31000-32000]"), or null to detect
 * @param attributes          Mesos --attributes ("rack:a;zone:1"), or null
 * @param isPublic            a public agent: its resources are reserved for role {@code slave_public}
 * @param killTasksOnShutdown kill every task on a graceful shutdown (local cluster); otherwise tasks keep
 *                            running and are recovered when the agent comes back
 * @param cgroupsRoot         cgroup name prefix for tasks ("strata"); null disables cgroups
 * @param maxCompletedTasks   completed tasks kept for /state
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
        int maxCompletedTasks) {

    public static AgentConfig defaults(String master, Path workDir) {
        return new AgentConfig(master, "127.0.0.1", 5051, "127.0.0.1", workDir, null, null, false, false, "strata", 1000);
    }
}
