package io.strata.marathon.codec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.marathon.Marathon;
import io.strata.marathon.deployment.DeploymentAction;
import io.strata.marathon.deployment.DeploymentPlan;
import io.strata.marathon.deployment.DeploymentStep;
import io.strata.marathon.health.HealthResult;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Group;
import io.strata.marathon.model.HealthCheck;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.TaskFailure;
import io.strata.marathon.model.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Marathon's response shapes built from the current state: AppInfo, tasks, groups, deployments, queue. */
public final class Renderer {
    /** What an app listing includes besides the definition (Marathon's {@code embed} values). */
    public record Embed(boolean counts, boolean deployments, boolean tasks, boolean lastTaskFailure, boolean readiness) {
        public static final Embed NONE = new Embed(false, false, false, false, false);

        /** From {@code embed=apps.tasks&embed=app.counts...}; either the {@code apps.} or {@code app.} prefix. */
        public static Embed parse(List<String> values, boolean counts, boolean deployments, boolean tasks, boolean failures) {
            boolean r = false;
            for (String v : values) {
                String e = v.replaceFirst("^apps?\\.", "").replaceFirst("^group\\.apps\\.", "");
                switch (e) {
                    case "counts" -> counts = true;
                    case "deployments" -> deployments = true;
                    case "tasks" -> tasks = true;
                    case "lastTaskFailure", "failures" -> failures = true;
                    case "readiness" -> r = true;
                    default -> { }
                }
            }
            return new Embed(counts, deployments, tasks, failures, r);
        }
    }

    private Renderer() {}

    public static ObjectNode appInfo(Marathon m, AppDefinition app, Embed embed) {
        ObjectNode o = AppWriter.write(app);
        List<Instance> instances = m.instancesOf(app.id());
        if (embed.counts()) {
            int staged = 0, running = 0, healthy = 0, unhealthy = 0;
            boolean checks = !app.healthChecks().isEmpty();
            for (Instance i : instances) {
                switch (i.condition()) {
                    case Provisioned, Staging, Starting -> staged++;
                    case Running -> {
                        running++;
                        if (checks && Boolean.TRUE.equals(i.healthy())) healthy++;
                        if (checks && Boolean.FALSE.equals(i.healthy())) unhealthy++;
                    }
                    default -> { }
                }
            }
            o.put("tasksStaged", staged);
            o.put("tasksRunning", running);
            o.put("tasksHealthy", healthy);
            o.put("tasksUnhealthy", unhealthy);
        }
        if (embed.deployments()) {
            ArrayNode d = o.putArray("deployments");
            for (String id : m.deploymentsAffecting(app.id())) d.addObject().put("id", id);
        }
        if (embed.readiness()) o.putArray("readinessCheckResults");
        if (embed.tasks()) {
            ArrayNode t = o.putArray("tasks");
            for (Instance i : instances) if (!i.isScheduled()) t.add(task(m, app, i));
        }
        if (embed.lastTaskFailure()) m.lastFailure(app.id()).ifPresent(f -> o.set("lastTaskFailure", failure(f)));
        return o;
    }

    public static ObjectNode failure(TaskFailure f) {
        ObjectNode o = Json.object();
        o.put("appId", f.appId().toString());
        o.put("host", f.host());
        o.put("message", f.message());
        o.put("state", f.state());
        o.put("taskId", f.taskId());
        o.put("timestamp", Timestamps.format(f.timestamp()));
        o.put("version", Timestamps.format(f.version()));
        if (f.slaveId() != null) o.put("slaveId", f.slaveId());
        return o;
    }

    /** A task as {@code /v2/tasks} shows it. {@code app} may be null (the app is gone). */
    public static ObjectNode task(Marathon m, AppDefinition app, Instance i) {
        ObjectNode o = Json.object();
        o.put("appId", i.appId().toString());
        ArrayNode hcr = o.putArray("healthCheckResults");
        if (app != null && i.isRunning()) {
            List<HealthResult> results = m.health(i.instanceId());
            for (int idx = 0; idx < app.healthChecks().size(); idx++) {
                HealthCheck hc = app.healthChecks().get(idx);
                HealthResult r = idx < results.size() ? results.get(idx) : null;
                if (hc.runByMesos()) {
                    if (i.healthy() == null) continue;
                    r = new HealthResult(i.healthy(), i.healthy() ? 0 : 1, null, null, null, null);
                }
                if (r == null || (r.firstSuccess() == null && r.lastFailure() == null && !hc.runByMesos())) continue;
                ObjectNode h = hcr.addObject();
                h.put("alive", r.alive());
                h.put("consecutiveFailures", r.consecutiveFailures());
                if (r.firstSuccess() != null) h.put("firstSuccess", Timestamps.format(r.firstSuccess()));
                h.put("instanceId", i.instanceId());
                if (r.lastSuccess() != null) h.put("lastSuccess", Timestamps.format(r.lastSuccess()));
                if (r.lastFailure() != null) h.put("lastFailure", Timestamps.format(r.lastFailure()));
                if (r.lastFailureCause() != null) h.put("lastFailureCause", r.lastFailureCause());
            }
        }
        o.put("host", i.host() == null ? "" : i.host());
        o.put("id", i.taskId());
        ArrayNode ips = o.putArray("ipAddresses");
        for (String ip : i.ipAddresses()) ips.addObject().put("ipAddress", ip).put("protocol", ip.contains(":") ? "IPv6" : "IPv4");
        boolean active = i.condition().isActive();
        ArrayNode ports = o.putArray("ports");
        if (active) i.hostPorts().forEach(ports::add);
        ArrayNode sp = o.putArray("servicePorts");
        if (app != null) app.servicePorts().forEach(sp::add);
        if (i.agentId() != null) o.put("slaveId", i.agentId());
        o.put("state", i.condition().mesosState == null ? "TASK_STAGING" : i.condition().mesosState);
        if (active && i.stagedAt() != null) o.put("stagedAt", Timestamps.format(i.stagedAt()));
        if (active && i.startedAt() != null) o.put("startedAt", Timestamps.format(i.startedAt()));
        if (active) o.put("version", Timestamps.format(i.appVersion()));
        o.putArray("localVolumes");
        o.put("role", i.role() == null ? "*" : i.role());
        return o;
    }

