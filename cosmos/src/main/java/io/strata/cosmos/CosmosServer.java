package io.strata.cosmos;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.common.detector.MasterDetector;
import io.strata.common.http.HttpServers;
import io.strata.common.metrics.Metrics;
import io.strata.common.zk.ZkClients;
import io.strata.common.zk.ZkUri;
import io.strata.cosmos.api.CosmosApi;
import io.strata.cosmos.api.CosmosError;
import io.strata.cosmos.marathon.MarathonClient;
import io.strata.cosmos.mesos.MesosClient;
import io.strata.cosmos.repository.BuiltinRepository;
import io.strata.cosmos.repository.PackageCollection;
import io.strata.cosmos.repository.RepositoryFetcher;
import io.strata.cosmos.repository.RepositoryStore;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Cosmos: the API on {@code bindHost:port} (plus {@code /health} and {@code /metrics}), the repository
 * list in ZooKeeper (or memory), installs into Marathon. {@code dcos-node cosmos} and {@code dcos-node local}
 * start it with {@link #start(CosmosConfig)}.
 */
public final class CosmosServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CosmosServer.class);
    /** Repositories that failed are fetched again after this, not on every request. */
    static final Duration RETRY_FAILED = Duration.ofSeconds(5);

    private final CosmosConfig config;
    private final HttpClient http;
    private final CuratorFramework zk;
    private final PackageCollection packages;
    private Javalin app;
    private MesosClient mesos;

    private CosmosServer(CosmosConfig config, HttpClient http, CuratorFramework zk, PackageCollection packages) {
        this.config = config;
        this.http = http;
        this.zk = zk;
        this.packages = packages;
    }

    public static CosmosServer start(CosmosConfig config) {
        return start(config, new BuiltinRepository());
    }

    /** With a different built-in repository (tests). */
    public static CosmosServer start(CosmosConfig config, BuiltinRepository builtin) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        CuratorFramework zk = null;
        RepositoryStore store;
        if (config.zk() != null) {
            ZkUri uri = ZkUri.parse(config.zk());
            zk = ZkClients.connect(uri);
            store = new RepositoryStore.ZooKeeper(zk, uri.child("repositories"), config.defaultRepositories());
        } else {
            store = RepositoryStore.memory(config.defaultRepositories());
        }
        RepositoryFetcher fetcher = new RepositoryFetcher(http, config.repositoryTimeout(), config.maxRepositoryBytes(),
                config.allowFileRepositories(), CosmosConfig.DCOS_VERSION, builtin);
        PackageCollection packages = new PackageCollection(store, fetcher, config.repositoryRefresh(), RETRY_FAILED, Clock.systemUTC());
        CosmosServer server = new CosmosServer(config, http, zk, packages);
        PrometheusMeterRegistry metrics = Metrics.newRegistry("cosmos");
        Javalin app = HttpServers.create("cosmos", config.bindHost(), config.port(), metrics, cfg -> {
            cfg.http.maxRequestSize = 16L * 1024 * 1024;
        });
        MarathonClient marathon = new MarathonClient(http, config.marathonUrl(), Duration.ofSeconds(30));
        if (config.master() != null) server.mesos = new MesosClient(http, MasterDetector.of(config.master()), Duration.ofSeconds(15));
        new CosmosApi(packages, marathon, server.mesos, metrics).register(app);
        app.exception(CosmosError.class, (e, ctx) -> CosmosApi.error(ctx, e));
        app.error(404, ctx -> {
            if (ctx.path().equals("/health") || ctx.path().equals("/metrics")) return;
            CosmosApi.error(ctx, new CosmosError("not_found", 404, "No endpoint at " + ctx.method() + " " + ctx.path()
                    + "; the API is POST /package/<rpc> and GET /capabilities", null));
        });
        server.app = app;
        try {
            HttpServers.start(app);
        } catch (RuntimeException e) {
            server.close();
            throw new IllegalStateException("could not listen on " + config.bindHost() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        LOG.info("msg=\"cosmos started\" address={}:{} marathon={} repositories={}", config.bindHost(), server.port(),
                config.marathonUrl(), config.zk() == null ? "memory" : config.zk());
        return server;
    }

    public int port() {
        return app.port();
    }

    public CosmosConfig config() {
        return config;
    }

    @Override
    public void close() {
        if (app != null) app.stop();
        packages.close();
        if (mesos != null) mesos.close();
        http.shutdownNow();
        if (zk != null) zk.close();
        LOG.info("msg=\"cosmos stopped\"");
    }
}
