package io.strata.marathon.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.marathon.codec.AppCodec;
import io.strata.marathon.codec.AppWriter;
import io.strata.marathon.codec.StateCodec;
import io.strata.marathon.deployment.DeploymentPlan;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Group;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.Timestamps;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State in ZooKeeper under this Marathon's path ({@code --zk zk://.../marathon}):
 * <pre>
 *   state/root                      current root group (apps by reference)
 *   state/root-versions/&lt;millis&gt;    every stored root group, newest {@code maxVersions} kept
 *   state/apps/&lt;a_b&gt;/&lt;millis&gt;       every app version (app /a/b), newest {@code maxVersions} kept
 *   state/deployments/&lt;id&gt;          running deployments
 *   state/instances/&lt;instance-id&gt;    instances (tasks)
 *   state/framework-id              the Mesos framework id
 * </pre>
 * App versions are written first (unreferenced until the root points at them); the root, its version node and the
 * deployment changes go in one ZooKeeper transaction, so readers see all of a change or none of it. Nodes above
 * 64 KiB are gzipped, as Marathon's {@code --zk_compression} does. Only the leader writes.
 */
public final class ZkStorage implements Storage {
    private static final Logger LOG = LoggerFactory.getLogger(ZkStorage.class);
    private static final int COMPRESS_ABOVE = 64 * 1024;

    private final CuratorFramework zk;
    private final String base;
    private final int maxVersions;
    private final Map<PathId, TreeSet<Instant>> appVersions = new HashMap<>();
    private final TreeSet<Instant> rootVersions = new TreeSet<>();

    public ZkStorage(CuratorFramework zk, String zkPath, int maxVersions) {
        this.zk = zk;
        this.base = (zkPath.equals("/") ? "" : zkPath) + "/state";
        this.maxVersions = maxVersions;
        for (String p : List.of("", "/apps", "/root-versions", "/deployments", "/instances")) ensure(base + p);
    }

    private String root() {
        return base + "/root";
    }

    private String appDir(PathId id) {
        return base + "/apps/" + id.safePath();
    }

    @Override
    public synchronized Snapshot load() {
        try {
            appVersions.clear();
            rootVersions.clear();
            for (String app : zk.getChildren().forPath(base + "/apps")) {
                TreeSet<Instant> vs = new TreeSet<>();
                for (String v : zk.getChildren().forPath(base + "/apps/" + app)) vs.add(Instant.ofEpochMilli(Long.parseLong(v)));
                appVersions.put(PathId.absolute(List.of(app.split("_"))), vs);
            }
            for (String v : zk.getChildren().forPath(base + "/root-versions")) rootVersions.add(Instant.ofEpochMilli(Long.parseLong(v)));
            Group root = zk.checkExists().forPath(root()) == null ? Group.emptyRoot(Instant.EPOCH)
                    : StateCodec.groupFromRefs(read(root()), this::loadApp);
            List<DeploymentPlan> plans = new ArrayList<>();
            for (String id : zk.getChildren().forPath(base + "/deployments")) {
                JsonNode d = read(base + "/deployments/" + id);
                Group original = rootVersion(Timestamps.parse(d.get("original").asText())).orElse(root);
                Group target = rootVersion(Timestamps.parse(d.get("target").asText())).orElse(root);
                plans.add(new DeploymentPlan(id, Timestamps.parse(d.get("version").asText()), original, target, StateCodec.steps(d.get("steps"))));
            }
            plans.sort(Comparator.comparing(DeploymentPlan::version));
            List<Instance> instances = new ArrayList<>();
            for (String id : zk.getChildren().forPath(base + "/instances")) instances.add(StateCodec.instance(read(base + "/instances/" + id)));
            String fid = zk.checkExists().forPath(base + "/framework-id") == null ? null
                    : new String(zk.getData().forPath(base + "/framework-id"), StandardCharsets.UTF_8);
            return new Snapshot(root, plans, instances, fid == null || fid.isEmpty() ? null : fid);
        } catch (Exception e) {
            throw new IllegalStateException("cannot load Marathon state from ZooKeeper at " + base + ": " + e.getMessage(), e);
        }
    }

