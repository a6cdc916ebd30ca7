package io.strata.it.ui;

import static io.strata.it.support.ItEnv.STARTUP;
import static org.awaitility.Awaitility.await;

import io.strata.it.support.Http;
import io.strata.it.support.ItEnv;
import io.strata.it.support.LocalNode;
import io.strata.it.support.NodeProcess;
import io.strata.it.support.Ports;
import java.net.URI;
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
    final String zkUrl;
    private final LocalNode node;

    private LocalStrata(LocalNode node) {
        this.node = node;
        this.test = node.test;
        this.work = node.work;
        this.local = node.process;
        this.master = node.master;
        this.marathon = node.marathon;
        this.gateway = node.gateway;
        this.zkUrl = node.zkUrl;
    }

    static LocalStrata start(Class<?> testClass) {
        LocalStrata s = new LocalStrata(LocalNode.create(testClass, "strata-it-ui-"));
        try {
            s.node.start().awaitReady("local cluster: 2 active agents, Marathon elected and registered, the gateway up",
                    STARTUP, () -> {
                        if (!s.node.marathonRegistered()) return false;
                        Http.Resp ui = Http.tryGet(s.gateway);
                        return ui != null && ui.status() == 200;
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

    String url(String pathAndFragment) {
        return gateway.resolve(pathAndFragment).toString();
    }

    @Override
    public void close() {
        node.close();
    }
}
