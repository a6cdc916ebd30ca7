package io.strata.marathon.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An app as Marathon stores it: canonical (absolute ids, deprecated fields translated, defaults applied) and
 * immutable. Parts Strata only stores and passes on (secrets, check, resource limits, residency...) are kept as
 * the JSON the user gave. Build changed copies with {@link #toBuilder()}.
 */
public record AppDefinition(
        PathId id,
        String cmd,
        List<String> args,
        String user,
        Map<String, EnvValue> env,
        int instances,
        double cpus,
        double mem,
        double disk,
        int gpus,
        String executor,
        List<Constraint> constraints,
        List<FetchUri> fetch,
        List<PortDefinition> portDefinitions,
        boolean requirePorts,
        int backoffSeconds,
        double backoffFactor,
        int maxLaunchDelaySeconds,
        Container container,
        List<HealthCheck> healthChecks,
        List<ReadinessCheck> readinessChecks,
        Integer taskKillGracePeriodSeconds,
        List<PathId> dependencies,
        UpgradeStrategy upgradeStrategy,
        Map<String, String> labels,
        List<String> acceptedResourceRoles,
        List<Network> networks,
        JsonNode secrets,
        UnreachableStrategy unreachableStrategy,
        KillSelection killSelection,
        Boolean tty,
        String role,
        JsonNode executorResources,
        JsonNode check,
        JsonNode resourceLimits,
        JsonNode residency,
        VersionInfo versionInfo) {

    public static final double DEFAULT_CPUS = 1.0, DEFAULT_MEM = 128.0, DEFAULT_DISK = 0.0, DEFAULT_BACKOFF_FACTOR = 1.15;
    public static final int DEFAULT_BACKOFF_SECONDS = 1, DEFAULT_MAX_LAUNCH_DELAY_SECONDS = 300;

    public AppDefinition {
        Objects.requireNonNull(id, "id");
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
        constraints = constraints == null ? List.of() : List.copyOf(constraints);
        fetch = fetch == null ? List.of() : List.copyOf(fetch);
        portDefinitions = portDefinitions == null ? List.of() : List.copyOf(portDefinitions);
        healthChecks = healthChecks == null ? List.of() : List.copyOf(healthChecks);
        readinessChecks = readinessChecks == null ? List.of() : List.copyOf(readinessChecks);
        dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        acceptedResourceRoles = acceptedResourceRoles == null ? List.of() : List.copyOf(acceptedResourceRoles);
        networks = networks == null || networks.isEmpty() ? List.of(Network.HOST) : List.copyOf(networks);
        executor = executor == null ? "" : executor;
        upgradeStrategy = upgradeStrategy == null ? UpgradeStrategy.DEFAULT : upgradeStrategy;
        unreachableStrategy = unreachableStrategy == null ? UnreachableStrategy.DEFAULT : unreachableStrategy;
        killSelection = killSelection == null ? KillSelection.YOUNGEST_FIRST : killSelection;
        role = role == null ? "*" : role;
    }

    /** A minimal app with Marathon's defaults, for tests and tools. */
    public static Builder builder(PathId id) {
        return new Builder(id);
    }

    public boolean usesHostNetworking() {
        return networks.stream().allMatch(Network::isHost);
    }

    public boolean usesBridgeNetworking() {
        return networks.stream().anyMatch(Network::isBridge);
    }

    /** Port mappings when the app uses container networking, otherwise empty. */
    public List<PortMapping> portMappings() {
        if (usesHostNetworking() || container == null || container.portMappings() == null) return List.of();
        return container.portMappings();
    }

    /** The app's service ports: from port definitions (host networking) or port mappings. */
    public List<Integer> servicePorts() {
        List<Integer> out = new ArrayList<>();
        if (usesHostNetworking()) {
            for (PortDefinition p : portDefinitions) out.add(p.port());
        } else {
            for (PortMapping m : portMappings()) out.add(m.servicePort() == null ? 0 : m.servicePort());
        }
        return out;
    }

    /** How many host ports one task needs (each port definition, each port mapping with a host port). */
    public int hostPortCount() {
        if (usesHostNetworking()) return portDefinitions.size();
        int n = 0;
        for (PortMapping m : portMappings()) if (m.hostPort() != null) n++;
        return n;
    }

    /** Port names in index order (for readiness checks' portName). */
    public List<String> portNames() {
        List<String> out = new ArrayList<>();
        if (usesHostNetworking()) for (PortDefinition p : portDefinitions) out.add(p.name());
        else for (PortMapping m : portMappings()) out.add(m.name());
        return out;
    }

    public boolean isSingleInstance() {
        return "true".equals(labels.get("MARATHON_SINGLE_INSTANCE_APP"));
    }

    public java.time.Instant version() {
        return versionInfo == null ? null : versionInfo.version();
    }

    /** The same app apart from its instance count and version information. */
    public boolean sameConfigAs(AppDefinition other) {
        return other != null && withoutScaleAndVersion().equals(other.withoutScaleAndVersion());
    }

    /** True when going from this app to {@code to} changes only the instance count. */
    public boolean isOnlyScaleChange(AppDefinition to) {
        return sameConfigAs(to) && instances != to.instances && sameConfigChangeTime(to);
    }

    /** True when running tasks must be replaced to go from this app to {@code to}. */
    public boolean needsRestart(AppDefinition to) {
        return !sameConfigAs(to) || !sameConfigChangeTime(to);
    }

    private boolean sameConfigChangeTime(AppDefinition to) {
        Object a = versionInfo == null ? null : versionInfo.lastConfigChangeAt();
        Object b = to.versionInfo == null ? null : to.versionInfo.lastConfigChangeAt();
        return Objects.equals(a, b);
    }

    private AppDefinition withoutScaleAndVersion() {
        return toBuilder().instances(0).versionInfo(null).build();
    }

    public AppDefinition withInstances(int n) {
        return toBuilder().instances(n).build();
    }

    public AppDefinition withVersionInfo(VersionInfo v) {
        return toBuilder().versionInfo(v).build();
    }

    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.cmd = cmd; b.args = args; b.user = user; b.env = env; b.instances = instances; b.cpus = cpus; b.mem = mem;
        b.disk = disk; b.gpus = gpus; b.executor = executor; b.constraints = constraints; b.fetch = fetch;
        b.portDefinitions = portDefinitions; b.requirePorts = requirePorts; b.backoffSeconds = backoffSeconds;
        b.backoffFactor = backoffFactor; b.maxLaunchDelaySeconds = maxLaunchDelaySeconds; b.container = container;
        b.healthChecks = healthChecks; b.readinessChecks = readinessChecks; b.taskKillGracePeriodSeconds = taskKillGracePeriodSeconds;
        b.dependencies = dependencies; b.upgradeStrategy = upgradeStrategy; b.labels = labels;
        b.acceptedResourceRoles = acceptedResourceRoles; b.networks = networks; b.secrets = secrets;
        b.unreachableStrategy = unreachableStrategy; b.killSelection = killSelection; b.tty = tty; b.role = role;
        b.executorResources = executorResources; b.check = check; b.resourceLimits = resourceLimits; b.residency = residency;
        b.versionInfo = versionInfo;
        return b;
    }

    /** Mutable twin of the record, used while reading JSON and when deriving changed copies. */
    public static final class Builder {
        public PathId id;
        public String cmd;
        public List<String> args = List.of();
        public String user;
        public Map<String, EnvValue> env = Map.of();
        public int instances = 1;
        public double cpus = DEFAULT_CPUS, mem = DEFAULT_MEM, disk = DEFAULT_DISK;
        public int gpus;
        public String executor = "";
        public List<Constraint> constraints = List.of();
        public List<FetchUri> fetch = List.of();
        public List<PortDefinition> portDefinitions = List.of(new PortDefinition(0, "tcp", "default", Map.of()));
        public boolean requirePorts;
        public int backoffSeconds = DEFAULT_BACKOFF_SECONDS;
        public double backoffFactor = DEFAULT_BACKOFF_FACTOR;
        public int maxLaunchDelaySeconds = DEFAULT_MAX_LAUNCH_DELAY_SECONDS;
        public Container container;
        public List<HealthCheck> healthChecks = List.of();
        public List<ReadinessCheck> readinessChecks = List.of();
        public Integer taskKillGracePeriodSeconds;
        public List<PathId> dependencies = List.of();
        public UpgradeStrategy upgradeStrategy = UpgradeStrategy.DEFAULT;
        public Map<String, String> labels = Map.of();
        public List<String> acceptedResourceRoles = List.of();
        public List<Network> networks = List.of(Network.HOST);
        public JsonNode secrets;
        public UnreachableStrategy unreachableStrategy = UnreachableStrategy.DEFAULT;
        public KillSelection killSelection = KillSelection.YOUNGEST_FIRST;
        public Boolean tty;
        public String role = "*";
        public JsonNode executorResources, check, resourceLimits, residency;
        public VersionInfo versionInfo;

        Builder(PathId id) {
            this.id = id;
        }

        public Builder id(PathId v) { id = v; return this; }
        public Builder cmd(String v) { cmd = v; return this; }
        public Builder args(List<String> v) { args = v; return this; }
        public Builder instances(int v) { instances = v; return this; }
        public Builder cpus(double v) { cpus = v; return this; }
        public Builder mem(double v) { mem = v; return this; }
        public Builder portDefinitions(List<PortDefinition> v) { portDefinitions = v; return this; }
        public Builder container(Container v) { container = v; return this; }
        public Builder healthChecks(List<HealthCheck> v) { healthChecks = v; return this; }
        public Builder readinessChecks(List<ReadinessCheck> v) { readinessChecks = v; return this; }
        public Builder dependencies(List<PathId> v) { dependencies = v; return this; }
        public Builder upgradeStrategy(UpgradeStrategy v) { upgradeStrategy = v; return this; }
        public Builder labels(Map<String, String> v) { labels = v; return this; }
        public Builder networks(List<Network> v) { networks = v; return this; }
        public Builder killSelection(KillSelection v) { killSelection = v; return this; }
        public Builder constraints(List<Constraint> v) { constraints = v; return this; }
        public Builder role(String v) { role = v; return this; }
        public Builder env(Map<String, EnvValue> v) { env = v; return this; }
        public Builder versionInfo(VersionInfo v) { versionInfo = v; return this; }

        public AppDefinition build() {
            return new AppDefinition(id, cmd, args, user, env, instances, cpus, mem, disk, gpus, executor, constraints, fetch,
                    portDefinitions, requirePorts, backoffSeconds, backoffFactor, maxLaunchDelaySeconds, container,
                    healthChecks, readinessChecks, taskKillGracePeriodSeconds, dependencies, upgradeStrategy, labels,
                    acceptedResourceRoles, networks, secrets, unreachableStrategy, killSelection, tty, role,
                    executorResources, check, resourceLimits, residency, versionInfo);
        }
    }
}
