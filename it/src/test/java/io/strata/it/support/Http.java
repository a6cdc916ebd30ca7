package io.strata.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Plain HTTP for the tests: HTTP/1.1 (Mesos speaks nothing else), redirects NOT followed (307s are part of
 * the contract under test), short timeouts so a hung daemon fails a test instead of hanging it.
 */
public final class Http {
    public static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(3))
            .build();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private Http() {}

    /** A response with its body as bytes and helpers to read it. */
    public record Resp(int status, Map<String, java.util.List<String>> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return Json.read(body);
            } catch (IllegalArgumentException e) {
                throw new AssertionError("not JSON (status " + status + "): " + text(), e);
            }
        }

        public Optional<String> header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return Optional.of(e.getValue().get(0));
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            String t = text();
            return status + " " + (t.length() > 500 ? t.substring(0, 500) + "..." : t);
        }
    }

    public static Resp get(URI uri) {
        return send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build());
    }

    public static Resp get(URI base, String path) {
        return get(base.resolve(path));
    }

    /** GET expecting 200 and a JSON body. */
    public static JsonNode getJson(URI base, String path) {
        Resp r = get(base, path);
        if (r.status() != 200) throw new AssertionError("GET " + base.resolve(path) + " -> " + r);
        return r.json();
    }

    /** GET that returns null instead of throwing when the daemon is not (yet) reachable. */
    public static Resp tryGet(URI uri) {
        try {
            return get(uri);
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    public static Resp send(HttpRequest req) {
        try {
            HttpResponse<byte[]> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofByteArray());
            return new Resp(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(req.method() + " " + req.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request builder with the suite's timeout. */
    public static HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT);
    }
}
