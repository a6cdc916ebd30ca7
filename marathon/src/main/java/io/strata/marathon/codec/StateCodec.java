package io.strata.marathon.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.marathon.deployment.DeploymentAction;
import io.strata.marathon.deployment.DeploymentStep;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Group;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import java.util.TreeMap;
import java.util.function.BiFunction;

/** How state is written to storage: groups by reference to app versions, instances, deployment steps. */
public final class StateCodec {
    private StateCodec() {}

    /** A group with its apps as {@code {id, version}} references; apps are stored on their own. */
    public static ObjectNode groupRefs(Group g) {
        ObjectNode o = Json.object();
        o.put("id", g.id().toString());
        o.put("version", Timestamps.format(g.version()));
        if (g.enforceRole() != null) o.put("enforceRole", g.enforceRole());
        ArrayNode deps = o.putArray("dependencies");
        g.dependencies().forEach(d -> deps.add(d.toString()));
        ArrayNode apps = o.putArray("apps");
        for (AppDefinition a : g.apps().values()) apps.addObject().put("id", a.id().toString()).put("version", Timestamps.format(a.version()));
        ArrayNode groups = o.putArray("groups");
        for (Group c : g.groups().values()) groups.add(groupRefs(c));
        return o;
    }

    /** Rebuilds a group, loading each app version with {@code apps}; apps that cannot be found are left out. */
    public static Group groupFromRefs(JsonNode o, BiFunction<PathId, Instant, AppDefinition> apps) {
        PathId id = PathId.of(o.get("id").asText());
        TreeMap<PathId, AppDefinition> appMap = new TreeMap<>();
        for (JsonNode a : o.path("apps")) {
            PathId aid = PathId.of(a.get("id").asText());
            AppDefinition app = apps.apply(aid, Timestamps.parse(a.get("version").asText()));
            if (app != null) appMap.put(aid, app);
        }
        TreeMap<PathId, Group> groups = new TreeMap<>();
        for (JsonNode c : o.path("groups")) {
            Group child = groupFromRefs(c, apps);
            groups.put(child.id(), child);
        }
        List<PathId> deps = new ArrayList<>();
        for (JsonNode d : o.path("dependencies")) deps.add(PathId.of(d.asText()));
        Boolean enforce = o.has("enforceRole") && !o.get("enforceRole").isNull() ? o.get("enforceRole").asBoolean() : null;
        return new Group(id, appMap, groups, deps, Timestamps.parse(o.get("version").asText()), enforce);
    }

    public static ObjectNode instance(Instance i) {
        ObjectNode o = Json.object();
        o.put("instanceId", i.instanceId());
        o.put("incarnation", i.incarnation());
        o.put("appId", i.appId().toString());
        o.put("appVersion", Timestamps.format(i.appVersion()));
        o.put("configVersion", Timestamps.format(i.configVersion()));
        o.put("condition", i.condition().name());
        o.put("goal", i.goal().name());
        if (i.agentId() != null) o.put("agentId", i.agentId());
        if (i.host() != null) o.put("host", i.host());
        ArrayNode ports = o.putArray("hostPorts");
        i.hostPorts().forEach(ports::add);
        ArrayNode ips = o.putArray("ipAddresses");
        i.ipAddresses().forEach(ips::add);
        if (i.stagedAt() != null) o.put("stagedAt", Timestamps.format(i.stagedAt()));
        if (i.startedAt() != null) o.put("startedAt", Timestamps.format(i.startedAt()));
        if (i.role() != null) o.put("role", i.role());
        if (i.message() != null) o.put("message", i.message());
        if (i.scheduledAt() != null) o.put("scheduledAt", Timestamps.format(i.scheduledAt()));
        return o;
    }

    public static Instance instance(JsonNode o) {
        List<Integer> ports = new ArrayList<>();
        o.path("hostPorts").forEach(p -> ports.add(p.asInt()));
        List<String> ips = new ArrayList<>();
        o.path("ipAddresses").forEach(p -> ips.add(p.asText()));
        return new Instance(o.get("instanceId").asText(), o.path("incarnation").asInt(1), PathId.of(o.get("appId").asText()),
                Timestamps.parse(o.get("appVersion").asText()), Timestamps.parse(o.get("configVersion").asText()),
                Instance.Condition.valueOf(o.get("condition").asText()), Instance.Goal.valueOf(o.get("goal").asText()),
                text(o, "agentId"), text(o, "host"), ports, ips, time(o, "stagedAt"), time(o, "startedAt"), null, null,
                text(o, "role"), text(o, "message"), time(o, "scheduledAt"));
    }

    public static ArrayNode steps(List<DeploymentStep> steps) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (DeploymentStep s : steps) {
            ArrayNode actions = a.addObject().putArray("actions");
            for (DeploymentAction act : s.actions()) {
                ObjectNode ao = actions.addObject();
                ao.put("action", act.kind().marathonName);
                ao.put("app", act.appId().toString());
                if (act.kind() == DeploymentAction.Kind.SCALE) {
                    ao.put("scaleTo", act.scaleTo());
                    ArrayNode kill = ao.putArray("killInstances");
                    act.killInstanceIds().forEach(kill::add);
                }
            }
        }
        return a;
    }

    public static List<DeploymentStep> steps(JsonNode a) {
        List<DeploymentStep> out = new ArrayList<>();
        for (JsonNode s : a) {
            List<DeploymentAction> actions = new ArrayList<>();
            for (JsonNode ao : s.path("actions")) {
                List<String> kill = new ArrayList<>();
                ao.path("killInstances").forEach(k -> kill.add(k.asText()));
                actions.add(new DeploymentAction(DeploymentAction.Kind.fromName(ao.get("action").asText()),
                        PathId.of(ao.get("app").asText()), ao.path("scaleTo").asInt(0), kill));
            }
            out.add(new DeploymentStep(actions));
        }
        return out;
    }

    private static String text(JsonNode o, String f) {
        JsonNode v = o.get(f);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant time(JsonNode o, String f) {
        String s = text(o, f);
        return s == null ? null : Timestamps.parse(s);
    }

}
