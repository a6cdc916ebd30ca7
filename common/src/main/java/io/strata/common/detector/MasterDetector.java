package io.strata.common.detector;

import io.strata.common.json.ProtoJson;
import io.strata.common.zk.ZkClients;
import io.strata.common.zk.ZkUri;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.MasterInfo;

/**
 * Finds the leading master the way Mesos clients do: from a fixed {@code host:port}, or from ZooKeeper, where
 * each master holds an ephemeral sequential {@code json.info_<seq>} node with its MasterInfo JSON and the lowest
 * sequence number leads.
 */
public interface MasterDetector extends AutoCloseable {
    /** The leader's {@code host:port}, if one is known right now. */
    Optional<String> leader();

    @Override
    default void close() {}

    /** {@code zk://...} or {@code host:port} (also {@code http://host:port}). */
    static MasterDetector of(String master) {
        if (master.startsWith("zk://")) return new Zk(ZkUri.parse(master));
        String hostPort = master.replaceFirst("^https?://", "").replaceAll("/+$", "");
        if (!hostPort.matches("[A-Za-z0-9.\\-]+:\\d{1,5}")) {
            throw new IllegalArgumentException("expected --master zk://host:2181/path or host:port, got '" + master + "'");
        }
        return () -> Optional.of(hostPort);
    }

    final class Zk implements MasterDetector {
        public static final String PREFIX = "json.info_";
        private final ZkUri uri;
        private final CuratorFramework client;

        Zk(ZkUri uri) {
            this.uri = uri;
            this.client = ZkClients.connect(uri);
        }

        @Override
        public Optional<String> leader() {
            return leaderInfo().map(info -> {
                String host = info.hasAddress() && !info.getAddress().getIp().isEmpty() ? info.getAddress().getIp() : info.getHostname();
                int port = info.hasAddress() ? info.getAddress().getPort() : info.getPort();
                return host + ":" + port;
            });
        }

        public Optional<MasterInfo> leaderInfo() {
            try {
                if (client.checkExists().forPath(uri.path()) == null) return Optional.empty();
                List<String> children = client.getChildren().forPath(uri.path());
                Optional<String> lowest = children.stream().filter(c -> c.startsWith(PREFIX))
                        .min(Comparator.comparing(c -> c.substring(PREFIX.length())));
                if (lowest.isEmpty()) return Optional.empty();
                byte[] data = client.getData().forPath(uri.child(lowest.get()));
                return Optional.of(ProtoJson.parse(new String(data, StandardCharsets.UTF_8), MasterInfo.newBuilder()).build());
            } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
                return Optional.empty(); // the leader went away between listing and reading; ask again
            } catch (Exception e) {
                return Optional.empty();
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
