package io.strata.node;

import io.strata.common.zk.EmbeddedZooKeeper;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dcos-node zookeeper}: one standalone ZooKeeper server, for tests and small clusters. */
@Command(name = "zookeeper", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Run a standalone single ZooKeeper server (for tests and small clusters).")
public final class ZooKeeperCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "2181", description = "Client port. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = {"--host", "--ip"}, defaultValue = "127.0.0.1", description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = {"--data-dir", "--data_dir"}, defaultValue = "/var/lib/strata/zookeeper",
            description = "Snapshots and transaction logs. Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @Mixin
    LogOptions log = new LogOptions();

    @Override
    public Integer call() throws Exception {
        log.apply();
        Hosts.requireResolvable(host, "--host");
        WorkDirs.create(dataDir, "--data-dir");
        PortCheck.requireFree(host, Map.of(port, "--port"));
        Lifecycle life = new Lifecycle(null);
        EmbeddedZooKeeper zk;
        try {
            zk = EmbeddedZooKeeper.start(host, port, dataDir);
        } catch (Exception e) {
            if (UserError.isBindFailure(e)) throw UserError.portInUse(host, port, "--port");
            throw e;
        }
        life.add("zookeeper", zk);
        System.out.println("ZooKeeper listening on " + host + ":" + zk.port() + " (data in " + dataDir + ")");
        life.runUntilSignalled();
        return 0;
    }
}
