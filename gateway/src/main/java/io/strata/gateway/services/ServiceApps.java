package io.strata.gateway.services;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/**
 * The Marathon apps {@code /service/<name>/} can reach, one of the two tables Admin Router keeps (the other is
 * {@link MesosDirectory}). Pure: Marathon's JSON goes in, lookups come out.
 *
 * <p>An app is a service when it carries the label {@code DCOS_SERVICE_NAME}; its address is the first
 * {@code TASK_RUNNING} task's host and the port at {@code DCOS_SERVICE_PORT_INDEX} (default 0), over
 * {@code DCOS_SERVICE_SCHEME} (default http). Under container networking a fixed container port and the task's
 * own IP are used instead. {@code DCOS_SERVICE_REWRITE_REQUEST_URLS=false} keeps the {@code /service/<name>}
 * prefix on forwarded requests.
 */
public final class ServiceApps {

    /** A Marathon app that is a service, and where its first running task listens (null while none runs). */
    public record App(String appId, String url, boolean rewriteRequestUrls, String problem) {}

    private final Map<String, App> apps;

    private ServiceApps(Map<String, App> apps) {
        this.apps = Map.copyOf(apps);
    }

    public static ServiceApps empty() {
        return new ServiceApps(Map.of());
    }

    /** @param marathonApps {@code GET /v2/apps?embed=apps.tasks} (an object with "apps") */
    public static ServiceApps of(JsonNode marathonApps) {
        Map<String, App> out = new HashMap<>();
        for (JsonNode app : marathonApps.path("apps")) {
            JsonNode labels = app.path("labels");
            String serviceName = labels.path("DCOS_SERVICE_NAME").asText("");
            if (serviceName.isBlank()) continue;
            String appId = app.path("id").asText();
            boolean rewrite = !"false".equalsIgnoreCase(labels.path("DCOS_SERVICE_REWRITE_REQUEST_URLS").asText("true").strip());
            out.put(ServiceNames.normalise(serviceName), address(app, appId, labels, rewrite));
        }
        return new ServiceApps(out);
    }

    /** The app labelled with this (normalised) service name, or null. */
    public App app(String normalisedName) {
        return apps.get(normalisedName);
    }

    private static App address(JsonNode app, String appId, JsonNode labels, boolean rewrite) {
        String scheme = labels.path("DCOS_SERVICE_SCHEME").asText("http").strip().toLowerCase(java.util.Locale.ROOT);
        if (scheme.isEmpty()) scheme = "http";
        int portIndex;
        try {
            portIndex = Integer.parseInt(labels.path("DCOS_SERVICE_PORT_INDEX").asText("0").strip());
        } catch (NumberFormatException e) {
            return new App(appId, null, rewrite, "its label DCOS_SERVICE_PORT_INDEX is not a number");
        }
        JsonNode task = null;
        for (JsonNode t : app.path("tasks")) {
            if ("TASK_RUNNING".equals(t.path("state").asText("TASK_RUNNING"))) {
                task = t;
                break;
            }
        }
        if (task == null) return new App(appId, null, rewrite, "it has no running task yet");
        String host = task.path("host").asText("");
        Integer port = null;
        if (containerNetworking(app)) {
            JsonNode ips = task.path("ipAddresses");
            if (ips.size() > 0 && !ips.get(0).path("ipAddress").asText("").isEmpty()) host = ips.get(0).path("ipAddress").asText();
            JsonNode mappings = app.path("container").path("portMappings");
            if (mappings.isArray() && mappings.size() > portIndex && mappings.get(portIndex).path("containerPort").asInt(0) != 0) {
                port = mappings.get(portIndex).path("containerPort").asInt();
            }
        }
        if (port == null) {
            JsonNode ports = task.path("ports");
            if (!ports.isArray() || ports.size() <= portIndex) {
                return new App(appId, null, rewrite, "its task has no port at DCOS_SERVICE_PORT_INDEX " + portIndex);
            }
            port = ports.get(portIndex).asInt();
        }
        if (host.isEmpty()) return new App(appId, null, rewrite, "its task has no host");
        return new App(appId, scheme + "://" + host + ":" + port, rewrite, null);
    }

    private static boolean containerNetworking(JsonNode app) {
        for (JsonNode n : app.path("networks")) {
            if ("container".equals(n.path("mode").asText())) return true;
        }
        return false;
    }
}
