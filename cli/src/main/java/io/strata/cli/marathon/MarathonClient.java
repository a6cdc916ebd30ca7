package io.strata.cli.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.cli.CliException;
import io.strata.cli.http.Http;
import io.strata.cli.http.HttpErrors;
import io.strata.cli.output.Jsons;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Marathon's v2 REST API, the calls the {@code dcos marathon} commands make. */
public final class MarathonClient {
    private final Http http;
    private final String base;

    public MarathonClient(Http http, String baseUrl) {
        this.http = http;
        this.base = baseUrl;
    }

    /** Marathon ids are absolute paths without a trailing slash: {@code foo/} → {@code /foo}. */
    public static String normalise(String id) {
        String s = id.strip();
        while (s.length() > 1 && s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return s.startsWith("/") ? s : "/" + s;
    }

    /** The id as a URL path, each segment encoded: {@code /group/app} → {@code /group/app}. */
    static String path(String id) {
        String n = normalise(id);
        if (n.equals("/")) return "";
        StringBuilder b = new StringBuilder();
        for (String segment : n.substring(1).split("/")) {
            b.append('/').append(segment(segment));
        }
        return b.toString();
    }

    /** Percent-encodes what may not appear in a path segment (RFC 3986 pchar), nothing else. */
    static String segment(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@".indexOf(c) >= 0)) b.append(c);
            else b.append('%').append(String.format("%02X", x & 0xff));
        }
        return b.toString();
    }

    private String url(String path) {
        return base + path;
    }

    private static String flags(String... kv) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (kv[i + 1] != null) parts.add(kv[i] + "=" + URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    // apps

    public List<JsonNode> apps() {
        return list(http.get(url("/v2/apps")), "apps");
    }

    public JsonNode app(String id) {
        return http.get(url("/v2/apps" + path(id))).path("app");
    }

    /** Whether an app exists (404 is an answer here, not an error). */
    public boolean appExists(String id) {
        return exists(url("/v2/apps" + path(id)));
    }

    public JsonNode appVersion(String id, String version) {
        return http.get(url("/v2/apps" + path(id) + "/versions/" + segment(version)));
    }

    public List<String> appVersions(String id) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : http.get(url("/v2/apps" + path(id) + "/versions")).path("versions")) out.add(v.asText());
        return out;
    }

    /** Creates an app; returns Marathon's answer (the app, with its deployments). */
    public JsonNode addApp(JsonNode app) {
        return http.send("POST", url("/v2/apps"), app);
    }

    /** Changes an app; returns {@code {"deploymentId", "version"}}. */
    public JsonNode updateApp(String id, JsonNode changes, boolean force) {
        return http.send("PUT", url("/v2/apps" + path(id) + flags("force", force ? "true" : null)), changes);
    }

    public JsonNode removeApp(String id, boolean force) {
        return http.send("DELETE", url("/v2/apps" + path(id) + flags("force", force ? "true" : null)), null);
    }

    public JsonNode restartApp(String id, boolean force) {
        return http.send("POST", url("/v2/apps" + path(id) + "/restart" + flags("force", force ? "true" : null)), null);
    }

    /** Kills an app's tasks (on one host); with {@code scale} the app is scaled down by as many. */
    public JsonNode killAppTasks(String id, boolean scale, String host) {
        return http.send("DELETE", url("/v2/apps" + path(id) + "/tasks" + flags("scale", scale ? "true" : null, "host", host)), null);
    }

    public List<JsonNode> appTasks(String id) {
        return list(http.get(url("/v2/apps" + path(id) + "/tasks")), "tasks");
    }

    // deployments, tasks, queue

    public List<JsonNode> deployments() {
        JsonNode d = http.get(url("/v2/deployments"));
        List<JsonNode> out = new ArrayList<>();
        if (d != null) d.forEach(out::add);
        return out;
    }

    public JsonNode deleteDeployment(String id, boolean force) {
        return http.send("DELETE", url("/v2/deployments/" + segment(id)
                + flags("force", force ? "true" : null)), null);
    }

    public List<JsonNode> tasks() {
        return list(http.get(url("/v2/tasks")), "tasks");
    }

    public JsonNode killTasks(List<String> ids, boolean scale, boolean wipe) {
        ObjectNode body = Jsons.object();
        ArrayNode a = body.putArray("ids");
        ids.forEach(a::add);
        return http.send("POST", url("/v2/tasks/delete" + flags("scale", scale ? "true" : null, "wipe", wipe ? "true" : null)), body);
    }

    public List<JsonNode> queue() {
        return list(http.get(url("/v2/queue")), "queue");
    }

    // groups

    public JsonNode rootGroup() {
        return http.get(url("/v2/groups"));
    }

    public JsonNode group(String id, String version) {
        String v = version == null ? "" : "/versions/" + segment(version);
        return http.get(url("/v2/groups" + path(id) + v));
    }

    public boolean groupExists(String id) {
        return exists(url("/v2/groups" + path(id)));
    }

    public JsonNode addGroup(JsonNode group) {
        return http.send("POST", url("/v2/groups"), group);
    }

    public JsonNode updateGroup(String id, JsonNode changes, boolean force) {
        return http.send("PUT", url("/v2/groups" + path(id) + flags("force", force ? "true" : null)), changes);
    }

    public JsonNode removeGroup(String id, boolean force) {
        return http.send("DELETE", url("/v2/groups" + path(id) + flags("force", force ? "true" : null)), null);
    }

    public JsonNode info() {
        return http.get(url("/v2/info"));
    }

    private boolean exists(String url) {
        Http.Response r = http.request("GET", url, null, http.timeout());
        if (r.status() == 200) return true;
        if (r.status() == 404 && !r.body().isBlank() && r.body().contains("does not exist")) return false;
        if (r.status() == 404) return false;
        throw new CliException(HttpErrors.message("GET", url, r.status(), r.body()));
    }

    private static List<JsonNode> list(JsonNode response, String field) {
        List<JsonNode> out = new ArrayList<>();
        if (response != null) response.path(field).forEach(out::add);
        return out;
    }

    /** The id of the deployment in Marathon's answer to a change ({@code deploymentId} or {@code deployments[0].id}). */
    public static String deploymentId(JsonNode answer) {
        if (answer == null) return "";
        if (answer.hasNonNull("deploymentId")) return answer.get("deploymentId").asText();
        JsonNode d = answer.path("deployments");
        if (d.isArray() && !d.isEmpty()) return d.get(0).path("id").asText();
        return "";
    }
}
