package io.strata.cosmos.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.cosmos.api.CosmosError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Where the repository list lives: in ZooKeeper (so {@code repository/add} and {@code delete} survive a restart
 * and every Cosmos sees the same list), or in memory. A list that was never written is the defaults.
 */
public interface RepositoryStore {
    List<PackageRepository> list();

    /** Applies a change atomically and returns the new list; the change throws {@link CosmosError}s to refuse. */
    List<PackageRepository> update(UnaryOperator<List<PackageRepository>> change);

    static RepositoryStore memory(List<PackageRepository> defaults) {
        return new Memory(defaults);
    }

    final class Memory implements RepositoryStore {
        private List<PackageRepository> repos;

        Memory(List<PackageRepository> defaults) {
            this.repos = List.copyOf(defaults);
        }

        @Override
        public synchronized List<PackageRepository> list() {
            return repos;
        }

        @Override
        public synchronized List<PackageRepository> update(UnaryOperator<List<PackageRepository>> change) {
            repos = List.copyOf(change.apply(repos));
            return repos;
        }
    }

    /** The list as JSON in one znode, {@code <path>/repositories}; writes are compare-and-set on its version. */
    final class ZooKeeper implements RepositoryStore {
        private static final int MAX_ATTEMPTS = 20;
        private final CuratorFramework zk;
        private final String node;
        private final List<PackageRepository> defaults;

        public ZooKeeper(CuratorFramework zk, String node, List<PackageRepository> defaults) {
            this.zk = zk;
            this.node = node;
            this.defaults = List.copyOf(defaults);
        }

        @Override
        public List<PackageRepository> list() {
            try {
                return decode(zk.getData().forPath(node));
            } catch (KeeperException.NoNodeException e) {
                return defaults;
            } catch (Exception e) {
                throw CosmosError.serviceUnavailable("zookeeper");
            }
        }

        @Override
        public List<PackageRepository> update(UnaryOperator<List<PackageRepository>> change) {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Stat stat = new Stat();
                List<PackageRepository> current;
                boolean exists = true;
                try {
                    current = decode(zk.getData().storingStatIn(stat).forPath(node));
                } catch (KeeperException.NoNodeException e) {
                    current = defaults;
                    exists = false;
                } catch (Exception e) {
                    throw CosmosError.serviceUnavailable("zookeeper");
                }
                List<PackageRepository> next = change.apply(current);
                try {
                    if (exists) zk.setData().withVersion(stat.getVersion()).forPath(node, encode(next));
                    else zk.create().creatingParentsIfNeeded().forPath(node, encode(next));
                    return next;
                } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
                    // another writer won; read again and re-apply
                } catch (Exception e) {
                    throw CosmosError.serviceUnavailable("zookeeper");
                }
            }
            throw CosmosError.serviceUnavailable("zookeeper");
        }

        static byte[] encode(List<PackageRepository> repos) {
            ObjectNode o = Json.object();
            ArrayNode arr = o.putArray("repositories");
            for (PackageRepository r : repos) arr.addObject().put("name", r.name()).put("uri", r.uri());
            return o.toString().getBytes(StandardCharsets.UTF_8);
        }

        static List<PackageRepository> decode(byte[] bytes) {
            JsonNode n = Json.read(bytes);
            List<PackageRepository> out = new ArrayList<>();
            for (JsonNode r : n.path("repositories")) out.add(new PackageRepository(r.path("name").asText(), r.path("uri").asText()));
            return List.copyOf(out);
        }
    }
}