    private AppDefinition loadApp(PathId id, Instant version) {
        try {
            return AppCodec.readStored(read(appDir(id) + "/" + version.toEpochMilli()));
        } catch (KeeperException.NoNodeException e) {
            LOG.warn("msg=\"app version referenced by a group is missing\" app={} version={}", id, Timestamps.format(version));
            return null;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read app " + id + " version " + version, e);
        }
    }

    @Override
    public synchronized void commit(Group root, Collection<DeploymentPlan> started, Collection<String> finished) {
        try {
            Set<PathId> touched = new HashSet<>();
            for (AppDefinition app : root.transitiveApps().values()) {
                TreeSet<Instant> vs = appVersions.computeIfAbsent(app.id(), k -> new TreeSet<>());
                if (vs.contains(app.version())) continue;
                String path = appDir(app.id()) + "/" + app.version().toEpochMilli();
                byte[] data = encode(AppWriter.write(app));
                try {
                    zk.create().creatingParentsIfNeeded().forPath(path, data);
                } catch (KeeperException.NodeExistsException e) {
                    zk.setData().forPath(path, data);
                }
                vs.add(app.version());
                touched.add(app.id());
            }
            byte[] rootData = encode(StateCodec.groupRefs(root));
            List<CuratorOp> ops = new ArrayList<>();
            ops.add(zk.checkExists().forPath(root()) == null ? zk.transactionOp().create().forPath(root(), rootData)
                    : zk.transactionOp().setData().forPath(root(), rootData));
            String rv = base + "/root-versions/" + root.version().toEpochMilli();
            boolean newRootVersion = !rootVersions.contains(root.version());
            ops.add(newRootVersion ? zk.transactionOp().create().forPath(rv, rootData) : zk.transactionOp().setData().forPath(rv, rootData));
            for (DeploymentPlan p : started) ops.add(zk.transactionOp().create().forPath(base + "/deployments/" + p.id(), encode(plan(p))));
            for (String id : finished) {
                if (zk.checkExists().forPath(base + "/deployments/" + id) != null) {
                    ops.add(zk.transactionOp().delete().forPath(base + "/deployments/" + id));
                }
            }
            zk.transaction().forOperations(ops);
            rootVersions.add(root.version());
            prune(root, touched, started);
        } catch (Exception e) {
            throw new IllegalStateException("cannot store the new root group in ZooKeeper: " + e.getMessage(), e);
        }
    }

    /** Drops versions beyond the limit; best effort, after the change is safely stored. */
    private void prune(Group root, Set<PathId> touched, Collection<DeploymentPlan> started) {
        try {
            Set<Instant> keepRoots = new HashSet<>();
            for (String id : zk.getChildren().forPath(base + "/deployments")) {
                JsonNode d = read(base + "/deployments/" + id);
                keepRoots.add(Timestamps.parse(d.get("original").asText()));
                keepRoots.add(Timestamps.parse(d.get("target").asText()));
            }
            while (rootVersions.size() > maxVersions) {
                Instant oldest = rootVersions.first();
                if (keepRoots.contains(oldest) || oldest.equals(root.version())) break;
                zk.delete().quietly().forPath(base + "/root-versions/" + oldest.toEpochMilli());
                rootVersions.remove(oldest);
            }
            Map<PathId, AppDefinition> current = root.transitiveApps();
            for (PathId id : touched) {
                TreeSet<Instant> vs = appVersions.get(id);
                while (vs.size() > maxVersions) {
                    Instant oldest = vs.first();
                    AppDefinition cur = current.get(id);
                    if (cur != null && cur.version().equals(oldest)) break;
                    zk.delete().quietly().forPath(appDir(id) + "/" + oldest.toEpochMilli());
                    vs.remove(oldest);
                }
            }
        } catch (Exception e) {
            LOG.warn("msg=\"pruning old versions failed; will retry with the next change\" error=\"{}\"", e.toString());
        }
    }

