package io.strata.common.zk;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A single ZooKeeper server inside this JVM, for {@code dcos-node local} and tests. Data is kept in the given
 * directory, so a restarted local cluster keeps its state.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
    private final ZooKeeperServer server;
    private final ServerCnxnFactory factory;

    private EmbeddedZooKeeper(ZooKeeperServer server, ServerCnxnFactory factory) {
        this.server = server;
        this.factory = factory;
    }

    public static EmbeddedZooKeeper start(String host, int port, Path dataDir) throws IOException {
        System.setProperty("zookeeper.admin.enableServer", "false");
        System.setProperty("zookeeper.4lw.commands.whitelist", "ruok,stat,mntr");
        Files.createDirectories(dataDir);
        File dir = dataDir.toFile();
        ZooKeeperServer server = new ZooKeeperServer(dir, dir, 500);
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory(new InetSocketAddress(host, port), 200);
        try {
            factory.startup(server);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting ZooKeeper", e);
        }
        return new EmbeddedZooKeeper(server, factory);
    }

    public int port() {
        return factory.getLocalPort();
    }

    public String connectString() {
        return factory.getLocalAddress().getHostString() + ":" + port();
    }

    @Override
    public void close() {
        factory.shutdown();
        server.shutdown();
    }
}
