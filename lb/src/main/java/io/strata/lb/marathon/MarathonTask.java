package io.strata.lb.marathon;

import java.util.List;

/**
 * One task of an app as {@code /v2/apps?embed=apps.tasks} shows it.
 *
 * @param host         the agent's host name
 * @param ipAddresses  the task's own addresses (IP-per-task)
 * @param ports        host ports (or container ports with IP-per-task)
 * @param state        Mesos state ("TASK_RUNNING"), or null when Marathon left it out
 * @param healthAlive  one entry per health check result, or null when the task has no {@code healthCheckResults}
 * @param draining     set by blue/green merging: the old task HAProxy should stop sending new traffic to
 */
public record MarathonTask(String id, String host, List<String> ipAddresses, List<Integer> ports, String state,
                           List<Boolean> healthAlive, boolean draining) {

    public MarathonTask {
        ipAddresses = ipAddresses == null ? List.of() : List.copyOf(ipAddresses);
        ports = ports == null ? List.of() : List.copyOf(ports);
        healthAlive = healthAlive == null ? null : List.copyOf(healthAlive);
    }

    public MarathonTask withDraining(boolean d) {
        return new MarathonTask(id, host, ipAddresses, ports, state, healthAlive, d);
    }

    /** True when at least one health check result says alive (marathon-lb's rule). */
    public boolean anyAlive() {
        return healthAlive != null && healthAlive.contains(Boolean.TRUE);
    }
}
