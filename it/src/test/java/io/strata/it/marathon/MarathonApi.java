package io.strata.it.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.it.support.Http;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Marathon's v2 REST API as a test client sees it: plain HTTP with JSON bodies, nothing else. */
final class MarathonApi {
    private final URI base;

    MarathonApi(URI base) {
        this.base = base;
    }

    URI base() {
        return base;
    }

    Http.Resp get(String path) {
        return Http.get(base.resolve(path));
    }

    Http.Resp tryGet(String path) {
        return Http.tryGet(base.resolve(path));
    }

    Http.Resp post(String path, String json) {
        return Http.send(Http.request(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Http.Resp put(String path, String json) {
        return Http.send(Http.request(base.resolve(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Http.Resp delete(String path) {
        return Http.send(Http.request(base.resolve(path)).DELETE().build());
    }

    /** GET /v2/apps/{id}?embed=apps.tasks...: the "app" object (asserts 200). */
    JsonNode app(String id) {
        Http.Resp r = get("v2/apps" + id + "?embed=apps.tasks&embed=apps.lastTaskFailure");
        if (r.status() != 200) throw new AssertionError("GET /v2/apps" + id + " -> " + r);
        return r.json().path("app");
    }

    /** The ids of the app's tasks (any state). */
    static Set<String> taskIds(JsonNode app) {
        Set<String> ids = new TreeSet<>();
        for (JsonNode t : app.path("tasks")) ids.add(t.path("id").asText());
        return ids;
    }

    static List<JsonNode> tasks(JsonNode app) {
        List<JsonNode> out = new ArrayList<>();
        app.path("tasks").forEach(out::add);
        return out;
    }

    /** Whether the app has exactly {@code n} tasks, all TASK_RUNNING and healthy, and no deployment. */
    static boolean settled(JsonNode app, int n) {
        if (app.path("tasksHealthy").asInt(-1) != n || app.path("tasksRunning").asInt(-1) != n) return false;
        if (app.path("tasks").size() != n || !app.path("deployments").isEmpty()) return false;
        for (JsonNode t : app.path("tasks")) {
            if (!t.path("state").asText().equals("TASK_RUNNING")) return false;
        }
        return true;
    }

    /** GET /v2/deployments: the ids of running deployments. */
    List<String> deployments() {
        Http.Resp r = get("v2/deployments");
        if (r.status() != 200) throw new AssertionError("GET /v2/deployments -> " + r);
        List<String> ids = new ArrayList<>();
        for (JsonNode d : r.json()) ids.add(d.path("id").asText());
        return ids;
    }
}
