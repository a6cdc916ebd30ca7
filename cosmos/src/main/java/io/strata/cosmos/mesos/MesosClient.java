package io.strata.cosmos.mesos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.detector.MasterDetector;
import io.strata.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What uninstall needs from the leading master, through the v1 operator API: the ids of the registered frameworks
 * with a name ({@code GET_FRAMEWORKS}), and {@code TEARDOWN} of one. Failures are {@link IOException}s; the
 * caller turns them into Cosmos' {@code IncompleteUninstall}.
 */
public final class MesosClient implements AutoCloseable {
    private final HttpClient http;
    private final MasterDetector detector;
    private final Duration timeout;

    public MesosClient(HttpClient http, MasterDetector detector, Duration timeout) {
        this.http = http;
        this.detector = detector;
        this.timeout = timeout;
    }

    private HttpResponse<String> call(ObjectNode body) throws IOException {
        String leader = detector.leader().orElseThrow(() -> new IOException("no leading master"));
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + leader + "/api/v1")).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Ids of the frameworks (not completed ones) registered under this name. */
    public List<String> frameworkIds(String name) throws IOException {
        ObjectNode body = Json.object();
        body.put("type", "GET_FRAMEWORKS");
        HttpResponse<String> r = call(body);
        if (r.statusCode() != 200) throw new IOException("GET_FRAMEWORKS: HTTP " + r.statusCode());
        JsonNode json;
        try {
            json = Json.read(r.body());
        } catch (IllegalArgumentException e) {
            throw new IOException("GET_FRAMEWORKS: " + e.getMessage(), e);
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode f : json.path("get_frameworks").path("frameworks")) {
            if (name.equals(f.path("framework_info").path("name").asText())) {
                ids.add(f.path("framework_info").path("id").path("value").asText());
            }
        }
        return ids;
    }

    public void teardown(String frameworkId) throws IOException {
        ObjectNode body = Json.object();
        body.put("type", "TEARDOWN");
        body.putObject("teardown").putObject("framework_id").put("value", frameworkId);
        HttpResponse<String> r = call(body);
        if (r.statusCode() != 200) throw new IOException("TEARDOWN " + frameworkId + ": HTTP " + r.statusCode() + " " + r.body());
    }

    @Override
    public void close() {
        detector.close();
    }
}
