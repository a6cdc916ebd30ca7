package io.strata.common.http;

import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP server setup every daemon uses: Javalin on Jetty with virtual threads, bound to the given
 * address (127.0.0.1 unless configured), no compression (it would buffer our event streams), a request size
 * limit, an access log, {@code /health} and Prometheus {@code /metrics}. Errors never leak a stack trace.
 */
public final class HttpServers {
    public static final long DEFAULT_MAX_REQUEST_BYTES = 8L * 1024 * 1024;
    /** Pending connections the kernel queues for us (somaxconn caps it). */
    static final int ACCEPT_QUEUE = 1024;
    private static final Logger ACCESS = LoggerFactory.getLogger("access");
    private static final Logger LOG = LoggerFactory.getLogger(HttpServers.class);

    private HttpServers() {}

    public static Javalin create(String daemon, String host, int port, PrometheusMeterRegistry metrics,
                                 Consumer<io.javalin.config.JavalinConfig> extra) {
        Javalin app = Javalin.create(cfg -> {
            cfg.useVirtualThreads = true;
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.http.disableCompression();
            cfg.http.maxRequestSize = DEFAULT_MAX_REQUEST_BYTES;
            // Our own connector instead of Javalin's default: Jetty's accept queue of 50 refuses connections when
            // hundreds of agents or clients connect at once (a master restart, a load test). Event streams are kept
            // alive by heartbeats; idle connections are closed after five minutes.
            cfg.jetty.addConnector((server, httpConfig) -> {
                ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
                c.setHost(host);
                c.setPort(port);
                c.setAcceptQueueSize(ACCEPT_QUEUE);
                c.setIdleTimeout(TimeUnit.MINUTES.toMillis(5));
                return c;
            });
            cfg.requestLogger.http((ctx, ms) -> {
                Timer.builder("http_server_requests")
                        .tag("method", ctx.method().name())
                        .tag("status", Integer.toString(ctx.statusCode()))
                        .register(metrics)
                        .record((long) (ms * 1_000_000), TimeUnit.NANOSECONDS);
                if (ACCESS.isDebugEnabled()) {
                    ACCESS.debug("method={} path={} status={} ms={} remote={}", ctx.method(), ctx.path(),
                            ctx.statusCode(), String.format("%.1f", ms), ctx.ip());
                }
            });
            if (extra != null) extra.accept(cfg);
        });
        app.get("/health", ctx -> ctx.status(200).result(""));
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("msg=\"unhandled error\" daemon={} path={}", daemon, ctx.path(), e);
            ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).contentType("text/plain")
                    .result("Internal error: " + e.getClass().getSimpleName() + "; see the " + daemon + " log");
        });
        return app;
    }

    /** Starts a server made by {@link #create}: it listens on the connector configured there. */
    public static Javalin start(Javalin app) {
        app.start();
        return app;
    }
}
