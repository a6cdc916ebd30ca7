package io.strata.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayServerTest {
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private FakeUpstream master;
    private FakeUpstream marathon;
    private FakeUpstream agent;
    private FakeUpstream service;
    private GatewayServer gateway;

    @BeforeEach
    void upstreams() throws IOException {
        agent = new FakeUpstream()
                .on("/files/read", ex -> FakeUpstream.respond(ex, 200, "application/json", "{\"data\":\"hello\",\"offset\":0}"));
        master = new FakeUpstream()
                .json("/master/state-summary", """
                        {"frameworks": [{"id": "fw-9", "name": "spark", "webui_url": "%s/ui/", "active": true}],
                         "slaves": [{"id": "agent-S0", "pid": "slave(1)@127.0.0.1:%d", "hostname": "127.0.0.1", "port": %d}]}
                        """.formatted("http://127.0.0.1:1", agent.port(), agent.port()))
                .json("/master/state", "{\"leader\": \"master@127.0.0.1\"}")
                .on("/health", ex -> FakeUpstream.respond(ex, 200, "text/plain", ""));
        service = new FakeUpstream()
                .on("/redirect", ex -> {
                    ex.getResponseHeaders().set("Location", "/login");
                    ex.sendResponseHeaders(302, -1);
                })
                .on("/", ex -> FakeUpstream.respond(ex, 200, "text/plain", "service saw " + ex.getRequestURI().getRawPath()));
        marathon = new FakeUpstream()
                .json("/v2/apps", """
                        {"apps": [{"id": "/svc", "labels": {"DCOS_SERVICE_NAME": "svc", "DCOS_SERVICE_PORT_INDEX": "0"},
                                   "tasks": [{"id": "svc.1", "state": "TASK_RUNNING", "host": "127.0.0.1", "ports": [%d]}]},
                                  {"id": "/keep", "labels": {"DCOS_SERVICE_NAME": "keep", "DCOS_SERVICE_REWRITE_REQUEST_URLS": "false"},
                                   "tasks": [{"id": "keep.1", "state": "TASK_RUNNING", "host": "127.0.0.1", "ports": [%d]}]}]}
                        """.formatted(service.port(), service.port()))
                .on("/ping", ex -> FakeUpstream.respond(ex, 200, "text/plain", "pong"))
                .on("/health", ex -> FakeUpstream.respond(ex, 200, "text/plain", ""))
                .on("/v2/info", ex -> FakeUpstream.respond(ex, 200, "application/json", "{\"name\":\"marathon\"}"))
                .on("/v2/groups", ex -> FakeUpstream.respond(ex, 201, "application/json", "{\"deploymentId\":\"d1\"}"));
    }

    private GatewayServer start(GatewayConfig config) throws Exception {
        gateway = GatewayServer.start(config);
        return gateway;
    }

    private GatewayConfig config() {
        return GatewayConfig.local("127.0.0.1:" + master.port()).withPort(0).withMarathonUrl(marathon.url())
                .withMesosDnsUrl("http://127.0.0.1:" + closedPort()).withCosmosUrl("http://127.0.0.1:" + closedPort());
    }

    @AfterEach
    void stop() {
        if (gateway != null) gateway.close();
        for (FakeUpstream f : new FakeUpstream[] {master, marathon, agent, service}) f.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + gateway.port() + path;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void mesosGoesToTheLeaderAndMarathonToMarathon() throws Exception {
        start(config());
        HttpResponse<String> state = get("/mesos/master/state?jsonp=x");
        assertThat(state.statusCode()).isEqualTo(200);
        assertThat(state.body()).contains("master@127.0.0.1");
        assertThat(master.last().path()).isEqualTo("/master/state");
        assertThat(master.last().query()).isEqualTo("jsonp=x");
        assertThat(master.last().header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(master.last().header("Host")).isEqualTo("127.0.0.1:" + master.port());

        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(url("/marathon/v2/groups")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"/g\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(201);
        assertThat(post.body()).isEqualTo("{\"deploymentId\":\"d1\"}");
        assertThat(marathon.last().method()).isEqualTo("POST");
        assertThat(marathon.last().body()).isEqualTo("{\"id\":\"/g\"}");
        assertThat(marathon.last().header("Content-Type")).isEqualTo("application/json");

        HttpResponse<String> redirect = get("/marathon");
        assertThat(redirect.statusCode()).isEqualTo(307);
        assertThat(redirect.headers().firstValue("Location")).hasValue("/marathon/");
    }

    @Test
    void serviceRoutesFollowDcosServiceNameLabels() throws Exception {
        start(config());
        HttpResponse<String> res = get("/service/svc/some/page?x=1");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("service saw /some/page");
        assertThat(service.last().header("X-Forwarded-Prefix")).isEqualTo("/service/svc");
        assertThat(service.last().query()).isEqualTo("x=1");

        assertThat(get("/service/svc/").body()).isEqualTo("service saw /");
        HttpResponse<String> noSlash = get("/service/svc");
        assertThat(noSlash.statusCode()).isEqualTo(301);
        assertThat(noSlash.headers().firstValue("Location")).hasValue("/service/svc/");

        HttpResponse<String> redirect = get("/service/svc/redirect");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).hasValue("/service/svc/login");

        // DCOS_SERVICE_REWRITE_REQUEST_URLS=false keeps the prefix
        assertThat(get("/service/keep/a").body()).isEqualTo("service saw /service/keep/a");

        // the root Marathon, which has not registered with this master: the configured URL
        assertThat(get("/service/marathon/v2/info").body()).isEqualTo("{\"name\":\"marathon\"}");
    }

    @Test
    void unknownServicesAndDownUpstreamsAnswerJsonThatSaysWhy() throws Exception {
        start(config().withMarathonUrl("http://127.0.0.1:" + closedPort()));
        HttpResponse<String> unknown = get("/service/nope/");
        // Marathon is down: the gateway cannot tell whether 'nope' is a Marathon service
        assertThat(unknown.statusCode()).isEqualTo(503);
        assertThat(message(unknown)).contains("Marathon");

        HttpResponse<String> down = get("/marathon/v2/apps");
        assertThat(down.statusCode()).isEqualTo(502);
        assertThat(down.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(message(down)).contains("Marathon at http://127.0.0.1:").contains("not reachable");
    }

    @Test
    void unknownServiceIs404() throws Exception {
        start(config());
        HttpResponse<String> unknown = get("/service/nope/x");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(message(unknown)).contains("Service 'nope' not found");
        assertThat(get("/agent/no-such-agent/state").statusCode()).isEqualTo(404);
        assertThat(get("/nowhere").statusCode()).isEqualTo(404);
    }

    @Test
    void masterDownIs502() throws Exception {
        start(config());
        master.close();
        HttpResponse<String> res = get("/mesos/master/state");
        assertThat(res.statusCode()).isEqualTo(502);
        assertThat(message(res)).contains("Mesos master").contains("not reachable");
    }

    @Test
    void startsWithoutZooKeeperAndSays503ForTheMasterOnly() throws Exception {
        long t0 = System.nanoTime();
        start(GatewayConfig.local("zk://127.0.0.1:" + closedPort() + "/strata").withPort(0).withMarathonUrl(marathon.url()));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        HttpResponse<String> mesos = get("/mesos/master/state");
        assertThat(mesos.statusCode()).isEqualTo(503);
        assertThat(message(mesos)).contains("No leading Mesos master");
        assertThat(get("/marathon/v2/info").statusCode()).isEqualTo(200);
    }

    @Test
    void agentsAreRoutedByIdFromTheMastersState() throws Exception {
        start(config());
        HttpResponse<String> res = get("/agent/agent-S0/files/read?path=/x/stdout&offset=0");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("hello");
        assertThat(agent.last().path()).isEqualTo("/files/read");
        assertThat(agent.last().query()).isEqualTo("path=/x/stdout&offset=0");
        assertThat(get("/slave/agent-S0/files/read?path=/y").statusCode()).isEqualTo(200);
    }

    @Test
    void traversalIsRefused() throws Exception {
        start(config());
        for (String path : new String[] {"/mesos/../etc/passwd", "/mesos/%2e%2e/etc/passwd", "/mesos/..%2f..%2fetc",
                "/mesos/%252e%252e/x", "/service/svc/%2e%2e/%2e%2e/x", "/agent/agent-S0/..%5c..%5cx", "/../etc/passwd",
                "/mesos/%00", "/mesos/x%zz"}) {
            String response = rawGet(path);
            assertThat(response).as(path).startsWith("HTTP/1.1 400").contains("\"code\":400").contains("application/json");
        }
        assertThat(service.seen).isEmpty();
        assertThat(agent.seen).isEmpty();
    }

    @Test
    void requestBodiesAreLimited() throws Exception {
        start(config().withMaxBodyBytes(1024));
        HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create(url("/marathon/v2/groups")))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(2048))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(message(big)).contains("1024 bytes");
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(URI.create(url("/marathon/v2/groups")))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[4096]))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(marathon.seen).isEmpty();
    }

    @Test
    void eventStreamsPassThroughChunkByChunk() throws Exception {
        CountDownLatch firstDelivered = new CountDownLatch(1);
        marathon.on("/v2/events", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write("event: event_stream_attached\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                // the second event is only sent once the client has the first: nothing may sit in a buffer
                firstDelivered.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("event: deployment_success\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8));
            out.close();
        });
        start(config());
        HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(URI.create(url("/marathon/v2/events")))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            String first = CompletableFuture.supplyAsync(() -> readLine(lines)).get(5, TimeUnit.SECONDS);
            assertThat(first).isEqualTo("event: event_stream_attached");
            firstDelivered.countDown();
            StringBuilder rest = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null) rest.append(line).append('\n');
            assertThat(rest.toString()).contains("event: deployment_success");
        }
    }

    @Test
    void longStreamsOutliveTheHeaderTimeoutWhileDataFlows() throws Exception {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try {
            master.on("/api/v1/scheduler", ex -> {
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.getResponseHeaders().set("Mesos-Stream-Id", "stream-1");
                ex.sendResponseHeaders(200, 0);
                OutputStream out = ex.getResponseBody();
                CountDownLatch done = new CountDownLatch(1);
                AtomicInteger n = new AtomicInteger();
                // RecordIO heartbeats every 100 ms for well over the 300 ms header timeout
                ticker.scheduleAtFixedRate(() -> {
                    try {
                        String record = "{\"type\":\"HEARTBEAT\"}";
                        out.write((record.length() + "\n" + record).getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        if (n.incrementAndGet() == 10) {
                            out.close();
                            done.countDown();
                            throw new IllegalStateException("stop ticking");
                        }
                    } catch (IOException e) {
                        done.countDown();
                        throw new IllegalStateException(e);
                    }
                }, 0, 100, TimeUnit.MILLISECONDS);
                try {
                    done.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            gateway = GatewayServer.start(config(), Duration.ofMillis(300));
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url("/mesos/api/v1/scheduler")))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"SUBSCRIBE\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("Mesos-Stream-Id")).hasValue("stream-1");
            assertThat(res.body().split("HEARTBEAT")).hasSize(11);
        } finally {
            ticker.shutdownNow();
        }
    }

    @Test
    void versionHealthAndMetrics() throws Exception {
        start(config());
        JsonNode version = Json.read(get("/dcos-metadata/dcos-version.json").body());
        assertThat(version.path("version").asText()).isEqualTo(GatewayServer.DCOS_VERSION);
        assertThat(version.has("dcos-image-commit")).isTrue();
        assertThat(version.has("bootstrap-id")).isTrue();

        JsonNode health = Json.read(get("/system/health/v1").body());
        assertThat(health.path("units")).hasSize(5);
        assertThat(unitHealth(health, "dcos-mesos-master.service")).isZero();
        assertThat(unitHealth(health, "dcos-marathon.service")).isZero();
        assertThat(unitHealth(health, "dcos-adminrouter.service")).isZero();
        assertThat(unitHealth(health, "dcos-cosmos.service")).isEqualTo(1);
        assertThat(health.path("node_role").asText()).isEqualTo("master");

        assertThat(get("/health").statusCode()).isEqualTo(200);
        get("/mesos/master/state");
        assertThat(get("/metrics").body()).contains("strata_gateway_requests_total").contains("route=\"mesos\"");
        // without --ui-dir, / is the UI shipped in the strata-ui jar; a client asking for JSON gets the index of paths
        HttpResponse<String> root = get("/");
        assertThat(root.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(root.body()).contains("<script type=\"module\"");
        HttpResponse<String> index = http.send(HttpRequest.newBuilder(URI.create(url("/")))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(Json.read(index.body()).path("paths").toString()).contains("/service/<name>/");
    }

    @Test
    void serveTheUiFromTheClasspathByDefault() throws Exception {
        start(config());
        HttpResponse<String> app = get("/app.js");
        assertThat(app.statusCode()).isEqualTo(200);
        assertThat(app.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(app.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(app.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("default-src 'self'").contains("frame-ancestors 'none'"));
        assertThat(get("/styles.css").headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
        assertThat(get("/apps").statusCode()).isEqualTo(404);
        assertThat(get("/nothing-here.js").statusCode()).isEqualTo(404);
        assertThat(rawGet("/%2e%2e/%2e%2e/pom.xml")).startsWith("HTTP/1.1 400");
        assertThat(get("/io/strata/gateway/GatewayServer.class").statusCode()).isEqualTo(404);
    }

    @Test
    void serveTheUiWithoutLeavingItsDirectory(@TempDir Path dir) throws Exception {
        Path ui = Files.createDirectories(dir.resolve("ui"));
        Files.writeString(ui.resolve("index.html"), "<html>strata</html>");
        Files.createDirectories(ui.resolve("assets"));
        Files.writeString(ui.resolve("assets/app.js"), "console.log(1)");
        Files.writeString(dir.resolve("secret.txt"), "secret");
        start(config().withUiDir(ui));
        HttpResponse<String> index = get("/");
        assertThat(index.body()).isEqualTo("<html>strata</html>");
        assertThat(index.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(get("/assets/app.js").headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        // the UI routes with #/...; a browser sent to a page path still gets the app, an API client a 404
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url("/services/detail")))
                .header("Accept", "text/html,application/xhtml+xml").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).isEqualTo("<html>strata</html>");
        assertThat(get("/services/detail").statusCode()).isEqualTo(404);
        assertThat(get("/missing.js").statusCode()).isEqualTo(404);
        assertThat(rawGet("/../secret.txt")).startsWith("HTTP/1.1 400");
        assertThat(rawGet("/assets/%2e%2e/%2e%2e/secret.txt")).startsWith("HTTP/1.1 400");
        assertThat(get("/mesos/master/state").statusCode()).isEqualTo(200);
    }

    private static int unitHealth(JsonNode health, String id) {
        for (JsonNode u : health.path("units")) {
            if (u.path("id").asText().equals(id)) return u.path("health").asInt();
        }
        throw new AssertionError("no unit " + id + " in " + health);
    }

    private static String message(HttpResponse<String> res) {
        return Json.read(res.body()).path("message").asText();
    }

    private static String readLine(BufferedReader r) {
        try {
            return r.readLine();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A request with the path exactly as given (HTTP clients would normalise some of these); the whole answer. */
    private String rawGet(String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
