package io.strata.agent.containerizer.docker;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Ulimit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ContainerInfo;
import org.apache.mesos.v1.Protos.ContainerInfo.DockerInfo;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.Protos.Volume;

/**
 * What {@code docker run} would be told for a task, as Mesos' docker containerizer builds it, in Engine API terms:
 * the image, entrypoint and command ({@code /bin/sh -c <value>} for a shell command, else the image's entrypoint
 * with {@code value} and {@code arguments}), the environment, labels, the sandbox mounted at
 * {@value #SANDBOX_MOUNT}, volumes, the network with its port mappings (host ports from the task's {@code ports}
 * resources, bound to the agent's address), privileged, cpu shares, CFS quota and memory from the task's
 * resources, then {@code parameters} (docker run's long options, which win as later options do on the command
 * line). Pure: nothing here talks to Docker, so it is tested without a daemon.
 */
public final class DockerRunSpec {
    public static final String SANDBOX_MOUNT = "/mnt/mesos/sandbox";
    /** Mesos' docker containerizer names its containers {@code mesos-<container id>}. */
    public static final String NAME_PREFIX = "mesos-";
    public static final String LABEL_WORK_DIR = "io.strata.agent.work_dir";
    public static final String LABEL_AGENT_ID = "io.strata.agent.id";
    public static final String LABEL_CONTAINER_ID = "io.strata.container.id";
    public static final String LABEL_FRAMEWORK_ID = "io.strata.framework.id";
    public static final String LABEL_TASK_ID = "io.strata.task.id";

    static final int CPU_SHARES_PER_CPU = 1024;
    static final int MIN_CPU_SHARES = 2;
    static final long CFS_PERIOD_US = 100_000;
    static final long MIN_CFS_QUOTA_US = 1_000;
    static final long MIN_MEMORY_BYTES = 32L * 1024 * 1024;

    /**
     * What the agent knows about the container.
     *
     * @param containerId  the agent's container id (the sandbox's run directory name)
     * @param sandbox      the sandbox on the host, mounted at {@value #SANDBOX_MOUNT}
     * @param portBindIp   the host address port mappings are bound to (the agent's advertised address)
     * @param environment  the task's environment (Mesos variables, PORT*, HOST, the framework's)
     * @param labels       the agent's own labels (work dir, ids) that find the container again after a restart
     */
    public record Context(String containerId, Path sandbox, String portBindIp, Map<String, String> environment,
                          Map<String, String> labels) {}

    /** A port mapping of the task, host port from its resources. */
    public record PortMapping(int hostPort, int containerPort, String protocol) {}

    // what the container is; package-private: DockerParameters edits them
    final String name;
    final ImageReference image;
    final String imageName;
    final boolean forcePull;
    List<String> entrypoint;
    List<String> cmd;
    final Map<String, String> env = new LinkedHashMap<>();
    final List<String> unsetEnv = new ArrayList<>();
    final Map<String, String> labels = new LinkedHashMap<>();
    final List<ExposedPort> exposedPorts = new ArrayList<>();
    final List<PortMapping> portMappings = new ArrayList<>();
    String hostname;
    String user;
    String workingDir;
    String stopSignal;
    String macAddress;
    // how it runs
    String networkMode;
    boolean networkFromParameter;
    final Ports portBindings = new Ports();
    final List<Bind> binds = new ArrayList<>();
    String volumeDriver;
    boolean privileged;
    Integer cpuShares;
    Long cpuQuota;
    Long cpuPeriod;
    Long nanoCpus;
    String cpusetCpus;
    String cpusetMems;
    Long memory;
    Long memoryReservation;
    Long memorySwap;
    Long memorySwappiness;
    Long shmSize;
    Long pidsLimit;
    final List<String> dns = new ArrayList<>();
    final List<String> dnsSearch = new ArrayList<>();
    final List<String> dnsOptions = new ArrayList<>();
    final List<String> extraHosts = new ArrayList<>();
    final List<Capability> capAdd = new ArrayList<>();
    final List<Capability> capDrop = new ArrayList<>();
    final List<Ulimit> ulimits = new ArrayList<>();
    final List<Device> devices = new ArrayList<>();
    final List<String> securityOpts = new ArrayList<>();
    final List<String> groupAdd = new ArrayList<>();
    final Map<String, String> sysctls = new LinkedHashMap<>();
    final Map<String, String> tmpfs = new LinkedHashMap<>();
    LogConfig.LoggingType logDriver;
    final Map<String, String> logOptions = new LinkedHashMap<>();
    Boolean init;
    Boolean readOnly;
    Boolean oomKillDisable;
    Integer oomScoreAdj;
    String pidMode;
    String ipcMode;
    String utsMode;
    String usernsMode;
    String cgroupParent;
    String runtime;

