package io.strata.node;

import ch.qos.logback.classic.Level;
import io.strata.agent.AgentConfig;
import io.strata.agent.AgentServer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.common.zk.EmbeddedZooKeeper;
import io.strata.cosmos.CosmosConfig;
import io.strata.cosmos.CosmosServer;
import io.strata.dns.DnsConfig;
import io.strata.dns.DnsServer;
import io.strata.gateway.GatewayConfig;
import io.strata.gateway.GatewayServer;
import io.strata.marathon.MarathonConfig;
import io.strata.marathon.MarathonServer;
import io.strata.master.MasterConfig;
import io.strata.master.MasterServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dcos-node local}: a whole cluster in this one JVM — embedded ZooKeeper, a master, private agents and
 * one public agent on one host — ready in seconds. SIGINT/SIGTERM stops the agents (killing their tasks), the
 * master and ZooKeeper, in that order. State (ZooKeeper data, agents' checkpoints) stays in the work dir.
 */
@Command(name = "local", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Run a whole cluster on this machine in one process: ZooKeeper, a master, private agents, "
                + "one public agent, Marathon, the DNS server, Cosmos and the gateway, all on 127.0.0.1.",
                "Stop it with Ctrl-C (or SIGTERM): tasks are killed, state in the work dir is kept for the next start."})
public final class LocalCommand implements Callable<Integer> {
    /** How long start-up may take before the command reports what is missing instead of the banner. */
    static final Duration READY_LIMIT = Duration.ofSeconds(30);
    /** How long agents wait for the master to win its election before they are started anyway. */
    static final Duration ELECTION_WAIT = Duration.ofSeconds(10);

    @Option(names = {"--work-dir", "--work_dir"}, defaultValue = "${sys:user.home}/.strata/local", paramLabel = "DIR",
            description = "Everything of the local cluster: ZooKeeper data, the master's and agents' work dirs, logs. "
                    + "Default: ${DEFAULT-VALUE}.")
    Path workDir;

    @Option(names = "--agents", defaultValue = "1", paramLabel = "N",
            description = "Private agents (one public agent is always added). Default: ${DEFAULT-VALUE}.")
    int agents;

    @Option(names = "--zk-port", paramLabel = "PORT", defaultValue = "2181", description = "Embedded ZooKeeper's port. Default: ${DEFAULT-VALUE}.")
    int zkPort;

    @Option(names = "--master-port", paramLabel = "PORT", defaultValue = "5050", description = "The master's port. Default: ${DEFAULT-VALUE}.")
    int masterPort;

    @Option(names = "--agent-port", paramLabel = "PORT", defaultValue = "5051",
            description = "The first agent's port; the others take the next ones. Default: ${DEFAULT-VALUE}.")
    int agentPort;

    @Option(names = "--marathon-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Marathon's REST API (framework 'marathon'). Default: ${DEFAULT-VALUE}.")
    int marathonPort;

    @Option(names = "--dns-port", paramLabel = "PORT", defaultValue = "8053",
            description = "Mesos-DNS compatible names, UDP and TCP. Default: ${DEFAULT-VALUE}.")
    int dnsPort;

    @Option(names = "--dns-http-port", paramLabel = "PORT", defaultValue = "8123",
            description = "The DNS server's HTTP API (Mesos-DNS' /v1/...). Default: ${DEFAULT-VALUE}.")
    int dnsHttpPort;

    @Option(names = "--gateway-port", paramLabel = "PORT", defaultValue = "8000",
            description = "The gateway (Admin Router): /mesos/, /marathon/, /service/<name>/. Default: ${DEFAULT-VALUE}.")
    int gatewayPort;

    @Option(names = "--cosmos-port", paramLabel = "PORT", defaultValue = "7070",
            description = "Cosmos, the package manager (/package/*, behind the gateway too). Default: ${DEFAULT-VALUE}.")
    int cosmosPort;

    @Option(names = {"--host", "--ip"}, defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address every daemon binds and advertises. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = {"-v", "--verbose"},
            description = "Show every log line on stderr too (by default stderr shows warnings and errors; "
                    + "the full log is in <work-dir>/logs/local.log).")
    boolean verbose;

    @Mixin
    LogOptions log = new LogOptions();

    private final PrintStream out = System.out;

