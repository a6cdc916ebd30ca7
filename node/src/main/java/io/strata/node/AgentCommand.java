package io.strata.node;

import io.strata.agent.AgentConfig;
import io.strata.agent.AgentServer;
import io.strata.agent.containerizer.docker.DockerSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dcos-node agent}: a Mesos-compatible agent; flags are named after Mesos' agent flags. */
@Command(name = "agent", aliases = "slave", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false,
        description = {"Run an agent: offers this machine's resources to the master and runs tasks in sandboxes.",
                "Mesos' snake_case flag names (--work_dir, --cgroups_root, ...) are accepted too."})
public final class AgentCommand implements Callable<Integer> {
    static final String PUBLIC_ROLE = "slave_public";

    @Option(names = "--master", required = true, paramLabel = "URL",
            description = "The master: zk://127.0.0.1:2181/strata (follows the leader) or host:port of one master.")
    String master;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "5051", description = "HTTP port. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = {"--ip", "--host"}, defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address to listen on (0.0.0.0 for every interface). Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--hostname", paramLabel = "NAME",
            description = "Host name or IP advertised in offers and given to tasks as HOST. Default: the --ip address "
                    + "(a wildcard --ip advertises this machine's first IPv4 address).")
    String hostname;

    @Option(names = {"--work-dir", "--work_dir"}, defaultValue = "/var/lib/strata/agent", paramLabel = "DIR",
            description = "Sandboxes and checkpoints. Default: ${DEFAULT-VALUE}.")
    Path workDir;

    @Option(names = "--resources", paramLabel = "SPEC",
            description = "Mesos resources, e.g. \"cpus:4;mem:8192;disk:10240;ports:[31000-32000]\". Anything not "
                    + "given is detected (ports default to [31000-32000]).")
    String resources;

    @Option(names = "--attributes", paramLabel = "SPEC", description = "Mesos attributes, e.g. \"rack:a;zone:1\".")
    String attributes;

    @Option(names = "--public", negatable = true, arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "A public agent: its resources are reserved for role slave_public (as DC/OS public agents).")
    boolean isPublic;

    @Option(names = {"--default-role", "--default_role"}, paramLabel = "ROLE",
            description = "Mesos' way of saying --public: slave_public makes a public agent; * is the default.")
    String defaultRole;

    @Option(names = {"--cgroups-root", "--cgroups_root"}, defaultValue = "strata", paramLabel = "NAME",
            description = "cgroup under which each task gets its own, with cpu and memory limits. Default: ${DEFAULT-VALUE}.")
    String cgroupsRoot;

    @Option(names = "--no-cgroups", description = "Run tasks without cgroups (no cpu or memory limits).")
    boolean noCgroups;

    @Option(names = {"--kill-tasks-on-shutdown", "--kill_tasks_on_shutdown"}, negatable = true, arity = "0..1",
            fallbackValue = "true", paramLabel = "true|false",
            description = "Kill every task when the agent is stopped. Default: off; tasks keep running and the agent "
                    + "re-attaches to them when it is back.")
    boolean killTasksOnShutdown;

    @Option(names = "--containerizers", paramLabel = "LIST",
            description = "Mesos' --containerizers: mesos (processes) and/or docker, in order of preference, e.g. "
                    + "\"docker,mesos\". Default: mesos, plus docker when the Docker daemon answers at start.")
    String containerizers;

    @Option(names = {"--docker-host", "--docker-socket", "--docker_socket"}, paramLabel = "ADDR",
            description = "The Docker daemon: a socket path (/var/run/docker.sock), unix:///path or tcp://host:port. "
                    + "Default: $DOCKER_HOST or unix:///var/run/docker.sock.")
    String dockerHost;

    @Option(names = {"--docker-config", "--docker_config"}, paramLabel = "FILE",
            description = "Docker CLI config.json with registry credentials for pulls. Default: "
                    + "$DOCKER_CONFIG/config.json or ~/.docker/config.json.")
    Path dockerConfig;

    @Option(names = {"--max-completed-tasks", "--max_completed_tasks"}, defaultValue = "1000", paramLabel = "N",
            description = "Completed tasks kept for /state. Default: ${DEFAULT-VALUE}.")
    int maxCompletedTasks;

    @Mixin
    LogOptions log = new LogOptions();

    @Option(names = {"--log-dir", "--log_dir"}, paramLabel = "DIR",
            description = "Also write the log to DIR/mesos-agent.log, served as Mesos serves it at /files/read?path=/slave/log "
                    + "(what `dcos node log` reads). Default: stderr only.")
    java.nio.file.Path logDir;

    /** The agent's configuration from the flags; throws IllegalArgumentException on values out of range. */
    public AgentConfig toConfig() {
        MasterCommand.checkPort(port);
        if (maxCompletedTasks < 0) throw new IllegalArgumentException("--max-completed-tasks must not be negative");
        boolean pub = isPublic;
        if (defaultRole != null) {
            switch (defaultRole) {
                case PUBLIC_ROLE -> pub = true;
                case "*" -> { }
                default -> throw new IllegalArgumentException("--default-role supports only slave_public (a public "
                        + "agent) and * ; got '" + defaultRole + "'");
            }
        }
        if (master.isBlank()) throw new IllegalArgumentException("--master must not be empty");
        AgentConfig config = new AgentConfig(master.trim(), host, port, Hosts.advertised(host, hostname),
                workDir.toAbsolutePath().normalize(), blankToNull(resources), blankToNull(attributes), pub,
                killTasksOnShutdown, noCgroups ? null : blankToNull(cgroupsRoot), maxCompletedTasks)
                .withContainerizers(AgentConfig.parseContainerizers(containerizers));
        if (dockerHost != null || dockerConfig != null) {
            DockerSettings defaults = DockerSettings.defaults();
            config = config.withDocker(new DockerSettings(dockerHost == null ? defaults.host() : dockerAddress(dockerHost),
                    dockerConfig == null ? defaults.config() : dockerConfig.toAbsolutePath().normalize()));
        }
        return config;
    }

    /** Mesos' --docker_socket is a path; Docker's own DOCKER_HOST is a URL. Accept both. */
    static String dockerAddress(String value) {
        String v = value.trim();
        return v.startsWith("/") ? "unix://" + v : v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public Integer call() throws Exception {
        log.apply();
        if (logDir != null) Logging.alsoToFile(WorkDirs.create(logDir.toAbsolutePath().normalize(), "--log-dir").resolve("mesos-agent.log"), null);
        AgentConfig config = toConfig();
        Hosts.requireResolvable(host, "--ip");
        WorkDirs.create(config.workDir(), "--work-dir");
        if (port != 0) PortCheck.requireFree(host, Map.of(port, "--port"));
        Lifecycle life = new Lifecycle(null);
        AgentServer agent;
        try {
            agent = AgentServer.start(config);
        } catch (Exception e) {
            if (UserError.isBindFailure(e)) throw UserError.portInUse(host, port, "--port");
            throw e;
        }
        life.add("agent", agent);
        System.out.println("Agent listening on http://" + config.advertisedHost() + ":" + agent.port()
                + (config.isPublic() ? " (public)" : "") + ", master " + master);
        life.runUntilSignalled();
        return 0;
    }
}
