package io.strata.gateway.services;

import io.strata.common.detector.MasterDetector;
import io.strata.common.zk.ZkUri;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Finds the leading master without making the gateway wait for ZooKeeper: the connection is made in the
 * background (and tried again every few seconds while it fails), so the gateway starts — and serves the UI,
 * Marathon and everything else — while ZooKeeper is down; {@code /mesos/} answers 503 until a leader is known.
 */
final class LazyMasterDetector implements MasterDetector {
    static final Duration RETRY = Duration.ofSeconds(5);

    private final String master;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private volatile MasterDetector detector;
    private volatile long nextAttemptNanos;
    private volatile String problem;
    private volatile boolean closed;

    /** Throws {@link IllegalArgumentException} at once for a master address that cannot be right. */
    LazyMasterDetector(String master) {
        this.master = master;
        if (master.startsWith("zk://")) {
            ZkUri.parse(master);
            connect();
        } else {
            detector = MasterDetector.of(master);
        }
    }

    boolean viaZooKeeper() {
        return master.startsWith("zk://");
    }

    /** Why no leader can be found, if the reason is known ("could not reach ZooKeeper ..."). */
    String problem() {
        return problem;
    }

    @Override
    public Optional<String> leader() {
        MasterDetector d = detector;
        if (d != null) return d.leader();
        if (System.nanoTime() - nextAttemptNanos >= 0) connect();
        return Optional.empty();
    }

    private void connect() {
        if (!connecting.compareAndSet(false, true)) return;
        Thread.ofVirtual().name("gateway-zk-connect").start(() -> {
            try {
                MasterDetector d = MasterDetector.of(master);
                if (closed) {
                    d.close();
                } else {
                    detector = d;
                    problem = null;
                }
            } catch (RuntimeException e) {
                problem = e.getMessage();
                nextAttemptNanos = System.nanoTime() + RETRY.toNanos();
            } finally {
                connecting.set(false);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        MasterDetector d = detector;
        if (d != null) d.close();
    }
}
