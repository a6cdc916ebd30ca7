package io.strata.it.ui;

import static io.strata.it.support.ItEnv.STARTUP;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.it.support.DumpLogsOnFailure;
import io.strata.it.support.Http;
import io.strata.it.support.ItEnv;
import io.strata.it.support.NodeProcess;
import io.strata.it.support.Ports;
import io.strata.it.support.Procs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code dcos-node local} on free ports: ZooKeeper, a master, a private and a public agent, Marathon, Mesos-DNS and
 * the gateway, which serves the web UI at / from the strata-ui jar. Ready when the master lists both agents,
 * Marathon is elected and registered, and the gateway answers /.
 */
final class LocalStrata implements AutoCloseable {
    final String test;
    final Path work;
    final NodeProcess local;
    final URI master;
    final URI marathon;
    final URI gateway;
    final String zkUrl;

    private LocalStrata(String test, Path work, NodeProcess local, URI master, URI marathon, URI gateway, String zkUrl) {
        this.test = test;
        this.work = work;
        this.local = local;
        this.master = master;
        this.marathon = marathon;
        this.gateway = gateway;
        this.zkUrl = zkUrl;
    }

    static LocalStrata start(Class<?> testClass) {
        String test = testClass.getSimpleName();
        ItEnv.freshLogDir(test);
        Path work;
        try {
            work = Files.createTempDirectory("strata-it-ui-").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DumpLogsOnFailure.alsoDump(testClass, work.resolve("logs").resolve("local.log"));
        int masterPort = Ports.free();
        int marathonPort = Ports.free();
        int gatewayPort = Ports.free();
        int zkPort = Ports.free();
        List<String> args = new ArrayList<>(List.of("local", "--work-dir", work.toString(),
                "--master-port", Integer.toString(masterPort), "--zk-port", Integer.toString(zkPort),
                "--agent-port", Integer.toString(Ports.freeConsecutive(2)),
                "--marathon-port", Integer.toString(marathonPort), "--dns-port", Integer.toString(Ports.free()),
                "--dns-http-port", Integer.toString(Ports.free()), "--gateway-port", Integer.toString(gatewayPort)));
        // Cosmos on a free port too, where the launcher runs it (never whatever else listens on 7070)
        if (launcherHas("--cosmos-port")) args.addAll(List.of("--cosmos-port", Integer.toString(Ports.free())));
        NodeProcess local = new NodeProcess("local", args, ItEnv.logDir(test).resolve("local.log"));
        LocalStrata s = new LocalStrata(test, work, local, URI.create("http://127.0.0.1:" + masterPort + "/"),
                URI.create("http://127.0.0.1:" + marathonPort + "/"), URI.create("http://127.0.0.1:" + gatewayPort + "/"),
                "zk://127.0.0.1:" + zkPort + "/strata");
        try {
            local.start();
            await("local cluster: 2 active agents, Marathon elected and registered, the gateway up").atMost(STARTUP)
                    .pollInterval(Duration.ofMillis(250)).until(() -> {
                        local.assertAlive();
                        Http.Resp st = Http.tryGet(s.master.resolve("master/state"));
                        if (st == null || st.status() != 200) return false;
                        int active = 0;
                        for (JsonNode a : st.json().path("slaves")) if (a.path("active").asBoolean(true)) active++;
                        Http.Resp info = Http.tryGet(s.marathon.resolve("v2/info"));
                        Http.Resp ui = Http.tryGet(s.gateway);
                        return active == 2 && info != null && info.status() == 200
                                && info.json().path("elected").asBoolean(false)
                                && !info.json().path("frameworkId").asText("").isEmpty()
                                && ui != null && ui.status() == 200;
                    });
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * A second gateway in front of the same cluster whose Cosmos URL points at a port nothing listens on: the
     * package manager is down as far as its UI can tell.
     */
    NodeProcess startGatewayWithoutCosmos(int port) {
        NodeProcess g = new NodeProcess("gateway-no-cosmos", List.of("gateway", "--master", zkUrl, "--port",
                Integer.toString(port), "--marathon", marathon.toString(), "--cosmos", "http://127.0.0.1:" + Ports.free()),
                ItEnv.logDir(test).resolve("gateway-no-cosmos.log"));
        g.start();
        await("the second gateway serves the UI").atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> {
            g.assertAlive();
            Http.Resp r = Http.tryGet(URI.create("http://127.0.0.1:" + port + "/"));
            return r != null && r.status() == 200;
        });
        return g;
    }

    /** Whether {@code dcos-node local --help} lists a flag. */
    static boolean launcherHas(String flag) {
        try {
            Process p = new ProcessBuilder(ItEnv.java(), "-jar", ItEnv.nodeJar().toString(), "local", "--help")
                    .redirectErrorStream(true).start();
            String help = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
            return help.contains(flag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String url(String pathAndFragment) {
        return gateway.resolve(pathAndFragment).toString();
    }

    @Override
    public void close() {
        local.killTree();
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
