package io.strata.lb.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Marathon's {@code /v2/apps?embed=apps.tasks} answer (or one {@code app} object) into {@link MarathonApp}s.
 * Pure: JSON in, records out. Lenient as marathon-lb is: missing fields are empty, not errors.
 */
public final class AppsParser {
    private AppsParser() {}

    /** {@code {"apps":[...]}} → apps, in Marathon's order. */
    public static List<MarathonApp> parseApps(JsonNode root) {
        List<MarathonApp> out = new ArrayList<>();
        JsonNode apps = root.path("apps");
        for (JsonNode app : apps) out.add(parseApp(app));
        return out;
    }

    public static MarathonApp parseApp(JsonNode app) {
        String id = app.path("id").asText("");
        if (!id.startsWith("/")) id = "/" + id;
        Map<String, String> labels = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = app.path("labels").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            labels.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
        }
        String mode = networkMode(app);
        List<Integer> portDefinitionPorts = new ArrayList<>();
        for (JsonNode pd : app.path("portDefinitions")) {
            if (pd.hasNonNull("port")) portDefinitionPorts.add(pd.get("port").asInt());
        }
        if (!app.has("portDefinitions")) {
            for (JsonNode p : app.path("ports")) portDefinitionPorts.add(p.asInt());
        }
        JsonNode mappings = portMappings(app);
        List<Integer> containerPorts = new ArrayList<>();
        List<Integer> mappingServicePorts = new ArrayList<>();
        for (JsonNode pm : mappings) {
            if (pm.hasNonNull("containerPort")) containerPorts.add(pm.get("containerPort").asInt());
            if (pm.hasNonNull("servicePort")) mappingServicePorts.add(pm.get("servicePort").asInt());
        }
        List<Integer> discoveryPorts = new ArrayList<>();
        for (JsonNode p : app.path("ipAddress").path("discovery").path("ports")) {
            if (p.hasNonNull("number")) discoveryPorts.add(p.get("number").asInt());
        }
        // marathon-lb: port mappings' service ports for container networking, else the port definitions
        List<Integer> servicePorts = (mode.startsWith("container") && !mappingServicePorts.isEmpty())
                ? mappingServicePorts : portDefinitionPorts;
        List<HealthCheck> checks = new ArrayList<>();
        for (JsonNode hc : app.path("healthChecks")) {
            checks.add(new HealthCheck(text(hc, "protocol"), intOrNull(hc, "portIndex"), intOrNull(hc, "port"),
                    text(hc, "path"), hc.path("timeoutSeconds").asInt(20), hc.path("intervalSeconds").asInt(60),
                    hc.path("gracePeriodSeconds").asInt(300), hc.path("maxConsecutiveFailures").asInt(3)));
        }
        List<MarathonTask> tasks = new ArrayList<>();
        for (JsonNode t : app.path("tasks")) tasks.add(parseTask(t));
        String lastScalingAt = app.path("versionInfo").hasNonNull("lastScalingAt")
                ? app.path("versionInfo").get("lastScalingAt").asText() : null;
        return new MarathonApp(id, labels, app.path("instances").asInt(0), mode, servicePorts, portDefinitionPorts,
                containerPorts, discoveryPorts, checks, tasks, lastScalingAt);
    }

    public static MarathonTask parseTask(JsonNode t) {
        List<String> ips = new ArrayList<>();
        for (JsonNode ip : t.path("ipAddresses")) {
            if (ip.hasNonNull("ipAddress")) ips.add(ip.get("ipAddress").asText());
        }
        List<Integer> ports = new ArrayList<>();
        for (JsonNode p : t.path("ports")) ports.add(p.asInt());
        List<Boolean> alive = null;
        if (t.has("healthCheckResults")) {
            alive = new ArrayList<>();
            for (JsonNode r : t.path("healthCheckResults")) alive.add(r.path("alive").asBoolean(false));
        }
        return new MarathonTask(t.path("id").asText(""), t.path("host").asText(""), ips, ports, text(t, "state"), alive, false);
    }

    /** marathon-lb's networking mode: host, container/bridge or container (IP-per-task). */
    static String networkMode(JsonNode app) {
        String mode = "host";
        if (app.hasNonNull("ipAddress") && app.get("ipAddress").isObject()) mode = "container";
        String dockerNetwork = app.path("container").path("docker").path("network").asText("");
        if (dockerNetwork.equals("USER")) mode = "container";
        else if (dockerNetwork.equals("BRIDGE")) mode = "container/bridge";
        for (JsonNode n : app.path("networks")) mode = n.path("mode").asText("container");
        return mode;
    }

    private static JsonNode portMappings(JsonNode app) {
        JsonNode docker = app.path("container").path("docker").path("portMappings");
        if (docker.isArray() && !docker.isEmpty()) return docker;
        return app.path("container").path("portMappings");
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    private static Integer intOrNull(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asInt() : null;
    }
}
