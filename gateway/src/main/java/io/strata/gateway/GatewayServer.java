package io.strata.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.common.http.HttpServers;
import io.strata.common.json.Json;
import io.strata.common.metrics.Metrics;
import io.strata.gateway.proxy.JsonErrorHandler;
import io.strata.gateway.proxy.Proxy;
import io.strata.gateway.proxy.ProxyFailure;
import io.strata.gateway.routing.RequestPath;
import io.strata.gateway.routing.Route;
import io.strata.gateway.routing.Router;
import io.strata.gateway.services.ClusterView;
import io.strata.gateway.services.MesosDirectory;
import io.strata.gateway.services.ServiceApps;
import io.strata.gateway.services.ServiceResolver;
import io.strata.gateway.system.SystemHealth;
import io.strata.gateway.ui.StaticFiles;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.http.UriCompliance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway: Admin Router's job on one port. Forwards {@code /mesos/} to the leading master, {@code /marathon/}
 * to Marathon, {@code /service/<name>/} to a service's web UI or API, {@code /agent/<id>/} to an agent,
 * {@code /mesos_dns/} to Mesos-DNS and {@code /package/} to Cosmos; answers {@code /dcos-metadata/dcos-version.json}
 * and {@code /system/health/v1} itself; serves the web UI at {@code /}. Streams pass through unbuffered.
 */
public final class GatewayServer implements AutoCloseable {
    public static final String STRATA_VERSION = "0.1.0";
    /** The DC/OS release whose public APIs Strata speaks; clients use it to pick compatible behaviour. */
    public static final String DCOS_VERSION = "1.13.0";
    static final Duration HEADER_TIMEOUT = Duration.ofSeconds(60);
    /** How long resolved services and agents are trusted before the master and Marathon are asked again. */
    static final Duration STATE_TTL = Duration.ofSeconds(5);
    /** A name not found in state older than this is looked up again at once (a service that just started). */
    static final Duration MISS_REFRESH = Duration.ofMillis(500);
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("io.strata.gateway.access");
    private static final HandlerType[] METHODS = {HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
            HandlerType.DELETE, HandlerType.HEAD, HandlerType.OPTIONS};

    private final GatewayConfig config;
    private final HttpClient client;
    private final ClusterView view;
    private final Proxy proxy;
    private final Router router;
    private final ServiceResolver resolver;
    private final SystemHealth health;
    private final StaticFiles ui;
    private final PrometheusMeterRegistry metrics;
    private Javalin http;

    private GatewayServer(GatewayConfig config, Duration headerTimeout) throws IOException {
        this.config = config;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        this.view = new ClusterView(client, config.master(), config.marathonUrl(), config.mesosDnsUrl());
        this.proxy = new Proxy(client, config.maxBodyBytes(), headerTimeout);
        // --ui-dir wins; else the UI shipped in the strata-ui jar; else / answers a JSON index of the APIs
        this.ui = config.uiDir() != null ? StaticFiles.directory(config.uiDir())
                : StaticFiles.classpath(GatewayServer.class.getClassLoader()).orElse(null);
        this.router = new Router(ui != null);
        this.resolver = new ServiceResolver(config.marathonUrl(), view::srv);
        this.metrics = Metrics.newRegistry("gateway");
        this.health = new SystemHealth(client, List.of(
                new SystemHealth.Check("dcos-mesos-master.service", "Mesos Master", "The leading Mesos master",
                        () -> view.leaderUrl() + "/health"),
                new SystemHealth.Check("dcos-marathon.service", "Marathon", "The root Marathon",
                        () -> config.marathonUrl() + "/health"),
                new SystemHealth.Check("dcos-mesos-dns.service", "Mesos DNS", "Mesos-DNS: names for tasks and services",
                        () -> config.mesosDnsUrl() + "/health"),
                new SystemHealth.Check("dcos-cosmos.service", "Cosmos", "The package manager",
                        () -> config.cosmosUrl() + "/health")));
    }

    /** Starts listening; returns once the port is open. */
    public static GatewayServer start(GatewayConfig config) throws Exception {
        return start(config, HEADER_TIMEOUT);
    }

