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

    /**
     * Sends and reads the whole body. A body still streaming after the timeout (an event stream the test did
     * not expect) is cut off, so a wrong 200 fails an assertion instead of hanging the test.
     */
    public static Resp send(HttpRequest req) {
        HttpResponse<java.io.InputStream> r;
        try {
            r = CLIENT.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(req.method() + " " + req.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        java.io.InputStream in = r.body();
        Thread reader = Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    synchronized (body) {
                        body.write(buf, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // cut off below, or the peer closed early: keep what arrived
            }
        });
        try {
            if (!reader.join(TIMEOUT)) {
                in.close();
                reader.join(Duration.ofSeconds(2));
            }
        } catch (IOException ignored) {
            // closing a stream that is being read
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (body) {
            return new Resp(r.statusCode(), r.headers().map(), body.toByteArray());
        }
    }

    /** A request builder with the suite's timeout. */
    public static HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT);
    }
}
