package io.strata.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An HTTP server on 127.0.0.1 that answers what a test tells it to, per method and path (query ignored), and
 * records every request: a fake Marathon, master or agent for the CLI's tests.
 */
public final class FakeServer implements AutoCloseable {
    public record Request(String method, String path, String query, String body, String contentType) {}

    public record Answer(int status, String body) {}

    @FunctionalInterface
    public interface Responder {
        Answer answer(Request r);
    }

    private final HttpServer server;
    private final Map<String, Responder> routes = new ConcurrentHashMap<>();
    public final List<Request> requests = new CopyOnWriteArrayList<>();

    public FakeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers {@code method path} (path without query) with a status and body. */
    public FakeServer on(String method, String path, int status, String body) {
        routes.put(method + " " + path, r -> new Answer(status, body));
        return this;
    }

    public FakeServer on(String method, String path, Responder responder) {
        routes.put(method + " " + path, responder);
        return this;
    }

    public List<Request> requests(String method, String path) {
        List<Request> out = new ArrayList<>();
        for (Request r : requests) {
            if (r.method().equals(method) && r.path().equals(path)) out.add(r);
        }
        return out;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery(),
                    new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    ex.getRequestHeaders().getFirst("Content-Type"));
            requests.add(r);
            Responder responder = routes.get(r.method() + " " + r.path());
            Answer a = responder == null
                    ? new Answer(404, "{\"message\":\"fake: nothing at " + r.method() + " " + r.path() + "\"}")
                    : responder.answer(r);
            respond(ex, a.status(), a.body().startsWith("{") || a.body().startsWith("[") ? "application/json" : "text/plain", a.body());
        }
    }

    /** Answers {@code ex} with {@code body} (no body at all when it is empty). */
    public static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
