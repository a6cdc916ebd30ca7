package io.strata.lb.sync;

import io.strata.lb.haproxy.ConfigChecker;
import io.strata.lb.haproxy.Haproxy;
import io.strata.lb.marathon.MarathonApp;
import io.strata.lb.render.ConfigRenderer;
import io.strata.lb.render.RenderSettings;
import io.strata.lb.render.RenderedConfig;
import io.strata.lb.render.Templates;
import io.strata.lb.services.Service;
import io.strata.lb.services.ServiceBuilder;
import io.strata.lb.services.Skipped;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps HAProxy serving what Marathon runs. Requests (an event, a poll, a signal) only set a flag; one thread does
 * the work, so a burst of events becomes one sync, and syncs are at least {@code minInterval} apart. A sync:
 * fetch the apps, build the services, render haproxy.cfg, and when it differs from what HAProxy serves, check it
 * with {@code haproxy -c}, install it and reload. Apps that make the configuration invalid are found (from the line
 * numbers and proxy names in HAProxy's alerts, else by bisection) and left out, so every other app keeps being
 * served; apps whose new service port another process holds are left out the same way.
 */
public final class Updater implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Updater.class);
    private static final int MAX_CHECK_ROUNDS = 32;

    /** Where the apps come from (Marathon). */
    public interface AppSource {
        List<MarathonApp> apps() throws IOException;
    }

    /**
     * How to sync.
     *
     * @param validate        run {@code haproxy -c} (off with {@code --skip-validation})
     * @param cleanup         leave out the apps that make the configuration invalid (off with {@code --skip-config-cleanup})
     * @param probePorts      check that new service ports can be bound
     * @param minInterval     the shortest time between two syncs
     * @param resyncInterval  a full sync at least this often, events or not
     * @param reloadRetries   a failed reload is retried this many times (marathon-lb's {@code --max-reload-retries}; -1 forever)
     * @param reloadInterval  ... this far apart ({@code --reload-interval})
     */
    public record Settings(boolean validate, boolean cleanup, boolean probePorts, Duration minInterval,
                           Duration resyncInterval, int reloadRetries, Duration reloadInterval) {}

    /** What the load balancer serves now. */
    public record State(RenderedConfig config, List<Skipped> skipped, Instant lastSync, String lastError, long syncs) {}

    private final AppSource source;
    private final ServiceBuilder.Options options;
    private final RenderSettings renderSettings;
    private final Templates templates;
    private final Function<String, String> resolver;
    private final ServiceBuilder.HealthMemory health;
    private final ConfigFiles files;
    private final ConfigChecker checker;
    private final Haproxy haproxy;
    private final Settings settings;
    private final SyncMetrics metrics;

    private final Object lock = new Object();
    private boolean pendingSync;
    private boolean pendingReload;
    private boolean closed;
    private long lastRunEnd;
    private int reloadFailures;
    private Thread thread;
    private volatile State state = new State(null, List.of(), null, null, 0);
    private volatile RenderedConfig served;
    private volatile Memo lastRejected;
    private volatile List<MarathonApp> lastApps = List.of();
    private final Map<String, RunningTask> running = java.util.Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RunningTask> eldest) {
            return size() > 10_000;
        }
    });

    /** Where a task runs, from its TASK_RUNNING status update. */
    private record RunningTask(String appId, String host, List<String> ips, List<Integer> ports) {}

    /**
     * A server added or put in maintenance through the runtime API. A reload replaces the worker that has it; if the
     * configuration of that reload was built from apps fetched before the change, the change is made again.
     */
    private record RuntimeChange(boolean add, String ref, String address, String taskId, long atNanos) {}

    private final List<RuntimeChange> runtimeChanges = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile long fetchStartedNanos;

    /** A candidate haproxy -c rejected, and the configuration that was served instead. */
    private record Memo(RenderedConfig candidate, RenderedConfig result) {}

    public Updater(AppSource source, ServiceBuilder.Options options, RenderSettings renderSettings, Templates templates,
                   Function<String, String> resolver, ServiceBuilder.HealthMemory health, ConfigFiles files,
                   ConfigChecker checker, Haproxy haproxy, Settings settings, SyncMetrics metrics) {
        this.source = source;
        this.options = options;
        this.renderSettings = renderSettings;
        this.templates = templates;
        this.resolver = resolver;
        this.health = health;
        this.files = files;
        this.checker = checker;
        this.haproxy = haproxy;
        this.settings = settings;
        this.metrics = metrics;
    }

    /** The configuration HAProxy was started with (no apps yet), so later syncs compare against it. */
    public void served(RenderedConfig initial) {
        served = initial;
        state = new State(initial, List.of(), null, null, 0);
    }

    public Updater start() {
        thread = Thread.ofPlatform().name("lb-updater").daemon(true).start(this::loop);
        return this;
    }

    /** Asks for a sync with Marathon (an event, a reconnect, SIGHUP / {@code /_mlb_signal/hup}). */
    public void requestSync(String reason) {
        synchronized (lock) {
            if (!pendingSync) LOG.debug("msg=\"sync requested\" reason={}", reason);
            pendingSync = true;
            lock.notifyAll();
        }
    }

    /** Asks HAProxy to reload the configuration it has (SIGUSR1 / {@code /_mlb_signal/usr1}). */
    public void requestReload() {
        synchronized (lock) {
            pendingReload = true;
            lock.notifyAll();
        }
    }

    public State state() {
        return state;
    }

    /** Mesos states after which a task gets no more traffic, at once, without waiting for the next sync. */
    public static final Set<String> GONE_STATES = Set.of("TASK_KILLING", "TASK_KILLED", "TASK_FAILED", "TASK_FINISHED",
            "TASK_ERROR", "TASK_GONE", "TASK_GONE_BY_OPERATOR", "TASK_DROPPED");

    /**
     * A task is running ({@code status_update_event} TASK_RUNNING): remembered, and for an app whose tasks need no
     * passing health check added to its backends in the running HAProxy at once (see {@link #taskHealthy}).
     */
    public void taskRunning(String appId, String taskId, String host, List<String> ips, List<Integer> ports) {
        RunningTask t = new RunningTask(appId, host, List.copyOf(ips), List.copyOf(ports));
        running.put(taskId, t);
        MarathonApp app = app(appId);
        if (app != null && !(options.healthCheck() && !app.healthChecks().isEmpty())) addServers(app, t);
    }

    /**
     * A task passed its health checks ({@code health_status_changed_event} alive): its servers are added to the
     * running HAProxy through the runtime API at once. Marathon kills the old tasks of a rolling deployment as soon
     * as new ones are healthy, so the new ones must be reachable before the sync that writes them to haproxy.cfg.
     */
    public void taskHealthy(String appId, String taskId) {
        MarathonApp app = app(appId);
        if (app == null || !options.healthCheck() || app.healthChecks().isEmpty()) return;
        RunningTask t = running.get(taskId);
        if (t == null) {
            for (var task : app.tasks()) {
                if (task.id().equals(taskId)) t = new RunningTask(appId, task.host(), task.ipAddresses(), ServiceBuilder.taskPorts(app, task));
            }
        }
        if (t != null) addServers(app, t);
    }

    private MarathonApp app(String appId) {
        for (MarathonApp a : lastApps) if (a.id().equals(appId)) return a;
        return null;
    }

    private void addServers(MarathonApp app, RunningTask t) {
        RenderedConfig cfg = served;
        if (cfg == null || t.host() == null || t.host().isEmpty()) return;
        String group = app.label(io.strata.lb.services.ServiceLabels.DEPLOYMENT_GROUP);
        String servedId = group == null || group.isBlank() ? app.id() : (group.startsWith("/") ? group : "/" + group);
        List<RenderedConfig.BackendRef> backends = cfg.backendsByApp().get(servedId);
        if (backends == null) return;
        String ip = app.networkMode().equals("container") ? (t.ips().isEmpty() ? null : t.ips().get(0)) : resolver.apply(t.host());
        if (ip == null) return;
        for (RenderedConfig.BackendRef b : backends) {
            if (b.index() >= t.ports().size()) continue;
            int port = t.ports().get(b.index());
            String name = ConfigRenderer.serverName(t.host(), ip, port);
            String ref = b.name() + "/" + name;
            if (cfg.serversByAddress().getOrDefault(ip + ":" + port, List.of()).contains(ref)) continue;
            runtimeChanges.add(new RuntimeChange(true, ref, ip + ":" + port, null, System.nanoTime()));
            addServer(ref, ip + ":" + port);
        }
    }

    private void addServer(String ref, String address) {
        try {
            String added = haproxy.runtime("add server " + ref + " " + address);
            if (added.contains("registered")) {
                haproxy.runtime("enable server " + ref);
                LOG.debug("msg=\"server added at once\" server={}", ref);
            }
        } catch (IOException e) {
            LOG.debug("msg=\"could not add a server\" server={} error=\"{}\"", ref, e.getMessage());
        }
    }

    private void maintenance(String ref) {
        try {
            haproxy.runtime("set server " + ref + " state maint");
            LOG.debug("msg=\"server put in maintenance\" server={}", ref);
        } catch (IOException e) {
            LOG.debug("msg=\"could not put a server in maintenance\" server={} error=\"{}\"", ref, e.getMessage());
        }
    }

    /**
     * After a reload: redo the runtime changes made since the apps were fetched that the new configuration lacks, and
     * lift the maintenance of older ones whose address the new configuration serves again (a new task on the same
     * host and port; the saved server state would otherwise keep it in maintenance).
     */
    private void replayRuntimeChanges(RenderedConfig cfg) {
        long since = fetchStartedNanos;
        List<RuntimeChange> done = new ArrayList<>();
        List<RuntimeChange> changes;
        synchronized (runtimeChanges) {
            changes = new ArrayList<>(runtimeChanges);
        }
        for (RuntimeChange c : changes) {
            boolean present = cfg.serversByAddress().getOrDefault(c.address(), List.of()).contains(c.ref());
            boolean newer = c.atNanos() - since >= 0;
            if (newer) {
                if (c.add() && !present) addServer(c.ref(), c.address());
                if (!c.add() && present) maintenance(c.ref());
            } else if (c.add() || !present) {
                done.add(c); // the configuration knows
            } else if (anotherTaskAt(c.address(), c.taskId())) {
                ready(c.ref()); // the address belongs to a new task now
                done.add(c);
            } // else Marathon still lists the dying task: keep the change until it is gone
        }
        runtimeChanges.removeAll(done);
    }

    /** Whether the apps last fetched have a task other than {@code taskId} at {@code ip:port}. */
    private boolean anotherTaskAt(String address, String taskId) {
        for (MarathonApp app : lastApps) {
            for (var task : app.tasks()) {
                if (task.id().equals(taskId) || task.host() == null) continue;
                String ip = app.networkMode().equals("container") ? (task.ipAddresses().isEmpty() ? null : task.ipAddresses().get(0))
                        : resolver.apply(task.host());
                for (int port : ServiceBuilder.taskPorts(app, task)) {
                    if ((ip + ":" + port).equals(address)) return true;
                }
            }
        }
        return false;
    }

    private void ready(String ref) {
        try {
            haproxy.runtime("set server " + ref + " state ready");
        } catch (IOException e) {
            LOG.debug("msg=\"could not take a server out of maintenance\" server={} error=\"{}\"", ref, e.getMessage());
        }
    }

    /**
     * A task is being killed or is gone: put its servers in maintenance in the running HAProxy through the runtime
     * API, so no new request reaches it while the sync that removes it from haproxy.cfg runs.
     */
    public void taskGone(String taskId, String host, List<Integer> ports) {
        RenderedConfig cfg = served;
        if (cfg == null || host == null || host.isEmpty()) return;
        String ip = resolver.apply(host);
        if (ip == null) return;
        for (int port : ports) {
            Set<String> refs = new java.util.LinkedHashSet<>(cfg.serversByAddress().getOrDefault(ip + ":" + port, List.of()));
            synchronized (runtimeChanges) {
                for (RuntimeChange c : runtimeChanges) if (c.add() && c.address().equals(ip + ":" + port)) refs.add(c.ref());
            }
            for (String ref : refs) {
                runtimeChanges.add(new RuntimeChange(false, ref, ip + ":" + port, taskId, System.nanoTime()));
                maintenance(ref);
            }
        }
    }

    private void loop() {
        while (true) {
            boolean sync;
            boolean reload;
            synchronized (lock) {
                long deadline = System.nanoTime() + settings.resyncInterval().toNanos();
                while (!closed && !pendingSync && !pendingReload) {
                    long waitMs = (deadline - System.nanoTime()) / 1_000_000;
                    if (waitMs <= 0) {
                        pendingSync = true; // periodic full sync, as marathon-lb
                        break;
                    }
                    try {
                        lock.wait(waitMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) return;
                // keep syncs apart: what arrives meanwhile joins this one
                long gap = settings.minInterval().toNanos() - (System.nanoTime() - lastRunEnd);
                while (!closed && gap > 0) {
                    try {
                        lock.wait(Math.max(1, gap / 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                    gap = settings.minInterval().toNanos() - (System.nanoTime() - lastRunEnd);
                }
                if (closed) return;
                sync = pendingSync;
                reload = pendingReload;
                pendingSync = false;
                pendingReload = false;
            }
            try {
                if (sync) syncOnce();
                else if (reload) reloadExisting();
            } catch (RuntimeException e) {
                LOG.error("msg=\"sync failed\"", e);
            } finally {
                synchronized (lock) {
                    lastRunEnd = System.nanoTime();
                }
            }
        }
    }

    /** One sync, now, on the calling thread. Returns what happened: "changed", "unchanged" or "failed". */
    public String syncOnce() {
        long start = System.nanoTime();
        String result;
        try {
            fetchStartedNanos = System.nanoTime();
            List<MarathonApp> apps = source.apps();
            lastApps = apps;
            result = apply(apps);
        } catch (IOException e) {
            LOG.warn("msg=\"cannot read apps from Marathon\" error=\"{}\"", e.getMessage());
            State s = state;
            state = new State(s.config(), s.skipped(), s.lastSync(), "Marathon: " + e.getMessage(), s.syncs() + 1);
            result = "failed";
        }
        metrics.syncResult(result);
        SyncMetrics.record(metrics.sync, start);
        return result;
    }

    /** Serves {@code apps}: render, check, install and reload when different from what HAProxy serves. */
    String apply(List<MarathonApp> apps) {
        long t0 = System.nanoTime();
        ServiceBuilder.Result built = ServiceBuilder.build(apps, options, resolver, health);
        Set<String> excluded = new HashSet<>();
        Map<String, Skipped> extra = new LinkedHashMap<>();
        RenderedConfig cfg = render(built, excluded, extra);
        if (settings.probePorts()) {
            Set<String> held = new HashSet<>();
            RenderedConfig current = served;
            if (current != null) for (RenderedConfig.Bind b : current.binds()) held.add(b.address() + ":" + b.port());
            boolean again = false;
            for (RenderedConfig.Bind b : cfg.binds()) {
                if (held.contains(b.address() + ":" + b.port()) || PortProbe.free(b.address(), b.port())) continue;
                excluded.add(b.appId());
                extra.put(b.appId(), new Skipped(b.appId(), "service port " + b.address() + ":" + b.port() + " is in use by another process"));
                again = true;
            }
            if (again) cfg = render(built, excluded, extra);
        }
        SyncMetrics.record(metrics.render, t0);
        RenderedConfig current = served;
        if (current != null && cfg.sameFilesAs(current)) {
            recordServed(cfg, null);
            return "unchanged";
        }
        try {
            if (settings.validate()) {
                RenderedConfig candidate = cfg;
                Memo memo = lastRejected;
                if (memo != null && memo.candidate().sameFilesAs(candidate)) {
                    cfg = memo.result(); // the same apps HAProxy rejected last time: the same outcome, without haproxy -c
                } else {
                    cfg = validate(built, cfg, excluded, extra);
                    lastRejected = cfg != null && cfg != candidate ? new Memo(candidate, cfg) : null;
                }
                if (cfg == null) return "failed";
                if (current != null && cfg.sameFilesAs(current)) {
                    recordServed(cfg, null);
                    return "unchanged";
                }
            }
            files.install(cfg);
        } catch (IOException e) {
            LOG.error("msg=\"cannot write the HAProxy configuration\" file={} error=\"{}\"", files.config(), e.getMessage());
            recordError("writing " + files.config() + ": " + e.getMessage());
            return "failed";
        }
        long r0 = System.nanoTime();
        try {
            haproxy.reload();
            SyncMetrics.record(metrics.reload, r0);
            metrics.reloadResult("ok");
            reloadFailures = 0;
        } catch (IOException e) {
            metrics.reloadResult("failed");
            reloadFailures++;
            LOG.error("msg=\"HAProxy reload failed\" error=\"{}\" attempt={}", e.getMessage(), reloadFailures);
            served = null; // unknown: the next sync applies again
            recordError("reload: " + e.getMessage());
            if (settings.reloadRetries() < 0 || reloadFailures <= settings.reloadRetries()) retryLater();
            return "failed";
        }
        served = cfg;
        replayRuntimeChanges(cfg);
        recordServed(cfg, null);
        for (Skipped s : cfg.skipped()) LOG.warn("msg=\"app skipped\" app={} reason=\"{}\"", s.appId(), s.reason().replace("\"", "'"));
        LOG.info("msg=\"HAProxy configuration updated\" apps={} servers={} skipped={} ms={} config={}", cfg.apps().size(),
                cfg.servers(), cfg.skipped().size(), (System.nanoTime() - t0) / 1_000_000, files.config());
        return "changed";
    }

    private RenderedConfig render(ServiceBuilder.Result built, Set<String> excluded, Map<String, Skipped> extra) {
        List<Service> services = excluded.isEmpty() ? built.services()
                : built.services().stream().filter(s -> !excluded.contains(s.appId())).toList();
        List<Skipped> skipped = new ArrayList<>(built.skipped());
        skipped.addAll(extra.values());
        return ConfigRenderer.render(services, renderSettings, templates, skipped);
    }

    /** Checks {@code cfg}; leaves out the apps HAProxy rejects until it passes. Null when nothing valid was found. */
    private RenderedConfig validate(ServiceBuilder.Result built, RenderedConfig cfg, Set<String> excluded,
                                    Map<String, Skipped> extra) throws IOException {
        for (int round = 0; round < MAX_CHECK_ROUNDS; round++) {
            ConfigChecker.Result r = check(cfg);
            if (r.valid()) return cfg;
            files.keepFailed(cfg);
            String firstAlert = firstAlert(r.output());
            if (!settings.cleanup()) {
                LOG.error("msg=\"haproxy -c rejected the configuration; keeping the current one\" error=\"{}\"", firstAlert);
                recordError("haproxy -c: " + firstAlert);
                return null;
            }
            Set<String> culprits = new HashSet<>();
            for (int line : r.lines()) {
                String owner = cfg.ownerOfLine(line);
                if (owner != null) culprits.add(owner);
            }
            for (String proxy : r.proxies()) {
                String owner = cfg.proxyOwners().get(proxy);
                if (owner != null) culprits.add(owner);
            }
            if (culprits.isEmpty()) {
                String found = bisect(built, cfg, excluded, extra);
                if (found == null) {
                    LOG.error("msg=\"haproxy -c rejects the configuration even without apps; keeping the current one\" error=\"{}\"", firstAlert);
                    recordError("haproxy -c: " + firstAlert);
                    return null;
                }
                culprits.add(found);
            }
            for (String app : culprits) {
                excluded.add(app);
                extra.put(app, new Skipped(app, "haproxy -c rejected its configuration: " + firstAlert));
            }
            cfg = render(built, excluded, extra);
        }
        recordError("gave up finding a valid configuration after " + MAX_CHECK_ROUNDS + " rounds");
        return null;
    }

    /** One app whose presence makes the configuration invalid, by halving; null when it is invalid without apps. */
    private String bisect(ServiceBuilder.Result built, RenderedConfig cfg, Set<String> excluded, Map<String, Skipped> extra)
            throws IOException {
        List<String> candidates = new ArrayList<>(cfg.apps());
        candidates.sort(null);
        Set<String> all = new HashSet<>(candidates);
        Set<String> good = new HashSet<>();
        if (!check(only(built, all, good, excluded, extra)).valid()) return null;
        while (candidates.size() > 1) {
            List<String> half = candidates.subList(0, candidates.size() / 2);
            Set<String> trial = new HashSet<>(good);
            trial.addAll(half);
            if (check(only(built, all, trial, excluded, extra)).valid()) {
                good.addAll(half);
                candidates = new ArrayList<>(candidates.subList(candidates.size() / 2, candidates.size()));
            } else {
                candidates = new ArrayList<>(half);
            }
        }
        return candidates.isEmpty() ? null : candidates.get(0);
    }

    private RenderedConfig only(ServiceBuilder.Result built, Set<String> all, Set<String> keep, Set<String> excluded,
                                Map<String, Skipped> extra) {
        Set<String> ex = new HashSet<>(excluded);
        for (String a : all) if (!keep.contains(a)) ex.add(a);
        return render(built, ex, extra);
    }

    private ConfigChecker.Result check(RenderedConfig cfg) throws IOException {
        long c0 = System.nanoTime();
        Path staged = files.stage(cfg);
        ConfigChecker.Result r = checker.check(staged);
        SyncMetrics.record(metrics.check, c0);
        return r;
    }

    /** SIGUSR1: check the configuration on disk and reload HAProxy with it. */
    void reloadExisting() {
        try {
            if (settings.validate()) {
                ConfigChecker.Result r = checker.check(files.config());
                if (!r.valid()) {
                    LOG.error("msg=\"the configuration on disk is invalid; not reloading\" error=\"{}\"", firstAlert(r.output()));
                    return;
                }
            }
            haproxy.reload();
            metrics.reloadResult("ok");
            LOG.info("msg=\"HAProxy reloaded with the existing configuration\"");
        } catch (IOException e) {
            metrics.reloadResult("failed");
            LOG.error("msg=\"HAProxy reload failed\" error=\"{}\"", e.getMessage());
        }
    }

    private void retryLater() {
        Thread.ofVirtual().name("lb-reload-retry").start(() -> {
            try {
                Thread.sleep(settings.reloadInterval().toMillis());
            } catch (InterruptedException e) {
                return;
            }
            requestSync("reload retry");
        });
    }

    private void recordServed(RenderedConfig cfg, String error) {
        State s = state;
        state = new State(cfg, cfg.skipped(), Instant.now(), error, s.syncs() + 1);
        metrics.apps.set(cfg.apps().size());
        metrics.servers.set(cfg.servers());
        metrics.skipped.set(cfg.skipped().stream().map(Skipped::appId).distinct().count());
        metrics.lastSuccess.set(Instant.now().getEpochSecond());
    }

    private void recordError(String error) {
        State s = state;
        state = new State(s.config(), s.skipped(), s.lastSync(), error, s.syncs() + 1);
    }

    static String firstAlert(String output) {
        for (String line : output.split("\n")) {
            if (line.contains("[ALERT]") && !line.contains("Error(s) found") && !line.contains("Fatal errors")) {
                int i = line.indexOf(" : ");
                return (i > 0 ? line.substring(i + 3) : line).strip();
            }
        }
        return output.isBlank() ? "(no output)" : output.lines().findFirst().orElse("").strip();
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
