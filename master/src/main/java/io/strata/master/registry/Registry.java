package io.strata.master.registry;

import com.google.protobuf.Message;
import io.strata.common.json.ProtoJson;
import io.strata.common.zk.ZkUri;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the master must not forget across a restart or failover, in ZooKeeper under {@code <zk path>/registry}:
 * admitted agents, agents marked unreachable (and when), and registered frameworks. Tasks are not here: the
 * agents are the truth about tasks and report them when they re-register. One znode per entry, so a large
 * cluster never hits ZooKeeper's node size limit. Every write completes before the master acknowledges.
 */
public final class Registry {
    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);
    /** Operations per ZooKeeper transaction: well under the 1 MB request limit with our small entries. */
    private static final int TRANSACTION_OPS = 500;
    private final CuratorFramework zk;
    private final String agents;
    private final String unreachable;
    private final String frameworks;

    public Registry(CuratorFramework zk, ZkUri uri) {
        this.zk = zk;
        String root = uri.child("registry");
        this.agents = root + "/agents";
        this.unreachable = root + "/unreachable";
        this.frameworks = root + "/frameworks";
    }

    public void admitAgent(AgentInfo info) {
        put(agents + "/" + info.getId().getValue(), ProtoJson.print(info));
        delete(unreachable + "/" + info.getId().getValue());
    }

    public void markUnreachable(String agentId, Instant at) {
        put(unreachable + "/" + agentId, Long.toString(at.toEpochMilli()));
    }

    /**
     * Marks many agents unreachable in a few ZooKeeper transactions (a rack or a whole zone lost at once must not
     * cost one round trip per agent on the master's loop). Falls back to one write per agent if a transaction fails
     * (an entry that already exists, say).
     */
    public void markUnreachable(Map<String, Instant> lost) {
        List<Map.Entry<String, Instant>> all = new ArrayList<>(lost.entrySet());
        for (int from = 0; from < all.size(); from += TRANSACTION_OPS) {
            List<Map.Entry<String, Instant>> chunk = all.subList(from, Math.min(all.size(), from + TRANSACTION_OPS));
            try {
                ensureParent(unreachable);
                List<CuratorOp> ops = new ArrayList<>(chunk.size());
                for (Map.Entry<String, Instant> e : chunk) {
                    ops.add(zk.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(unreachable + "/" + e.getKey(),
                            Long.toString(e.getValue().toEpochMilli()).getBytes(StandardCharsets.UTF_8)));
                }
                zk.transaction().forOperations(ops);
            } catch (Exception e) {
                LOG.debug("msg=\"batched unreachable write failed; writing one by one\" error=\"{}\"", e.toString());
                for (Map.Entry<String, Instant> entry : chunk) markUnreachable(entry.getKey(), entry.getValue());
            }
        }
    }

    private void ensureParent(String path) throws Exception {
        if (zk.checkExists().forPath(path) == null) {
            try {
                zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path);
            } catch (KeeperException.NodeExistsException e) {
                // created meanwhile
            }
        }
    }

    public void removeAgent(String agentId) {
        delete(agents + "/" + agentId);
        delete(unreachable + "/" + agentId);
    }

    public void putFramework(FrameworkInfo info) {
        put(frameworks + "/" + info.getId().getValue(), ProtoJson.print(info));
    }

    public void removeFramework(String frameworkId) {
        delete(frameworks + "/" + frameworkId);
    }

    public Map<String, AgentInfo> agents() {
        return read(agents, AgentInfo::newBuilder);
    }

    public Map<String, FrameworkInfo> frameworks() {
        return read(frameworks, FrameworkInfo::newBuilder);
    }

    public Map<String, Instant> unreachableAgents() {
        Map<String, Instant> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : readRaw(unreachable).entrySet()) {
            try {
                out.put(e.getKey(), Instant.ofEpochMilli(Long.parseLong(e.getValue().trim())));
            } catch (NumberFormatException ex) {
                LOG.warn("msg=\"ignoring a malformed unreachable entry\" agent={}", e.getKey());
            }
        }
        return out;
    }

    private void put(String path, String value) {
        byte[] data = value.getBytes(StandardCharsets.UTF_8);
        try {
            try {
                zk.setData().forPath(path, data);
            } catch (KeeperException.NoNodeException e) {
                zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, data);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not write the registry entry " + path + " to ZooKeeper", e);
        }
    }

    private void delete(String path) {
        try {
            zk.delete().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            // already gone
        } catch (Exception e) {
            throw new IllegalStateException("could not delete the registry entry " + path + " from ZooKeeper", e);
        }
    }

    private Map<String, String> readRaw(String parent) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            if (zk.checkExists().forPath(parent) == null) return out;
            for (String child : zk.getChildren().forPath(parent)) {
                try {
                    out.put(child, new String(zk.getData().forPath(parent + "/" + child), StandardCharsets.UTF_8));
                } catch (KeeperException.NoNodeException e) {
                    // removed while we listed
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not read the registry at " + parent + " from ZooKeeper", e);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private <M extends Message> Map<String, M> read(String parent, Supplier<? extends Message.Builder> builder) {
        Map<String, M> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : readRaw(parent).entrySet()) {
            try {
                out.put(e.getKey(), (M) ProtoJson.parse(e.getValue(), builder.get()).build());
            } catch (RuntimeException ex) {
                LOG.warn("msg=\"ignoring a malformed registry entry\" path={}/{} error=\"{}\"", parent, e.getKey(), ex.getMessage());
            }
        }
        return out;
    }
}
