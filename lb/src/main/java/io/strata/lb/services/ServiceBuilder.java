package io.strata.lb.services;

import io.strata.lb.marathon.MarathonApp;
import io.strata.lb.marathon.MarathonTask;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Marathon's apps → the services to load-balance, as marathon-lb decides: blue/green apps merged, one service per
 * service port with its labels read, and as backends the tasks that are running (and healthy, with
 * {@code --health-check}) at their host's address or, with IP-per-task, their own. Pure except for the two
 * functions it is given: host name → address and the remembered health of tasks Marathon reports without results.
 */
public final class ServiceBuilder {
    /** Task states that never get traffic: not yet running, being killed, or gone. Lost and unreachable tasks keep it. */
    public static final Set<String> EXCLUDED_STATES = Set.of("TASK_STAGING", "TASK_STARTING", "TASK_KILLING",
            "TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_ERROR", "TASK_DROPPED", "TASK_GONE",
            "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN");

    /**
     * @param strictMode        services are off unless {@code HAPROXY_{n}_ENABLED=true}
     * @param healthCheck       only tasks whose Marathon health checks pass (for apps that have health checks)
     * @param ipPerTaskPortMin  first port to give IP-per-task apps without service ports (0: none)
     * @param ipPerTaskPortMax  last such port
     * @param ignoredAppId      an app never served (the load balancer's own app), or null
     */
    public record Options(boolean strictMode, boolean healthCheck, int ipPerTaskPortMin, int ipPerTaskPortMax,
                          String ignoredAppId) {
        public static Options defaults() {
            return new Options(false, false, 0, 0, null);
        }
    }

    /** What the services were built from, for the record of what was left out. */
    public record Result(List<Service> services, List<Skipped> skipped) {}

    /** Remembered health for tasks Marathon shows without {@code healthCheckResults}. */
    public interface HealthMemory {
        Boolean get(String taskId);

        void put(String taskId, boolean alive);

        HealthMemory NONE = new HealthMemory() {
            @Override
            public Boolean get(String taskId) {
                return null;
            }

            @Override
            public void put(String taskId, boolean alive) {}
        };
    }

    private ServiceBuilder() {}

    public static Result build(List<MarathonApp> apps, Options options, Function<String, String> resolveHost,
                               HealthMemory health) {
        List<Service> services = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        ServicePortAssigner assigner = new ServicePortAssigner(options.ipPerTaskPortMin(), options.ipPerTaskPortMax());
        for (MarathonApp app : DeploymentGroups.merge(apps)) {
            if (options.ignoredAppId() != null && app.id().equals(options.ignoredAppId())) continue;
            List<Integer> servicePorts = app.servicePorts();
            if (servicePorts.isEmpty() && app.networkMode().equals("container") && assigner.enabled() && !app.tasks().isEmpty()) {
                servicePorts = assigner.assign(app, taskPorts(app, app.tasks().get(0)));
            }
            List<Service> own = new ArrayList<>();
            try {
                for (int i = 0; i < servicePorts.size(); i++) {
                    Integer sp = servicePorts.get(i);
                    own.add(sp == null || sp == 0 ? null : ServiceLabels.parse(app, i, sp, options.strictMode()));
                }
            } catch (LabelException e) {
                skipped.add(new Skipped(app.id(), e.getMessage()));
                continue;
            }
            List<List<Backend>> backends = new ArrayList<>();
            for (int i = 0; i < own.size(); i++) backends.add(new ArrayList<>());
            boolean checked = options.healthCheck() && !app.healthChecks().isEmpty();
            for (MarathonTask task : app.tasks()) {
                if (task.host() == null || task.host().isEmpty()) continue;
                if (task.state() != null && EXCLUDED_STATES.contains(task.state())) continue;
                if (checked) {
                    boolean alive;
                    if (task.healthAlive() == null) {
                        alive = Boolean.TRUE.equals(health.get(task.id()));
                    } else {
                        alive = task.anyAlive();
                        health.put(task.id(), alive);
                    }
                    if (!alive) continue;
                }
                String ip = app.networkMode().equals("container")
                        ? (task.ipAddresses().isEmpty() ? null : task.ipAddresses().get(0))
                        : resolveHost.apply(task.host());
                List<Integer> ports = taskPorts(app, task);
                if (ip == null || ip.isEmpty() || ports.isEmpty()) continue;
                for (int i = 0; i < Math.min(ports.size(), own.size()); i++) {
                    if (own.get(i) != null) backends.get(i).add(new Backend(task.host(), ip, ports.get(i), task.draining()));
                }
            }
            for (int i = 0; i < own.size(); i++) {
                if (own.get(i) == null || backends.get(i).isEmpty()) continue;
                java.util.Map<String, Backend> unique = new java.util.LinkedHashMap<>();
                for (Backend b : backends.get(i)) unique.putIfAbsent(b.host() + ":" + b.port(), b);
                List<Backend> sorted = new ArrayList<>(unique.values());
                sorted.sort(Comparator.comparing(Backend::host).thenComparingInt(Backend::port));
                services.add(own.get(i).withBackends(sorted));
            }
        }
        services.sort(Comparator.comparing(Service::appId).thenComparingInt(Service::servicePort));
        return new Result(services, skipped);
    }

    /** The ports a task serves on, by networking mode (marathon-lb's rules). */
    public static List<Integer> taskPorts(MarathonApp app, MarathonTask task) {
        switch (app.networkMode()) {
            case "host" -> {
                return !task.ports().isEmpty() ? task.ports() : app.portDefinitionPorts();
            }
            case "container/bridge" -> {
                if (!task.ports().isEmpty()) return task.ports();
                if (!app.portDefinitionPorts().isEmpty()) return app.portDefinitionPorts();
                return app.containerPorts();
            }
            default -> {
                return !app.discoveryPorts().isEmpty() ? app.discoveryPorts() : app.containerPorts();
            }
        }
    }
}
