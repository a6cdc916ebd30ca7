package io.strata.lb.marathon;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An app as the load balancer sees it: id, labels, networking, service ports, health checks and tasks.
 *
 * @param networkMode        {@code host}, {@code container/bridge} or {@code container} (marathon-lb's three cases)
 * @param servicePorts       the app's service ports, in port order; an entry may be null (no service port)
 * @param portDefinitionPorts ports of {@code portDefinitions} (host networking)
 * @param containerPorts     {@code containerPort}s of the port mappings
 * @param discoveryPorts     ports of the deprecated {@code ipAddress.discovery}
 * @param lastScalingAt      {@code versionInfo.lastScalingAt}, or null
 */
public record MarathonApp(String id, Map<String, String> labels, int instances, String networkMode,
                          List<Integer> servicePorts, List<Integer> portDefinitionPorts, List<Integer> containerPorts,
                          List<Integer> discoveryPorts, List<HealthCheck> healthChecks, List<MarathonTask> tasks,
                          String lastScalingAt) {

    public MarathonApp {
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        if (networkMode == null) networkMode = "host";
        servicePorts = servicePorts == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(servicePorts));
        portDefinitionPorts = portDefinitionPorts == null ? List.of() : List.copyOf(portDefinitionPorts);
        containerPorts = containerPorts == null ? List.of() : List.copyOf(containerPorts);
        discoveryPorts = discoveryPorts == null ? List.of() : List.copyOf(discoveryPorts);
        healthChecks = healthChecks == null ? List.of() : List.copyOf(healthChecks);
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
    }

    /** A host-networking app with these service ports, for tests and benchmarks. */
    public static MarathonApp simple(String id, Map<String, String> labels, List<Integer> servicePorts,
                                     List<HealthCheck> healthChecks, List<MarathonTask> tasks) {
        return new MarathonApp(id, labels, tasks.size(), "host", servicePorts, servicePorts, List.of(), List.of(),
                healthChecks, tasks, null);
    }

    public MarathonApp withId(String newId) {
        return new MarathonApp(newId, labels, instances, networkMode, servicePorts, portDefinitionPorts, containerPorts,
                discoveryPorts, healthChecks, tasks, lastScalingAt);
    }

    public MarathonApp withTasks(List<MarathonTask> newTasks) {
        return new MarathonApp(id, labels, instances, networkMode, servicePorts, portDefinitionPorts, containerPorts,
                discoveryPorts, healthChecks, newTasks, lastScalingAt);
    }

    public MarathonApp withServicePorts(List<Integer> ports) {
        return new MarathonApp(id, labels, instances, networkMode, ports, portDefinitionPorts, containerPorts,
                discoveryPorts, healthChecks, tasks, lastScalingAt);
    }

    public String label(String key) {
        return labels.get(key);
    }

    /** marathon-lb's health check for the service port at {@code index}: the first with a fixed port or that index. */
    public HealthCheck healthCheckFor(int index) {
        for (HealthCheck hc : healthChecks) {
            if (hc.port() != null && hc.port() != 0) return hc;
            if (hc.portIndex() != null && hc.portIndex() == index) return hc;
        }
        return null;
    }
}
