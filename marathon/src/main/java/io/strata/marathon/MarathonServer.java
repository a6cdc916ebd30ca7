package io.strata.marathon;

import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.common.http.HttpServers;
import io.strata.common.metrics.Metrics;
import io.strata.common.zk.ZkClients;
import io.strata.common.zk.ZkUri;
import io.strata.marathon.api.MarathonApi;
import io.strata.marathon.events.EventBus;
import io.strata.marathon.health.HealthMonitor;
import io.strata.marathon.scheduler.MesosScheduler;
import io.strata.marathon.storage.ZkStorage;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Marathon: the v2 REST API on {@code httpHost:httpPort}, leader election among the Marathons sharing
 * the {@code --zk} path, and — while leading — the state ({@link Marathon}) loaded from ZooKeeper, the Mesos
 * scheduler (when {@code --master} is given), Marathon-side health checks and the one-second timer. A Marathon that
 * loses leadership drops all of that and proxies API calls to the new leader.
 */
public final class MarathonServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MarathonServer.class);

    private final MarathonConfig config;
    private final CuratorFramework zk;
    private final ZkUri uri;
    private final Javalin http;
    private final EventBus events = new EventBus(Clock.systemUTC());
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "marathon-timer");
        t.setDaemon(true);
        return t;
    });
    private final Object leadershipLock = new Object();
    private volatile LeaderLatch latch;
    private volatile Marathon leading;
    private ScheduledFuture<?> ticking;
    private MesosScheduler scheduler;
    private HealthMonitor health;
    private volatile boolean closed;

    private MarathonServer(MarathonConfig config, CuratorFramework zk, ZkUri uri, Javalin http) {
        this.config = config;
        this.zk = zk;
        this.uri = uri;
        this.http = http;
    }

    /** Starts the API and joins the leader election; returns once the HTTP port is open. */
    public static MarathonServer start(MarathonConfig config) {
        ZkUri uri = ZkUri.parse(config.zk());
        CuratorFramework zk = ZkClients.connect(uri, config.zkSessionTimeout(), Duration.ofSeconds(30));
        PrometheusMeterRegistry metrics = Metrics.newRegistry("marathon");
        Javalin app = HttpServers.create("marathon", config.httpHost(), config.httpPort(), metrics, null);
        MarathonServer server = new MarathonServer(config, zk, uri, app);
        Leadership leadership = server.leadership();
        new MarathonApi(config, leadership, () -> server.leading).register(app, metrics, () -> server.events);
        Gauge.builder("marathon_apps_active", () -> {
            Marathon m = server.leading;
            return m == null ? 0 : m.root().transitiveApps().size();
        }).register(metrics);
        Gauge.builder("marathon_instances", () -> {
            Marathon m = server.leading;
            return m == null ? 0 : m.instances().size();
        }).register(metrics);
        Gauge.builder("marathon_deployments_active", () -> {
            Marathon m = server.leading;
            return m == null ? 0 : m.deployments().size();
        }).register(metrics);
        Gauge.builder("marathon_leader", () -> leadership.isLeader() ? 1 : 0).register(metrics);
        try {
            HttpServers.start(app);
        } catch (RuntimeException e) {
            zk.close();
            throw new IllegalStateException("could not listen on " + config.httpHost() + ":" + config.httpPort()
                    + "; is another Marathon running? Choose another --http_port", e);
        }
        server.join();
        LOG.info("msg=\"marathon started\" framework={} http={}:{} zk={} master={}", config.frameworkName(), config.httpHost(),
                server.port(), config.zk(), config.master());
        return server;
    }

    /** Standalone: {@code java ... io.strata.marathon.MarathonServer --master ... --zk ...}; runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        MarathonServer server = start(MarathonConfig.parse(args));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "marathon-shutdown"));
        Thread.currentThread().join();
    }

    public MarathonConfig config() {
        return config;
    }

    public int port() {
        return http.port();
    }

    /** The leading state, or null while this Marathon does not lead. For tests and the launcher's status output. */
    public Marathon marathon() {
        return leading;
    }

    public EventBus events() {
        return events;
    }

    public boolean isLeader() {
        LeaderLatch l = latch;
        return l != null && l.hasLeadership() && leading != null;
    }

    private String id() {
        return config.hostname() + ":" + port();
    }

    private void join() {
        synchronized (leadershipLock) {
            if (closed) return;
            LeaderLatch l = new LeaderLatch(zk, uri.child("leader"), id());
            l.addListener(new LeaderLatchListener() {
                @Override
                public void isLeader() {
                    Thread.ofVirtual().name("marathon-elected").start(() -> elected(l));
                }

                @Override
                public void notLeader() {
                    Thread.ofVirtual().name("marathon-defeated").start(MarathonServer.this::defeated);
                }
            });
            latch = l;
            try {
                l.start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot join the leader election at " + uri.child("leader") + ": " + e.getMessage(), e);
            }
        }
    }

    private void elected(LeaderLatch l) {
        synchronized (leadershipLock) {
            if (closed || l != latch || !l.hasLeadership() || leading != null) return;
            try {
                ZkStorage storage = new ZkStorage(zk, uri.path(), config.maxVersions());
                Marathon m = new Marathon(config, storage, events, Clock.systemUTC());
                if (config.master() != null && !config.master().isBlank()) {
                    scheduler = new MesosScheduler(config.withHttpPort(port()), m);
                    m.taskControl(scheduler);
                    scheduler.start();
                }
                health = new HealthMonitor(m);
                health.start();
                ticking = timer.scheduleWithFixedDelay(() -> {
                    try {
                        m.tick();
                    } catch (RuntimeException e) {
                        LOG.warn("msg=\"timer tick failed\" error=\"{}\"", e.toString());
                    }
                }, 1, 1, TimeUnit.SECONDS);
                leading = m;
                LOG.info("msg=\"elected leader\" id={}", id());
            } catch (RuntimeException e) {
                LOG.error("msg=\"could not take over as leader; abdicating\"", e);
                stopLeading();
                abdicate();
            }
        }
    }

    private void defeated() {
        synchronized (leadershipLock) {
            if (leading != null) LOG.info("msg=\"lost leadership\" id={}", id());
            stopLeading();
        }
    }

    private void stopLeading() {
        if (ticking != null) ticking.cancel(false);
        ticking = null;
        if (scheduler != null) scheduler.close();
        scheduler = null;
        if (health != null) health.close();
        health = null;
        leading = null;
    }

    private void abdicate() {
        synchronized (leadershipLock) {
            LeaderLatch old = latch;
            stopLeading();
            latch = null;
            if (old != null) {
                try {
                    old.close(LeaderLatch.CloseMode.NOTIFY_LEADER);
                } catch (Exception e) {
                    LOG.warn("msg=\"closing the leader latch failed\" error=\"{}\"", e.toString());
                }
            }
            join();
        }
    }

    Leadership leadership() {
        return new Leadership() {
            @Override
            public boolean isLeader() {
                return MarathonServer.this.isLeader();
            }

            @Override
            public Optional<String> leader() {
                LeaderLatch l = latch;
                if (l == null) return Optional.empty();
                try {
                    var p = l.getLeader();
                    return p != null && p.isLeader() && !p.getId().isEmpty() ? Optional.of(p.getId()) : Optional.empty();
                } catch (Exception e) {
                    return Optional.empty();
                }
            }

            @Override
            public void abdicate() {
                Thread.ofVirtual().name("marathon-abdicate").start(MarathonServer.this::abdicate);
            }
        };
    }

    @Override
    public void close() {
        synchronized (leadershipLock) {
            closed = true;
            stopLeading();
            if (latch != null) {
                try {
                    latch.close();
                } catch (Exception e) {
                    // the session goes away with the client anyway
                }
            }
        }
        timer.shutdownNow();
        http.stop();
        zk.close();
    }
}