    /**
     * A group as {@code /v2/groups} shows it.
     *
     * @param appEmbed null to leave apps out
     */
    public static ObjectNode group(Marathon m, Group g, boolean withGroups, Embed appEmbed) {
        ObjectNode o = Json.object();
        o.put("id", g.id().toString());
        ArrayNode apps = o.putArray("apps");
        if (appEmbed != null) for (AppDefinition a : g.apps().values()) apps.add(appInfo(m, a, appEmbed));
        o.putArray("pods");
        ArrayNode groups = o.putArray("groups");
        if (withGroups) for (Group c : g.groups().values()) groups.add(group(m, c, true, appEmbed));
        ArrayNode deps = o.putArray("dependencies");
        g.dependencies().forEach(d -> deps.add(d.toString()));
        o.put("version", Timestamps.format(g.version()));
        if (g.enforceRole() != null) o.put("enforceRole", g.enforceRole());
        return o;
    }

    public static ObjectNode plan(DeploymentPlan p) {
        ObjectNode o = Json.object();
        o.put("id", p.id());
        ArrayNode steps = o.putArray("steps");
        for (DeploymentStep s : p.steps()) steps.add(step(s));
        o.put("version", Timestamps.format(p.version()));
        return o;
    }

    public static ObjectNode step(DeploymentStep s) {
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("actions");
        for (DeploymentAction act : s.actions()) a.addObject().put("action", act.kind().marathonName).put("app", act.appId().toString());
        return o;
    }

    /** One entry of {@code GET /v2/deployments}. */
    public static ObjectNode deployment(Marathon.DeploymentView v) {
        DeploymentPlan p = v.plan();
        ObjectNode o = Json.object();
        o.put("id", p.id());
        o.put("version", Timestamps.format(p.version()));
        ArrayNode affected = o.putArray("affectedApps");
        for (PathId id : p.affectedApps()) affected.add(id.toString());
        o.putArray("affectedPods");
        ArrayNode steps = o.putArray("steps");
        for (DeploymentStep s : p.steps()) steps.add(step(s));
        ArrayNode current = o.putArray("currentActions");
        if (v.currentStep() < p.steps().size()) {
            for (DeploymentAction a : p.steps().get(v.currentStep()).actions()) {
                ObjectNode ca = current.addObject();
                ca.put("action", a.kind().marathonName);
                ca.put("app", a.appId().toString());
                ca.putArray("readinessCheckResults");
            }
        }
        o.put("currentStep", Math.min(v.currentStep() + 1, p.steps().size()));
        o.put("totalSteps", p.steps().size());
        return o;
    }

    /** {@code {"version": ..., "deploymentId": ...}} */
    public static ObjectNode deploymentResult(DeploymentPlan p) {
        ObjectNode o = Json.object();
        o.put("version", Timestamps.format(p.version()));
        o.put("deploymentId", p.id());
        return o;
    }

    public static ObjectNode queueEntry(Marathon.QueueEntry q, Instant now) {
        ObjectNode o = Json.object();
        o.put("count", q.scheduled().size());
        o.put("role", q.app().role());
        ObjectNode delay = o.putObject("delay");
        long left = (long) Math.ceil(q.backoff().timeLeft(now).toMillis() / 1000.0);
        delay.put("timeLeftSeconds", left);
        delay.put("overdue", left <= 0);
        o.put("since", Timestamps.format(q.since()));
        ObjectNode s = o.putObject("processedOffersSummary");
        s.put("processedOffersCount", q.processedOffers());
        s.put("unusedOffersCount", q.unusedOffers());
        if (q.lastUnusedOfferAt() != null) s.put("lastUnusedOfferAt", Timestamps.format(q.lastUnusedOfferAt()));
        if (q.lastUsedOfferAt() != null) s.put("lastUsedOfferAt", Timestamps.format(q.lastUsedOfferAt()));
        s.putArray("rejectSummaryLastOffers");
        s.putArray("rejectSummaryLaunchAttempt");
        o.putArray("lastUnusedOffers");
        o.set("app", AppWriter.write(q.app()));
        return o;
    }

    /** Marathon's text/plain task listing: per app and service port, the running tasks' host:port, tab separated. */
    public static String tasksText(Marathon m, Set<PathId> apps) {
        StringBuilder sb = new StringBuilder();
        for (PathId id : apps) {
            AppDefinition app = m.app(id).orElse(null);
            if (app == null) continue;
            List<Instance> running = m.instancesOf(id).stream().filter(Instance::isRunning).toList();
            List<Integer> sps = app.servicePorts();
            if (sps.isEmpty()) {
                sb.append(id.safePath()).append("\t \t");
                for (Instance i : running) sb.append(i.host()).append(" \t");
                sb.append('\n');
            }
            for (int idx = 0; idx < sps.size(); idx++) {
                sb.append(id.safePath()).append('\t').append(sps.get(idx)).append('\t');
                for (Instance i : running) {
                    int port = idx < i.hostPorts().size() ? i.hostPorts().get(idx) : 0;
                    sb.append(i.host()).append(':').append(port).append('\t');
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
