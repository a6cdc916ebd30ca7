package io.strata.common.zk;

import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** Curator clients with the session settings every daemon uses. */
public final class ZkClients {
    private ZkClients() {}

    /** Starts a client and waits until it is connected (or throws after the timeout). */
    public static CuratorFramework connect(ZkUri uri, Duration sessionTimeout, Duration connectWait) {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(uri.connectString())
                .sessionTimeoutMs((int) sessionTimeout.toMillis())
                .connectionTimeoutMs(5_000)
                .retryPolicy(new ExponentialBackoffRetry(100, 29, 2_000))
                .build();
        client.start();
        try {
            if (!client.blockUntilConnected((int) connectWait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                client.close();
                throw new IllegalStateException("could not reach ZooKeeper at " + uri.connectString() + " within "
                        + connectWait.toSeconds() + " s; is it running? (check --zk)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.close();
            throw new IllegalStateException("interrupted while connecting to ZooKeeper", e);
        }
        return client;
    }

    public static CuratorFramework connect(ZkUri uri) {
        return connect(uri, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }
}