    private DockerRunSpec(String name, ImageReference image, String imageName, boolean forcePull) {
        this.name = name;
        this.image = image;
        this.imageName = imageName;
        this.forcePull = forcePull;
    }

    /**
     * The container for a task with a DOCKER ContainerInfo. IllegalArgumentException says why the task cannot run
     * (the agent reports it as a failed launch).
     */
    public static DockerRunSpec of(TaskInfo task, Context ctx) {
        ContainerInfo container = task.getContainer();
        if (container.getType() != ContainerInfo.Type.DOCKER || !container.hasDocker()) {
            throw new IllegalArgumentException("the task has no DOCKER container");
        }
        DockerInfo docker = container.getDocker();
        ImageReference image = ImageReference.parse(docker.getImage());
        DockerRunSpec s = new DockerRunSpec(NAME_PREFIX + ctx.containerId(), image, docker.getImage().trim(), docker.getForcePullImage());

        command(s, task.getCommand());
        s.env.putAll(ctx.environment());
        s.env.put("MESOS_SANDBOX", SANDBOX_MOUNT);
        s.env.put("MESOS_CONTAINER_NAME", s.name);
        allocationRole(task.getResourcesList()).ifPresent(role -> s.env.put("MESOS_ALLOCATION_ROLE", role));
        if (task.hasLabels()) {
            for (Label l : task.getLabels().getLabelsList()) if (!l.getKey().isEmpty()) s.labels.put(l.getKey(), l.getValue());
        }
        s.labels.putAll(ctx.labels());

        resources(s, task);
        legacyVolumeDriver(docker).ifPresent(d -> s.volumeDriver = d);
        volumes(s, container, ctx.sandbox());
        s.binds.add(new Bind(ctx.sandbox().toString(), new com.github.dockerjava.api.model.Volume(SANDBOX_MOUNT),
                com.github.dockerjava.api.model.AccessMode.rw));
        s.privileged = docker.getPrivileged();

        network(s, container);
        DockerParameters.apply(s, docker.getParametersList());
        portMappings(s, task, docker, ctx.portBindIp());
        return s;
    }

    /** DockerInfo.volume_driver: deprecated by Volume.Source.DockerVolume.driver, still what older frameworks send. */
    @SuppressWarnings("deprecation")
    private static Optional<String> legacyVolumeDriver(DockerInfo docker) {
        return docker.hasVolumeDriver() && !docker.getVolumeDriver().isBlank() ? Optional.of(docker.getVolumeDriver()) : Optional.empty();
    }

    private static void command(DockerRunSpec s, CommandInfo command) {
        boolean shell = !command.hasShell() || command.getShell();
        if (shell) {
            // docker's --entrypoint takes one word, so a shell command is "/bin/sh" with "-c <value>" as arguments
            if (!command.hasValue() || command.getValue().isBlank()) {
                throw new IllegalArgumentException("Shell specified but no command value provided");
            }
            s.entrypoint = List.of("/bin/sh");
            s.cmd = List.of("-c", command.getValue());
        } else {
            List<String> args = new ArrayList<>();
            if (command.hasValue() && !command.getValue().isEmpty()) args.add(command.getValue());
            args.addAll(command.getArgumentsList());
            s.cmd = args.isEmpty() ? null : args; // none: the image's own CMD
        }
    }

    private static Optional<String> allocationRole(List<Resource> resources) {
        for (Resource r : resources) {
            if (r.hasAllocationInfo() && r.getAllocationInfo().hasRole()) return Optional.of(r.getAllocationInfo().getRole());
        }
        return Optional.empty();
    }

    private static void resources(DockerRunSpec s, TaskInfo task) {
        double cpus = scalar(task.getResourcesList(), "cpus");
        double mem = scalar(task.getResourcesList(), "mem");
        Double cpuLimit = task.getLimitsMap().containsKey("cpus") ? task.getLimitsMap().get("cpus").getValue() : null;
        Double memLimit = task.getLimitsMap().containsKey("mem") ? task.getLimitsMap().get("mem").getValue() : null;
        if (cpus > 0) s.cpuShares = Math.max((int) (CPU_SHARES_PER_CPU * cpus), MIN_CPU_SHARES);
        double quotaCpus = cpuLimit != null ? cpuLimit : cpus;
        if (quotaCpus > 0 && !Double.isInfinite(quotaCpus)) {
            s.cpuPeriod = CFS_PERIOD_US;
            s.cpuQuota = Math.max((long) (CFS_PERIOD_US * quotaCpus), MIN_CFS_QUOTA_US);
        }
        if (memLimit != null) {
            if (!Double.isInfinite(memLimit)) s.memory = Math.max(mb(memLimit), MIN_MEMORY_BYTES);
            if (mem > 0) s.memoryReservation = Math.max(mb(mem), MIN_MEMORY_BYTES);
        } else if (mem > 0) {
            s.memory = Math.max(mb(mem), MIN_MEMORY_BYTES);
        }
    }

