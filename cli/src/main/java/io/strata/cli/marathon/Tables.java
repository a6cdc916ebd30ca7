package io.strata.cli.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.output.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The tables of {@code dcos marathon}, with the DC/OS CLI's columns. */
final class Tables {
    static final String NONE = "---";
    private static final Map<String, String> ACTIONS = Map.of(
            "ResolveArtifacts", "artifacts", "ScaleApplication", "scale", "StartApplication", "start",
            "StopApplication", "stop", "RestartApplication", "restart", "ScalePod", "scale", "StartPod", "start",
            "StopPod", "stop", "RestartPod", "restart", "KillAllOldTasksOf", "kill-tasks");

    private Tables() {}

    static String action(String a) {
        return ACTIONS.getOrDefault(a, a);
    }

    /** A number as Marathon means it: 128, not 128.0; 0.1 stays 0.1. */
    static String number(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) return "";
        double d = n.asDouble();
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return n.asText();
    }

    static Table apps(List<JsonNode> apps, List<JsonNode> deployments, List<JsonNode> queue) {
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode d : deployments) byId.put(d.path("id").asText(), d);
        Set<String> overdue = new HashSet<>();
        for (JsonNode q : queue) {
            if (q.path("delay").path("overdue").asBoolean(false)) overdue.add(q.path("app").path("id").asText());
        }
        Table t = new Table().left("ID").center("MEM").center("CPUS").center("TASKS").center("HEALTH")
                .center("DEPLOYMENT").left("WAITING").center("CONTAINER").left("CMD");
        for (JsonNode app : apps) {
            String id = app.path("id").asText();
            String health = app.path("healthChecks").isArray() && !app.path("healthChecks").isEmpty()
                    ? app.path("tasksHealthy").asInt() + "/" + app.path("tasksRunning").asInt() : NONE;
            List<String> actions = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (JsonNode ref : app.path("deployments")) {
                JsonNode d = byId.get(ref.path("id").asText());
                if (d == null || !seen.add(ref.path("id").asText())) continue;
                for (JsonNode a : d.path("currentActions")) {
                    if (id.equals(a.path("app").asText())) actions.add(action(a.path("action").asText()));
                }
            }
            String deployment = actions.isEmpty() ? NONE : actions.size() == 1 ? actions.get(0) : "(" + String.join(", ", actions) + ")";
            JsonNode container = app.path("container");
            String containerType = container.isObject() && container.hasNonNull("type") ? container.get("type").asText() : "mesos";
            String cmd = app.hasNonNull("cmd") ? app.get("cmd").asText() : args(app.path("args"));
            t.row(id, number(app.path("mem")), number(app.path("cpus")),
                    app.path("tasksRunning").asInt() + "/" + app.path("instances").asInt(), health, deployment,
                    overdue.contains(id) ? "True" : "False", containerType, Table.truncate(cmd, 35));
        }
        return t.sortBy("ID");
    }

    private static String args(JsonNode args) {
        if (!args.isArray() || args.isEmpty()) return "";
        List<String> a = new ArrayList<>();
        args.forEach(x -> a.add(x.asText()));
        return String.join(" ", a);
    }

    static Table deployments(List<JsonNode> deployments) {
        Table t = new Table().left("APP").left("POD").left("ACTION").center("PROGRESS").left("ID");
        for (JsonNode d : deployments) {
            Set<String> resources = new HashSet<>();
            for (JsonNode a : d.path("currentActions")) resources.add(resource(a));
            boolean several = resources.size() > 1;
            List<String> actions = new ArrayList<>();
            for (JsonNode a : d.path("currentActions")) {
                String r = resource(a);
                actions.add(several ? action(a.path("action").asText()) + " " + r : action(a.path("action").asText()));
            }
            t.row(ids(d.path("affectedApps")), ids(d.path("affectedPods")), String.join("\n", actions),
                    Math.max(0, d.path("currentStep").asInt() - 1) + "/" + d.path("totalSteps").asInt(), d.path("id").asText());
        }
        return t.sortBy("APP");
    }

    private static String resource(JsonNode action) {
        return action.hasNonNull("app") ? action.get("app").asText() : action.path("pod").asText("N/A");
    }

    private static String ids(JsonNode ids) {
        if (!ids.isArray() || ids.isEmpty()) return "-";
        List<String> out = new ArrayList<>();
        ids.forEach(i -> out.add(i.asText()));
        return String.join("\n", out);
    }

    static Table tasks(List<JsonNode> tasks) {
        Table t = new Table().left("APP").center("HEALTHY").center("STARTED").center("HOST").left("ID");
        for (JsonNode task : tasks) {
            boolean healthy = true;
            for (JsonNode check : task.path("healthCheckResults")) healthy &= check.path("alive").asBoolean(false);
            t.row(task.path("appId").asText(), healthy ? "True" : "False",
                    task.hasNonNull("startedAt") ? task.get("startedAt").asText() : "N/A", task.path("host").asText(),
                    task.path("id").asText());
        }
        return t.sortBy("APP");
    }

    /** Every group below the root, each with the number of apps it holds (its subgroups' included). */
    static Table groups(JsonNode root) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (JsonNode g : root.path("groups")) count(g, counts);
        Table t = new Table().left("ID").center("APPS");
        counts.forEach((id, n) -> t.row(id, n));
        return t.sortBy("ID");
    }

    private static int count(JsonNode group, Map<String, Integer> counts) {
        int n = group.path("apps").size();
        for (JsonNode g : group.path("groups")) n += count(g, counts);
        counts.put(group.path("id").asText(), n);
        return n;
    }
}
