package io.strata.cosmos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.strata.agent.AgentConfig;
import io.strata.agent.AgentServer;
import io.strata.common.json.Json;
import io.strata.common.zk.EmbeddedZooKeeper;
import io.strata.cosmos.api.MediaTypes;
import io.strata.cosmos.repository.BuiltinRepository;
import io.strata.cosmos.repository.PackageRepository;
import io.strata.cosmos.universe.RepositoryFormat;
import io.strata.cosmos.universe.UniversePackage;
import io.strata.cosmos.universe.UniverseServer;
import io.strata.marathon.MarathonConfig;
import io.strata.marathon.MarathonServer;
import io.strata.master.MasterConfig;
import io.strata.master.MasterServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cosmos against real daemons in this JVM (ZooKeeper, a master, an agent, Marathon): the API's media types and
 * errors, install → list → uninstall with the app really running, options refused with the violating path,
 * repositories added over HTTP that later go down or turn malformed without breaking the others, the list
 * surviving a Cosmos restart, and a package from the source layout rendering as from its repository JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CosmosEndToEndTest {
    static final Duration DEPLOY = Duration.ofSeconds(60);
    static final BuiltinRepository FIXTURES = new BuiltinRepository("fixtures/universe/packages");

    private EmbeddedZooKeeper zk;
    private MasterServer master;
    private AgentServer agent;
    private MarathonServer marathon;
    private CosmosServer cosmos;
    private CosmosConfig cosmosConfig;
    private final List<AutoCloseable> extra = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    record Answer(int status, String contentType, JsonNode body) {}

    @BeforeAll
    void cluster(@TempDir Path dir) throws Exception {
        zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir.resolve("zk"));
        String zkUrl = "zk://" + zk.connectString();
        MasterConfig m = MasterConfig.defaults(zkUrl + "/strata", dir.resolve("master"));
        master = MasterServer.start(new MasterConfig(m.zk(), "127.0.0.1", 0, "127.0.0.1", m.workDir(), "cosmos-e2e",
                m.agentPingTimeout(), m.maxAgentPingTimeouts(), m.heartbeatInterval(), m.weights(), m.offerTimeout(), 1.0));
        int firstPort = freePortRange(20);
        agent = AgentServer.start(new AgentConfig(zkUrl + "/strata", "127.0.0.1", 0, "127.0.0.1", dir.resolve("agent"),
                "cpus:4;mem:2048;disk:2048;ports:[" + firstPort + "-" + (firstPort + 19) + "]", null, false, true, null, 100));
        marathon = MarathonServer.start(MarathonConfig.defaults(zkUrl + "/strata", zkUrl + "/marathon").withHttpPort(0));
        cosmosConfig = CosmosConfig.defaults().withPort(0).withZk(zkUrl + "/cosmos").withMaster(zkUrl + "/strata")
                .withMarathonUrl("http://127.0.0.1:" + marathon.port()).withRepositoryRefresh(Duration.ofMillis(200));
        cosmos = CosmosServer.start(cosmosConfig, FIXTURES);
        await().atMost(DEPLOY).until(() -> agent.registered() && marathon.isLeader());
    }

    @AfterAll
    void stop() {
        List<AutoCloseable> all = new ArrayList<>(extra);
        all.addAll(List.of(cosmos, marathon, agent, master, zk));
        for (AutoCloseable c : all) {
            try {
                if (c != null) c.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + cosmos.port() + path;
    }

    /** A Cosmos call with the request and response media types the dcos CLI sends. */
    Answer call(String endpoint, String responseKind, int responseVersion, String body) throws Exception {
        String kind = endpoint.replace('/', '.');
        return raw("/package/" + endpoint, MediaTypes.pkg(kind + "-request", 1).toString(),
                MediaTypes.pkg(responseKind, responseVersion).toString(), body);
    }

    Answer raw(String path, String contentType, String accept, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        if (accept != null) b.header("Accept", accept);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                r.body().isEmpty() ? null : Json.read(r.body()));
    }

    JsonNode marathonApps() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + marathon.port() + "/v2/apps")).build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.read(r.body()).path("apps");
    }

    @Test
    @Order(1)
    void theCatalogueOfTheBuiltInRepository() throws Exception {
        HttpResponse<String> caps = http.send(HttpRequest.newBuilder(URI.create(url("/capabilities")))
                .header("Accept", MediaTypes.CAPABILITIES.toString()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(caps.statusCode()).isEqualTo(200);
        assertThat(caps.headers().firstValue("Content-Type")).contains("application/vnd.dcos.capabilities+json;charset=utf-8;version=v1");
        assertThat(Json.read(caps.body()).path("capabilities").findValuesAsText("name")).contains("PACKAGE_MANAGEMENT");

        Answer repos = call("repository/list", "repository.list-response", 1, "{}");
        assertThat(repos.status()).isEqualTo(200);
        assertThat(repos.body().path("repositories")).hasSize(1);
        assertThat(repos.body().path("repositories").get(0).path("uri").asText()).isEqualTo(PackageRepository.BUILTIN_URI);

        Answer search = call("search", "search-response", 1, "{}");
        assertThat(search.status()).isEqualTo(200);
        assertThat(search.contentType()).isEqualTo("application/vnd.dcos.package.search-response+json;charset=utf-8;version=v1");
        assertThat(search.body().path("packages").findValuesAsText("name")).containsExactly("hello", "tool");
        JsonNode hello = search.body().path("packages").get(0);
        assertThat(hello.path("currentVersion").asText()).isEqualTo("1.0.0");
        assertThat(hello.path("versions").path("0.9.0").asText()).isEqualTo("0");
        assertThat(call("search", "search-response", 1, "{\"query\": \"command\"}").body().path("packages").findValuesAsText("name"))
                .containsExactly("tool");

        Answer v3 = call("describe", "describe-response", 3, "{\"packageName\": \"hello\"}");
        assertThat(v3.status()).isEqualTo(200);
        assertThat(v3.body().path("package").path("version").asText()).isEqualTo("1.0.0");
        assertThat(v3.body().path("package").path("releaseVersion").asInt()).isEqualTo(1);
        assertThat(v3.body().path("package").path("marathon").path("v2AppMustacheTemplate").asText()).isNotEmpty();
        Answer v2 = call("describe", "describe-response", 2, "{\"packageName\": \"hello\", \"packageVersion\": \"0.9.0\"}");
        assertThat(v2.contentType()).endsWith("version=v2");
        assertThat(v2.body().path("version").asText()).isEqualTo("0.9.0");
        assertThat(v2.body().has("releaseVersion")).isFalse();

        Answer versions = call("list-versions", "list-versions-response", 1, "{\"packageName\": \"hello\", \"includePackageVersions\": true}");
        assertThat(versions.body().path("results")).isEqualTo(Json.read("{\"1.0.0\": \"1\", \"0.9.0\": \"0\"}"));
    }

    @Test
    @Order(2)
    void badRequestsGetCosmosErrors() throws Exception {
        String install = MediaTypes.pkg("install-request", 1).toString();
        String v2 = MediaTypes.pkg("install-response", 2).toString();
        Answer noAccept = raw("/package/install", install, null, "{\"packageName\": \"hello\"}");
        assertThat(noAccept.status()).isEqualTo(400);
        assertThat(noAccept.contentType()).isEqualTo("application/vnd.dcos.package.error+json;charset=utf-8;version=v1");
        assertThat(noAccept.body().path("type").asText()).isEqualTo("not_present");
        Answer json = raw("/package/install", install, "application/json", "{\"packageName\": \"hello\"}");
        assertThat(json.status()).isEqualTo(400);
        assertThat(json.body().path("type").asText()).isEqualTo("not_valid");
        assertThat(json.body().path("message").asText()).contains("header 'Accept'");
        Answer wrongType = raw("/package/install", "application/json", v2, "{\"packageName\": \"hello\"}");
        assertThat(wrongType.body().path("type").asText()).isEqualTo("not_valid");
        assertThat(wrongType.body().path("message").asText()).contains("header 'Content-Type'");
        Answer broken = raw("/package/install", install, v2, "{\"packageName\": ");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.body().path("type").asText()).isEqualTo("json_error");
        Answer missing = raw("/package/install", install, v2, "{}");
        assertThat(missing.body().path("type").asText()).isEqualTo("json_error");
        assertThat(missing.body().path("data").path("path").asText()).isEqualTo(".packageName");

        Answer unknown = call("install", "install-response", 2, "{\"packageName\": \"no-such-thing\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).isEqualTo(Json.read(
                "{\"type\": \"PackageNotFound\", \"message\": \"Package [no-such-thing] not found\", \"data\": {\"packageName\": \"no-such-thing\"}}"));
        Answer version = call("describe", "describe-response", 3, "{\"packageName\": \"hello\", \"packageVersion\": \"7\"}");
        assertThat(version.body().path("type").asText()).isEqualTo("VersionNotFound");

        Answer options = call("install", "install-response", 2,
                "{\"packageName\": \"hello\", \"options\": {\"service\": {\"mem\": \"lots\"}}}");
        assertThat(options.status()).isEqualTo(400);
        assertThat(options.body().path("type").asText()).isEqualTo("JsonSchemaMismatch");
        assertThat(options.body().path("data").path("errors").findValuesAsText("pointer")).contains("/service/mem");
        assertThat(marathonApps()).as("nothing reached Marathon").isEmpty();

        Answer noTemplate = call("render", "render-response", 1, "{\"packageName\": \"tool\"}");
        assertThat(noTemplate.body().path("type").asText()).isEqualTo("ServiceMarathonTemplateNotFound");
    }

    @Test
    @Order(3)
    void installListAndUninstall() throws Exception {
        Answer installed = call("install", "install-response", 2, "{\"packageName\": \"hello\"}");
        assertThat(installed.status()).as(String.valueOf(installed.body())).isEqualTo(200);
        assertThat(installed.contentType()).isEqualTo("application/vnd.dcos.package.install-response+json;charset=utf-8;version=v2");
        assertThat(installed.body().path("packageName").asText()).isEqualTo("hello");
        assertThat(installed.body().path("packageVersion").asText()).isEqualTo("1.0.0");
        assertThat(installed.body().path("appId").asText()).isEqualTo("/hello");
        assertThat(installed.body().path("postInstallNotes").asText()).isEqualTo("hello is starting; see /service/hello/");
        await().atMost(DEPLOY).until(() -> marathonApps().size() == 1 && marathonApps().get(0).path("tasksRunning").asInt() == 1);
        JsonNode app = marathonApps().get(0);
        assertThat(app.path("labels").path("DCOS_PACKAGE_NAME").asText()).isEqualTo("hello");
        assertThat(app.path("labels").path("DCOS_SERVICE_NAME").asText()).isEqualTo("hello");
        assertThat(app.path("env").path("ASSET").asText()).endsWith("hello.tgz");

        Answer again = call("install", "install-response", 2, "{\"packageName\": \"hello\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().path("type").asText()).isEqualTo("PackageAlreadyInstalled");

        Answer second = call("install", "install-response", 1, """
                {"packageName": "hello", "packageVersion": "0.9.0", "appId": "greeter", "options": {"service": {"name": "greeter"}}}""");
        assertThat(second.status()).as(String.valueOf(second.body())).isEqualTo(200);
        assertThat(second.body()).isEqualTo(Json.read("{\"packageName\": \"hello\", \"packageVersion\": \"0.9.0\", \"appId\": \"/greeter\"}"));

        Answer list = call("list", "list-response", 1, "{}");
        assertThat(list.status()).isEqualTo(200);
        JsonNode pkgs = list.body().path("packages");
        assertThat(pkgs.findValuesAsText("appId")).containsExactly("/greeter", "/hello");
        JsonNode def = pkgs.get(1).path("packageInformation").path("packageDefinition");
        assertThat(def.path("name").asText()).isEqualTo("hello");
        assertThat(def.path("version").asText()).isEqualTo("1.0.0");
        assertThat(def.path("postUninstallNotes").asText()).isEqualTo("hello has been removed");
        assertThat(pkgs.get(1).path("packageInformation").path("resourceDefinition").path("assets").isObject()).isTrue();
        assertThat(call("list", "list-response", 1, "{\"appId\": \"greeter\"}").body().path("packages")).hasSize(1);

        Answer ambiguous = call("uninstall", "uninstall-response", 1, "{\"packageName\": \"hello\"}");
        assertThat(ambiguous.status()).isEqualTo(400);
        assertThat(ambiguous.body().path("type").asText()).isEqualTo("AmbiguousAppId");
        Answer notThere = call("uninstall", "uninstall-response", 1, "{\"packageName\": \"hello\", \"appId\": \"/nope\"}");
        assertThat(notThere.body().path("type").asText()).isEqualTo("UninstallNonExistentAppForPackage");

        Answer one = call("uninstall", "uninstall-response", 1, "{\"packageName\": \"hello\", \"appId\": \"/greeter\"}");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.body().path("results")).hasSize(1);
        assertThat(one.body().path("results").get(0).path("packageVersion").asText()).isEqualTo("0.9.0");
        assertThat(one.body().path("results").get(0).path("postUninstallNotes").asText()).isEqualTo("hello 0.9 is gone");
        Answer rest = call("uninstall", "uninstall-response", 1, "{\"packageName\": \"hello\", \"all\": true}");
        assertThat(rest.body().path("results").findValuesAsText("appId")).containsExactly("/hello");
        await().atMost(DEPLOY).until(() -> marathonApps().isEmpty());
        assertThat(call("list", "list-response", 1, "{}").body().path("packages")).isEmpty();
        Answer none = call("uninstall", "uninstall-response", 1, "{\"packageName\": \"hello\"}");
        assertThat(none.body().path("type").asText()).isEqualTo("PackageNotInstalled");
    }

    /** A tiny repository server whose answer the test changes. */
    record Served(HttpServer server, AtomicReference<byte[]> body, AtomicReference<String> type) implements AutoCloseable {
        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/repo";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    Served serve(byte[] body, String type) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicReference<byte[]> b = new AtomicReference<>(body);
        AtomicReference<String> t = new AtomicReference<>(type);
        s.createContext("/repo", ex -> {
            byte[] out = b.get();
            ex.getResponseHeaders().add("Content-Type", t.get());
            ex.sendResponseHeaders(200, out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        });
        s.start();
        Served served = new Served(s, b, t);
        extra.add(served);
        return served;
    }

    static UniversePackage renamed(UniversePackage p, String name) {
        ObjectNode d = p.definition();
        d.put("name", name);
        return UniversePackage.of(d);
    }

    @Test
    @Order(4)
    void repositoriesThatGoDownOrGoBadAreReportedWithoutBreakingTheOthers() throws Exception {
        JsonNode fromSourceLayout = call("render", "render-response", 1, "{\"packageName\": \"hello\", \"appId\": \"/r\"}")
                .body().path("marathonJson");
        assertThat(fromSourceLayout.path("labels").path("DCOS_PACKAGE_SOURCE").asText()).isEqualTo(PackageRepository.BUILTIN_URI);

        List<UniversePackage> builtin = FIXTURES.packages();
        byte[] sameAsJson = RepositoryFormat.toJsonBytes(builtin);
        Served mirror = serve(sameAsJson, MediaTypes.universeRepo(4).toString());
        Answer added = call("repository/add", "repository.add-response", 1,
                "{\"name\": \"mirror\", \"uri\": \"" + mirror.url() + "\", \"index\": 0}");
        assertThat(added.status()).as(String.valueOf(added.body())).isEqualTo(200);
        assertThat(added.body().path("repositories").findValuesAsText("name")).containsExactly("mirror", "Universe");

        // the same package, now from the repository JSON (the mirror comes first), renders the same
        JsonNode fromJson = call("render", "render-response", 1, "{\"packageName\": \"hello\", \"appId\": \"/r\"}")
                .body().path("marathonJson");
        assertThat(fromJson.path("labels").path("DCOS_PACKAGE_SOURCE").asText()).isEqualTo(mirror.url());
        ((ObjectNode) fromJson.path("labels")).remove("DCOS_PACKAGE_SOURCE");
        ((ObjectNode) fromSourceLayout.path("labels")).remove("DCOS_PACKAGE_SOURCE");
        assertThat(fromJson).isEqualTo(fromSourceLayout);

        Served other = serve(RepositoryFormat.toJsonBytes(List.of(renamed(builtin.get(1), "remote-one"))), "application/json");
        assertThat(call("repository/add", "repository.add-response", 1,
                "{\"name\": \"other\", \"uri\": \"" + other.url() + "\"}").status()).isEqualTo(200);
        assertThat(call("search", "search-response", 1, "{}").body().path("packages").findValuesAsText("name"))
                .containsExactly("hello", "remote-one", "tool");

        Answer dup = call("repository/add", "repository.add-response", 1, "{\"name\": \"other\", \"uri\": \"https://x.example/r\"}");
        assertThat(dup.body().path("type").asText()).isEqualTo("RepositoryAlreadyPresent");
        Answer scheme = call("repository/add", "repository.add-response", 1, "{\"name\": \"f\", \"uri\": \"file:///etc\"}");
        assertThat(scheme.body().path("type").asText()).isEqualTo("UnsupportedRepositoryUri");
        int closedPort = freePortRange(1);
        Answer down = call("repository/add", "repository.add-response", 1,
                "{\"name\": \"down\", \"uri\": \"http://127.0.0.1:" + closedPort + "/repo\"}");
        assertThat(down.status()).isEqualTo(400);
        assertThat(down.body().path("type").asText()).isEqualTo("RepositoryUriConnection");
        Served garbage = serve("<html>".getBytes(StandardCharsets.UTF_8), "application/json");
        Answer bad = call("repository/add", "repository.add-response", 1, "{\"name\": \"bad\", \"uri\": \"" + garbage.url() + "\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("type").asText()).isEqualTo("IndexNotFound");
        garbage.type().set("text/html");
        Answer html = call("repository/add", "repository.add-response", 1, "{\"name\": \"bad\", \"uri\": \"" + garbage.url() + "\"}");
        assertThat(html.body().path("type").asText()).isEqualTo("UnsupportedContentType");

        // the mirror turns malformed and the other goes down: the built-in repository still answers
        mirror.body().set("{\"packages\": [{\"name\": \"x\"}]}".getBytes(StandardCharsets.UTF_8));
        other.close();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Answer search = call("search", "search-response", 1, "{}");
            assertThat(search.status()).isEqualTo(200);
            assertThat(search.body().path("packages").findValuesAsText("name")).containsExactly("hello", "tool");
        });
        JsonNode listed = call("repository/list", "repository.list-response", 1, "{}").body().path("repositories");
        assertThat(names(listed)).containsExactly("mirror", "Universe", "other");
        assertThat(listed.get(0).path("error").path("type").asText()).isEqualTo("IndexNotFound");
        assertThat(listed.get(0).path("error").path("message").asText()).contains("packages[0]");
        assertThat(listed.get(1).has("error")).isFalse();
        assertThat(listed.get(2).path("error").path("type").asText()).isEqualTo("RepositoryUriConnection");
        Answer install = call("render", "render-response", 1, "{\"packageName\": \"hello\"}");
        assertThat(install.status()).isEqualTo(200);
        assertThat(install.body().path("marathonJson").path("labels").path("DCOS_PACKAGE_SOURCE").asText())
                .isEqualTo(PackageRepository.BUILTIN_URI);
        Answer gone = call("describe", "describe-response", 3, "{\"packageName\": \"remote-one\"}");
        assertThat(gone.body().path("type").asText()).isEqualTo("PackageNotFound");
    }

    @Test
    @Order(5)
    void theListSurvivesARestartAndDeleteWorks() throws Exception {
        cosmos.close();
        cosmos = CosmosServer.start(cosmosConfig, FIXTURES);
        JsonNode listed = call("repository/list", "repository.list-response", 1, "{}").body().path("repositories");
        assertThat(listed.findValuesAsText("name")).containsExactly("mirror", "Universe", "other");
        Answer deleted = call("repository/delete", "repository.delete-response", 1, "{\"name\": \"mirror\"}");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().path("repositories").findValuesAsText("name")).containsExactly("Universe", "other");
        Answer byUri = call("repository/delete", "repository.delete-response", 1, "{\"uri\": \"" + PackageRepository.BUILTIN_URI + "\"}");
        assertThat(byUri.body().path("repositories").findValuesAsText("name")).containsExactly("other");
        Answer missing = call("repository/delete", "repository.delete-response", 1, "{\"name\": \"mirror\"}");
        assertThat(missing.body().path("type").asText()).isEqualTo("RepositoryNotPresent");
        // the built-in repository can be added back by its URI
        Answer back = call("repository/add", "repository.add-response", 1,
                "{\"name\": \"Universe\", \"uri\": \"" + PackageRepository.BUILTIN_URI + "\", \"index\": 0}");
        assertThat(back.body().path("repositories").findValuesAsText("name")).containsExactly("Universe", "other");
    }

    @Test
    @Order(6)
    void anAirGappedClusterInstallsFromItsOwnUniverseServer() throws Exception {
        UniversePackage local = renamed(FIXTURES.packages().get(1), "local-hello");
        UniverseServer universe = UniverseServer.start("127.0.0.1", 0, List.of(local));
        extra.add(universe);
        String repo = "http://127.0.0.1:" + universe.port() + "/repo";
        assertThat(call("repository/add", "repository.add-response", 1, "{\"name\": \"local\", \"uri\": \"" + repo + "\"}")
                .status()).isEqualTo(200);
        Answer installed = call("install", "install-response", 2,
                "{\"packageName\": \"local-hello\", \"options\": {\"service\": {\"name\": \"local-hello\"}}}");
        assertThat(installed.status()).as(String.valueOf(installed.body())).isEqualTo(200);
        await().atMost(DEPLOY).until(() -> marathonApps().size() == 1 && marathonApps().get(0).path("tasksRunning").asInt() == 1);
        assertThat(marathonApps().get(0).path("labels").path("DCOS_PACKAGE_SOURCE").asText()).isEqualTo(repo);
        Answer removed = call("uninstall", "uninstall-response", 1, "{\"packageName\": \"local-hello\"}");
        assertThat(removed.status()).isEqualTo(200);
        await().atMost(DEPLOY).until(() -> marathonApps().isEmpty());
    }

    @Test
    @Order(7)
    void uninstallTearsDownThePackagesFramework() throws Exception {
        // a framework registered under the name the package's app carries in DCOS_PACKAGE_FRAMEWORK_NAME
        String subscribe = "{\"type\": \"SUBSCRIBE\", \"subscribe\": {\"framework_info\": "
                + "{\"user\": \"root\", \"name\": \"fw-e2e\", \"failover_timeout\": 3600}}}";
        var stream = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + master.port() + "/api/v1/scheduler"))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(subscribe)).build(), HttpResponse.BodyHandlers.ofInputStream());
        extra.add(() -> stream.cancel(true));
        await().atMost(DEPLOY).until(() -> frameworkNames().contains("fw-e2e"));

        ObjectNode def = FIXTURES.packages().get(1).definition();
        def.put("name", "fw").put("framework", true);
        def.putObject("marathon").put("v2AppMustacheTemplate", java.util.Base64.getEncoder().encodeToString("""
                {"id": "/fw", "cmd": "exec sleep 1000", "cpus": 0.1, "mem": 16, "instances": 1,
                 "labels": {"DCOS_PACKAGE_FRAMEWORK_NAME": "fw-e2e"}}""".getBytes(StandardCharsets.UTF_8)));
        Served repo = serve(RepositoryFormat.toJsonBytes(List.of(UniversePackage.of(def))), "application/json");
        assertThat(call("repository/add", "repository.add-response", 1, "{\"name\": \"fw\", \"uri\": \"" + repo.url() + "\"}")
                .status()).isEqualTo(200);
        Answer installed = call("install", "install-response", 2, "{\"packageName\": \"fw\"}");
        assertThat(installed.status()).as(String.valueOf(installed.body())).isEqualTo(200);
        assertThat(marathonApps().get(0).path("labels").path("DCOS_PACKAGE_IS_FRAMEWORK").asText()).isEqualTo("true");

        Answer removed = call("uninstall", "uninstall-response", 1, "{\"packageName\": \"fw\"}");
        assertThat(removed.status()).as(String.valueOf(removed.body())).isEqualTo(200);
        await().atMost(DEPLOY).until(() -> !frameworkNames().contains("fw-e2e"));
        await().atMost(DEPLOY).until(() -> marathonApps().isEmpty());
    }

    /** Names of the frameworks the master has registered (not completed ones). */
    List<String> frameworkNames() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + master.port() + "/api/v1"))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"GET_FRAMEWORKS\"}")).build(), HttpResponse.BodyHandlers.ofString());
        List<String> out = new ArrayList<>();
        Json.read(r.body()).path("get_frameworks").path("frameworks").forEach(f -> out.add(f.path("framework_info").path("name").asText()));
        return out;
    }

    static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path("name").asText()));
        return out;
    }

    static int freePortRange(int n) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(20_000, 30_000 - n);
            boolean free = true;
            for (int p = first; p < first + n && free; p++) {
                try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getByName("127.0.0.1"))) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) return first;
        }
        throw new IOException("no " + n + " consecutive free ports between 20000 and 30000");
    }
}