    private static long mb(double megabytes) {
        return (long) megabytes * 1024 * 1024;
    }

    static double scalar(List<Resource> resources, String name) {
        double sum = 0;
        for (Resource r : resources) if (r.getName().equals(name) && r.getType() == Value.Type.SCALAR) sum += r.getScalar().getValue();
        return sum;
    }

    private static void volumes(DockerRunSpec s, ContainerInfo container, Path sandbox) {
        for (Volume v : container.getVolumesList()) {
            String containerPath = v.getContainerPath();
            if (containerPath.isBlank()) throw new IllegalArgumentException("a volume has no container_path");
            // a relative container path is inside the mapped sandbox
            String target = containerPath.startsWith("/") ? normalizeAbsolute(containerPath, "container_path")
                    : SANDBOX_MOUNT + "/" + relativeInside(containerPath, "container_path");
            com.github.dockerjava.api.model.AccessMode mode = v.getMode() == Volume.Mode.RO
                    ? com.github.dockerjava.api.model.AccessMode.ro : com.github.dockerjava.api.model.AccessMode.rw;
            String source;
            if (v.hasHostPath() && !v.getHostPath().isEmpty()) {
                String host = v.getHostPath();
                if (!host.startsWith("/") && !containerPath.startsWith("/")) {
                    throw new IllegalArgumentException("Both host_path '" + host + "' and container_path '" + containerPath
                            + "' of a volume are relative");
                }
                if (host.startsWith("/")) {
                    source = normalizeAbsolute(host, "host_path");
                    if (!Files.exists(Path.of(source))) {
                        throw new IllegalArgumentException("Volume host_path '" + host + "' does not exist on this agent");
                    }
                } else {
                    // relative to the sandbox, and never out of it
                    source = sandbox.resolve(relativeInside(host, "host_path")).toString();
                }
            } else if (v.hasSource() && v.getSource().getType() == Volume.Source.Type.DOCKER_VOLUME) {
                Volume.Source.DockerVolume dv = v.getSource().getDockerVolume();
                if (dv.getName().isBlank()) throw new IllegalArgumentException("a DOCKER_VOLUME volume has no name");
                source = dv.getName();
                if (dv.hasDriver() && !dv.getDriver().isBlank()) {
                    if (s.volumeDriver != null && !s.volumeDriver.equals(dv.getDriver())) {
                        throw new IllegalArgumentException("Only one volume driver is supported");
                    }
                    s.volumeDriver = dv.getDriver();
                }
            } else if (v.hasSource()) {
                throw new IllegalArgumentException("Volumes of type " + v.getSource().getType()
                        + " are not supported by the docker containerizer; use host_path or a DOCKER_VOLUME");
            } else if (v.hasImage()) {
                throw new IllegalArgumentException("Image volumes are not supported by the docker containerizer");
            } else {
                throw new IllegalArgumentException("Host path or volume source is required");
            }
            s.binds.add(new Bind(source, new com.github.dockerjava.api.model.Volume(target), mode));
        }
    }

    static String normalizeAbsolute(String path, String what) {
        Path p = Path.of(path).normalize();
        if (!p.isAbsolute() || path.contains("\0")) throw new IllegalArgumentException("Invalid " + what + " '" + path + "'");
        for (Path part : Path.of(path)) {
            if (part.toString().equals("..")) throw new IllegalArgumentException("Invalid " + what + " '" + path + "': '..' is not allowed");
        }
        return p.toString();
    }

    static String relativeInside(String path, String what) {
        Path p = Path.of(path).normalize();
        if (p.isAbsolute() || p.startsWith("..") || p.toString().isEmpty() || path.contains("\0")) {
            throw new IllegalArgumentException("Invalid " + what + " '" + path + "': it must stay inside the sandbox");
        }
        return p.toString();
    }

