package io.strata.dns.feed;

import io.strata.common.json.ProtoJson;
import io.strata.common.zk.ZkClients;
import io.strata.common.zk.ZkUri;
import io.strata.dns.records.HostPort;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The masters as ZooKeeper knows them: every master holds an ephemeral sequential {@code json.info_<seq>} node
 * with its MasterInfo JSON, and the lowest sequence leads (the contract {@code MasterDetector} reads). Watches the
 * children, so a failover is noticed when ZooKeeper notices it, not on the next poll.
 */
final class ZkMasters implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZkMasters.class);
    static final String PREFIX = "json.info_";

    private final ZkUri uri;
    private final Runnable onChange;
    private Thread connector;
    private volatile CuratorFramework client;
    private volatile List<MasterInfo> masters = List.of();
    private volatile boolean closed;

    ZkMasters(String zk, Runnable onChange) {
        this.uri = ZkUri.parse(zk);
        this.onChange = onChange;
    }

    /** Connects in the background (retrying until ZooKeeper answers) and starts watching. */
    ZkMasters start() {
        connector = Thread.ofVirtual().name("dns-zk-connect").start(this::connect);
        return this;
    }

    /** The leader's HTTP address, if ZooKeeper has one. */
    Optional<HostPort> leader() {
        List<MasterInfo> m = masters;
        return m.isEmpty() ? Optional.empty() : Optional.of(address(m.get(0)));
    }

    /** Every master's {@code ip:port}, leader first. */
    List<String> all() {
        List<String> out = new ArrayList<>();
        for (MasterInfo m : masters) out.add(address(m).toString());
        return out;
    }

    boolean connected() {
        CuratorFramework c = client;
        return c != null && c.getZookeeperClient().isConnected();
    }

    static HostPort address(MasterInfo info) {
        String host = info.hasAddress() && !info.getAddress().getIp().isEmpty() ? info.getAddress().getIp()
                : info.hasAddress() && !info.getAddress().getHostname().isEmpty() ? info.getAddress().getHostname() : info.getHostname();
        int port = info.hasAddress() && info.getAddress().getPort() > 0 ? info.getAddress().getPort() : info.getPort();
        return new HostPort(host, port);
    }

    private void connect() {
        long backoff = 200;
        while (!closed && client == null) {
            try {
                CuratorFramework c = ZkClients.connect(uri, Duration.ofSeconds(10), Duration.ofSeconds(10));
                if (closed) {
                    c.close();
                    return;
                }
                c.getConnectionStateListenable().addListener((cl, state) -> {
                    if (state == ConnectionState.RECONNECTED) refresh();
                    if (state == ConnectionState.LOST) update(List.of());
                });
                client = c;
                refresh();
            } catch (RuntimeException e) {
                LOG.warn("msg=\"ZooKeeper unreachable; retrying\" zk={} error=\"{}\"", uri, e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    private final Watcher watcher = (WatchedEvent e) -> {
        if (!closed && e.getType() != Watcher.Event.EventType.None) refresh();
    };

    private synchronized void refresh() {
        CuratorFramework c = client;
        if (c == null || closed) return;
        try {
            List<String> children;
            try {
                children = c.getChildren().usingWatcher(watcher).forPath(uri.path());
            } catch (KeeperException.NoNodeException e) {
                // no master has started yet: be told when the path appears
                if (c.checkExists().usingWatcher(watcher).forPath(uri.path()) != null) {
                    children = c.getChildren().usingWatcher(watcher).forPath(uri.path());
                } else {
                    update(List.of());
                    return;
                }
            }
            List<String> infos = new ArrayList<>(children.stream().filter(n -> n.startsWith(PREFIX)).toList());
            infos.sort(Comparator.comparing(n -> n.substring(PREFIX.length())));
            List<MasterInfo> found = new ArrayList<>();
            for (String n : infos) {
                try {
                    byte[] data = c.getData().forPath(uri.child(n));
                    found.add(ProtoJson.parse(new String(data, StandardCharsets.UTF_8), MasterInfo.newBuilder()).buildPartial());
                } catch (KeeperException.NoNodeException gone) {
                    // that master went away between listing and reading; the watch fires again
                } catch (IllegalArgumentException bad) {
                    LOG.warn("msg=\"unreadable MasterInfo in ZooKeeper\" node={}", n);
                }
            }
            update(found);
        } catch (Exception e) {
            LOG.warn("msg=\"could not read masters from ZooKeeper\" error=\"{}\"", e.toString());
        }
    }

    private void update(List<MasterInfo> found) {
        List<MasterInfo> before = masters;
        masters = List.copyOf(found);
        if (!before.equals(masters)) {
            LOG.info("msg=\"masters in ZooKeeper\" leader={} count={}", leader().map(Object::toString).orElse("none"), found.size());
            onChange.run();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (connector != null) connector.interrupt();
        CuratorFramework c = client;
        if (c != null) c.close();
    }
}
