package io.strata.it.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Marathon's v2 REST API as a test client sees it: plain HTTP with JSON bodies (and waiting for an app to settle). */
public final class MarathonApi {
    private final URI base;

    public MarathonApi(URI base) {
        this.base = base;
    }

    public URI base() {
        return base;
    }

    public Http.Resp get(String path) {
        return Http.get(base.resolve(path));
    }

    public Http.Resp tryGet(String path) {
        return Http.tryGet(base.resolve(path));
    }

    public Http.Resp post(String path, String json) {
        return Http.send(Http.request(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public Http.Resp put(String path, String json) {
        return Http.send(Http.request(base.resolve(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public Http.Resp delete(String path) {
        return Http.send(Http.request(base.resolve(path)).DELETE().build());
    }

    /** GET /v2/apps/{id}?embed=apps.tasks...: the "app" object (asserts 200). */
    public JsonNode app(String id) {
        Http.Resp r = get("v2/apps" + id + "?embed=apps.tasks&embed=apps.lastTaskFailure");
        if (r.status() != 200) throw new AssertionError("GET /v2/apps" + id + " -> " + r);
        return r.json().path("app");
    }

    /** The ids of the app's tasks (any state). */
    public static Set<String> taskIds(JsonNode app) {
        Set<String> ids = new TreeSet<>();
        for (JsonNode t : app.path("tasks")) ids.add(t.path("id").asText());
        return ids;
    }

    public static List<JsonNode> tasks(JsonNode app) {
        List<JsonNode> out = new ArrayList<>();
        app.path("tasks").forEach(out::add);
        return out;
    }

    /** Whether the app has exactly {@code n} tasks, all TASK_RUNNING and healthy, and no deployment. */
    public static boolean settled(JsonNode app, int n) {
        if (app.path("tasksHealthy").asInt(-1) != n || app.path("tasksRunning").asInt(-1) != n) return false;
        if (app.path("tasks").size() != n || !app.path("deployments").isEmpty()) return false;
        for (JsonNode t : app.path("tasks")) {
            if (!t.path("state").asText().equals("TASK_RUNNING")) return false;
        }
        return true;
    }

    /**
     * Waits (at most {@code atMost}, polling every 200 ms, failing at once if {@code daemon} exits) until the app is
     * {@link #settled} with {@code n} tasks; returns it as last read.
     */
    public JsonNode awaitSettled(String id, int n, Duration atMost, NodeProcess daemon) {
        JsonNode[] last = new JsonNode[1];
        await(id + ": " + n + " running healthy tasks, no deployment").atMost(atMost).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    daemon.assertAlive();
                    last[0] = app(id);
                    return settled(last[0], n);
                });
        return last[0];
    }

    /** Marathon answers /v2/info, is elected and has registered (has a framework id). */
    public boolean elected() {
        Http.Resp info = tryGet("v2/info");
        return info != null && info.status() == 200 && info.json().path("elected").asBoolean(false)
                && !info.json().path("frameworkId").asText("").isEmpty();
    }

    /** GET /v2/deployments: the ids of running deployments. */
    public List<String> deployments() {
        Http.Resp r = get("v2/deployments");
        if (r.status() != 200) throw new AssertionError("GET /v2/deployments -> " + r);
        List<String> ids = new ArrayList<>();
        for (JsonNode d : r.json()) ids.add(d.path("id").asText());
        return ids;
    }
}
