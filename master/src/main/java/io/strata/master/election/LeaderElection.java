package io.strata.master.election;

import io.strata.common.detector.MasterDetector;
import io.strata.common.json.ProtoJson;
import io.strata.common.zk.ZkUri;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election as Mesos does it, so that every Mesos-aware tool finds the leader: each master holds an
 * ephemeral sequential {@code json.info_<seq>} node with its MasterInfo JSON; the lowest sequence leads.
 * Curator's PersistentNode re-creates our node after a session loss (with a new, higher sequence).
 */
public final class LeaderElection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);
    private final CuratorFramework zk;
    private final ZkUri uri;
    private final PersistentNode node;
    private final ScheduledExecutorService checker =
            Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("leader-election").unstarted(r));
    private final Consumer<Boolean> onChange;
    private volatile boolean leading;
    private volatile Optional<MasterInfo> leader = Optional.empty();

    public LeaderElection(CuratorFramework zk, ZkUri uri, MasterInfo self, Consumer<Boolean> onChange) {
        this.zk = zk;
        this.uri = uri;
        this.onChange = onChange;
        this.node = new PersistentNode(zk, CreateMode.EPHEMERAL_SEQUENTIAL, false,
                uri.child(MasterDetector.Zk.PREFIX), ProtoJson.print(self).getBytes(StandardCharsets.UTF_8));
    }

    public void start() {
        node.start();
        try {
            // Our node exists (or we know we cannot create it yet) before the first check, so that a master that
            // answers HTTP knows who leads.
            node.waitForInitialCreate(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        check();
        checker.scheduleWithFixedDelay(this::check, 200, 200, TimeUnit.MILLISECONDS);
    }

    /** Reads the leader from ZooKeeper now (rather than from the last periodic check). */
    public Optional<MasterInfo> refreshLeader() {
        check();
        return leader;
    }

    public boolean isLeading() {
        return leading;
    }

    /** The current leader's MasterInfo, as last read from ZooKeeper. */
    public Optional<MasterInfo> leader() {
        return leader;
    }

    private synchronized void check() {
        try {
            String ours = node.getActualPath();
            List<String> children = zk.getChildren().forPath(uri.path());
            Optional<String> lowest = children.stream().filter(c -> c.startsWith(MasterDetector.Zk.PREFIX))
                    .min(Comparator.comparing(c -> c.substring(MasterDetector.Zk.PREFIX.length())));
            Optional<MasterInfo> info = Optional.empty();
            if (lowest.isPresent()) {
                byte[] data = zk.getData().forPath(uri.child(lowest.get()));
                info = Optional.of(ProtoJson.parse(new String(data, StandardCharsets.UTF_8), MasterInfo.newBuilder()).build());
            }
            leader = info;
            boolean nowLeading = ours != null && lowest.isPresent() && ours.equals(uri.child(lowest.get()))
                    && zk.getZookeeperClient().isConnected();
            if (nowLeading != leading) {
                leading = nowLeading;
                LOG.info("msg=\"leadership changed\" leading={} node={}", nowLeading, ours);
                onChange.accept(nowLeading);
            }
        } catch (Exception e) {
            if (leading) {
                leading = false;
                LOG.warn("msg=\"lost contact with ZooKeeper; no longer leading\" error=\"{}\"", e.toString());
                onChange.accept(false);
            }
        }
    }

    @Override
    public void close() {
        checker.shutdownNow();
        try {
            node.close();
        } catch (Exception e) {
            LOG.debug("msg=\"closing the election node failed\"", e);
        }
    }
}