    static GatewayServer start(GatewayConfig config, Duration headerTimeout) throws Exception {
        if (config.uiDir() != null && !Files.isDirectory(config.uiDir())) {
            throw new IllegalArgumentException("--ui-dir " + config.uiDir() + " is not a directory");
        }
        GatewayServer server = new GatewayServer(config, headerTimeout);
        // Paths are checked by RequestPath (encoded dot-segments are refused with a JSON answer), so Jetty
        // passes them through instead of refusing ambiguous ones with its own HTML page.
        Javalin app = HttpServers.create("gateway", config.bindHost(), config.port(), server.metrics,
                cfg -> {
                    cfg.jetty.modifyHttpConfiguration(h -> h.setUriCompliance(UriCompliance.LEGACY));
                    cfg.jetty.modifyServer(s -> s.setErrorHandler(new JsonErrorHandler()));
                    cfg.jetty.modifyServletContextHandler(h -> h.setErrorHandler(new JsonErrorHandler()));
                });
        for (HandlerType m : METHODS) {
            app.addHttpHandler(m, "/", server::handle);
            app.addHttpHandler(m, "/*", server::handle);
        }
        server.http = app;
        try {
            HttpServers.start(app);
        } catch (RuntimeException e) {
            server.view.close();
            server.client.shutdownNow();
            throw new IllegalStateException("could not listen on " + config.bindHost() + ":" + config.port()
                    + " (" + rootMessage(e) + "); is another gateway running? Choose another --port", e);
        }
        LOG.info("msg=\"gateway started\" address={}:{} master={} marathon={} mesos_dns={} cosmos={} ui={}",
                config.bindHost(), server.port(), config.master(), config.marathonUrl(), config.mesosDnsUrl(),
                config.cosmosUrl(), server.ui == null ? "-" : server.ui.describe());
        return server;
    }

    public int port() {
        return http.port();
    }

    public GatewayConfig config() {
        return config;
    }

    private void handle(Context ctx) {
        long t0 = System.nanoTime();
        String raw = ctx.req().getRequestURI();
        String query = ctx.req().getQueryString();
        String routeName = "-";
        String upstream = "-";
        long bytes = -1;
        try {
            RequestPath.Result normalised = RequestPath.normalise(raw);
            if (normalised instanceof RequestPath.Rejected r) {
                routeName = "rejected";
                error(ctx, 400, "Bad request path: " + r.reason());
                return;
            }
            String path = ((RequestPath.Ok) normalised).path();
            Route route = router.route(path);
            switch (route) {
                case Route.Fixed f -> {
                    routeName = f.name();
                    String base = baseUrl(f.upstream());
                    upstream = base;
                    String publicPrefix = path.substring(0, path.length() - f.path().length());
                    bytes = forward(ctx, base + f.path() + q(query), f.upstream().displayName(), Map.of(),
                            relocate(base, publicPrefix));
                }
                case Route.Service s -> {
                    routeName = "service";
                    ServiceResolver.Found found = resolveService(s.servicePath());
                    upstream = found.upstream();
                    String rest = path.substring(found.prefix().length());
                    String forwardedPath = found.rewrite() ? (rest.isEmpty() ? "/" : rest) : path;
                    bytes = forward(ctx, found.upstream() + forwardedPath + q(query), "Service '" + found.serviceName() + "'",
                            Map.of("X-Forwarded-Prefix", found.prefix()), relocate(found.upstream(), found.prefix()));
                }
                case Route.Agent a -> {
                    routeName = "agent";
                    String base = agentUrl(a.agentId());
                    upstream = base;
                    String prefix = path.substring(0, path.length() - (a.path().equals("/") && !path.endsWith("/") ? 0 : a.path().length()));
                    bytes = forward(ctx, base + a.path() + q(query), "Agent " + a.agentId(), Map.of(), relocate(base, prefix));
                }
                case Route.Local l -> {
                    routeName = "local";
                    local(ctx, l.kind());
                }
                case Route.Ui u -> {
                    routeName = "ui";
                    serveUi(ctx, u.path());
                }
                case Route.Redirect r -> {
                    routeName = "redirect";
                    ctx.status(r.status());
                    ctx.header("Location", r.location() + q(query));
                }
                case Route.NotFound n -> {
                    routeName = "none";
                    error(ctx, 404, "Not found: " + n.message());
                }
            }
        } catch (ProxyFailure e) {
            Counter.builder("strata_gateway_upstream_errors").tag("route", routeName)
                    .tag("status", Integer.toString(e.status())).register(metrics).increment();
            if (!ctx.res().isCommitted()) error(ctx, e.status(), e.getMessage());
        } catch (IOException e) {
            // the client went away mid-stream, or the upstream broke off: nothing left to answer
            LOG.debug("msg=\"stream ended\" path={} error=\"{}\"", raw, e.toString());
        } finally {
            int status = ctx.res().getStatus();
            Counter.builder("strata_gateway_requests").tag("route", routeName).tag("status", Integer.toString(status))
                    .register(metrics).increment();
            if (ACCESS.isInfoEnabled()) {
                ACCESS.info("method={} path={} status={} ms={} route={} upstream={} bytes={} remote={}", ctx.method(),
                        raw, status, String.format("%.1f", (System.nanoTime() - t0) / 1e6), routeName, upstream, bytes,
                        ctx.req().getRemoteAddr());
            }
        }
    }

