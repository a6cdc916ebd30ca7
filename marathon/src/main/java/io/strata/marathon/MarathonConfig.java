package io.strata.marathon;

import io.strata.common.flags.CommandLineFlags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Everything one Marathon needs to start. Built by {@code dcos-node marathon} (flags named as Marathon's, in both
 * the {@code --dash-form} and Marathon's own {@code --snake_form}) and by {@code dcos-node local}.
 *
 * @param master                 where the Mesos master is: {@code zk://h:2181/strata} or {@code host:5050}
 * @param zk                     ZooKeeper URL for this Marathon's state and leader election ({@code zk://h:2181/marathon});
 *                               several Marathons side by side each use their own path
 * @param frameworkName          framework name registered with Mesos ("marathon")
 * @param httpHost               address the REST API listens on (127.0.0.1)
 * @param httpPort               REST API port (8080; 0 picks a free one)
 * @param hostname               host name advertised to Mesos and peers (defaults to httpHost)
 * @param failoverTimeout        framework failover timeout given to Mesos (one week, as Marathon)
 * @param role                   Mesos role to register with, Marathon's --mesos_role ("*"; "slave_public" for the public agent)
 * @param user                   Mesos user tasks run as unless the app says otherwise (the user running Marathon)
 * @param defaultAcceptedResourceRoles roles an app accepts when it names none (empty: every role Marathon has)
 * @param localPortMin           first service port handed out ({@code --local_port_min}, 10000)
 * @param localPortMax           end (exclusive) of the service port range ({@code --local_port_max}, 20000)
 * @param maxVersions            app and group versions kept in ZooKeeper ({@code --zk_max_versions}, 50)
 * @param reconciliationInterval how often running tasks are reconciled with Mesos (10 minutes)
 * @param declineOfferDuration   refuse_seconds sent with declined offers (120 s)
 * @param taskLaunchTimeout      a task not running after this long is killed and replaced (5 minutes)
 * @param webuiUrl               URL reported to Mesos as the framework's web UI, or null for http://hostname:port
 * @param zkSessionTimeout       ZooKeeper session timeout (10 s)
 */
public record MarathonConfig(
        String master,
        String zk,
        String frameworkName,
        String httpHost,
        int httpPort,
        String hostname,
        Duration failoverTimeout,
        String role,
        String user,
        List<String> defaultAcceptedResourceRoles,
        int localPortMin,
        int localPortMax,
        int maxVersions,
        Duration reconciliationInterval,
        Duration declineOfferDuration,
        Duration taskLaunchTimeout,
        String webuiUrl,
        Duration zkSessionTimeout) {

    public static final String MARATHON_VERSION = "1.11.0";
    public static final Duration ONE_WEEK = Duration.ofSeconds(604_800);

    public MarathonConfig {
        Objects.requireNonNull(zk, "--zk is required (zk://host:2181/marathon)");
        if (frameworkName == null || frameworkName.isBlank()) frameworkName = "marathon";
        if (httpHost == null || httpHost.isBlank()) httpHost = "127.0.0.1";
        if (hostname == null || hostname.isBlank()) hostname = advertised(httpHost);
        if (failoverTimeout == null) failoverTimeout = ONE_WEEK;
        if (role == null || role.isBlank()) role = "*";
        if (user == null || user.isBlank()) user = System.getProperty("user.name", "root");
        defaultAcceptedResourceRoles = defaultAcceptedResourceRoles == null ? List.of() : List.copyOf(defaultAcceptedResourceRoles);
        if (localPortMin <= 0) localPortMin = 10_000;
        if (localPortMax <= 0) localPortMax = 20_000;
        if (localPortMax <= localPortMin) {
            throw new IllegalArgumentException("--local_port_max (" + localPortMax + ") must be above --local_port_min (" + localPortMin + ")");
        }
        if (maxVersions <= 0) maxVersions = 50;
        if (reconciliationInterval == null) reconciliationInterval = Duration.ofMinutes(10);
        if (declineOfferDuration == null) declineOfferDuration = Duration.ofSeconds(120);
        if (taskLaunchTimeout == null) taskLaunchTimeout = Duration.ofMinutes(5);
        if (zkSessionTimeout == null) zkSessionTimeout = Duration.ofSeconds(10);
        if (httpPort < 0 || httpPort > 65_535) throw new IllegalArgumentException("--http_port must be 0..65535, got " + httpPort);
    }

    /** The address peers can reach: the bind address, or for a wildcard bind this machine's first IPv4 address. */
    static String advertised(String bind) {
        if (!bind.equals("0.0.0.0") && !bind.equals("::") && !bind.equals("[::]")) return bind;
        try {
            for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) continue;
                for (var addr : java.util.Collections.list(nic.getInetAddresses())) {
                    if (addr instanceof java.net.Inet4Address) return addr.getHostAddress();
                }
            }
        } catch (java.net.SocketException e) {
            // fall through
        }
        return "127.0.0.1";
    }

    /** Marathon's defaults for everything but where the master and our ZooKeeper node are. */
    public static MarathonConfig defaults(String master, String zk) {
        return new MarathonConfig(master, zk, "marathon", "127.0.0.1", 8080, null, null, "*", null, List.of(),
                10_000, 20_000, 50, null, null, null, null, null);
    }

    public MarathonConfig withHttpPort(int port) {
        return new MarathonConfig(master, zk, frameworkName, httpHost, port, hostname, failoverTimeout, role, user,
                defaultAcceptedResourceRoles, localPortMin, localPortMax, maxVersions, reconciliationInterval,
                declineOfferDuration, taskLaunchTimeout, webuiUrl, zkSessionTimeout);
    }

    public MarathonConfig withFrameworkName(String name) {
        return new MarathonConfig(master, zk, name, httpHost, httpPort, hostname, failoverTimeout, role, user,
                defaultAcceptedResourceRoles, localPortMin, localPortMax, maxVersions, reconciliationInterval,
                declineOfferDuration, taskLaunchTimeout, webuiUrl, zkSessionTimeout);
    }

    public MarathonConfig withRole(String newRole) {
        return new MarathonConfig(master, zk, frameworkName, httpHost, httpPort, hostname, failoverTimeout, newRole, user,
                defaultAcceptedResourceRoles, localPortMin, localPortMax, maxVersions, reconciliationInterval,
                declineOfferDuration, taskLaunchTimeout, webuiUrl, zkSessionTimeout);
    }

    public MarathonConfig withTaskLaunchTimeout(Duration timeout) {
        return new MarathonConfig(master, zk, frameworkName, httpHost, httpPort, hostname, failoverTimeout, role, user,
                defaultAcceptedResourceRoles, localPortMin, localPortMax, maxVersions, reconciliationInterval,
                declineOfferDuration, timeout, webuiUrl, zkSessionTimeout);
    }

    /**
     * Parses Marathon-style flags, e.g. {@code --master zk://127.0.0.1:2181/strata --zk zk://127.0.0.1:2181/marathon
     * --framework-name marathon --http-port 8080}. Throws {@link IllegalArgumentException} with picocli's message on
     * bad input.
     */
    public static MarathonConfig parse(String... args) {
        return CommandLineFlags.parse(new Flags(), args);
    }

    /** The flags, for a launcher that wants to embed them as a picocli subcommand. */
    @Command(name = "marathon", mixinStandardHelpOptions = true,
            description = "Runs a Marathon (Marathon 1.x REST API) as a framework on the Strata master.")
    public static final class Flags implements Callable<MarathonConfig> {
        @Option(names = {"--master"}, required = true, description = "Mesos master: zk://host:2181/strata or host:5050")
        String master;
        @Option(names = {"--zk"}, required = true, description = "ZooKeeper URL for Marathon's state, e.g. zk://127.0.0.1:2181/marathon")
        String zk;
        @Option(names = {"--framework-name", "--framework_name"}, defaultValue = "marathon")
        String frameworkName;
        @Option(names = {"--http-address", "--http_address"}, defaultValue = "127.0.0.1")
        String httpHost;
        @Option(names = {"--http-port", "--http_port"}, defaultValue = "8080")
        int httpPort;
        @Option(names = {"--hostname"})
        String hostname;
        @Option(names = {"--failover-timeout", "--failover_timeout"}, defaultValue = "604800", description = "seconds")
        long failoverTimeoutSeconds;
        @Option(names = {"--mesos-role", "--mesos_role", "--role"}, defaultValue = "*")
        String role;
        @Option(names = {"--mesos-user", "--mesos_user"})
        String user;
        @Option(names = {"--default-accepted-resource-roles", "--default_accepted_resource_roles"}, split = ",")
        List<String> defaultAcceptedResourceRoles = new ArrayList<>();
        @Option(names = {"--local-port-min", "--local_port_min"}, defaultValue = "10000")
        int localPortMin;
        @Option(names = {"--local-port-max", "--local_port_max"}, defaultValue = "20000")
        int localPortMax;
        @Option(names = {"--zk-max-versions", "--zk_max_versions"}, defaultValue = "50")
        int maxVersions;
        @Option(names = {"--reconciliation-interval", "--reconciliation_interval"}, defaultValue = "600000", description = "milliseconds")
        long reconciliationIntervalMs;
        @Option(names = {"--decline-offer-duration", "--decline_offer_duration"}, defaultValue = "120000", description = "milliseconds")
        long declineOfferMs;
        @Option(names = {"--task-launch-timeout", "--task_launch_timeout"}, defaultValue = "300000", description = "milliseconds")
        long taskLaunchTimeoutMs;
        @Option(names = {"--webui-url", "--webui_url"})
        String webuiUrl;
        @Option(names = {"--zk-session-timeout", "--zk_session_timeout"}, defaultValue = "10000", description = "milliseconds")
        long zkSessionTimeoutMs;

        @Override
        public MarathonConfig call() {
            return toConfig();
        }

        MarathonConfig toConfig() {
            return new MarathonConfig(master, zk, frameworkName, httpHost, httpPort, hostname,
                    Duration.ofSeconds(failoverTimeoutSeconds), role, user, defaultAcceptedResourceRoles, localPortMin,
                    localPortMax, maxVersions, Duration.ofMillis(reconciliationIntervalMs), Duration.ofMillis(declineOfferMs),
                    Duration.ofMillis(taskLaunchTimeoutMs), webuiUrl, Duration.ofMillis(zkSessionTimeoutMs));
        }
    }
}