    private static void network(DockerRunSpec s, ContainerInfo container) {
        DockerInfo docker = container.getDocker();
        // Mesos' default on Linux is the host network
        DockerInfo.Network network = docker.hasNetwork() ? docker.getNetwork() : DockerInfo.Network.HOST;
        switch (network) {
            case HOST -> s.networkMode = "host";
            case BRIDGE -> s.networkMode = "bridge";
            case NONE -> s.networkMode = "none";
            case USER -> {
                if (container.getNetworkInfosCount() == 0) throw new IllegalArgumentException("No network info found in container info");
                if (container.getNetworkInfosCount() > 1) throw new IllegalArgumentException("Only a single network can be defined in Docker run");
                String name = container.getNetworkInfos(0).getName();
                if (name.isBlank()) throw new IllegalArgumentException("No network name found in network info");
                s.networkMode = name;
            }
        }
        if (container.hasHostname() && !container.getHostname().isBlank()) {
            if (s.networkMode.equals("host")) throw new IllegalArgumentException("Unable to set hostname with host network mode");
            s.hostname = container.getHostname();
        }
    }

    private static void portMappings(DockerRunSpec s, TaskInfo task, DockerInfo docker, String bindIp) {
        if (docker.getPortMappingsCount() == 0) return;
        if (s.networkMode.equals("host") || s.networkMode.equals("none")) {
            throw new IllegalArgumentException("Port mappings are only supported for bridge and user-defined networks");
        }
        List<Value.Range> ranges = new ArrayList<>();
        for (Resource r : task.getResourcesList()) {
            if (r.getName().equals("ports") && r.getType() == Value.Type.RANGES) ranges.addAll(r.getRanges().getRangeList());
        }
        if (ranges.isEmpty()) throw new IllegalArgumentException("Port mappings require port resources");
        for (DockerInfo.PortMapping m : docker.getPortMappingsList()) {
            long hostPort = Integer.toUnsignedLong(m.getHostPort());
            boolean found = ranges.stream().anyMatch(r -> hostPort >= r.getBegin() && hostPort <= r.getEnd());
            if (!found) throw new IllegalArgumentException("Port [" + hostPort + "] not included in resources");
            if (m.getContainerPort() <= 0 || m.getContainerPort() > 65535) {
                throw new IllegalArgumentException("Invalid container port " + Integer.toUnsignedLong(m.getContainerPort()));
            }
            String protocols = m.hasProtocol() && !m.getProtocol().isBlank() ? m.getProtocol() : "tcp";
            for (String p : protocols.split(",")) {
                String protocol = p.trim().toLowerCase(Locale.ROOT);
                InternetProtocol ip = switch (protocol) {
                    case "tcp" -> InternetProtocol.TCP;
                    case "udp" -> InternetProtocol.UDP;
                    case "sctp" -> InternetProtocol.SCTP;
                    default -> throw new IllegalArgumentException("Unsupported port mapping protocol '" + p + "'");
                };
                ExposedPort exposed = new ExposedPort(m.getContainerPort(), ip);
                if (!s.exposedPorts.contains(exposed)) s.exposedPorts.add(exposed);
                s.portBindings.bind(exposed, Ports.Binding.bindIpAndPort(bindIp, (int) hostPort));
                s.portMappings.add(new PortMapping((int) hostPort, m.getContainerPort(), protocol));
            }
        }
    }

    /**
     * The host port a health check should probe for a port of the task: a container port with a mapping is
     * reached through its host port (Marathon names the container port for Mesos checks of bridged apps, which
     * Mesos probes inside the container's network); any other port is probed as it is.
     */
    public static int hostPortFor(TaskInfo task, int port) {
        if (!task.hasContainer() || !task.getContainer().hasDocker()) return port;
        List<DockerInfo.PortMapping> mappings = task.getContainer().getDocker().getPortMappingsList();
        for (DockerInfo.PortMapping m : mappings) if (m.getHostPort() == port) return port;
        for (DockerInfo.PortMapping m : mappings) {
            String proto = m.hasProtocol() ? m.getProtocol().toLowerCase(Locale.ROOT) : "tcp";
            if (m.getContainerPort() == port && (proto.isBlank() || proto.contains("tcp"))) return m.getHostPort();
        }
        return port;
    }

    /** Whether a port is one the task's container maps from the host (or the container runs on the host network). */
    public static boolean reachableOnHost(TaskInfo task, int port) {
        DockerInfo d = task.getContainer().getDocker();
        DockerInfo.Network n = d.hasNetwork() ? d.getNetwork() : DockerInfo.Network.HOST;
        if (n == DockerInfo.Network.HOST) return true;
        return d.getPortMappingsList().stream().anyMatch(m -> m.getHostPort() == port);
    }

