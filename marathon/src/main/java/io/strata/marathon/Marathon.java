package io.strata.marathon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.marathon.codec.AppWriter;
import io.strata.marathon.deployment.DeploymentAction;
import io.strata.marathon.deployment.DeploymentPlan;
import io.strata.marathon.deployment.DeploymentPlanner;
import io.strata.marathon.deployment.DeploymentStep;
import io.strata.marathon.deployment.KillSelector;
import io.strata.marathon.deployment.RollingRestart;
import io.strata.marathon.events.EventBus;
import io.strata.marathon.health.HealthResult;
import io.strata.marathon.launch.Backoff;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Group;
import io.strata.marathon.model.HealthCheck;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.Instance.Condition;
import io.strata.marathon.model.Instance.Goal;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.PortDefinition;
import io.strata.marathon.model.PortMapping;
import io.strata.marathon.model.TaskFailure;
import io.strata.marathon.model.Timestamps;
import io.strata.marathon.storage.Storage;
import io.strata.marathon.validation.ApiException;
import io.strata.marathon.validation.Violations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner of a leading Marathon's state: the root group, running deployments, instances, launch backoff, health
 * results. One monitor guards it all: the REST API, the Mesos scheduler and the timers call in, every change is
 * stored before it is acknowledged, and after every change {@link #advance} moves deployments on and keeps apps at
 * their instance count. Mesos is reached only through {@link TaskControl}.
 */
public final class Marathon {
    private static final Logger LOG = LoggerFactory.getLogger(Marathon.class);
    static final Duration KILL_RETRY = Duration.ofSeconds(10);

    /** A running deployment and how far it got. Progress is not stored: after a failover the plan runs again. */
    static final class Deployment {
        final DeploymentPlan plan;
        int step;
        final Set<PathId> killsIssued = new HashSet<>();
        final Set<PathId> terminated = new HashSet<>();

        Deployment(DeploymentPlan plan) {
            this.plan = plan;
        }
    }

    /** A read-only view of a running deployment for the API. */
    public record DeploymentView(DeploymentPlan plan, int currentStep) {}

    /** One app waiting for offers, for {@code /v2/queue} and the offer matcher. */
    public record QueueEntry(AppDefinition app, List<Instance> scheduled, Backoff backoff, Instant since, long processedOffers,
                             long unusedOffers, Instant lastUnusedOfferAt, Instant lastUsedOfferAt) {}

    private final MarathonConfig config;
    private final Storage storage;
    private final EventBus events;
    private final Clock clock;
    private volatile TaskControl tasks = TaskControl.NONE;

    private Group root;
    private final LinkedHashMap<String, Deployment> deployments = new LinkedHashMap<>();
    private final LinkedHashMap<String, Instance> instances = new LinkedHashMap<>();
    private final Map<PathId, Backoff> backoffs = new HashMap<>();
    private final Map<PathId, TaskFailure> lastFailures = new HashMap<>();
    private final Map<String, List<HealthResult>> health = new HashMap<>();
    private final Map<String, Instant> killsSent = new HashMap<>();
    /** When each unreachable instance became unreachable (not stored: after a failover the clock restarts). */
    private final Map<String, Instant> unreachableSince = new HashMap<>();
    /**
     * Tasks given up on while their agent was unreachable (replaced or expunged), by task id, with when. The master
     * does not announce a partitioned agent's return, so until each of these is heard of as terminal (or an hour
     * has passed) the scheduler reconciles often: a returning task is then unknown here and gets killed.
     */
    private final Map<String, Instant> abandoned = new HashMap<>();
    private static final Duration ABANDONED_WATCH = Duration.ofHours(1);
    private final Map<PathId, long[]> offerStats = new HashMap<>();
    private final Map<PathId, Instant[]> offerTimes = new HashMap<>();
    private String frameworkId;
    private Instant lastVersion = Instant.EPOCH;

    public Marathon(MarathonConfig config, Storage storage, EventBus events, Clock clock) {
        this.config = config;
        this.storage = storage;
        this.events = events;
        this.clock = clock;
        Storage.Snapshot s = storage.load();
        this.root = s.root();
        for (Instance i : s.instances()) instances.put(i.instanceId(), i);
        for (DeploymentPlan p : s.deployments()) deployments.put(p.id(), new Deployment(p));
        this.frameworkId = s.frameworkId();
        this.lastVersion = root.version();
        LOG.info("msg=\"state loaded\" apps={} deployments={} instances={} frameworkId={}", root.transitiveApps().size(),
                deployments.size(), instances.size(), frameworkId);
    }

    public void taskControl(TaskControl control) {
        this.tasks = control == null ? TaskControl.NONE : control;
    }

    public MarathonConfig config() {
        return config;
    }

    public EventBus events() {
        return events;
    }

    public Storage storage() {
        return storage;
    }

    public Clock clock() {
        return clock;
    }

    // ------------------------------------------------------------------ reads

    public synchronized Group root() {
        return root;
    }

    public synchronized Optional<AppDefinition> app(PathId id) {
        return root.app(id);
    }

    public synchronized List<Instance> instances() {
        return new ArrayList<>(instances.values());
    }

    public synchronized List<Instance> instancesOf(PathId app) {
        return instances.values().stream().filter(i -> i.appId().equals(app)).toList();
    }

    public synchronized Optional<Instance> instance(String instanceId) {
        return Optional.ofNullable(instances.get(instanceId));
    }

    /** The instance a Mesos task id belongs to (any incarnation), or empty. */
    public synchronized Optional<Instance> instanceByTaskId(String taskId) {
        String iid = Instance.instanceIdOf(taskId);
        Instance i = iid == null ? null : instances.get(iid);
        return i != null && i.taskId().equals(taskId) ? Optional.of(i) : Optional.empty();
    }

    public synchronized List<DeploymentView> deployments() {
        return deployments.values().stream().map(d -> new DeploymentView(d.plan, d.step)).toList();
    }

    public synchronized List<String> deploymentsAffecting(PathId app) {
        return deployments.values().stream().filter(d -> d.plan.affectedApps().contains(app)).map(d -> d.plan.id()).toList();
    }

    public synchronized Optional<TaskFailure> lastFailure(PathId app) {
        return Optional.ofNullable(lastFailures.get(app));
    }

    public synchronized List<HealthResult> health(String instanceId) {
        return health.getOrDefault(instanceId, List.of());
    }

    public synchronized String frameworkId() {
        return frameworkId;
    }

    public synchronized Backoff backoff(PathId app) {
        return backoffs.getOrDefault(app, Backoff.NONE);
    }

    public synchronized List<QueueEntry> queue() {
        Map<PathId, List<Instance>> byApp = new LinkedHashMap<>();
        for (Instance i : instances.values()) {
            if (i.isScheduled() && i.goal() == Goal.Running) byApp.computeIfAbsent(i.appId(), k -> new ArrayList<>()).add(i);
        }
        List<QueueEntry> out = new ArrayList<>();
        byApp.forEach((id, list) -> root.app(id).ifPresent(app -> {
            long[] stats = offerStats.getOrDefault(id, new long[2]);
            Instant[] times = offerTimes.getOrDefault(id, new Instant[2]);
            Instant since = list.stream().map(Instance::scheduledAt).filter(java.util.Objects::nonNull).min(Comparator.naturalOrder()).orElse(clock.instant());
            out.add(new QueueEntry(app, list, backoffs.getOrDefault(id, Backoff.NONE), since, stats[0], stats[1], times[0], times[1]));
        }));
        return out;
    }

    /** Scheduled instances whose app is not backed off, oldest first: what the offer matcher may launch now. */
    public synchronized List<Instance> launchable() {
        Instant now = clock.instant();
        return instances.values().stream()
                .filter(i -> i.isScheduled() && i.goal() == Goal.Running && root.app(i.appId()).isPresent())
                .filter(i -> !backoffs.getOrDefault(i.appId(), Backoff.NONE).delays(now))
                .sorted(Comparator.comparing(Instance::scheduledAt, Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList();
    }

    // ------------------------------------------------------------------ changes through the API

    /**
     * Changes the root group and starts the deployment that gets there. {@code change} runs with the current root
     * and the new version; it may throw {@link ApiException} (and validates what it adds). Stored before returning;
     * on any failure nothing changes.
     *
     * @param force  cancel conflicting deployments instead of answering 409
     * @param toKill instances to kill as part of a scale (from {@code /v2/tasks/delete?scale=true})
     */
    public synchronized DeploymentPlan deploy(BiFunction<Group, Instant, Group> change, boolean force, Map<PathId, List<String>> toKill) {
        Instant version = newVersion();
        Group target = change.apply(root, version).withVersion(version);
        target = withVersionInfo(root, assignServicePorts(root, target), version);
        checkRoot(target);
        DeploymentPlan plan = DeploymentPlanner.plan(UUID.randomUUID().toString(), version, root, target, byApp(), toKill);
        List<Deployment> conflicts = deployments.values().stream().filter(d -> d.plan.affects(plan)).toList();
        if (!conflicts.isEmpty() && !force) {
            ObjectNode body = io.strata.common.json.Json.object();
            body.put("message", "App is locked by one or more deployments. Override with the option '?force=true'. "
                    + "View details at '/v2/deployments/<DEPLOYMENT_ID>'.");
            ArrayNode ids = body.putArray("deployments");
            conflicts.forEach(d -> ids.addObject().put("id", d.plan.id()));
            throw new ApiException(409, body);
        }
        List<String> cancelled = conflicts.stream().map(d -> d.plan.id()).toList();
        try {
            storage.commit(target, plan.isEmpty() ? List.of() : List.of(plan), cancelled);
        } catch (RuntimeException e) {
            LOG.error("msg=\"storing the new root group failed; nothing changed\"", e);
            throw ApiException.message(503, "Could not store the change: " + e.getMessage());
        }
        Group original = root;
        root = target;
        lastVersion = version;
        for (Deployment d : conflicts) {
            deployments.remove(d.plan.id());
            publishDeployment("deployment_failed", d.plan, null);
        }
        // A new version of an app resets its launch backoff.
        for (AppDefinition app : target.transitiveApps().values()) {
            Optional<AppDefinition> before = original.app(app.id());
            if (before.isEmpty() || !before.get().version().equals(app.version())) backoffs.remove(app.id());
        }
        ObjectNode gcs = events.event("group_change_success");
        gcs.put("groupId", "/");
        gcs.put("version", Timestamps.format(version));
        events.publish(gcs);
        Deployment d = new Deployment(plan);
        if (!plan.isEmpty()) {
            deployments.put(plan.id(), d);
            publishStepInfo(d);
        } else {
            publishDeployment("deployment_success", plan, null);
        }
        LOG.info("msg=\"deployment started\" id={} steps={} apps={}", plan.id(), plan.steps().size(), plan.affectedApps());
        advance();
        return plan;
    }

    public DeploymentPlan deploy(BiFunction<Group, Instant, Group> change, boolean force) {
        return deploy(change, force, Map.of());
    }

    /**
     * Apps the change left without version information get it here, once service ports are assigned: a new app
     * starts at this version; an app whose configuration is unchanged keeps its version (or records a scaling when
     * only the instance count changed); any other change is a new configuration. Apps that come with version
     * information (a restart, a rollback) keep it.
     */
    static Group withVersionInfo(Group original, Group target, Instant v) {
        Group out = target;
        for (AppDefinition app : target.transitiveApps().values()) {
            if (app.versionInfo() != null) continue;
            AppDefinition before = original.app(app.id()).orElse(null);
            io.strata.marathon.model.VersionInfo vi;
            if (before == null) vi = io.strata.marathon.model.VersionInfo.initial(v);
            else if (before.sameConfigAs(app)) vi = before.instances() == app.instances() ? before.versionInfo() : before.versionInfo().scaled(v);
            else vi = before.versionInfo().configChanged(v);
            out = out.putApp(app.id(), app.withVersionInfo(vi), v);
        }
        return out.withVersion(v);
    }

    /** A version strictly later than every earlier one (Marathon versions are millisecond timestamps). */
    private Instant newVersion() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (!now.isAfter(lastVersion)) now = lastVersion.plusMillis(1);
        lastVersion = now;
        return now;
    }

    private static void checkRoot(Group target) {
        Violations v = new Violations();
        if (!target.idClashes().isEmpty()) v.add("/", "Groups and Applications may not have the same identifier.");
        if (!DeploymentPlanner.cycles(target).isEmpty()) v.add("/", "Dependency graph has cyclic dependencies.");
        v.throwIfAny(Violations.NOT_VALID);
    }

    /**
     * Gives every port 0 (port definitions without requirePorts, port mappings' service ports) a free service port
     * from [localPortMin, localPortMax), keeping the port an app had at the same index before.
     */
    Group assignServicePorts(Group original, Group target) {
        Set<Integer> used = new HashSet<>();
        for (AppDefinition a : target.transitiveApps().values()) for (int p : a.servicePorts()) if (p != 0) used.add(p);
        Group out = target;
        int[] next = {config.localPortMin()};
        for (AppDefinition a : target.transitiveApps().values()) {
            if (!a.servicePorts().contains(0)) continue;
            List<Integer> before = original.app(a.id()).map(AppDefinition::servicePorts).orElse(List.of());
            java.util.function.IntUnaryOperator pick = idx -> {
                if (idx < before.size() && before.get(idx) != 0 && !used.contains(before.get(idx))) {
                    used.add(before.get(idx));
                    return before.get(idx);
                }
                while (used.contains(next[0])) next[0]++;
                if (next[0] >= config.localPortMax()) {
                    throw ApiException.message(422, "All service ports in [" + config.localPortMin() + ", " + config.localPortMax() + ") are in use");
                }
                used.add(next[0]);
                return next[0];
            };
            AppDefinition.Builder b = a.toBuilder();
            if (a.usesHostNetworking()) {
                List<PortDefinition> defs = new ArrayList<>();
                for (int i = 0; i < a.portDefinitions().size(); i++) {
                    PortDefinition d = a.portDefinitions().get(i);
                    defs.add(d.port() == 0 ? d.withPort(pick.applyAsInt(i)) : d);
                }
                b.portDefinitions = defs;
            } else if (a.container() != null && a.container().portMappings() != null) {
                List<PortMapping> maps = new ArrayList<>();
                for (int i = 0; i < a.container().portMappings().size(); i++) {
                    PortMapping m = a.container().portMappings().get(i);
                    maps.add(m.servicePort() == null || m.servicePort() == 0 ? m.withServicePort(pick.applyAsInt(i)) : m);
                }
                b.container = a.container().withPortMappings(maps);
            }
            out = out.putApp(a.id(), b.build(), target.version());
        }
        return out.withVersion(target.version());
    }

    /**
     * Kills instances. With {@code scale} the app's instance count goes down by as many (a deployment, returned);
     * otherwise they are replaced. {@code wipe} also forgets them at once (Marathon's wipe for resident tasks).
     */
    public synchronized Optional<DeploymentPlan> killInstances(List<Instance> victims, boolean scale, boolean wipe, boolean force) {
        if (victims.isEmpty()) return Optional.empty();
        if (scale) {
            Map<PathId, List<String>> byApp = new LinkedHashMap<>();
            for (Instance i : victims) byApp.computeIfAbsent(i.appId(), k -> new ArrayList<>()).add(i.instanceId());
            return Optional.of(deploy((r, v) -> {
                Group g = r;
                for (Map.Entry<PathId, List<String>> e : byApp.entrySet()) {
                    AppDefinition app = g.app(e.getKey()).orElseThrow(() -> ApiException.appNotFound(e.getKey()));
                    int n = Math.max(0, app.instances() - e.getValue().size());
                    g = g.putApp(app.id(), app.withInstances(n).withVersionInfo(app.versionInfo().scaled(v)), v);
                }
                return g;
            }, force, byApp));
        }
        List<Instance> save = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        for (Instance i : victims) {
            Instance cur = instances.get(i.instanceId());
            if (cur == null) continue;
            if (cur.isScheduled() || wipe) {
                remove.add(cur.instanceId());
            } else {
                // Replaced: the instance is scheduled again once its task is gone.
                killsSent.remove(cur.instanceId());
                save.add(cur);
            }
        }
        persist(List.of(), remove);
        for (String id : remove) forget(id);
        for (Instance i : save) sendKill(i);
        advance();
        return Optional.empty();
    }

    /** {@code DELETE /v2/deployments/{id}}: roll back (a new deployment, returned) or with force just stop it. */
    public synchronized Optional<DeploymentPlan> cancelDeployment(String id, boolean force) {
        Deployment d = deployments.get(id);
        if (d == null) throw ApiException.notFound("DeploymentPlan " + id + " does not exist");
        if (force) {
            storage.removeDeployment(id);
            deployments.remove(id);
            publishDeployment("deployment_failed", d.plan, null);
            advance();
            return Optional.empty();
        }
        DeploymentPlan plan = d.plan;
        return Optional.of(deploy((current, version) -> revert(plan, current, version), true, Map.of()));
    }

    /** The current root with the apps of {@code plan} put back as they were before it. */
    static Group revert(DeploymentPlan plan, Group current, Instant version) {
        Group g = current;
        for (PathId id : plan.affectedApps()) {
            Optional<AppDefinition> before = plan.original().app(id);
            g = g.putApp(id, before.orElse(null), version);
        }
        // groups the plan created and that are now empty go again
        for (Group created : plan.target().transitiveGroups()) {
            if (plan.original().group(created.id()).isEmpty()) {
                Optional<Group> now = g.group(created.id());
                if (now.isPresent() && now.get().transitiveApps().isEmpty()) g = g.putGroup(created.id(), null, version);
            }
        }
        return g;
    }

    /** {@code DELETE /v2/queue/{app}/delay}. */
    public synchronized boolean resetDelay(PathId app) {
        boolean queued = instances.values().stream().anyMatch(i -> i.appId().equals(app) && i.isScheduled());
        if (!queued) return false;
        backoffs.remove(app);
        advance();
        return true;
    }

    // ------------------------------------------------------------------ the Mesos side

    /** Stores the framework id Mesos gave us; an empty id forgets it (the master removed the framework). */
    public synchronized void frameworkId(String id) {
        String next = id == null || id.isEmpty() ? null : id;
        if (!java.util.Objects.equals(next, frameworkId)) {
            storage.frameworkId(next == null ? "" : next);
            frameworkId = next;
        }
    }

    /** An offer was used to launch {@code instanceId}: stored as provisioned before the LAUNCH goes out. */
    public synchronized Optional<Instance> launched(String instanceId, String agentId, String host, List<Integer> ports) {
        Instance i = instances.get(instanceId);
        if (i == null || !i.isScheduled() || i.goal() != Goal.Running) return Optional.empty();
        Instance launched = i.launched(agentId, host, ports, clock.instant());
        persist(List.of(launched), List.of());
        instances.put(launched.instanceId(), launched);
        return Optional.of(launched);
    }

    public synchronized void offerProcessed(PathId app, boolean used) {
        long[] s = offerStats.computeIfAbsent(app, k -> new long[2]);
        Instant[] t = offerTimes.computeIfAbsent(app, k -> new Instant[2]);
        s[0]++;
        if (!used) {
            s[1]++;
            t[0] = clock.instant();
        } else {
            t[1] = clock.instant();
        }
    }

    /**
     * A task status from Mesos. Returns true when the task is unknown and still alive (the scheduler kills it).
     *
     * @param healthy the status' healthy flag (Mesos-run health checks), or null
     */
    public synchronized boolean onStatus(String taskId, String state, String agentId, String message, Boolean healthy,
                                         List<String> ipAddresses, String reason) {
        Instant now = clock.instant();
        Instance i = instanceByTaskIdLocked(taskId);
        Condition c = Condition.fromMesos(state);
        if (i == null) {
            if (c.isTerminal()) abandoned.remove(taskId);
            // unknown and alive: kill it (a kill cannot reach a task whose agent is still unreachable; wait for it)
            return !c.isTerminal() && c != Condition.Unreachable;
        }
        Instance before = i;
        Instance updated = i.updated(c, c == Condition.Running ? now : null, ipAddresses, message);
        if (healthy != null) updated = updated.withHealth(healthy);
        if (before.condition() != c || before.isScheduled()) {
            ObjectNode su = events.event("status_update_event");
            su.put("slaveId", agentId == null ? before.agentId() : agentId);
            su.put("taskId", taskId);
            su.put("taskStatus", state);
            su.put("message", message == null ? "" : message);
            su.put("appId", i.appId().toString());
            su.put("host", i.host() == null ? "" : i.host());
            ArrayNode ips = su.putArray("ipAddresses");
            for (String ip : updated.ipAddresses()) ips.addObject().put("ipAddress", ip).put("protocol", ip.contains(":") ? "IPv6" : "IPv4");
            ArrayNode ports = su.putArray("ports");
            i.hostPorts().forEach(ports::add);
            su.put("version", Timestamps.format(i.appVersion()));
            events.publish(su);
        }
        if (healthy != null && !healthy.equals(before.healthy())) publishHealthChanged(updated, healthy);

        if (c.isTerminal() || (c == Condition.Unreachable && shouldReplaceUnreachable(i))) {
            if (c == Condition.Unreachable) abandoned.put(taskId, now);
            onTerminal(updated, state, message, agentId, now, reason);
        } else {
            if (c == Condition.Unreachable) unreachableSince.putIfAbsent(updated.instanceId(), now);
            else unreachableSince.remove(updated.instanceId());
            persist(List.of(updated), List.of());
            instances.put(updated.instanceId(), updated);
            publishInstanceChanged(updated);
        }
        advance();
        return false;
    }

    private Instance instanceByTaskIdLocked(String taskId) {
        String iid = Instance.instanceIdOf(taskId);
        Instance i = iid == null ? null : instances.get(iid);
        return i != null && i.taskId().equals(taskId) ? i : null;
    }

    private boolean shouldReplaceUnreachable(Instance i) {
        AppDefinition app = root.app(i.appId()).orElse(null);
        return app != null && app.unreachableStrategy().enabled() && app.unreachableStrategy().inactiveAfterSeconds() == 0;
    }

    private void onTerminal(Instance i, String state, String message, String agentId, Instant now, String reason) {
        publishInstanceChanged(i);
        killsSent.remove(i.instanceId());
        health.remove(i.instanceId());
        AppDefinition app = root.app(i.appId()).orElse(null);
        boolean expected = i.goal() != Goal.Running || app == null;
        if (!expected && !state.equals("TASK_KILLED")) {
            lastFailures.put(i.appId(), new TaskFailure(i.appId(), i.host() == null ? "" : i.host(), message == null ? "" : message,
                    state, i.taskId(), now, i.appVersion(), agentId == null ? i.agentId() : agentId));
            if (state.equals("TASK_FAILED") || state.equals("TASK_FINISHED") || state.equals("TASK_ERROR")
                    || "unhealthy".equals(reason)) {
                backoffs.put(i.appId(), backoffs.getOrDefault(i.appId(), Backoff.NONE).failed(app, now));
            }
        }
        if (expected) {
            persist(List.of(), List.of(i.instanceId()));
            forget(i.instanceId());
        } else {
            // Marathon keeps the instance and schedules its next incarnation with the app's current version.
            Instance again = new Instance(i.instanceId(), i.incarnation() + 1, app.id(), app.version(),
                    app.versionInfo().lastConfigChangeAt(), Condition.Scheduled, Goal.Running, null, null, List.of(), List.of(),
                    null, null, null, null, app.role(), message, now);
            persist(List.of(again), List.of());
            instances.put(again.instanceId(), again);
            publishInstanceChanged(again);
        }
    }

    private void forget(String instanceId) {
        unreachableSince.remove(instanceId);
        instances.remove(instanceId);
        health.remove(instanceId);
        killsSent.remove(instanceId);
    }

    /** A Marathon-run health check result (HTTP, HTTPS, TCP). */
    public synchronized void onHealthResult(String instanceId, int checkIndex, boolean ok, String cause) {
        Instance i = instances.get(instanceId);
        if (i == null || !i.isRunning()) return;
        AppDefinition app = root.app(i.appId()).orElse(null);
        if (app == null || checkIndex >= app.healthChecks().size()) return;
        Instant now = clock.instant();
        List<HealthResult> results = new ArrayList<>(health.getOrDefault(instanceId, List.of()));
        while (results.size() < app.healthChecks().size()) results.add(HealthResult.UNKNOWN);
        HealthCheck hc = app.healthChecks().get(checkIndex);
        HealthResult prev = results.get(checkIndex);
        boolean inGrace = prev.firstSuccess() == null && i.startedAt() != null
                && now.isBefore(i.startedAt().plusSeconds(hc.gracePeriodSeconds()));
        HealthResult next = ok ? prev.success(now) : inGrace ? prev : prev.failure(now, cause);
        results.set(checkIndex, next);
        health.put(instanceId, results);
        if (!ok && !inGrace) {
            ObjectNode f = events.event("failed_health_check_event");
            f.put("appId", app.id().toString());
            f.put("taskId", i.taskId());
            f.put("instanceId", i.instanceId());
            f.set("healthCheck", AppWriter.healthCheck(hc));
            events.publish(f);
        }
        Boolean healthy = aggregateHealth(app, results);
        if (healthy != null && !healthy.equals(i.healthy())) {
            Instance updated = i.withHealth(healthy);
            instances.put(instanceId, updated);
            publishHealthChanged(updated, healthy);
        }
        if (!ok && !inGrace && hc.maxConsecutiveFailures() > 0 && next.consecutiveFailures() >= hc.maxConsecutiveFailures()
                && i.goal() == Goal.Running) {
            ObjectNode k = events.event("unhealthy_instance_kill_event");
            k.put("appId", app.id().toString());
            k.put("taskId", i.taskId());
            k.put("instanceId", i.instanceId());
            k.put("version", Timestamps.format(i.appVersion()));
            k.put("reason", cause == null ? "" : cause);
            k.put("host", i.host() == null ? "" : i.host());
            k.put("slaveId", i.agentId());
            events.publish(k);
            LOG.info("msg=\"killing unhealthy instance\" instance={} failures={}", instanceId, next.consecutiveFailures());
            backoffs.put(app.id(), backoffs.getOrDefault(app.id(), Backoff.NONE).failed(app, now));
            sendKill(instances.get(instanceId));
        }
        advance();
    }

    /** Readiness of a new instance during a deployment. */
    public synchronized void onReadiness(String instanceId, boolean ready) {
        Instance i = instances.get(instanceId);
        if (i == null || Boolean.valueOf(ready).equals(i.ready())) return;
        instances.put(instanceId, i.withReady(ready));
        advance();
    }

    private static Boolean aggregateHealth(AppDefinition app, List<HealthResult> results) {
        boolean any = false;
        for (int idx = 0; idx < app.healthChecks().size(); idx++) {
            if (!app.healthChecks().get(idx).runByMarathon()) continue;
            any = true;
            HealthResult r = idx < results.size() ? results.get(idx) : HealthResult.UNKNOWN;
            if (r.firstSuccess() == null && r.lastFailure() == null) return null;
            if (!r.alive()) return false;
        }
        return any ? Boolean.TRUE : null;
    }

    /** Whether tasks abandoned on unreachable agents may still come back (then reconcile often, not every 10 min). */
    public synchronized boolean awaitingAbandonedTasks() {
        return !abandoned.isEmpty();
    }

    /** Called every second: retries kills, expires backoffs, moves deployments on. */
    public synchronized void tick() {
        Instant now = clock.instant();
        abandoned.values().removeIf(since -> now.isAfter(since.plus(ABANDONED_WATCH)));
        backoffs.entrySet().removeIf(e -> root.app(e.getKey()).map(a -> e.getValue().expired(a, now)).orElse(true));
        for (Instance i : new ArrayList<>(instances.values())) {
            Instant lost = unreachableSince.get(i.instanceId());
            AppDefinition app = root.app(i.appId()).orElse(null);
            if (lost != null && app != null && app.unreachableStrategy().enabled()) {
                if (now.isAfter(lost.plusSeconds(app.unreachableStrategy().expungeAfterSeconds()))) {
                    // gone for good: forget it; if its agent comes back, the task is unknown and gets killed
                    LOG.info("msg=\"expunging unreachable instance\" instance={}", i.instanceId());
                    if (i.taskId() != null) abandoned.put(i.taskId(), now);
                    persist(List.of(), List.of(i.instanceId()));
                    forget(i.instanceId());
                    continue;
                }
                if (i.condition() == Condition.Unreachable && now.isAfter(lost.plusSeconds(app.unreachableStrategy().inactiveAfterSeconds()))) {
                    // inactive: no longer counted, so a replacement is scheduled
                    Instance inactive = i.withCondition(Condition.UnreachableInactive);
                    persist(List.of(inactive), List.of());
                    instances.put(inactive.instanceId(), inactive);
                    publishInstanceChanged(inactive);
                }
            }
            Instant sent = killsSent.get(i.instanceId());
            if (sent != null && now.isAfter(sent.plus(KILL_RETRY))) {
                killsSent.remove(i.instanceId());
                sendKill(i);
            }
            // launched but never heard of: replaced after the launch timeout
            if (i.goal() == Goal.Running && (i.condition() == Condition.Provisioned || i.condition() == Condition.Staging)
                    && i.stagedAt() != null && now.isAfter(i.stagedAt().plus(config.taskLaunchTimeout()))) {
                LOG.info("msg=\"task did not start in time; killing it\" instance={} timeout={}", i.instanceId(), config.taskLaunchTimeout());
                sendKill(i);
            }
        }
        advance();
    }

    // ------------------------------------------------------------------ deployments

    private Map<PathId, List<Instance>> byApp() {
        Map<PathId, List<Instance>> m = new HashMap<>();
        for (Instance i : instances.values()) m.computeIfAbsent(i.appId(), k -> new ArrayList<>()).add(i);
        return m;
    }

    /** Moves every deployment as far as it can go, then keeps the other apps at their instance counts. */
    private void advance() {
        Set<PathId> locked = new HashSet<>();
        for (Deployment d : new ArrayList<>(deployments.values())) {
            List<DeploymentStep> steps = d.plan.steps();
            while (d.step < steps.size()) {
                boolean done = true;
                for (DeploymentAction a : steps.get(d.step).actions()) {
                    if (!runAction(d, a)) done = false;
                }
                if (!done) break;
                publishDeployment("deployment_step_success", d.plan, steps.get(d.step));
                d.step++;
                if (d.step < steps.size()) publishStepInfo(d);
            }
            if (d.step >= steps.size()) {
                try {
                    storage.removeDeployment(d.plan.id());
                } catch (RuntimeException e) {
                    LOG.warn("msg=\"could not remove finished deployment from storage; will retry\" id={} error=\"{}\"", d.plan.id(), e.toString());
                    locked.addAll(d.plan.affectedApps());
                    continue;
                }
                deployments.remove(d.plan.id());
                publishDeployment("deployment_success", d.plan, null);
                LOG.info("msg=\"deployment finished\" id={}", d.plan.id());
            } else {
                locked.addAll(d.plan.affectedApps());
            }
        }
        scaleCheck(locked);
        if (instances.values().stream().anyMatch(i -> i.isScheduled() && i.goal() == Goal.Running)) tasks.launchesPending();
    }

    private boolean runAction(Deployment d, DeploymentAction a) {
        AppDefinition app = root.app(a.appId()).or(() -> d.plan.target().app(a.appId())).orElse(null);
        List<Instance> mine = instances.values().stream().filter(i -> i.appId().equals(a.appId())).toList();
        switch (a.kind()) {
            case START:
                return true;
            case STOP: {
                for (Instance i : mine) if (i.goal() == Goal.Running || !killsSent.containsKey(i.instanceId())) killOrForget(i);
                boolean gone = instances.values().stream().noneMatch(i -> i.appId().equals(a.appId()));
                if (gone && d.terminated.add(a.appId())) {
                    backoffs.remove(a.appId());
                    ObjectNode t = events.event("app_terminated_event");
                    t.put("appId", a.appId().toString());
                    events.publish(t);
                }
                return gone;
            }
            case SCALE: {
                if (app == null) return true;
                if (d.killsIssued.add(a.appId())) {
                    for (String id : a.killInstanceIds()) {
                        Instance i = instances.get(id);
                        if (i != null) killOrForget(i);
                    }
                }
                List<Instance> alive = alive(a.appId());
                if (alive.size() > a.scaleTo()) {
                    for (String id : KillSelector.select(alive, a.scaleTo(), List.of(), app.killSelection())) killOrForget(instances.get(id));
                    alive = alive(a.appId());
                } else if (alive.size() < a.scaleTo()) {
                    schedule(app, a.scaleTo() - alive.size());
                    alive = alive(a.appId());
                }
                boolean dying = instances.values().stream().anyMatch(i -> i.appId().equals(a.appId()) && i.goal() != Goal.Running);
                return alive.size() == a.scaleTo() && !dying && alive.stream().allMatch(i -> healthyAndReady(app, i, d));
            }
            case RESTART: {
                if (app == null) return true;
                RollingRestart.Counts counts = restartCounts(app, d);
                if (RollingRestart.done(counts)) return true;
                RollingRestart.Decision dec = RollingRestart.next(counts, app.upgradeStrategy());
                Instant cfg = app.versionInfo().lastConfigChangeAt();
                List<Instance> old = alive(a.appId()).stream().filter(i -> !i.configVersion().equals(cfg)).toList();
                List<Instance> oldHealthy = old.stream().filter(i -> healthyAndReady(app, i, null)).toList();
                int k = 0;
                for (Instance i : old) {
                    if (k >= dec.killOldUnhealthy()) break;
                    if (!oldHealthy.contains(i)) {
                        killOrForget(i);
                        k++;
                    }
                }
                for (String id : KillSelector.select(oldHealthy, oldHealthy.size() - dec.killOldHealthy(), List.of(), app.killSelection())) {
                    killOrForget(instances.get(id));
                }
                if (dec.launchNew() > 0) schedule(app, dec.launchNew());
                return RollingRestart.done(restartCounts(app, d));
            }
            default:
                return true;
        }
    }

    private RollingRestart.Counts restartCounts(AppDefinition app, Deployment d) {
        Instant cfg = app.versionInfo().lastConfigChangeAt();
        List<Instance> alive = alive(app.id());
        int old = 0, oldHealthy = 0, fresh = 0, freshReady = 0;
        for (Instance i : alive) {
            if (i.configVersion().equals(cfg)) {
                fresh++;
                if (healthyAndReady(app, i, d)) freshReady++;
            } else {
                old++;
                if (healthyAndReady(app, i, null)) oldHealthy++;
            }
        }
        int dying = (int) instances.values().stream().filter(i -> i.appId().equals(app.id()) && i.goal() != Goal.Running).count();
        return new RollingRestart.Counts(app.instances(), old, oldHealthy, dying, fresh, freshReady);
    }

    /** Instances that are meant to run and could: not terminal, not given up as unreachable. */
    private List<Instance> alive(PathId app) {
        return instances.values().stream().filter(i -> i.appId().equals(app) && i.goal() == Goal.Running
                && !i.condition().isTerminal() && i.condition() != Condition.UnreachableInactive).toList();
    }

    private boolean healthyAndReady(AppDefinition app, Instance i, Deployment d) {
        boolean marathonChecks = app.healthChecks().stream().anyMatch(HealthCheck::runByMarathon);
        boolean mesosChecks = app.healthChecks().stream().anyMatch(HealthCheck::runByMesos);
        if (!i.isRunning()) return false;
        if ((marathonChecks || mesosChecks) && !Boolean.TRUE.equals(i.healthy())) return false;
        if (app.readinessChecks().isEmpty() || Boolean.TRUE.equals(i.ready())) return true;
        // Readiness is asked of instances started by this deployment; older ones count as ready.
        return d == null || i.scheduledAt() == null || i.scheduledAt().isBefore(d.plan.version());
    }

    /** Apps not being deployed keep their instance count: lost instances are replaced, extra ones killed. */
    private void scaleCheck(Set<PathId> locked) {
        Map<PathId, AppDefinition> apps = root.transitiveApps();
        for (AppDefinition app : apps.values()) {
            if (locked.contains(app.id())) continue;
            List<Instance> alive = alive(app.id());
            if (alive.size() < app.instances()) {
                schedule(app, app.instances() - alive.size());
            } else if (alive.size() > app.instances()) {
                for (String id : KillSelector.select(alive, app.instances(), List.of(), app.killSelection())) killOrForget(instances.get(id));
            }
        }
        for (Instance i : new ArrayList<>(instances.values())) {
            if (!apps.containsKey(i.appId()) && !locked.contains(i.appId()) && i.goal() == Goal.Running) killOrForget(i);
        }
    }

    private void schedule(AppDefinition app, int n) {
        if (n <= 0) return;
        Instant now = clock.instant();
        List<Instance> created = new ArrayList<>();
        for (int k = 0; k < n; k++) created.add(Instance.scheduled(app, now));
        persist(created, List.of());
        for (Instance i : created) {
            instances.put(i.instanceId(), i);
            publishInstanceChanged(i);
        }
    }

    private void killOrForget(Instance i) {
        if (i == null) return;
        if (i.isScheduled() || i.condition().isTerminal() || i.condition() == Condition.UnreachableInactive) {
            persist(List.of(), List.of(i.instanceId()));
            forget(i.instanceId());
            return;
        }
        Instance dying = i.goal() == Goal.Decommissioned ? i : i.withGoal(Goal.Decommissioned);
        if (dying != i) {
            persist(List.of(dying), List.of());
            instances.put(dying.instanceId(), dying);
        }
        if (!killsSent.containsKey(dying.instanceId())) sendKill(dying);
    }

    private void sendKill(Instance i) {
        if (i == null || i.agentId() == null) return;
        killsSent.put(i.instanceId(), clock.instant());
        Integer grace = root.app(i.appId()).map(AppDefinition::taskKillGracePeriodSeconds).orElse(null);
        try {
            tasks.kill(i.taskId(), i.agentId(), grace);
        } catch (RuntimeException e) {
            LOG.warn("msg=\"kill failed; will retry\" task={} error=\"{}\"", i.taskId(), e.toString());
        }
    }

    private void persist(List<Instance> save, List<String> remove) {
        try {
            if (!save.isEmpty()) storage.saveInstances(save);
            if (!remove.isEmpty()) storage.removeInstances(remove);
        } catch (RuntimeException e) {
            throw ApiException.message(503, "Could not store instances: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ events

    private void publishStepInfo(Deployment d) {
        publishDeployment("deployment_info", d.plan, d.plan.steps().get(d.step));
    }

    private void publishDeployment(String type, DeploymentPlan plan, DeploymentStep current) {
        ObjectNode e = events.event(type);
        if (type.equals("deployment_success") || type.equals("deployment_failed")) e.put("id", plan.id());
        e.set("plan", io.strata.marathon.codec.Renderer.plan(plan));
        if (current != null) e.set("currentStep", io.strata.marathon.codec.Renderer.step(current));
        events.publish(e);
    }

    private void publishInstanceChanged(Instance i) {
        ObjectNode e = events.event("instance_changed_event");
        e.put("instanceId", i.instanceId());
        e.put("condition", i.condition().name());
        e.put("runSpecId", i.appId().toString());
        if (i.agentId() != null) e.put("agentId", i.agentId());
        if (i.host() != null) e.put("host", i.host());
        e.put("runSpecVersion", Timestamps.format(i.appVersion()));
        events.publish(e);
    }

    private void publishHealthChanged(Instance i, boolean alive) {
        ObjectNode e = events.event("health_status_changed_event");
        e.put("appId", i.appId().toString());
        e.put("taskId", i.taskId());
        e.put("instanceId", i.instanceId());
        e.put("version", Timestamps.format(i.appVersion()));
        e.put("alive", alive);
        events.publish(e);
        ObjectNode ih = events.event("instance_health_changed_event");
        ih.put("instanceId", i.instanceId());
        ih.put("runSpecId", i.appId().toString());
        ih.put("runSpecVersion", Timestamps.format(i.appVersion()));
        ih.put("healthy", alive);
        events.publish(ih);
    }

    /** The roles an app at {@code id} may use: Marathon's role, its top-level group's name, the role it has now. */
    public synchronized Set<String> validRoles(PathId id) {
        Set<String> roles = new TreeSet<>();
        roles.add(config.role());
        if (id.segments().size() > 1) roles.add(id.segments().get(0));
        root.app(id).ifPresent(a -> roles.add(a.role()));
        return roles;
    }
}