    private long forward(Context ctx, String target, String name, Map<String, String> headers, UnaryOperator<String> relocate)
            throws ProxyFailure, IOException {
        return proxy.forward(ctx.req(), ctx.res(), target, name, headers, relocate).bytes();
    }

    private String baseUrl(Route.Upstream u) throws ProxyFailure {
        return switch (u) {
            case MESOS -> view.leaderUrl();
            case MARATHON -> config.marathonUrl();
            case MESOS_DNS -> config.mesosDnsUrl();
            case COSMOS -> config.cosmosUrl();
        };
    }

    private ServiceResolver.Found resolveService(String servicePath) throws ProxyFailure {
        ServiceResolver.Resolution r = resolveOnce(servicePath, STATE_TTL);
        if (r instanceof ServiceResolver.Found f) return f;
        // not found (or not running) in state some time old: the service may have just appeared; ask again
        if (view.appsAge().compareTo(MISS_REFRESH) > 0 || view.mesosAge().compareTo(MISS_REFRESH) > 0) {
            r = resolveOnce(servicePath, Duration.ZERO);
            if (r instanceof ServiceResolver.Found f) return f;
        }
        if (r instanceof ServiceResolver.Unavailable u) throw new ProxyFailure(503, u.message());
        throw new ProxyFailure(404, ((ServiceResolver.NotFound) r).message());
    }

    private ServiceResolver.Resolution resolveOnce(String servicePath, Duration maxAge) throws ProxyFailure {
        ProxyFailure appsFailure = null;
        ProxyFailure mesosFailure = null;
        ServiceApps apps;
        MesosDirectory mesos;
        try {
            apps = view.apps(maxAge);
        } catch (ProxyFailure e) {
            appsFailure = e;
            apps = ServiceApps.empty();
        }
        try {
            mesos = view.mesos(maxAge);
        } catch (ProxyFailure e) {
            mesosFailure = e;
            mesos = MesosDirectory.empty();
        }
        ServiceResolver.Resolution r = resolver.resolve(servicePath, apps, mesos);
        if (r instanceof ServiceResolver.NotFound) {
            // Without both tables we cannot say the service does not exist, only that we could not look.
            if (mesosFailure != null) throw mesosFailure;
            if (appsFailure != null) throw appsFailure;
        }
        return r;
    }

    private String agentUrl(String agentId) throws ProxyFailure {
        String url = view.mesos(STATE_TTL).agent(agentId);
        if (url == null && view.mesosAge().compareTo(MISS_REFRESH) > 0) url = view.mesos(Duration.ZERO).agent(agentId);
        if (url == null) {
            throw new ProxyFailure(404, "Agent '" + agentId + "' is not known to the leading master; "
                    + "list the agents with: dcos node");
        }
        return url;
    }