    /** The plan the flags describe; throws IllegalArgumentException naming the flag when ports collide. */
    public LocalPlan toPlan() {
        return LocalPlan.plan(host, workDir.toAbsolutePath().normalize(), zkPort, masterPort, agentPort, agents);
    }

    /** The plan's ports and the services' ports; a collision names the flag to change. */
    java.util.Map<Integer, String> listenPorts(LocalPlan plan) {
        java.util.Map<Integer, String> ports = new java.util.LinkedHashMap<>(plan.listenPorts());
        String[][] services = {{Integer.toString(marathonPort), "--marathon-port"}, {Integer.toString(dnsPort), "--dns-port"},
                {Integer.toString(dnsHttpPort), "--dns-http-port"}, {Integer.toString(gatewayPort), "--gateway-port"},
                {Integer.toString(cosmosPort), "--cosmos-port"}};
        for (String[] s : services) {
            int port = Integer.parseInt(s[0]);
            if (port < 1 || port > 65535) throw new IllegalArgumentException(s[1] + " must be a port between 1 and 65535, got " + port);
            String other = ports.putIfAbsent(port, s[1]);
            if (other != null) throw new IllegalArgumentException(s[1] + " " + port + " is also " + other + "; choose another");
        }
        return ports;
    }

    /** The root Marathon, as DC/OS runs it: role slave_public (so apps may ask for the public agent), apps on '*' by default. */
    MarathonConfig marathonConfig(LocalPlan plan) {
        MarathonConfig d = MarathonConfig.defaults(plan.zkUrl(), "zk://" + plan.host() + ":" + plan.zkPort() + "/marathon");
        return new MarathonConfig(d.master(), d.zk(), "marathon", plan.host(), marathonPort, plan.host(), d.failoverTimeout(),
                "slave_public", d.user(), java.util.List.of("*"), d.localPortMin(), d.localPortMax(), d.maxVersions(),
                d.reconciliationInterval(), d.declineOfferDuration(), d.taskLaunchTimeout(), d.webuiUrl(), d.zkSessionTimeout());
    }

    DnsConfig dnsConfig(LocalPlan plan) {
        ObjectNode o = Json.object();
        o.put("zk", plan.zkUrl());
        o.put("port", dnsPort);
        o.put("httpport", dnsHttpPort);
        o.put("listener", plan.host());
        o.put("httplistener", plan.host());
        return DnsConfig.defaults().merge(o);
    }

    GatewayConfig gatewayConfig(LocalPlan plan) {
        return GatewayConfig.local(plan.zkUrl()).withBindHost(plan.host()).withPort(gatewayPort)
                .withMarathonUrl("http://" + plan.host() + ":" + marathonPort)
                .withMesosDnsUrl("http://" + plan.host() + ":" + dnsHttpPort)
                .withCosmosUrl("http://" + plan.host() + ":" + cosmosPort);
    }

    /** Cosmos with its repository list in the embedded ZooKeeper; file: repositories allowed (it is this user's machine). */
    CosmosConfig cosmosConfig(LocalPlan plan) {
        return CosmosConfig.defaults().withBindHost(plan.host()).withPort(cosmosPort)
                .withMarathonUrl("http://" + plan.host() + ":" + marathonPort)
                .withZk("zk://" + plan.host() + ":" + plan.zkPort() + "/cosmos")
                .withMaster(plan.zkUrl())
                .withAllowFileRepositories(true);
    }

    static MasterConfig masterConfig(LocalPlan plan) {
        MasterConfig d = MasterConfig.defaults(plan.zkUrl(), plan.masterWorkDir());
        return new MasterConfig(d.zk(), plan.host(), plan.masterPort(), plan.host(), plan.masterWorkDir(), "strata-local",
                d.agentPingTimeout(), d.maxAgentPingTimeouts(), d.heartbeatInterval(), d.weights(), d.offerTimeout(),
                d.defaultRefuseSeconds());
    }

    static AgentConfig agentConfig(LocalPlan plan, LocalPlan.Agent a) {
        AgentConfig d = AgentConfig.defaults(plan.zkUrl(), a.workDir());
        return new AgentConfig(d.master(), plan.host(), a.port(), plan.host(), a.workDir(), a.resources(), null,
                a.isPublic(), true, d.cgroupsRoot(), d.maxCompletedTasks());
    }