    // ------------------------------------------------------------------ views

    public String name() {
        return name;
    }

    public ImageReference image() {
        return image;
    }

    /** The image as the task names it. */
    public String imageName() {
        return imageName;
    }

    public boolean forcePull() {
        return forcePull;
    }

    public List<String> entrypoint() {
        return entrypoint;
    }

    public List<String> cmd() {
        return cmd;
    }

    /** The environment as the Engine API takes it: {@code NAME=value}, and bare names that unset image variables. */
    public List<String> envList() {
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        out.addAll(unsetEnv);
        return out;
    }

    public Map<String, String> env() {
        return Map.copyOf(env);
    }

    public Map<String, String> labels() {
        return Map.copyOf(labels);
    }

    public List<ExposedPort> exposedPorts() {
        return List.copyOf(exposedPorts);
    }

    public List<PortMapping> portMappings() {
        return List.copyOf(portMappings);
    }

    public String hostname() {
        return hostname;
    }

    public String user() {
        return user;
    }

    public String workingDir() {
        return workingDir;
    }

    public String stopSignal() {
        return stopSignal;
    }

    public String macAddress() {
        return macAddress;
    }

    public String networkMode() {
        return networkMode;
    }

    /** The HostConfig of the container (a new object each call). */
    public HostConfig hostConfig() {
        HostConfig h = HostConfig.newHostConfig()
                .withNetworkMode(networkMode)
                .withBinds(binds)
                .withPortBindings(portBindings)
                .withPrivileged(privileged);
        if (volumeDriver != null) h.withVolumeDriver(volumeDriver);
        if (cpuShares != null) h.withCpuShares(cpuShares);
        if (nanoCpus != null) h.withNanoCPUs(nanoCpus);
        else {
            if (cpuQuota != null) h.withCpuQuota(cpuQuota);
            if (cpuPeriod != null) h.withCpuPeriod(cpuPeriod);
        }
        if (cpusetCpus != null) h.withCpusetCpus(cpusetCpus);
        if (cpusetMems != null) h.withCpusetMems(cpusetMems);
        if (memory != null) h.withMemory(memory);
        if (memoryReservation != null) h.withMemoryReservation(memoryReservation);
        if (memorySwap != null) h.withMemorySwap(memorySwap);
        if (memorySwappiness != null) h.withMemorySwappiness(memorySwappiness);
        if (shmSize != null) h.withShmSize(shmSize);
        if (pidsLimit != null) h.withPidsLimit(pidsLimit);
        if (!dns.isEmpty()) h.withDns(dns);
        if (!dnsSearch.isEmpty()) h.withDnsSearch(dnsSearch);
        if (!dnsOptions.isEmpty()) h.withDnsOptions(dnsOptions);
        if (!extraHosts.isEmpty()) h.withExtraHosts(extraHosts.toArray(String[]::new));
        if (!capAdd.isEmpty()) h.withCapAdd(capAdd.toArray(Capability[]::new));
        if (!capDrop.isEmpty()) h.withCapDrop(capDrop.toArray(Capability[]::new));
        if (!ulimits.isEmpty()) h.withUlimits(ulimits);
        if (!devices.isEmpty()) h.withDevices(devices);
        if (!securityOpts.isEmpty()) h.withSecurityOpts(securityOpts);
        if (!groupAdd.isEmpty()) h.withGroupAdd(groupAdd);
        if (!sysctls.isEmpty()) h.withSysctls(sysctls);
        if (!tmpfs.isEmpty()) h.withTmpFs(tmpfs);
        if (logDriver != null || !logOptions.isEmpty()) {
            // without a driver the options apply to the daemon's default one
            h.withLogConfig(new LogConfig(logDriver, logOptions.isEmpty() ? null : Map.copyOf(logOptions)));
        }
        if (init != null) h.withInit(init);
        if (readOnly != null) h.withReadonlyRootfs(readOnly);
        if (oomKillDisable != null) h.withOomKillDisable(oomKillDisable);
        if (oomScoreAdj != null) h.withOomScoreAdj(oomScoreAdj);
        if (pidMode != null) h.withPidMode(pidMode);
        if (ipcMode != null) h.withIpcMode(ipcMode);
        if (utsMode != null) h.withUtSMode(utsMode);
        if (usernsMode != null) h.withUsernsMode(usernsMode);
        if (cgroupParent != null) h.withCgroupParent(cgroupParent);
        if (runtime != null) h.withRuntime(runtime);
        return h;
    }
}
