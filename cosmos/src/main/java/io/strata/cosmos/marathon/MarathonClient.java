package io.strata.cosmos.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.cosmos.api.CosmosError;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The few Marathon v2 calls Cosmos makes: create an app, list apps, read one, delete one. Marathon's answers map
 * to Cosmos' errors: 409 is {@code PackageAlreadyInstalled}, other 4xx {@code MarathonBadResponse} with
 * Marathon's message and details, 5xx {@code MarathonBadGateway}, no answer {@code ServiceUnavailable}.
 */
public final class MarathonClient {
    /** Marathon's app id rule, per path segment. */
    private static final Pattern SEGMENT = Pattern.compile("^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$");
    private final HttpClient http;
    private final String baseUrl;
    private final Duration timeout;

    public MarathonClient(HttpClient http, String baseUrl, Duration timeout) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.timeout = timeout;
    }

    /** True when {@code id} is an absolute Marathon app id that can go into a URL path as it is. */
    public static boolean validAppId(String id) {
        if (id == null || !id.startsWith("/") || id.length() < 2 || id.length() > 1024) return false;
        for (String seg : id.substring(1).split("/", -1)) {
            if (!SEGMENT.matcher(seg).matches() || seg.equals("..") || seg.equals(".")) return false;
        }
        return true;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return http.send(b.timeout(timeout).header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw CosmosError.serviceUnavailable("marathon");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CosmosError.serviceUnavailable("marathon");
        }
    }

    /** Posts the app; returns Marathon's answer (the created app). */
    public ObjectNode createApp(ObjectNode app) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(baseUrl + "/v2/apps"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(app.toString())));
        int s = r.statusCode();
        if (s == 409) throw CosmosError.packageAlreadyInstalled();
        if (s >= 400 && s < 500) {
            JsonNode body = parse(r.body());
            if (body != null && body.has("message")) throw CosmosError.marathonBadResponse(body.path("message").asText(), body.get("details"));
            throw CosmosError.marathonGenericError(s);
        }
        if (s >= 500) throw CosmosError.marathonBadGateway(s);
        JsonNode body = parse(r.body());
        return body instanceof ObjectNode o ? o : app;
    }

    public List<ObjectNode> listApps() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(baseUrl + "/v2/apps")).GET());
        if (r.statusCode() >= 500) throw CosmosError.marathonBadGateway(r.statusCode());
        if (r.statusCode() != 200) throw CosmosError.marathonGenericError(r.statusCode());
        JsonNode body = parse(r.body());
        List<ObjectNode> out = new ArrayList<>();
        if (body != null) body.path("apps").forEach(a -> {
            if (a instanceof ObjectNode o) out.add(o);
        });
        return out;
    }

    public Optional<ObjectNode> getApp(String id) {
        if (!validAppId(id)) return Optional.empty();
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(baseUrl + "/v2/apps" + id)).GET());
        if (r.statusCode() == 404) return Optional.empty();
        if (r.statusCode() >= 500) throw CosmosError.marathonBadGateway(r.statusCode());
        if (r.statusCode() != 200) throw CosmosError.marathonGenericError(r.statusCode());
        JsonNode body = parse(r.body());
        return body != null && body.get("app") instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
    }

    /** Deletes the app (forced, as Cosmos does, so a stuck deployment does not block an uninstall). */
    public void deleteApp(String id) {
        if (!validAppId(id)) throw CosmosError.marathonAppDeleteError(id);
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(baseUrl + "/v2/apps" + id + "?force=true")).DELETE());
        if (r.statusCode() >= 500) throw CosmosError.marathonBadGateway(r.statusCode());
        if (r.statusCode() != 200) throw CosmosError.marathonAppDeleteError(id);
    }

    private static JsonNode parse(String body) {
        try {
            return Json.read(body);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