    private static ObjectNode plan(DeploymentPlan p) {
        ObjectNode o = Json.object();
        o.put("id", p.id());
        o.put("version", Timestamps.format(p.version()));
        o.put("original", Timestamps.format(p.original().version()));
        o.put("target", Timestamps.format(p.target().version()));
        o.set("steps", StateCodec.steps(p.steps()));
        return o;
    }

    @Override
    public synchronized void removeDeployment(String id) {
        try {
            zk.delete().quietly().forPath(base + "/deployments/" + id);
        } catch (Exception e) {
            throw new IllegalStateException("cannot remove deployment " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void saveInstances(Collection<Instance> instances) {
        if (instances.isEmpty()) return;
        try {
            List<CuratorOp> ops = new ArrayList<>();
            for (Instance i : instances) {
                String path = base + "/instances/" + i.instanceId();
                byte[] data = encode(StateCodec.instance(i));
                ops.add(zk.checkExists().forPath(path) == null ? zk.transactionOp().create().forPath(path, data)
                        : zk.transactionOp().setData().forPath(path, data));
            }
            zk.transaction().forOperations(ops);
        } catch (Exception e) {
            throw new IllegalStateException("cannot store instances: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void removeInstances(Collection<String> instanceIds) {
        try {
            for (String id : instanceIds) zk.delete().quietly().forPath(base + "/instances/" + id);
        } catch (Exception e) {
            throw new IllegalStateException("cannot remove instances: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized List<Instant> appVersions(PathId id) {
        TreeSet<Instant> vs = appVersions.get(id);
        return vs == null ? List.of() : new ArrayList<>(vs.descendingSet());
    }

    @Override
    public synchronized Optional<AppDefinition> appVersion(PathId id, Instant version) {
        TreeSet<Instant> vs = appVersions.get(id);
        if (vs == null || !vs.contains(version)) return Optional.empty();
        return Optional.ofNullable(loadApp(id, version));
    }

    @Override
    public synchronized List<Instant> rootVersions() {
        return new ArrayList<>(rootVersions.descendingSet());
    }

    @Override
    public synchronized Optional<Group> rootVersion(Instant version) {
        try {
            String path = base + "/root-versions/" + version.toEpochMilli();
            if (zk.checkExists().forPath(path) == null) return Optional.empty();
            return Optional.of(StateCodec.groupFromRefs(read(path), this::loadApp));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read root group version " + version + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Optional<String> frameworkId() {
        try {
            String p = base + "/framework-id";
            if (zk.checkExists().forPath(p) == null) return Optional.empty();
            String id = new String(zk.getData().forPath(p), StandardCharsets.UTF_8);
            return id.isEmpty() ? Optional.empty() : Optional.of(id);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the framework id: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void frameworkId(String id) {
        try {
            String p = base + "/framework-id";
            byte[] data = (id == null ? "" : id).getBytes(StandardCharsets.UTF_8);
            if (zk.checkExists().forPath(p) == null) zk.create().forPath(p, data);
            else zk.setData().forPath(p, data);
        } catch (Exception e) {
            throw new IllegalStateException("cannot store the framework id: " + e.getMessage(), e);
        }
    }

    private void ensure(String path) {
        try {
            if (zk.checkExists().forPath(path) == null) zk.create().creatingParentsIfNeeded().forPath(path, new byte[0]);
        } catch (KeeperException.NodeExistsException e) {
            // created by a peer at the same time
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + path + " in ZooKeeper: " + e.getMessage(), e);
        }
    }

    private JsonNode read(String path) throws Exception {
        return Json.read(decode(zk.getData().forPath(path)));
    }

    static byte[] encode(JsonNode json) {
        byte[] raw = Json.write(json).getBytes(StandardCharsets.UTF_8);
        if (raw.length <= COMPRESS_ABOVE) return raw;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] decode(byte[] data) {
        if (data.length > 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b) {
            try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(data))) {
                return gz.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return data;
    }
}
