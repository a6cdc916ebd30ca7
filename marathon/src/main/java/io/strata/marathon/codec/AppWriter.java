package io.strata.marathon.codec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Constraint;
import io.strata.marathon.model.Container;
import io.strata.marathon.model.FetchUri;
import io.strata.marathon.model.HealthCheck;
import io.strata.marathon.model.Network;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.PortDefinition;
import io.strata.marathon.model.PortMapping;
import io.strata.marathon.model.ReadinessCheck;
import io.strata.marathon.model.Timestamps;
import java.util.Map;

/**
 * Writes an app the way Marathon 1.11 returns it: fields in Marathon's order, optional fields left out when unset,
 * empty {@code args}, {@code constraints}, {@code dependencies}, {@code env}, {@code fetch}, {@code healthChecks},
 * {@code readinessChecks}, {@code secrets} left out, {@code labels} and {@code networks} always present, and no
 * deprecated fields ({@code ports}, {@code uris}, {@code ipAddress}). The same JSON is what we store, and reading it
 * back gives the same app.
 */
public final class AppWriter {
    private AppWriter() {}

    public static ObjectNode write(AppDefinition app) {
        ObjectNode o = Json.object();
        o.put("id", app.id().toString());
        if (!app.acceptedResourceRoles().isEmpty()) strings(o.putArray("acceptedResourceRoles"), app.acceptedResourceRoles());
        if (!app.args().isEmpty()) strings(o.putArray("args"), app.args());
        o.put("backoffFactor", app.backoffFactor());
        o.put("backoffSeconds", app.backoffSeconds());
        if (app.cmd() != null) o.put("cmd", app.cmd());
        if (!app.constraints().isEmpty()) {
            ArrayNode a = o.putArray("constraints");
            for (Constraint c : app.constraints()) strings(a.addArray(), c.toList());
        }
        if (app.container() != null) o.set("container", container(app.container()));
        number(o, "cpus", app.cpus());
        if (!app.dependencies().isEmpty()) {
            ArrayNode a = o.putArray("dependencies");
            for (PathId d : app.dependencies()) a.add(d.toString());
        }
        number(o, "disk", app.disk());
        if (!app.env().isEmpty()) {
            ObjectNode env = o.putObject("env");
            app.env().forEach((k, v) -> {
                if (v.secret() != null) env.putObject(k).put("secret", v.secret());
                else env.put(k, v.value());
            });
        }
        o.put("executor", app.executor());
        if (app.executorResources() != null) o.set("executorResources", app.executorResources());
        if (!app.fetch().isEmpty()) {
            ArrayNode a = o.putArray("fetch");
            for (FetchUri f : app.fetch()) {
                ObjectNode fo = a.addObject();
                fo.put("uri", f.uri());
                fo.put("extract", f.extract());
                fo.put("executable", f.executable());
                fo.put("cache", f.cache());
                if (f.destPath() != null) fo.put("destPath", f.destPath());
            }
        }
        if (!app.healthChecks().isEmpty()) {
            ArrayNode a = o.putArray("healthChecks");
            for (HealthCheck hc : app.healthChecks()) a.add(healthCheck(hc));
        }
        if (app.check() != null) o.set("check", app.check());
        o.put("instances", app.instances());
        labels(o.putObject("labels"), app.labels());
        o.put("maxLaunchDelaySeconds", app.maxLaunchDelaySeconds());
        number(o, "mem", app.mem());
        o.put("gpus", app.gpus());
        ArrayNode nets = o.putArray("networks");
        for (Network n : app.networks()) {
            ObjectNode no = nets.addObject();
            if (n.name() != null) no.put("name", n.name());
            no.put("mode", n.mode());
            if (!n.labels().isEmpty()) labels(no.putObject("labels"), n.labels());
        }
        if (app.usesHostNetworking()) {
            ArrayNode a = o.putArray("portDefinitions");
            for (PortDefinition p : app.portDefinitions()) {
                ObjectNode po = a.addObject();
                po.put("port", p.port());
                if (!p.labels().isEmpty()) labels(po.putObject("labels"), p.labels());
                if (p.name() != null) po.put("name", p.name());
                po.put("protocol", p.protocol());
            }
        }
        if (!app.readinessChecks().isEmpty()) {
            ArrayNode a = o.putArray("readinessChecks");
            for (ReadinessCheck rc : app.readinessChecks()) {
                ObjectNode r = a.addObject();
                r.put("name", rc.name());
                r.put("protocol", rc.protocol());
                r.put("path", rc.path());
                r.put("portName", rc.portName());
                r.put("intervalSeconds", rc.intervalSeconds());
                r.put("timeoutSeconds", rc.timeoutSeconds());
                ArrayNode codes = r.putArray("httpStatusCodesForReady");
                rc.httpStatusCodesForReady().forEach(codes::add);
                r.put("preserveLastResponse", rc.preserveLastResponse());
            }
        }
        if (app.residency() != null) o.set("residency", app.residency());
        if (app.resourceLimits() != null) o.set("resourceLimits", app.resourceLimits());
        o.put("requirePorts", app.requirePorts());
        if (app.secrets() != null && app.secrets().size() > 0) o.set("secrets", app.secrets());
        if (app.taskKillGracePeriodSeconds() != null) o.put("taskKillGracePeriodSeconds", app.taskKillGracePeriodSeconds());
        ObjectNode us = o.putObject("upgradeStrategy");
        number(us, "maximumOverCapacity", app.upgradeStrategy().maximumOverCapacity());
        number(us, "minimumHealthCapacity", app.upgradeStrategy().minimumHealthCapacity());
        if (app.user() != null) o.put("user", app.user());
        if (app.versionInfo() != null) {
            o.put("version", Timestamps.format(app.versionInfo().version()));
            ObjectNode vi = o.putObject("versionInfo");
            vi.put("lastScalingAt", Timestamps.format(app.versionInfo().lastScalingAt()));
            vi.put("lastConfigChangeAt", Timestamps.format(app.versionInfo().lastConfigChangeAt()));
        }
        o.put("killSelection", app.killSelection().name());
        if (app.unreachableStrategy().enabled()) {
            ObjectNode u = o.putObject("unreachableStrategy");
            u.put("inactiveAfterSeconds", app.unreachableStrategy().inactiveAfterSeconds());
            u.put("expungeAfterSeconds", app.unreachableStrategy().expungeAfterSeconds());
        } else {
            o.put("unreachableStrategy", "disabled");
        }
        if (app.tty() != null) o.put("tty", app.tty());
        o.put("role", app.role());
        return o;
    }

