package io.strata.it.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real Strata cluster on 127.0.0.1: one ZooKeeper, N masters and M agents, each a separate
 * {@code dcos-node} JVM with its own free port, work dir under one temp root and log under
 * target/it-logs/&lt;test&gt;/. Any daemon can be kill -9'd and restarted on the same port and work dir.
 * {@link #close()} kills every daemon and every task process of the cluster.
 */
public final class Cluster implements AutoCloseable {
    public static final String STANDARD_RESOURCES = "cpus:4;mem:4096;disk:4096;ports:[31000-31999]";

    /** How an agent is started: Mesos --resources and --attributes strings, plus any extra flags. */
    public record AgentSpec(String resources, String attributes, List<String> extraArgs) {
        public static AgentSpec standard() {
            return new AgentSpec(STANDARD_RESOURCES, "rack:a", List.of());
        }

        /** The standard agent with its own task port range (agents on one host must not share ports). */
        public static AgentSpec withPorts(int first, int last, String attributes) {
            return new AgentSpec("cpus:4;mem:4096;disk:4096;ports:[" + first + "-" + last + "]", attributes, List.of());
        }
    }

    public static final class Builder {
        private final String name;
        private int masters = 1;
        private final List<AgentSpec> agents = new ArrayList<>();
        // 5 s x 6 so that a busy 2-core machine never makes a healthy agent look lost; AgentLossIT and
        // MarathonAgentPartitionIT ask for 1 s x 3 themselves
        private String agentPingTimeout = "5secs";
        private int maxAgentPingTimeouts = 6;

        private Builder(String name) {
            this.name = name;
        }

        public Builder masters(int count) {
            this.masters = count;
            return this;
        }

        public Builder agent(AgentSpec spec) {
            agents.add(spec);
            return this;
        }

        /** Mesos --agent_ping_timeout and --max_agent_ping_timeouts; defaults 1secs and 3 (fast loss detection). */
        public Builder agentPing(String timeout, int maxTimeouts) {
            this.agentPingTimeout = timeout;
            this.maxAgentPingTimeouts = maxTimeouts;
            return this;
        }

        /** Creates the work dirs and starts everything, waiting until the leader sees every agent. */
        public Cluster start() {
            Cluster c = new Cluster(this);
            try {
                c.startAll(masters, agents);
            } catch (RuntimeException | Error e) {
                c.close();
                throw e;
            }
            return c;
        }
    }

    private final String name;
    private final Path root;
    private final Path logDir;
    private final String agentPingTimeout;
    private final int maxAgentPingTimeouts;
    private final int zkPort;
    private final NodeProcess zk;
    private final List<NodeProcess> masters = new ArrayList<>();
    private final List<Integer> masterPorts = new ArrayList<>();
    private final List<NodeProcess> agents = new ArrayList<>();
    private final List<Integer> agentPorts = new ArrayList<>();
    private final List<AgentSpec> agentSpecs = new ArrayList<>();
    private boolean closed;

    public static Builder builder(String testName) {
        return new Builder(testName);
    }

    private Cluster(Builder b) {
        this.name = b.name;
        this.agentPingTimeout = b.agentPingTimeout;
        this.maxAgentPingTimeouts = b.maxAgentPingTimeouts;
        this.logDir = ItEnv.freshLogDir(name);
        try {
            this.root = Files.createTempDirectory("strata-it-" + name + "-").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.zkPort = Ports.free();
        Path zkData = dir("zookeeper");
        this.zk = new NodeProcess("zookeeper", List.of("zookeeper", "--port", Integer.toString(zkPort),
                "--host", "127.0.0.1", "--data-dir", zkData.toString()), logDir.resolve("zookeeper.log"));
    }

    private void startAll(int masterCount, List<AgentSpec> specs) {
        zk.start();
        awaitZooKeeper();
        for (int i = 0; i < masterCount; i++) addMasterProcess().start();
        for (int i = 0; i < masterCount; i++) awaitMasterHealthy(i);
        awaitLeader(ItEnv.STARTUP);
        for (AgentSpec spec : specs) addAgentProcess(spec).start();
        awaitActiveAgents(specs.size(), ItEnv.STARTUP);
    }

    // ------------------------------------------------------------------ topology

    public String name() {
        return name;
    }

    /** The temp directory holding every daemon's work dir (and so every sandbox). */
    public Path root() {
        return root;
    }

    public Path logDir() {
        return logDir;
    }

    public String zkUrl() {
        return "zk://127.0.0.1:" + zkPort + "/strata";
    }

    public NodeProcess zookeeper() {
        return zk;
    }

    public NodeProcess master(int i) {
        return masters.get(i);
    }

    public int masterCount() {
        return masters.size();
    }

    public int masterPort(int i) {
        return masterPorts.get(i);
    }

    public URI masterUri(int i) {
        return URI.create("http://127.0.0.1:" + masterPorts.get(i) + "/");
    }

    public NodeProcess agent(int i) {
        return agents.get(i);
    }

    public int agentCount() {
        return agents.size();
    }

    public int agentPort(int i) {
        return agentPorts.get(i);
    }

    public URI agentUri(int i) {
        return URI.create("http://127.0.0.1:" + agentPorts.get(i) + "/");
    }

    public Path agentWorkDir(int i) {
        return root.resolve("agent-" + i);
    }

    // ------------------------------------------------------------------ adding daemons

    /** Starts one more master on the same ZooKeeper; returns its index. Waits for /master/health. */
    public int startMaster() {
        NodeProcess m = addMasterProcess().start();
        int i = masters.indexOf(m);
        awaitMasterHealthy(i);
        return i;
    }

    /** Starts one more agent; returns its index once the leading master lists it as active. */
    public int startAgent(AgentSpec spec) {
        int before = activeAgentCount();
        NodeProcess a = addAgentProcess(spec).start();
        awaitActiveAgents(before + 1, ItEnv.STARTUP);
        return agents.indexOf(a);
    }

    private NodeProcess addMasterProcess() {
        int i = masters.size();
        int port = Ports.free();
        List<String> args = List.of("master", "--zk", zkUrl(), "--port", Integer.toString(port), "--host", "127.0.0.1",
                "--work-dir", dir("master-" + i).toString(), "--agent-ping-timeout", agentPingTimeout,
                "--max-agent-ping-timeouts", Integer.toString(maxAgentPingTimeouts));
        NodeProcess m = new NodeProcess("master-" + i, args, logDir.resolve("master-" + i + ".log"));
        masters.add(m);
        masterPorts.add(port);
        return m;
    }

    private NodeProcess addAgentProcess(AgentSpec spec) {
        int i = agents.size();
        int port = Ports.free();
        List<String> args = new ArrayList<>(List.of("agent", "--master", zkUrl(), "--port", Integer.toString(port),
                "--host", "127.0.0.1", "--work-dir", dir("agent-" + i).toString(), "--resources", spec.resources()));
        if (spec.attributes() != null) args.addAll(List.of("--attributes", spec.attributes()));
        args.addAll(spec.extraArgs());
        NodeProcess a = new NodeProcess("agent-" + i, args, logDir.resolve("agent-" + i + ".log"));
        agents.add(a);
        agentPorts.add(port);
        agentSpecs.add(spec);
        return a;
    }

    // ------------------------------------------------------------------ readiness

    public void awaitZooKeeper() {
        await("zookeeper accepts connections on " + zkPort).atMost(ItEnv.STARTUP).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    zk.assertAlive();
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", zkPort), 500);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    /** /master/health answers 200 (any master, leading or not). */
    public void awaitMasterHealthy(int i) {
        NodeProcess m = masters.get(i);
        await(m.name() + " /master/health is 200").atMost(ItEnv.STARTUP).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    m.assertAlive();
                    Http.Resp r = Http.tryGet(masterUri(i).resolve("master/health"));
                    return r != null && r.status() == 200;
                });
    }

    /** Restarted agents and agents started later: their /health answers 200. */
    public void awaitAgentHealthy(int i) {
        NodeProcess a = agents.get(i);
        await(a.name() + " /health is 200").atMost(ItEnv.STARTUP).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    a.assertAlive();
                    Http.Resp r = Http.tryGet(agentUri(i).resolve("health"));
                    return r != null && r.status() == 200;
                });
    }

    /**
     * Index of the leading master, or -1: the one whose /master/state answers 200 (Mesos redirects it to the
     * leader on a standby) and, where /metrics/snapshot answers, whose {@code master/elected} is 1.
     */
    public int leaderIndex() {
        for (int i = 0; i < masters.size(); i++) {
            if (!masters.get(i).isAlive() || masters.get(i).stoppedByTest()) continue;
            Http.Resp r = Http.tryGet(masterUri(i).resolve("master/state"));
            if (r == null || r.status() != 200) continue;
            Http.Resp m = Http.tryGet(masterUri(i).resolve("metrics/snapshot"));
            if (m != null && m.status() == 200) {
                try {
                    if (m.json().path("master/elected").asDouble(1.0) != 1.0) continue;
                } catch (AssertionError notJson) {
                    // metrics not in Mesos' JSON form: /master/state alone decides
                }
            }
            return i;
        }
        return -1;
    }

    public int awaitLeader(Duration timeout) {
        int[] found = {-1};
        await("a leading master").atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (masters.stream().noneMatch(NodeProcess::isAlive)) {
                throw new AssertionError("every master exited; last log lines:\n" + masters.get(0).tail(40));
            }
            found[0] = leaderIndex();
            return found[0] >= 0;
        });
        return found[0];
    }

    public URI leaderUri() {
        int i = leaderIndex();
        if (i < 0) throw new AssertionError("no leading master");
        return masterUri(i);
    }

    /** /master/state of the leader. */
    public JsonNode state() {
        return Http.getJson(leaderUri(), "master/state");
    }

    /** Agents the leader lists as active in /master/state. */
    public int activeAgentCount() {
        int i = leaderIndex();
        if (i < 0) return 0;
        Http.Resp r = Http.tryGet(masterUri(i).resolve("master/state"));
        if (r == null || r.status() != 200) return 0;
        int n = 0;
        for (JsonNode s : r.json().path("slaves")) {
            if (s.path("active").asBoolean(true)) n++;
        }
        return n;
    }

    public void awaitActiveAgents(int count, Duration timeout) {
        await("leading master lists " + count + " active agents").atMost(timeout).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    for (NodeProcess a : agents) {
                        if (!a.stoppedByTest()) a.assertAlive();
                    }
                    return activeAgentCount() == count;
                });
    }

    /** The agent id the leading master gives agent i (matched by its port in /master/state). */
    public String agentId(int i) {
        int port = agentPorts.get(i);
        for (JsonNode s : state().path("slaves")) {
            if (s.path("port").asInt(-1) == port || s.path("pid").asText("").endsWith(":" + port)) {
                return s.path("id").asText();
            }
        }
        // fall back to the agent's own /state
        Http.Resp r = Http.tryGet(agentUri(i).resolve("state"));
        if (r != null && r.status() == 200 && r.json().hasNonNull("id")) return r.json().path("id").asText();
        throw new AssertionError("master does not list agent on port " + port + ": " + state().path("slaves"));
    }

    // ------------------------------------------------------------------ teardown

    /** Kills every daemon (agents first) and every remaining task process, then removes the work dirs. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        // the cgroups of the tasks still running: killing the agents kills those tasks, and a killed agent
        // cannot remove their cgroups any more
        java.util.Set<String> cgroups = new java.util.TreeSet<>();
        for (Procs.Proc p : Procs.under(root)) cgroups.addAll(Procs.cgroupDirs(p.pid()));
        for (NodeProcess a : agents) a.killTree();
        for (NodeProcess m : masters) m.killTree();
        zk.killTree();
        List<Procs.Proc> leftovers = Procs.killAllUnder(root, Duration.ofSeconds(20));
        if (!leftovers.isEmpty()) {
            System.out.println("[it] " + name + ": killed " + leftovers.size() + " leftover processes: "
                    + leftovers.stream().map(p -> p.pid() + " " + abbreviate(p.cmdline())).toList());
        }
        Procs.removeCgroups(cgroups);
        ItEnv.keepWorkDirLogs(root, logDir);
        deleteTree(root);
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }

    private Path dir(String child) {
        Path d = root.resolve(child);
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a file still held open by a dying process; the OS temp cleaner gets it
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }
}
