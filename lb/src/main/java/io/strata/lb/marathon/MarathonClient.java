package io.strata.lb.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marathon's v2 REST API as the load balancer and {@code zdd} use it. Several Marathon URLs may be given; each call
 * tries them in turn and sticks to the last one that answered (as marathon-lb does). Basic auth with
 * {@code user:password} when configured.
 */
public final class MarathonClient {
    private static final Logger LOG = LoggerFactory.getLogger(MarathonClient.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(46);

    /** A non-2xx answer from Marathon. */
    public static final class MarathonException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        public MarathonException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final List<URI> marathons;
    private final String authorization;
    private final HttpClient http;
    private volatile int preferred;

    public MarathonClient(List<URI> marathons, String credentials) {
        if (marathons.isEmpty()) throw new IllegalArgumentException("at least one Marathon URL is needed");
        this.marathons = List.copyOf(marathons);
        this.authorization = credentials == null || credentials.isBlank() ? null
                : "Basic " + Base64.getEncoder().encodeToString(credentials.strip().getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    public List<URI> marathons() {
        return marathons;
    }

    /** The Marathon to try first. */
    public URI current() {
        return marathons.get(preferred);
    }

    /** Moves on to the next Marathon (after its event stream failed). */
    public void rotate() {
        preferred = (preferred + 1) % marathons.size();
    }

    String authorization() {
        return authorization;
    }

    HttpClient http() {
        return http;
    }

    /** {@code GET /v2/apps?embed=apps.tasks}, parsed. */
    public List<MarathonApp> apps() throws IOException {
        return AppsParser.parseApps(get("/v2/apps?embed=apps.tasks"));
    }

    /** {@code GET /v2/apps?embed=apps.tasks} as Marathon wrote it. */
    public JsonNode appsJson() throws IOException {
        return get("/v2/apps?embed=apps.tasks");
    }

    public JsonNode get(String path) throws IOException {
        return call("GET", path, null);
    }

    public JsonNode post(String path, String json) throws IOException {
        return call("POST", path, json);
    }

    public JsonNode put(String path, String json) throws IOException {
        return call("PUT", path, json);
    }

    public JsonNode delete(String path) throws IOException {
        return call("DELETE", path, null);
    }

    private JsonNode call(String method, String path, String body) throws IOException {
        IOException last = null;
        int start = preferred;
        for (int i = 0; i < marathons.size(); i++) {
            int idx = (start + i) % marathons.size();
            URI uri = resolve(marathons.get(idx), path);
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                    .header("Accept", "application/json").header("User-Agent", "strata-lb");
            if (authorization != null) b.header("Authorization", authorization);
            if (body != null) b.header("Content-Type", "application/json");
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            try {
                HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                preferred = idx;
                if (r.statusCode() / 100 != 2) {
                    throw new MarathonException(r.statusCode(), method + " " + uri + " → " + r.statusCode() + " "
                            + new String(r.body(), StandardCharsets.UTF_8));
                }
                return r.body().length == 0 ? Json.object() : Json.read(r.body());
            } catch (MarathonException e) {
                throw e;
            } catch (IOException e) {
                last = e;
                LOG.info("msg=\"Marathon did not answer, trying the next\" url={} error=\"{}\"", uri, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (IllegalArgumentException e) {
                throw new IOException("Marathon answered with malformed JSON: " + e.getMessage(), e);
            }
        }
        throw last != null ? last : new IOException("no Marathon answered");
    }

    /** {@code base} (with or without a trailing slash) followed by {@code pathAndQuery}. */
    public static URI resolve(URI base, String pathAndQuery) {
        String b = base.toString();
        while (b.endsWith("/")) b = b.substring(0, b.length() - 1);
        return URI.create(b + pathAndQuery);
    }

    /** Parses {@code --marathon} values: URLs with or without a scheme ("127.0.0.1:8080" → http://127.0.0.1:8080). */
    public static List<URI> parseUrls(List<String> values) {
        List<URI> out = new ArrayList<>();
        for (String v : values) {
            for (String part : v.split("[,\\s]+")) {
                if (part.isBlank()) continue;
                out.add(URI.create(part.contains("://") ? part : "http://" + part));
            }
        }
        return out;
    }
}