    /**
     * Redirects from an upstream point into the gateway: its own absolute URLs and root-relative paths get the
     * public prefix ({@code /service/jenkins}, {@code /marathon}), as Admin Router's proxy_redirect rules do.
     */
    static UnaryOperator<String> relocate(String upstreamBase, String publicPrefix) {
        String base = upstreamBase.endsWith("/") ? upstreamBase.substring(0, upstreamBase.length() - 1) : upstreamBase;
        String origin = origin(base);
        return location -> {
            if (location.startsWith(base + "/") || location.equals(base)) return publicPrefix + orSlash(location.substring(base.length()));
            if (location.startsWith(origin + "/") || location.equals(origin)) return publicPrefix + orSlash(location.substring(origin.length()));
            if (location.startsWith("/") && !location.startsWith("//") && !publicPrefix.isEmpty()
                    && !location.startsWith(publicPrefix + "/") && !location.equals(publicPrefix)) {
                return publicPrefix + location;
            }
            return location;
        };
    }

    private static String origin(String url) {
        int scheme = url.indexOf("://");
        int slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
        return slash < 0 ? url : url.substring(0, slash);
    }

    private static String orSlash(String s) {
        return s.isEmpty() ? "/" : s;
    }

    private static String q(String query) {
        return query == null || query.isEmpty() ? "" : "?" + query;
    }

    private void local(Context ctx, Route.Local.Kind kind) {
        switch (kind) {
            case DCOS_VERSION -> {
                ObjectNode o = Json.object();
                o.put("version", DCOS_VERSION);
                o.put("dcos-variant", "open");
                o.put("dcos-image-commit", "strata-" + STRATA_VERSION);
                o.put("bootstrap-id", "strata-" + STRATA_VERSION);
                o.put("strata-version", STRATA_VERSION);
                ctx.header("Cache-Control", "no-cache");
                json(ctx, 200, o);
            }
            case HEALTH -> json(ctx, 200, SystemHealth.report(health.check(), config.bindHost(), config.bindHost(),
                    DCOS_VERSION, STRATA_VERSION));
            case HEALTH_UNITS -> json(ctx, 200, SystemHealth.unitsReport(health.check()));
            case INDEX -> {
                ObjectNode o = Json.object();
                o.put("message", "Strata gateway " + STRATA_VERSION + " (DC/OS " + DCOS_VERSION + " APIs). "
                        + (ui == null ? "No web UI is installed; " : "The web UI is at / in a browser; ")
                        + "the APIs are under the paths listed here.");
                var paths = o.putArray("paths");
                for (String p : new String[] {"/mesos/", "/marathon/", "/service/<name>/", "/agent/<agent-id>/",
                        "/mesos_dns/", "/package/", "/dcos-metadata/dcos-version.json", "/system/health/v1",
                        "/health", "/metrics"}) {
                    paths.add(p);
                }
                json(ctx, 200, o);
            }
        }
    }

    private void serveUi(Context ctx, String path) throws IOException {
        String header = ctx.header("Accept");
        String accept = header == null ? "" : header.toLowerCase(Locale.ROOT);
        boolean html = accept.contains("text/html");
        if (path.equals("/") && accept.contains("application/json") && !html) {
            local(ctx, Route.Local.Kind.INDEX); // scripts asking the root for JSON (not the UI) still get the index of paths
            return;
        }
        var found = ui.find(path, html);
        if (found.isEmpty()) {
            error(ctx, 404, "Not found: " + path);
            return;
        }
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType(found.get().contentType());
        res.setContentLengthLong(found.get().body().length);
        // the UI's ES modules import each other by plain names: revalidate so an upgrade never mixes versions
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Content-Type-Options", "nosniff");
        // the UI builds its DOM from text and loads only its own files; data comes from this origin's APIs
        res.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' https: data:; "
                + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
        if (ctx.method() == HandlerType.HEAD) return;
        try (OutputStream out = res.getOutputStream()) {
            out.write(found.get().body());
        }
    }

    private static void json(Context ctx, int status, ObjectNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    /** Errors are JSON with a message that says what is wrong and, where it can, what to do. */
    static void error(Context ctx, int status, String message) {
        ObjectNode o = Json.object();
        o.put("code", status);
        o.put("message", message);
        ctx.status(status).contentType("application/json").result(o.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.getMessage();
    }

    @Override
    public void close() {
        // Upstream streams end first, so handlers relaying them return and the server stops promptly.
        client.shutdownNow();
        if (http != null) http.stop();
        view.close();
        LOG.info("msg=\"gateway stopped\"");
    }
}