    public static ObjectNode healthCheck(HealthCheck hc) {
        ObjectNode h = Json.object();
        h.put("gracePeriodSeconds", hc.gracePeriodSeconds());
        if (hc.command() != null) h.putObject("command").put("value", hc.command());
        if (hc.protocol().equals("HTTP") || hc.protocol().equals("HTTPS")) h.put("ignoreHttp1xx", hc.ignoreHttp1xx());
        h.put("intervalSeconds", hc.intervalSeconds());
        h.put("maxConsecutiveFailures", hc.maxConsecutiveFailures());
        if (hc.path() != null) h.put("path", hc.path());
        if (hc.port() != null) h.put("port", hc.port());
        if (hc.portIndex() != null) h.put("portIndex", hc.portIndex());
        h.put("protocol", hc.protocol());
        h.put("ipProtocol", hc.ipProtocol());
        h.put("timeoutSeconds", hc.timeoutSeconds());
        h.put("delaySeconds", hc.delaySeconds());
        return h;
    }

    static ObjectNode container(Container c) {
        ObjectNode o = Json.object();
        o.put("type", c.type());
        if (c.docker() != null) {
            Container.Docker d = c.docker();
            ObjectNode dn = o.putObject("docker");
            if (d.credential() != null) dn.set("credential", d.credential());
            if (d.pullConfig() != null) dn.set("pullConfig", d.pullConfig());
            dn.put("forcePullImage", d.forcePullImage());
            dn.put("image", d.image());
            ArrayNode params = dn.putArray("parameters");
            for (Container.Parameter p : d.parameters()) params.addObject().put("key", p.key()).put("value", p.value());
            dn.put("privileged", d.privileged());
        }
        if (c.linuxInfo() != null) o.set("linuxInfo", c.linuxInfo());
        o.set("volumes", c.volumes() == null ? Json.MAPPER.createArrayNode() : c.volumes());
        if (c.portMappings() != null) {
            ArrayNode a = o.putArray("portMappings");
            for (PortMapping m : c.portMappings()) {
                ObjectNode mo = a.addObject();
                mo.put("containerPort", m.containerPort() == null ? 0 : m.containerPort());
                if (m.hostPort() != null) mo.put("hostPort", m.hostPort());
                labels(mo.putObject("labels"), m.labels());
                if (m.name() != null) mo.put("name", m.name());
                mo.put("protocol", m.protocol());
                mo.put("servicePort", m.servicePort() == null ? 0 : m.servicePort());
                if (!m.networkNames().isEmpty()) strings(mo.putArray("networkNames"), m.networkNames());
            }
        }
        return o;
    }

    /** Whole numbers as integers (128, not 128.0), as Marathon's JSON shows them. */
    static void number(ObjectNode o, String name, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) o.put(name, (long) v);
        else o.put(name, v);
    }

    static void strings(ArrayNode a, Iterable<String> values) {
        for (String s : values) a.add(s);
    }

    static void labels(ObjectNode o, Map<String, String> labels) {
        labels.forEach(o::put);
    }
}
