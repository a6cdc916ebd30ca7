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

    private LocalStrata(String test, Path work, NodeProcess local, URI master, URI marathon, URI gateway) {
        this.test = test;
        this.work = work;
        this.local = local;
        this.master = master;
        this.marathon = marathon;
        this.gateway = gateway;
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
        NodeProcess local = new NodeProcess("local", List.of("local", "--work-dir", work.toString(),
                "--master-port", Integer.toString(masterPort), "--zk-port", Integer.toString(Ports.free()),
                "--agent-port", Integer.toString(Ports.freeConsecutive(2)),
                "--marathon-port", Integer.toString(marathonPort), "--dns-port", Integer.toString(Ports.free()),
                "--dns-http-port", Integer.toString(Ports.free()), "--gateway-port", Integer.toString(gatewayPort)),
                ItEnv.logDir(test).resolve("local.log"));
        LocalStrata s = new LocalStrata(test, work, local, URI.create("http://127.0.0.1:" + masterPort + "/"),
                URI.create("http://127.0.0.1:" + marathonPort + "/"), URI.create("http://127.0.0.1:" + gatewayPort + "/"));
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
