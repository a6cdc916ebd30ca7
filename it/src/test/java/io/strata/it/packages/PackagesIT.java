package io.strata.it.packages;

import static io.strata.it.support.ItEnv.EVENT;
import static io.strata.it.support.ItEnv.STARTUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.it.support.ItEnv;
import io.strata.it.support.DumpLogsOnFailure;
import io.strata.it.support.Http;
import io.strata.it.support.LocalNode;
import io.strata.it.support.NodeProcess;
import io.strata.it.support.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built-in packages end to end, against one {@code dcos-node local} with free ports, only through the
 * gateway's public paths ({@code /package/*} with Cosmos' media types, {@code /service/<name>/},
 * {@code /mesos/}) and the {@code dcos} CLI: {@code etcd} runs Debian's etcd server and stores a key;
 * {@code marathon} with {@code {"marathon":{"framework-name":"my-marathon"}}} registers framework my-marathon,
 * answers at /service/my-marathon/ and runs an app of its own; {@code marathon-lb} runs HAProxy on the public
 * agent and routes to an app by virtual host; {@code list} shows them; {@code uninstall} takes them away (the
 * team's Marathon's framework torn down with its tasks); options that break a package's config.json are refused
 * with Cosmos' JsonSchemaMismatch naming the option.
 */
@ExtendWith(DumpLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackagesIT {
    /** A JVM task (a Marathon, the load balancer) starting, registering and passing its first health check. */
    private static final Duration JVM_TASK = Duration.ofSeconds(90);

    private static LocalNode node;
    private static Path work;
    private static NodeProcess local;
    private static URI master;
    private static URI marathon;
    private static URI gateway;
    private static CosmosClient cosmos;
    /** Package name → app id, for what the tests installed (list and uninstall check exactly these). */
    private static final Map<String, String> installed = new LinkedHashMap<>();
    /** Ports the installed services listen on (they must close on uninstall). */
    private static final List<Integer> servicePorts = new ArrayList<>();

    @BeforeAll
    static void startLocal() throws Exception {
        node = LocalNode.create(PackagesIT.class, "strata-it-packages-");
        work = node.work;
        local = node.process;
        master = node.master;
        marathon = node.marathon;
        gateway = node.gateway;
        node.start().awaitReady("local cluster with 2 active agents and an elected, registered Marathon", STARTUP,
                node::marathonRegistered);
        cosmos = new CosmosClient(gateway);
        await("Cosmos answers through the gateway").atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> {
            local.assertAlive();
            return cosmos.answers();
        });
    }

    @AfterAll
    static void stopLocal() {
        if (node != null) node.close();
    }

    // ------------------------------------------------------------------ the tests

    @Test
    @Order(1)
    void theBuiltInRepositoryHasTheThreePackages() {
        JsonNode found = cosmos.ok("search", 1, "{}");
        List<String> names = new ArrayList<>();
        found.path("packages").forEach(p -> names.add(p.path("name").asText()));
        assertThat(names).contains("marathon", "marathon-lb", "etcd");

        JsonNode described = cosmos.ok("describe", 3, "{\"packageName\": \"marathon\"}").path("package");
        assertThat(described.path("packagingVersion").asText()).isEqualTo("4.0");
        assertThat(described.path("framework").asBoolean()).isTrue();
        assertThat(described.at("/config/properties/marathon/properties/framework-name/default").asText())
                .isEqualTo("marathon-user");

        // the walkthrough's options name everything after the framework, on a port the agent chooses
        JsonNode app = cosmos.ok("render", 1,
                "{\"packageName\": \"marathon\", \"options\": {\"marathon\": {\"framework-name\": \"my-marathon\"}}}")
                .path("marathonJson");
        assertThat(app.path("id").asText()).isEqualTo("/my-marathon");
        assertThat(app.path("labels").path("DCOS_SERVICE_NAME").asText()).isEqualTo("my-marathon");
        assertThat(app.path("labels").path("DCOS_PACKAGE_FRAMEWORK_NAME").asText()).isEqualTo("my-marathon");
        assertThat(app.path("env").path("FRAMEWORK_NAME").asText()).isEqualTo("my-marathon");
        assertThat(app.path("requirePorts").asBoolean(false)).isFalse();
        assertThat(app.at("/portDefinitions/0/port").asInt(-1)).isZero();
    }

    @Test
    @Order(2)
    void optionsThatBreakTheSchemaAreRefusedWithTheirPathAndNothingIsInstalled() {
        Http.Resp badName = cosmos.install("marathon", "{\"marathon\": {\"framework-name\": \"My Marathon!\"}}");
        assertThat(badName.status()).as(badName.toString()).isEqualTo(400);
        assertThat(badName.json().path("type").asText()).isEqualTo("JsonSchemaMismatch");
        assertThat(badName.json().path("message").asText()).isEqualTo("Options JSON failed validation");
        assertThat(pointers(badName)).containsExactly("/marathon/framework-name");

        Http.Resp badTypes = cosmos.install("etcd", "{\"service\": {\"mem\": \"lots\"}, \"etcd\": {\"heartbeat-interval\": 1}}");
        assertThat(badTypes.status()).as(badTypes.toString()).isEqualTo(400);
        assertThat(badTypes.json().path("type").asText()).isEqualTo("JsonSchemaMismatch");
        assertThat(pointers(badTypes)).containsExactlyInAnyOrder("/service/mem", "/etcd/heartbeat-interval");

        Http.Resp unknown = cosmos.install("marathon-lb", "{\"marathon-lb\": {\"haproxy_group\": \"external\"}}");
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(400);
        assertThat(unknown.json().at("/data/errors/0/keyword").asText()).isEqualTo("additionalProperties");
        assertThat(unknown.json().at("/data/errors/0/instance/pointer").asText()).isEqualTo("/marathon-lb");

        Http.Resp halfPorts = cosmos.install("etcd", "{\"etcd\": {\"client-port\": 31500}}");
        assertThat(halfPorts.status()).as(halfPorts.toString()).isEqualTo(400);
        assertThat(halfPorts.json().at("/data/errors/0/keyword").asText()).isEqualTo("dependencies");
        assertThat(pointers(halfPorts)).containsExactly("/etcd");

        assertThat(cosmos.list().path("packages")).as("nothing installed").isEmpty();
        assertThat(packageApps()).as("no package app reached Marathon").isEmpty();
    }

    @Test
    @Order(3)
    void etcdRunsDebiansEtcdAndStoresAKey() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/etcd")), "/usr/bin/etcd (Debian's etcd-server) is not installed");
        // fixed ports nothing holds now: other clusters on this host may run tasks on the agents' port ranges
        int[] ports = freePorts(PRIVATE_AGENT_PORTS, 2);
        JsonNode done = installOk("etcd", "{\"etcd\": {\"client-port\": " + ports[0] + ", \"peer-port\": " + ports[1] + "}}");
        assertThat(done.path("appId").asText()).isEqualTo("/etcd");
        assertThat(done.path("packageVersion").asText()).isEqualTo("3.4-0.1.0");
        installed.put("etcd", "/etcd");

        JsonNode task = awaitHealthyTask("etcd", EVENT.plus(EVENT));
        int client = task.path("ports").get(0).asInt();
        assertThat(client).isEqualTo(ports[0]);
        servicePorts.add(client);
        URI etcd = URI.create("http://127.0.0.1:" + client + "/");
        assertThat(Http.get(etcd, "health").json().path("health").asText()).isEqualTo("true");

        // the v3 API's JSON gateway: keys and values are base64
        Http.Resp put = postJson(etcd.resolve("v3/kv/put"), "{\"key\": \"" + b64("team/greeting") + "\", \"value\": \""
                + b64("hello from strata") + "\"}");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        Http.Resp range = postJson(etcd.resolve("v3/kv/range"), "{\"key\": \"" + b64("team/greeting") + "\"}");
        assertThat(unb64(range.json().at("/kvs/0/value").asText())).isEqualTo("hello from strata");

        // and the same store through the gateway, as /service/etcd/ (DCOS_SERVICE_NAME)
        Http.Resp viaGateway = postJson(gateway.resolve("service/etcd/v3/kv/range"), "{\"key\": \"" + b64("team/greeting") + "\"}");
        assertThat(viaGateway.status()).as(viaGateway.toString()).isEqualTo(200);
        assertThat(unb64(viaGateway.json().at("/kvs/0/value").asText())).isEqualTo("hello from strata");
    }

    @Test
    @Order(4)
    void aTeamsOwnMarathonRegistersAnswersAtItsServicePathAndRunsAnApp() throws Exception {
        int httpPort = freePorts(PRIVATE_AGENT_PORTS, 1)[0];
        String options = "{\"marathon\": {\"framework-name\": \"my-marathon\", \"http-port\": " + httpPort + "}}";
        Optional<Path> cli = DcosCli.jar();
        if (cli.isPresent()) {
            // the DC/OS walkthrough: dcos package install --options=my-marathon-config.json marathon
            Path file = work.resolve("my-marathon-config.json");
            Files.writeString(file, options);
            DcosCli.Result r = new DcosCli(cli.get(), gateway, work.resolve("dcos-cli"))
                    .run("package", "install", "--options=" + file, "marathon", "--yes");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).contains("Installing Marathon app for package [marathon] version [1.11.0-0.1.0]");
        } else {
            assertThat(installOk("marathon", options).path("appId").asText()).isEqualTo("/my-marathon");
        }
        installed.put("marathon", "/my-marathon");

        JsonNode task = awaitHealthyTask("my-marathon", JVM_TASK);
        servicePorts.add(task.path("ports").get(0).asInt());
        assertThat(task.path("slaveId").asText()).as("on the private agent").isEqualTo(agentId(false));
        await("framework my-marathon is registered with the master").atMost(EVENT).pollInterval(Duration.ofMillis(300))
                .until(() -> framework("my-marathon").map(f -> f.path("active").asBoolean()).orElse(false));

        URI mine = gateway.resolve("service/my-marathon/");
        JsonNode info = Http.getJson(mine, "v2/info");
        assertThat(info.path("elected").asBoolean()).isTrue();
        assertThat(info.path("frameworkId").asText()).isEqualTo(framework("my-marathon").orElseThrow().path("id").asText());
        assertThat(info.at("/zookeeper_config/zk").asText()).endsWith("/universe/my-marathon");
        assertThat(Http.getJson(mine, "v2/apps").path("apps")).isEmpty();

        Http.Resp created = postJson(mine.resolve("v2/apps"),
                "{\"id\": \"/team/sleeper\", \"cmd\": \"exec sleep 600\", \"cpus\": 0.05, \"mem\": 16, \"instances\": 1}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        await("my-marathon runs /team/sleeper").atMost(EVENT).pollInterval(Duration.ofMillis(300)).until(() ->
                Http.getJson(mine, "v2/apps/team/sleeper").at("/app/tasksRunning").asInt() == 1);
        assertThat(runningTaskNames("my-marathon")).containsExactly("sleeper.team");
        assertThat(rootAppIds()).as("the root Marathon does not see the team's app").doesNotContain("/team/sleeper");
    }

    @Test
    @Order(5)
    void marathonLbRunsHaproxyOnThePublicAgentAndRoutesByVirtualHost() throws Exception {
        Assumptions.assumeTrue(onDefaultPath("haproxy"), "haproxy is not installed");
        String python = ItEnv.realPython();
        int[] ports = freePorts(PUBLIC_AGENT_PORTS, 4);
        int http = ports[0];
        int stats = ports[1];
        String options = """
                {"marathon-lb": {"marathon-uri": "%s", "haproxy-http-port": %d, "haproxy-stats-port": %d,
                                 "haproxy-appid-port": %d, "api-port": %d}}
                """.formatted(marathon.toString().replaceAll("/$", ""), http, stats, ports[2], ports[3]);
        assertThat(installOk("marathon-lb", options).path("appId").asText()).isEqualTo("/marathon-lb");
        installed.put("marathon-lb", "/marathon-lb");

        JsonNode task = awaitHealthyTask("marathon-lb", JVM_TASK);
        assertThat(task.path("slaveId").asText()).as("on the public agent").isEqualTo(agentId(true));
        assertThat(Http.get(URI.create("http://127.0.0.1:" + stats + "/_haproxy_health_check")).status()).isEqualTo(200);
        servicePorts.add(stats);

        // an app of the root Marathon in the load balancer's group, on a port nothing holds, served by HAProxy on a
        // free frontend port as well as by virtual host
        int webPort = freePorts(PRIVATE_AGENT_PORTS, 1)[0];
        int frontendPort = Ports.free();
        Http.Resp web = postJson(marathon.resolve("v2/apps"), """
                {"id": "/web", "cmd": "mkdir -p site && echo served-by-web > site/index.html && exec %s -m http.server $PORT0 --bind 127.0.0.1 --directory site",
                 "cpus": 0.05, "mem": 48, "instances": 1, "requirePorts": true, "portDefinitions": [{"port": %d}],
                 "labels": {"HAPROXY_GROUP": "external", "HAPROXY_0_VHOST": "web.strata.test", "HAPROXY_0_PORT": "%d"}}
                """.formatted(python, webPort, frontendPort));
        assertThat(web.status()).as(web.toString()).isEqualTo(201);
        try {
            await("HAProxy routes Host: web.strata.test to /web").atMost(EVENT).pollInterval(Duration.ofMillis(300))
                    .until(() -> get("127.0.0.1", http, "web.strata.test").contains("served-by-web"));
            assertThat(get("127.0.0.1", http, "nobody.strata.test")).as("an unknown virtual host is not routed to /web")
                    .doesNotContain("served-by-web");
            assertThat(get("127.0.0.1", frontendPort, "anything")).as("the app's own frontend (HAPROXY_0_PORT)")
                    .contains("served-by-web");
        } finally {
            Http.send(HttpRequest.newBuilder(marathon.resolve("v2/apps/web?force=true")).DELETE().build());
        }
    }

    @Test
    @Order(6)
    void listShowsWhatIsInstalled() throws Exception {
        Assumptions.assumeFalse(installed.isEmpty(), "nothing was installed");
        Map<String, String> listed = new LinkedHashMap<>();
        for (JsonNode p : cosmos.list().path("packages")) {
            listed.put(p.at("/packageInformation/packageDefinition/name").asText(), p.path("appId").asText());
        }
        assertThat(listed).containsExactlyInAnyOrderEntriesOf(installed);

        String first = installed.keySet().iterator().next();
        JsonNode one = cosmos.list(first).path("packages");
        assertThat(one).hasSize(1);
        assertThat(one.get(0).path("appId").asText()).isEqualTo(installed.get(first));

        Optional<Path> cli = DcosCli.jar();
        if (cli.isPresent()) {
            DcosCli.Result r = new DcosCli(cli.get(), gateway, work.resolve("dcos-cli")).run("package", "list", "--json");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            List<String> names = new ArrayList<>();
            io.strata.common.json.Json.read(r.stdout().getBytes(StandardCharsets.UTF_8))
                    .forEach(p -> names.add(p.path("name").asText()));
            assertThat(names).containsExactlyInAnyOrderElementsOf(installed.keySet());
        }
    }

    @Test
    @Order(7)
    void uninstallTakesThemAwayWithTheTeamsFrameworkAndItsTasks() throws Exception {
        Assumptions.assumeFalse(installed.isEmpty(), "nothing was installed");
        for (var e : installed.entrySet()) {
            JsonNode results = cosmos.uninstall(e.getKey(), e.getValue()).path("results");
            assertThat(results).hasSize(1);
            assertThat(results.get(0).path("packageName").asText()).isEqualTo(e.getKey());
            assertThat(results.get(0).path("appId").asText()).isEqualTo(e.getValue());
        }
        await("the packages' apps are gone from the root Marathon").atMost(EVENT).pollInterval(Duration.ofMillis(300))
                .until(() -> packageApps().isEmpty());
        assertThat(cosmos.list().path("packages")).isEmpty();
        if (installed.containsKey("marathon")) {
            // Cosmos tears a framework package's framework down: my-marathon's own tasks end with it
            await("framework my-marathon and its task are gone").atMost(EVENT).pollInterval(Duration.ofMillis(300))
                    .until(() -> framework("my-marathon").map(f -> f.path("active").asBoolean()).orElse(false) == false
                            && runningTaskNames("my-marathon").isEmpty());
            Http.Resp gone = Http.get(gateway.resolve("service/my-marathon/v2/info"));
            assertThat(gone.status()).as(gone.toString()).isIn(404, 503);
        }
        await("no package task is left running").atMost(EVENT).pollInterval(Duration.ofMillis(300))
                .until(() -> runningTaskNames("marathon").isEmpty());
        await("nothing listens on the services' ports " + servicePorts).atMost(EVENT).pollInterval(Duration.ofMillis(300))
                .until(() -> servicePorts.stream().noneMatch(PackagesIT::listening));
    }

    // ------------------------------------------------------------------ helpers

    private static JsonNode installOk(String name, String options) {
        Http.Resp r = cosmos.install(name, options);
        if (r.status() != 200) throw new AssertionError("install " + name + " " + options + " -> " + r);
        assertThat(r.json().path("packageName").asText()).isEqualTo(name);
        return r.json();
    }

    /** The app's only task once it runs and passes its health check; fails early when the task keeps failing. */
    private static JsonNode awaitHealthyTask(String appId, Duration within) {
        JsonNode[] task = new JsonNode[1];
        await(appId + " has one healthy task").atMost(within).pollInterval(Duration.ofMillis(500)).until(() -> {
            local.assertAlive();
            JsonNode app = Http.getJson(marathon, "v2/apps/" + appId).path("app");
            JsonNode failure = app.path("lastTaskFailure");
            if (!failure.isMissingNode() && !failure.isNull() && app.path("tasksRunning").asInt() == 0
                    && app.path("tasksStaged").asInt() == 0) {
                System.out.println("[it] " + appId + " task failed: " + failure);
            }
            if (app.path("tasksRunning").asInt() != 1 || app.path("tasksHealthy").asInt() != 1) return false;
            task[0] = app.path("tasks").get(0);
            return true;
        });
        return task[0];
    }

    private static Optional<JsonNode> framework(String name) {
        for (JsonNode f : Http.getJson(gateway, "mesos/master/state").path("frameworks")) {
            if (f.path("name").asText().equals(name) && f.path("active").asBoolean()) return Optional.of(f);
        }
        return Optional.empty();
    }

    /** Names of the TASK_RUNNING tasks of the active frameworks called {@code name}. */
    private static List<String> runningTaskNames(String name) {
        List<String> out = new ArrayList<>();
        for (JsonNode f : Http.getJson(gateway, "mesos/master/state").path("frameworks")) {
            if (!f.path("name").asText().equals(name)) continue;
            for (JsonNode t : f.path("tasks")) {
                if (t.path("state").asText().equals("TASK_RUNNING")) out.add(t.path("name").asText());
            }
        }
        return out;
    }

    private static String agentId(boolean isPublic) {
        for (JsonNode s : Http.getJson(master, "master/state").path("slaves")) {
            boolean hasPublic = s.path("reserved_resources").has("slave_public");
            if (hasPublic == isPublic) return s.path("id").asText();
        }
        throw new AssertionError("no " + (isPublic ? "public" : "private") + " agent");
    }

    private static List<JsonNode> rootApps() {
        List<JsonNode> out = new ArrayList<>();
        Http.getJson(marathon, "v2/apps").path("apps").forEach(out::add);
        return out;
    }

    /** The root Marathon's apps that a package installed (Cosmos labels them DCOS_PACKAGE_NAME). */
    private static List<String> packageApps() {
        return rootApps().stream().filter(a -> a.path("labels").has("DCOS_PACKAGE_NAME")).map(a -> a.path("id").asText()).toList();
    }

    private static List<String> rootAppIds() {
        return rootApps().stream().map(a -> a.path("id").asText()).toList();
    }

    private static List<String> pointers(Http.Resp r) {
        List<String> out = new ArrayList<>();
        r.json().at("/data/errors").forEach(e -> out.add(e.at("/instance/pointer").asText()));
        return out;
    }

    private static Http.Resp postJson(URI uri, String json) {
        return Http.send(Http.request(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }

    /** The task ports dcos-node local's private agent and its public agent offer. */
    private static final int[] PRIVATE_AGENT_PORTS = {31000, 31999};
    // below Linux's ephemeral range (32768-60999), so no outgoing connection takes a port before HAProxy binds it
    private static final int[] PUBLIC_AGENT_PORTS = {32000, 32767};

    /**
     * Ports of an agent's range that nothing on this host holds now, for packages' fixed ports: other clusters on
     * the same host run tasks on the same ranges, and a task whose port is taken would fail over and over.
     */
    private static int[] freePorts(int[] range, int count) {
        List<Integer> found = new ArrayList<>();
        int span = range[1] - range[0] + 1;
        int start = range[0] + ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span && found.size() < count; i++) {
            int p = range[0] + (start - range[0] + i) % span;
            if (TAKEN.contains(p)) continue;
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", p));
                found.add(p);
                TAKEN.add(p);
            } catch (IOException taken) {
                // try the next one
            }
        }
        if (found.size() < count) throw new IllegalStateException("no " + count + " free ports in " + range[0] + "-" + range[1]);
        return found.stream().mapToInt(Integer::intValue).toArray();
    }

    private static final java.util.Set<Integer> TAKEN = new java.util.HashSet<>();

    /**
     * {@code GET /} with the given Host header over a plain socket (java.net.http refuses to set Host); the whole
     * response, or "" when nothing answers.
     */
    private static String get(String host, int port, String hostHeader) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET / HTTP/1.0\r\nHost: " + hostHeader + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readNBytes(1 << 20), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Whether an executable of that name is in the default PATH tasks get (/usr/sbin included). */
    private static boolean onDefaultPath(String name) {
        for (String dir : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) return true;
        }
        return false;
    }


    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
