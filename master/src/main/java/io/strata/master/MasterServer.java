package io.strata.master;

import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.common.files.FilesApi;
import io.strata.common.http.HttpServers;
import io.strata.common.logging.LogFile;
import io.strata.common.ids.Ids;
import io.strata.common.metrics.Metrics;
import io.strata.common.zk.ZkClients;
import io.strata.common.zk.ZkUri;
import io.strata.master.agents.AgentEndpoint;
import io.strata.master.election.LeaderElection;
import io.strata.master.operator.OperatorEndpoint;
import io.strata.master.registry.Registry;
import io.strata.master.scheduler.SchedulerEndpoint;
import io.strata.master.state.StateEndpoints;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.Address;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running master: HTTP APIs, leader election and registry in ZooKeeper, and — while it leads — the
 * {@link Master} state. A master that loses leadership drops its state and keeps serving redirects; when it
 * leads again it recovers from the registry, as a freshly started master would.
 */
public final class MasterServer implements AutoCloseable, Gate {
    public static final String MESOS_VERSION = "1.11.0";
    public static final String STRATA_VERSION = "0.1.0";
    public static final String BUILD_DATE = "2026-11-25 00:00:00";
    public static final double BUILD_TIME = 1795564800.0;
    private static final Logger LOG = LoggerFactory.getLogger(MasterServer.class);

    private final MasterConfig config;
    private final CuratorFramework zk;
    private final Registry registry;
    private final Javalin http;
    private final PrometheusMeterRegistry metrics;
    private MasterInfo info;
    private LeaderElection election;
    private volatile Master leading;
    /** Open once the election runs: the port is bound first (MasterInfo needs it), requests wait for this. */
    private final java.util.concurrent.CountDownLatch electionStarted = new java.util.concurrent.CountDownLatch(1);

    private MasterServer(MasterConfig config, CuratorFramework zk, PrometheusMeterRegistry metrics, Javalin http) {
        this.config = config;
        this.zk = zk;
        this.registry = new Registry(zk, ZkUri.parse(config.zk()));
        this.metrics = metrics;
        this.http = http;
    }

    public static MasterServer start(MasterConfig config) throws Exception {
        if (config.zk() == null || config.zk().isBlank()) {
            throw new IllegalArgumentException("the master needs --zk zk://host:2181/path for leader election and its registry");
        }
        ZkUri uri = ZkUri.parse(config.zk());
        CuratorFramework zk = ZkClients.connect(uri);
        PrometheusMeterRegistry metrics = Metrics.newRegistry("master");
        Javalin app = HttpServers.create("master", config.bindHost(), config.port(), metrics, null);
        MasterServer server = new MasterServer(config, zk, metrics, app);
        app.before(ctx -> server.electionStarted.await(10, java.util.concurrent.TimeUnit.SECONDS));
        new SchedulerEndpoint(server).register(app);
        new OperatorEndpoint(server).register(app);
        new AgentEndpoint(server).register(app);
        new StateEndpoints(server).register(app);
        // the master's own log as Mesos serves it (/files/read?path=/master/log), when it logs to a file
        new FilesApi(() -> LogFile.current().map(f -> Map.of("/master/log", f)).orElse(Map.of())).register(app);
        try {
            HttpServers.start(app);
        } catch (RuntimeException e) {
            zk.close();
            throw new IllegalStateException("could not listen on " + config.bindHost() + ":" + config.port()
                    + " (" + rootMessage(e) + "); is another master running? Choose another --port", e);
        }
        server.begin(uri);
        return server;
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.getMessage();
    }

