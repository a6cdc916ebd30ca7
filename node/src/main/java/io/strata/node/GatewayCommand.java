package io.strata.node;

import io.strata.gateway.GatewayConfig;
import io.strata.gateway.GatewayServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dcos-node gateway}: the Admin Router: one port in front of the masters, Marathon, DNS, packages, UI. */
@Command(name = "gateway", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = "Run the gateway (Admin Router): /mesos/, /marathon/, /service/<name>/, /agent/<id>/, "
                + "/mesos_dns/, /package/ and the UI behind one port.")
public final class GatewayCommand implements Callable<Integer> {
    @Option(names = "--master", required = true, paramLabel = "URL",
            description = "Where the masters are: zk://127.0.0.1:2181/strata or host:5050.")
    String master;

    @Option(names = "--port", defaultValue = "80", paramLabel = "PORT", description = "Port. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = {"--host", "--ip"}, defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address to listen on (0.0.0.0 for every interface). Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--marathon", defaultValue = GatewayConfig.DEFAULT_MARATHON, paramLabel = "URL",
            description = "Marathon. Default: ${DEFAULT-VALUE}.")
    String marathon;

    @Option(names = "--mesos-dns", defaultValue = GatewayConfig.DEFAULT_MESOS_DNS, paramLabel = "URL",
            description = "Mesos-DNS' HTTP API. Default: ${DEFAULT-VALUE}.")
    String mesosDns;

    @Option(names = "--cosmos", defaultValue = GatewayConfig.DEFAULT_COSMOS, paramLabel = "URL",
            description = "Cosmos, the package manager. Default: ${DEFAULT-VALUE}.")
    String cosmos;

    @Option(names = "--ui-dir", paramLabel = "DIR", description = "A directory to serve at / (the web UI).")
    Path uiDir;

    @Mixin
    LogOptions log = new LogOptions();

    GatewayConfig toConfig() {
        try {
            return new GatewayConfig(host, port, master, marathon, mesosDns, cosmos, uiDir, GatewayConfig.DEFAULT_MAX_BODY_BYTES);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    @Override
    public Integer call() throws Exception {
        log.apply();
        GatewayConfig config = toConfig();
        if (port != 0) PortCheck.requireFree(host, Map.of(port, "--port"));
        Lifecycle life = new Lifecycle(null);
        GatewayServer gateway = GatewayServer.start(config);
        life.add("gateway", gateway);
        System.out.println("Gateway listening on http://" + host + ":" + gateway.port() + " (master " + master + ")");
        life.runUntilSignalled();
        return 0;
    }
}
