package io.strata.lb;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.common.http.HttpServers;
import io.strata.common.metrics.Metrics;
import io.strata.lb.haproxy.ConfigChecker;
import io.strata.lb.haproxy.Haproxy;
import io.strata.lb.haproxy.HaproxyProcess;
import io.strata.lb.haproxy.ReloadCommand;
import io.strata.lb.http.LbApi;
import io.strata.lb.marathon.EventStream;
import io.strata.lb.marathon.MarathonClient;
import io.strata.lb.render.ConfigRenderer;
import io.strata.lb.render.RenderSettings;
import io.strata.lb.render.RenderedConfig;
import io.strata.lb.render.Templates;
import io.strata.lb.services.ServiceBuilder;
import io.strata.lb.sync.ConfigFiles;
import io.strata.lb.sync.HostResolver;
import io.strata.lb.sync.SyncMetrics;
import io.strata.lb.sync.Updater;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running load balancer: HAProxy (master-worker, started and reloaded by us, or reloaded with {@code --command}),
 * the updater that keeps haproxy.cfg in step with Marathon, Marathon's event stream (or polling), and the HTTP API.
 * The composition root of the module; {@code dcos-node lb} starts it with {@link #start(LbConfig)}.
 */
public final class LbServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LbServer.class);

    private final LbConfig config;
    private final Javalin api;
    private final Haproxy haproxy;
    private final Updater updater;
    private final EventStream events;

    private LbServer(LbConfig config, Javalin api, Haproxy haproxy, Updater updater, EventStream events) {
        this.config = config;
        this.api = api;
        this.haproxy = haproxy;
        this.updater = updater;
        this.events = events;
    }

    /**
     * Starts serving: the HTTP API, then HAProxy with a configuration without apps (stats listener and virtual-host
     * frontends up at once), then the first sync with Marathon. Throws when HAProxy cannot start (a port in use, a
     * global template HAProxy rejects).
     */
    public static LbServer start(LbConfig config) throws IOException {
        if (config.dry()) throw new IllegalArgumentException("--dry prints a configuration and exits: use LbServer.dryRun");
        Templates templates = Templates.of(config.templates());
        PrometheusMeterRegistry registry = Metrics.newRegistry("lb");
        SyncMetrics metrics = new SyncMetrics(registry);
        MarathonClient client = new MarathonClient(config.marathons(), config.credentials());

        AtomicReference<Updater> updaterRef = new AtomicReference<>();
        AtomicReference<Haproxy> haproxyRef = new AtomicReference<>();
        Javalin api = HttpServers.create("lb", config.apiAddress(), config.apiPort(), registry, null);
        new LbApi(updaterRef::get, haproxyRef::get).register(api);
        try {
            HttpServers.start(api);
        } catch (RuntimeException e) {
            throw new IOException("cannot serve the load balancer API on " + config.apiAddress() + ":" + config.apiPort()
                    + ": " + e.getMessage(), e);
        }
        Haproxy haproxy = null;
        Updater updater = null;
        EventStream events = null;
        try {
            RenderSettings settings = config.renderSettings(api.port());
            ConfigFiles files = new ConfigFiles(config.haproxyConfig(), config.archiveVersions());
            ConfigChecker checker = new ConfigChecker(config.haproxyBinary());
            RenderedConfig initial = ConfigRenderer.render(List.of(), settings, templates);
            if (!config.skipValidation()) {
                ConfigChecker.Result r = checker.check(files.stage(initial));
                if (!r.valid()) throw new IOException("HAProxy rejects the configuration without apps: " + r.output());
            }
            files.install(initial);
            if (config.reloadCommand() != null) {
                haproxy = new ReloadCommand(config.reloadCommand(), config.runDir().resolve("haproxy.sock"));
                haproxy.reload();
            } else {
                haproxy = HaproxyProcess.start(config.haproxyBinary(), files.config(), config.runDir(),
                        config.runDir().resolve("haproxy.sock"), config.runDir().resolve("haproxy.state"), Duration.ofSeconds(30));
            }
            haproxyRef.set(haproxy);
            Updater.Settings us = new Updater.Settings(!config.skipValidation(), !config.skipConfigCleanup(),
                    config.reloadCommand() == null, config.minUpdateInterval(),
                    config.sse() ? Duration.ofSeconds(300) : config.pollInterval(), config.maxReloadRetries(), config.reloadInterval());
            updater = new Updater(client::apps, options(config), settings, templates, new HostResolver(Duration.ofSeconds(60)),
                    new LruHealth(config.lruCacheCapacity()), files, checker, haproxy, us, metrics);
            updater.served(initial);
            updaterRef.set(updater);
            updater.start();
            updater.requestSync("start");
            if (config.sse()) {
                Updater u = updater;
                events = new EventStream(client, new EventStream.Listener() {
                    @Override
                    public void connected() {
                        u.requestSync("event stream connected");
                    }

                    @Override
                    public void event(String type, JsonNode event) {
                        metrics.event(type);
                        if (type.equals("status_update_event")) {
                            List<Integer> ports = new java.util.ArrayList<>();
                            event.path("ports").forEach(p -> ports.add(p.asInt()));
                            String status = event.path("taskStatus").asText();
                            if (status.equals("TASK_RUNNING")) {
                                List<String> ips = new java.util.ArrayList<>();
                                event.path("ipAddresses").forEach(ip -> ips.add(ip.path("ipAddress").asText()));
                                u.taskRunning(event.path("appId").asText(), event.path("taskId").asText(), event.path("host").asText(), ips, ports);
                            } else if (Updater.GONE_STATES.contains(status)) {
                                u.taskGone(event.path("taskId").asText(), event.path("host").asText(), ports);
                            }
                        } else if (type.equals("health_status_changed_event") && event.path("alive").asBoolean(false)) {
                            u.taskHealthy(event.path("appId").asText(), event.path("taskId").asText());
                        }
                        u.requestSync(type);
                    }
                }, config.maxBackoff()).start();
                EventStream e = events;
                Gauge.builder("strata_lb_event_stream_open", () -> e.isOpen() ? 1 : 0)
                        .description("1 while Marathon's event stream is open").register(registry);
            }
        } catch (IOException | RuntimeException e) {
            if (events != null) events.close();
            if (updater != null) updater.close();
            if (haproxy != null) haproxy.close();
            api.stop();
            throw e;
        }
        LbServer server = new LbServer(config, api, haproxy, updater, events);
        LOG.info("msg=\"load balancer started\" marathon={} groups={} config={} bind={} http={} https={} stats={} appid={} api={}:{} sse={} health_check={}",
                config.marathons(), config.groups(), config.haproxyConfig(), config.bindAddress(), config.httpPort(),
                config.https() ? config.httpsPort() : "off", config.statsPort(), config.appIdPort(), config.apiAddress(),
                api.port(), config.sse(), config.healthCheck());
        return server;
    }

    static ServiceBuilder.Options options(LbConfig c) {
        return new ServiceBuilder.Options(c.strictMode(), c.healthCheck(), c.ipPerTaskPortMin(), c.ipPerTaskPortMax(),
                c.ignoredAppId());
    }

    /** {@code --dry}: renders the configuration for Marathon's apps now and prints it. */
    public static void dryRun(LbConfig config, PrintStream out) throws IOException {
        MarathonClient client = new MarathonClient(config.marathons(), config.credentials());
        ServiceBuilder.Result built = ServiceBuilder.build(client.apps(), options(config), new HostResolver(Duration.ofSeconds(60)),
                ServiceBuilder.HealthMemory.NONE);
        RenderedConfig cfg = ConfigRenderer.render(built.services(), config.renderSettings(config.apiPort()),
                Templates.of(config.templates()), built.skipped());
        out.print(cfg.text());
        out.flush();
        for (var s : cfg.skipped()) LOG.warn("msg=\"app skipped\" app={} reason=\"{}\"", s.appId(), s.reason().replace("\"", "'"));
    }

    /** Runs {@code dcos-node lb}-style until SIGTERM: parses flags, then {@link #dryRun} or {@link #start} and waits. */
    public static void main(String[] args) throws Exception {
        LbConfig config;
        try {
            config = LbConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (config.dry()) {
            dryRun(config, System.out);
            return;
        }
        LbServer server = start(config);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            done.countDown();
        }, "lb-shutdown"));
        done.await();
    }

    public LbConfig config() {
        return config;
    }

    /** The HTTP API's port. */
    public int apiPort() {
        return api.port();
    }

    public Updater updater() {
        return updater;
    }

    public Haproxy haproxy() {
        return haproxy;
    }

    /** Whether Marathon's event stream is open (always false without {@code --sse}). */
    public boolean streaming() {
        return events != null && events.isOpen();
    }

    /** Stops following Marathon, then lets HAProxy finish its connections (up to {@code --shutdown-grace}) and stops it. */
    @Override
    public void close() {
        if (events != null) events.close();
        updater.close();
        if (haproxy instanceof HaproxyProcess p) p.close(config.shutdownGrace());
        else haproxy.close();
        api.stop();
        LOG.info("msg=\"load balancer stopped\"");
    }

    /** marathon-lb's LRU cache of task health, for tasks Marathon lists without results. */
    static final class LruHealth implements ServiceBuilder.HealthMemory {
        private final Map<String, Boolean> map;

        LruHealth(int capacity) {
            this.map = new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > capacity;
                }
            };
        }

        @Override
        public synchronized Boolean get(String taskId) {
            return map.get(taskId);
        }

        @Override
        public synchronized void put(String taskId, boolean alive) {
            map.put(taskId, alive);
        }
    }
}
