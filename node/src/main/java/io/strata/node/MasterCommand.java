package io.strata.node;

import io.strata.master.MasterConfig;
import io.strata.master.MasterServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dcos-node master}: a Mesos-compatible master; flags are named after Mesos' master flags. */
@Command(name = "master", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Run a master: the Mesos v1 scheduler and operator APIs, /master/state, leader election in "
                + "ZooKeeper.", "Mesos' snake_case flag names (--work_dir, --agent_ping_timeout, ...) are accepted too."})
public final class MasterCommand implements Callable<Integer> {
    @Option(names = "--zk", required = true, paramLabel = "URL",
            description = "ZooKeeper URL for leader election and the registry, e.g. zk://127.0.0.1:2181/strata "
                    + "(several hosts: zk://h1:2181,h2:2181/strata).")
    String zk;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "5050", description = "HTTP port. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = {"--ip", "--host"}, defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address to listen on (0.0.0.0 for every interface). Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--hostname", paramLabel = "NAME",
            description = "Host name or IP advertised to agents, frameworks and ZooKeeper. Default: the --ip "
                    + "address (a wildcard --ip advertises this machine's first IPv4 address).")
    String hostname;

    @Option(names = {"--work-dir", "--work_dir"}, defaultValue = "/var/lib/strata/master", paramLabel = "DIR",
            description = "Local scratch directory. Default: ${DEFAULT-VALUE}.")
    Path workDir;

    @Option(names = "--cluster", paramLabel = "NAME", defaultValue = "strata", description = "Cluster name shown in /master/state. Default: ${DEFAULT-VALUE}.")
    String cluster;

    @Option(names = {"--agent-ping-timeout", "--agent_ping_timeout", "--slave_ping_timeout"}, defaultValue = "15secs",
            paramLabel = "DURATION", description = "How long the master waits for an agent's pong before counting a "
                    + "missed ping. Default: ${DEFAULT-VALUE}.")
    Duration agentPingTimeout;

    @Option(names = {"--max-agent-ping-timeouts", "--max_agent_ping_timeouts", "--max_slave_ping_timeouts"},
            defaultValue = "5", paramLabel = "N",
            description = "Missed pings after which an agent is removed and its tasks are lost. Default: ${DEFAULT-VALUE}.")
    int maxAgentPingTimeouts;

    @Option(names = {"--heartbeat-interval", "--heartbeat_interval"}, defaultValue = "15secs", paramLabel = "DURATION",
            description = "Interval of HEARTBEAT events on scheduler subscriptions. Default: ${DEFAULT-VALUE}.")
    Duration heartbeatInterval;

    @Option(names = "--weights", paramLabel = "ROLE=W,...",
            description = "Role weights for the DRF allocator, e.g. \"r1=2,r2=1\" (unlisted roles weigh 1).")
    String weights;

    @Option(names = {"--offer-timeout", "--offer_timeout"}, paramLabel = "DURATION",
            description = "Rescind offers a framework holds longer than this. Default: never.")
    Duration offerTimeout;

    @Option(names = {"--default-refuse-seconds", "--default_refuse_seconds"}, defaultValue = "5", paramLabel = "SECONDS",
            description = "How long a DECLINE without filters keeps the resources from that framework. Default: ${DEFAULT-VALUE}.")
    double defaultRefuseSeconds;

    @Mixin
    LogOptions log = new LogOptions();

    @Option(names = {"--log-dir", "--log_dir"}, paramLabel = "DIR",
            description = "Also write the log to DIR/mesos-master.log, served as Mesos serves it at /files/read?path=/master/log "
                    + "(what `dcos node log` reads). Default: stderr only.")
    java.nio.file.Path logDir;

    /** The master's configuration from the flags; throws IllegalArgumentException on values out of range. */
    public MasterConfig toConfig() {
        checkPort(port);
        if (maxAgentPingTimeouts < 1) throw new IllegalArgumentException("--max-agent-ping-timeouts must be at least 1");
        requirePositive("--agent-ping-timeout", agentPingTimeout);
        requirePositive("--heartbeat-interval", heartbeatInterval);
        if (offerTimeout != null) requirePositive("--offer-timeout", offerTimeout);
        if (!(defaultRefuseSeconds >= 0)) throw new IllegalArgumentException("--default-refuse-seconds must not be negative");
        Map<String, Double> w = Weights.parse(weights);
        return new MasterConfig(zk, host, port, Hosts.advertised(host, hostname), workDir.toAbsolutePath().normalize(),
                cluster, agentPingTimeout, maxAgentPingTimeouts, heartbeatInterval, w, offerTimeout, defaultRefuseSeconds);
    }

    static void checkPort(int port) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
    }

    static void requirePositive(String flag, Duration d) {
        if (d.isZero() || d.isNegative()) throw new IllegalArgumentException(flag + " must be longer than zero");
    }

    @Override
    public Integer call() throws Exception {
        log.apply();
        if (logDir != null) Logging.alsoToFile(WorkDirs.create(logDir.toAbsolutePath().normalize(), "--log-dir").resolve("mesos-master.log"), null);
        MasterConfig config = toConfig();
        Hosts.requireResolvable(host, "--ip");
        WorkDirs.create(config.workDir(), "--work-dir");
        if (port != 0) PortCheck.requireFree(host, Map.of(port, "--port"));
        Lifecycle life = new Lifecycle(null);
        MasterServer master;
        try {
            master = MasterServer.start(config);
        } catch (Exception e) {
            if (UserError.isBindFailure(e)) throw UserError.portInUse(host, port, "--port");
            throw e;
        }
        life.add("master", master);
        System.out.println("Master listening on http://" + config.advertisedHost() + ":" + master.port() + " (zk " + zk + ")");
        life.runUntilSignalled();
        return 0;
    }
}
