package io.strata.it.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * One {@code dcos-node local} (ZooKeeper, master, a private and a public agent, Marathon, Mesos-DNS, the gateway and
 * Cosmos) with every port free, its work dir under /tmp and its output in the test's log dir ({@code local.log},
 * dumped when a test fails). {@link #create} chooses the ports, {@link #start()} starts it, {@link #awaitReady}
 * waits for both agents (and whatever else the test needs), {@link #close()} kills it and everything under its
 * work dir, keeps the daemons' logs and deletes the work dir.
 */
public final class LocalNode implements AutoCloseable {
    public final String test;
    public final Path work;
    public final int masterPort;
    public final int zkPort;
    /** The first of two consecutive ports (the private agent's; the public agent's is the next). */
    public final int agentPort;
    public final int marathonPort;
    public final int dnsPort;
    public final int dnsHttpPort;
    public final int gatewayPort;
    public final int cosmosPort;
    public final URI master;
    public final URI marathon;
    public final URI gateway;
    public final String zkUrl;
    public final NodeProcess process;

    private LocalNode(Class<?> testClass, String workPrefix) {
        test = testClass.getSimpleName();
        ItEnv.freshLogDir(test);
        try {
            work = Files.createTempDirectory(workPrefix).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DumpLogsOnFailure.alsoDump(testClass, work.resolve("logs").resolve("local.log"));
        masterPort = Ports.free();
        zkPort = Ports.free();
        agentPort = Ports.freeConsecutive(2);
        marathonPort = Ports.free();
        dnsPort = Ports.free();
        dnsHttpPort = Ports.free();
        gatewayPort = Ports.free();
        cosmosPort = Ports.free();
        master = URI.create("http://127.0.0.1:" + masterPort + "/");
        marathon = URI.create("http://127.0.0.1:" + marathonPort + "/");
        gateway = URI.create("http://127.0.0.1:" + gatewayPort + "/");
        zkUrl = "zk://127.0.0.1:" + zkPort + "/strata";
        process = new NodeProcess("local", List.of("local", "--work-dir", work.toString(),
                "--master-port", Integer.toString(masterPort), "--zk-port", Integer.toString(zkPort),
                "--agent-port", Integer.toString(agentPort),
                "--marathon-port", Integer.toString(marathonPort), "--dns-port", Integer.toString(dnsPort),
                "--dns-http-port", Integer.toString(dnsHttpPort), "--gateway-port", Integer.toString(gatewayPort),
                "--cosmos-port", Integer.toString(cosmosPort)), ItEnv.logDir(test).resolve("local.log"));
    }

    /**
     * A fresh log dir for the test, a work dir {@code /tmp/<workPrefix>...}, free ports; not started yet.
     */
    public static LocalNode create(Class<?> testClass, String workPrefix) {
        return new LocalNode(testClass, workPrefix);
    }

    public LocalNode start() {
        process.start();
        return this;
    }

    /** Agents the master lists as active, or -1 while the master does not answer. */
    public int activeAgents() {
        Http.Resp s = Http.tryGet(master.resolve("master/state"));
        if (s == null || s.status() != 200) return -1;
        int active = 0;
        for (JsonNode a : s.json().path("slaves")) if (a.path("active").asBoolean(true)) active++;
        return active;
    }

    /** Marathon answers /v2/info, is elected and has registered (has a framework id). */
    public boolean marathonRegistered() {
        return new MarathonApi(marathon).elected();
    }

    /**
     * The gateway (the last daemon {@code dcos-node local} starts) answers, and reaches Marathon through
     * {@code /marathon/} and the leading master (found through ZooKeeper) through {@code /mesos/}.
     */
    public boolean gatewayUp() {
        Http.Resp r = Http.tryGet(gateway.resolve("marathon/v2/info"));
        if (r == null || r.status() != 200) return false;
        Http.Resp m = Http.tryGet(gateway.resolve("mesos/master/health"));
        return m != null && m.status() == 200;
    }

    /**
     * Waits (at most {@code atMost}, polling every 200 ms, failing at once if {@code dcos-node local} exits) until
     * the master lists both agents as active and {@code alsoReady} holds.
     */
    public void awaitReady(String description, Duration atMost, Callable<Boolean> alsoReady) {
        await(description).atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
            process.assertAlive();
            return activeAgents() == 2 && alsoReady.call();
        });
    }

    /** Kills {@code dcos-node local} and whatever still runs under the work dir; keeps the logs; deletes the work dir. */
    @Override
    public void close() {
        process.killTree();
        List<Procs.Proc> left = Procs.killAllUnder(work, Duration.ofSeconds(20));
        if (!left.isEmpty()) System.out.println("[it] " + test + " killed leftovers: " + left.size());
        ItEnv.keepWorkDirLogs(work, ItEnv.logDir(test));
        try (var walk = Files.walk(work)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
