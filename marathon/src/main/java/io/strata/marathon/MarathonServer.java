package io.strata.marathon;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.common.http.HttpServers;
import io.strata.common.metrics.Metrics;
import io.strata.common.zk.ZkClients;
import io.strata.common.zk.ZkUri;
import org.apache.curator.framework.CuratorFramework;

/** A running Marathon: the v2 REST API over state in ZooKeeper. */
public final class MarathonServer implements AutoCloseable {
    private final MarathonConfig config;
    private final CuratorFramework zk;
    private final Javalin http;

    private MarathonServer(MarathonConfig config, CuratorFramework zk, Javalin http) {
        this.config = config;
        this.zk = zk;
        this.http = http;
    }

    public static MarathonServer start(MarathonConfig config) {
        ZkUri uri = ZkUri.parse(config.zk());
        CuratorFramework zk = ZkClients.connect(uri, config.zkSessionTimeout(), java.time.Duration.ofSeconds(30));
        PrometheusMeterRegistry metrics = Metrics.newRegistry("marathon");
        Javalin app = HttpServers.create("marathon", config.httpHost(), config.httpPort(), metrics, null);
        app.get("/ping", ctx -> ctx.contentType("text/plain").result("pong"));
        HttpServers.start(app);
        return new MarathonServer(config, zk, app);
    }

    public MarathonConfig config() {
        return config;
    }

    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        http.stop();
        zk.close();
    }
}