    @Override
    public Integer call() throws Exception {
        long t0 = startNanos();
        log.apply();
        LocalPlan plan = toPlan();
        Hosts.requireResolvable(host, "--host");
        WorkDirs.create(plan.workDir(), "--work-dir");
        lockWorkDir(plan.workDir());
        Path logFile = WorkDirs.create(plan.logDir(), "--work-dir").resolve("local.log");
        Logging.alsoToFile(logFile, verbose ? null : Level.WARN);
        PortCheck.requireFree(host, listenPorts(plan));

        out.println(Version.LINE + ": starting a local cluster in " + plan.workDir());
        Lifecycle life = new Lifecycle(out);
        life.installShutdownHook();
        try {
            startAll(plan, life, t0, logFile);
        } catch (Exception | Error e) {
            out.println("Start-up failed; stopping what was started.");
            life.stopAll();
            throw e;
        }
        life.runUntilSignalled();
        return 0;
    }

    private void startAll(LocalPlan plan, Lifecycle life, long t0, Path logFile) throws Exception {
        step("zookeeper", plan.host() + ":" + plan.zkPort(), t0);
        EmbeddedZooKeeper zk = start("ZooKeeper", "--zk-port", plan.zkPort(), logFile,
                () -> EmbeddedZooKeeper.start(plan.host(), plan.zkPort(), plan.zkDataDir()));
        life.add("zookeeper", zk);

        step("master", plan.masterUrl(), t0);
        WorkDirs.create(plan.masterWorkDir(), "--work-dir");
        MasterServer master = start("the master", "--master-port", plan.masterPort(), logFile,
                () -> MasterServer.start(masterConfig(plan)));
        life.add("master", master);
        // Agents that find a master not yet elected are turned away and retry; waiting for the election (a few
        // milliseconds on a fresh ZooKeeper) spares them the round trip and the console a warning.
        long electionDeadline = System.nanoTime() + ELECTION_WAIT.toNanos();
        while (!master.isLeading() && System.nanoTime() < electionDeadline) Thread.sleep(5);

        // Agents start together: each one is independent, and they find the master through ZooKeeper.
        List<Future<AgentServer>> starting = new ArrayList<>();
        for (LocalPlan.Agent a : plan.agents()) {
            step(a.name(), "http://" + plan.host() + ":" + a.port(), t0);
            FutureTask<AgentServer> task = new FutureTask<>(() -> start("agent " + a.name(), "--agent-port", a.port(),
                    logFile, () -> AgentServer.start(agentConfig(plan, a))));
            Thread.ofPlatform().name("start-" + a.name()).start(task);
            starting.add(task);
        }
        List<AgentServer> started = new ArrayList<>();
        Exception failure = null;
        for (Future<AgentServer> f : starting) {
            try {
                started.add(f.get());
            } catch (ExecutionException e) {
                if (failure == null) failure = e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
            }
        }
        life.addGroup("agents", started);
        if (failure != null) throw failure;

        step("marathon", "http://" + plan.host() + ":" + marathonPort, t0);
        MarathonServer marathon = start("Marathon", "--marathon-port", marathonPort, logFile,
                () -> MarathonServer.start(marathonConfig(plan)));
        life.add("marathon", marathon);
        step("dns", plan.host() + ":" + dnsPort, t0);
        DnsServer dns = start("the DNS server", "--dns-port", dnsPort, logFile, () -> DnsServer.start(dnsConfig(plan)));
        life.add("dns", dns);
        step("cosmos", "http://" + plan.host() + ":" + cosmosPort, t0);
        CosmosServer cosmos = start("Cosmos", "--cosmos-port", cosmosPort, logFile, () -> CosmosServer.start(cosmosConfig(plan)));
        life.add("cosmos", cosmos);
        step("gateway", "http://" + plan.host() + ":" + gatewayPort, t0);
        GatewayServer gateway = start("the gateway", "--gateway-port", gatewayPort, logFile,
                () -> GatewayServer.start(gatewayConfig(plan)));
        life.add("gateway", gateway);

        MasterProbe probe = new MasterProbe(plan.masterUrl());
        int expected = plan.agents().size();
        boolean ready = probe.awaitAgents(expected, READY_LIMIT);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!ready) {
            out.printf("Not ready after %.1f s: the master lists %d of %d agents. It keeps trying; see %s%n",
                    seconds, Math.max(0, probe.activeAgents()), expected, logFile);
        }
        banner(plan, seconds, ready, logFile);
    }

    private void step(String name, String where, long t0) {
        out.printf("  %5.1f s  starting %-13s %s%n", (System.nanoTime() - t0) / 1e9, name, where);
    }

    private void banner(LocalPlan plan, double seconds, boolean ready, Path logFile) {
        StringBuilder b = new StringBuilder();
        if (ready) b.append(String.format("%nStrata local cluster ready in %.1f s%n", seconds));
        b.append(String.format("  %-13s %-28s %s%n", "master", plan.masterUrl(),
                "Mesos v1 APIs (/api/v1, /api/v1/scheduler), /master/state"));
        for (LocalPlan.Agent a : plan.agents()) {
            b.append(String.format("  %-13s %-28s %s%n", a.name(), "http://" + plan.host() + ":" + a.port(),
                    (a.isPublic() ? "public (slave_public)" : "private") + ", task ports " + a.firstTaskPort() + "-"
                            + a.lastTaskPort()));
        }
        b.append(String.format("  %-13s %-28s %s%n", "marathon", "http://" + plan.host() + ":" + marathonPort,
                "Marathon v2 REST API (/v2/apps, /v2/events), framework 'marathon'"));
        b.append(String.format("  %-13s %-28s %s%n", "dns", plan.host() + ":" + dnsPort,
                "Mesos-DNS names: dig @" + plan.host() + " -p " + dnsPort + " <app>.marathon.mesos; HTTP API :" + dnsHttpPort));
        b.append(String.format("  %-13s %-28s %s%n", "cosmos", "http://" + plan.host() + ":" + cosmosPort,
                "packages: /package/search, /package/install (dcos package ...)"));
        b.append(String.format("  %-13s %-28s %s%n", "gateway", "http://" + plan.host() + ":" + gatewayPort,
                "Admin Router: /mesos/, /marathon/, /service/<name>/, /package/ (dcos CLI: core.dcos_url)"));
        b.append(String.format("  %-13s %-28s %s%n", "web UI", "http://" + plan.host() + ":" + gatewayPort + "/",
                "services, apps, nodes, tasks and packages (open it in a browser)"));
        b.append(String.format("  %-13s %s%n", "zookeeper", plan.zkUrl()));
        b.append(String.format("  %-13s %s%n", "work dir", plan.workDir()));
        b.append(String.format("  %-13s %s%n", "log", logFile));
        b.append(String.format("Try: curl -s %s/master/state | jq .slaves%n", plan.masterUrl()));
        b.append(String.format("     curl -s -X POST http://%s:%d/v2/apps -H 'Content-Type: application/json' -d @marathon.json%n",
                plan.host(), marathonPort));
        b.append(String.format("Press Ctrl-C to stop (tasks are killed; state stays in the work dir).%n"));
        out.print(b);
        out.flush();
    }

    @FunctionalInterface
    private interface Starter<T> {
        T start() throws Exception;
    }

    /** Starts one daemon, turning a busy port into the flag to change and anything else into one line. */
    private <T> T start(String what, String portFlag, int port, Path logFile, Starter<T> starter) throws Exception {
        try {
            return starter.start();
        } catch (UserError e) {
            throw e;
        } catch (Exception e) {
            if (UserError.isBindFailure(e)) throw UserError.portInUse(host, port, portFlag);
            throw new UserError(what + " failed to start: " + UserError.describe(e) + " (details in " + logFile + ")", e);
        }
    }

    private static long startNanos() {
        // Count from the JVM's start, not this method's: that is the wait the user sees. (The JVM's own uptime:
        // the process start time the OS reports is only accurate to a second.)
        return System.nanoTime() - java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
    }

    private static void lockWorkDir(Path dir) {
        try {
            FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                throw new UserError("another dcos-node local is running in " + dir + "; stop it or choose another --work-dir");
            }
            // held (and the channel left open) for the life of the process
        } catch (OverlappingFileLockException e) {
            throw new UserError("this process already runs a local cluster in " + dir);
        } catch (IOException e) {
            throw new UserError("cannot lock " + dir + " (" + UserError.describe(e) + "); choose another --work-dir", e);
        }
    }
}