    private void begin(ZkUri uri) throws Exception {
        int port = http.port();
        String host = config.advertisedHost();
        String runId = Ids.masterRunId();
        String ip = InetAddress.getByName(host).getHostAddress();
        info = MasterInfo.newBuilder()
                .setId(runId)
                .setIp(packIp(ip))
                .setPort(port)
                .setPid("master@" + ip + ":" + port)
                .setHostname(host)
                .setVersion(MESOS_VERSION)
                .setAddress(Address.newBuilder().setHostname(host).setIp(ip).setPort(port))
                .build();
        Gauge.builder("strata_master_elected", () -> leading == null ? 0 : 1).register(metrics);
        gauge("strata_master_agents_active", Master.Gauges::agentsActive);
        gauge("strata_master_agents_unreachable", Master.Gauges::agentsUnreachable);
        gauge("strata_master_frameworks_active", Master.Gauges::frameworksActive);
        gauge("strata_master_frameworks_connected", Master.Gauges::frameworksConnected);
        gauge("strata_master_tasks_staging", Master.Gauges::tasksStaging);
        gauge("strata_master_tasks_starting", Master.Gauges::tasksStarting);
        gauge("strata_master_tasks_running", Master.Gauges::tasksRunning);
        gauge("strata_master_tasks_unreachable", Master.Gauges::tasksUnreachable);
        gauge("strata_master_outstanding_offers", Master.Gauges::offers);
        gauge("strata_master_cpus_total", Master.Gauges::cpusTotal);
        gauge("strata_master_cpus_used", Master.Gauges::cpusUsed);
        gauge("strata_master_mem_total_mb", Master.Gauges::memTotal);
        gauge("strata_master_mem_used_mb", Master.Gauges::memUsed);
        election = new LeaderElection(zk, uri, info, this::leadershipChanged);
        election.start();
        electionStarted.countDown();
        LOG.info("msg=\"master started\" id={} address={}:{} zk={}", runId, ip, port, uri);
    }

    private void gauge(String name, java.util.function.ToDoubleFunction<Master.Gauges> value) {
        Gauge.builder(name, () -> {
            Master m = leading;
            return m == null ? 0 : value.applyAsDouble(m.gauges());
        }).register(metrics);
    }

    /** Mesos packs an IPv4 address into a uint32 in network byte order, read as a little-endian integer. */
    static int packIp(String ip) {
        String[] parts = ip.split("\\.");
        if (parts.length != 4) return 0;
        int v = 0;
        for (int i = 3; i >= 0; i--) v = (v << 8) | (Integer.parseInt(parts[i]) & 0xff);
        return v;
    }

    private synchronized void leadershipChanged(boolean nowLeading) {
        if (nowLeading && leading == null) {
            Master m = new Master(config.withPort(http.port()), info, registry, Clock.systemUTC());
            m.start();
            leading = m;
            LOG.info("msg=\"elected leading master\" id={}", info.getId());
        } else if (!nowLeading && leading != null) {
            Master m = leading;
            leading = null;
            m.close();
            LOG.warn("msg=\"no longer the leading master; state dropped until elected again\"");
        }
    }

    @Override
    public Master leading() {
        return leading;
    }

    @Override
    public Optional<String> leaderAddress() {
        if (election == null) return Optional.empty();
        Optional<MasterInfo> leader = election.leader();
        if (leader.isEmpty()) leader = election.refreshLeader(); // just started, or the leader just changed
        return leader.map(l -> (l.hasAddress() ? l.getAddress().getIp() : l.getHostname()) + ":" + l.getPort());
    }

    public int port() {
        return http.port();
    }

    public MasterInfo info() {
        return info;
    }

    public boolean isLeading() {
        return leading != null;
    }

    @Override
    public synchronized void close() {
        // With ZooKeeper unreachable, Curator retries deletes and session closes for a long time: give each
        // step a bound, so SIGTERM always ends the master promptly. Our ephemeral node dies with the session.
        if (election != null) bounded("leader election", election::close);
        if (leading != null) {
            leading.close();
            leading = null;
        }
        http.stop();
        bounded("ZooKeeper client", zk::close);
        LOG.info("msg=\"master stopped\"");
    }

    private static void bounded(String what, Runnable step) {
        Thread t = Thread.ofVirtual().start(step);
        try {
            if (!t.join(java.time.Duration.ofSeconds(3))) {
                LOG.warn("msg=\"closing the {} took too long; going on\"", what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
