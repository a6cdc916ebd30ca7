package io.strata.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.agent.AgentConfig;
import io.strata.agent.AgentServer;
import io.strata.cli.Cli;
import io.strata.cli.Dcos;
import io.strata.common.json.Json;
import io.strata.common.zk.EmbeddedZooKeeper;
import io.strata.marathon.MarathonConfig;
import io.strata.marathon.MarathonServer;
import io.strata.master.MasterConfig;
import io.strata.master.MasterServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usual DC/OS flow, through the gateway only, with real daemons in this JVM (ZooKeeper, a master, an agent,
 * Marathon, the gateway) and the {@code dcos} CLI run in-process: point the CLI at the cluster, add an app from
 * a marathon.json, list it, scale it, list and read its tasks, reach a labelled app at /service/<name>/, remove
 * it; and the errors a user meets on the way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DcosFlowEndToEndTest {
    static final Duration DEPLOY = Duration.ofSeconds(60);

    private Path dir;
    private EmbeddedZooKeeper zk;
    private MasterServer master;
    private AgentServer agent;
    private MarathonServer marathon;
    private GatewayServer gateway;
    private final Map<String, String> env = new HashMap<>();

    /** What one {@code dcos} invocation printed. */
    record Run(int code, String out, String err) {}

    @BeforeAll
    void cluster(@TempDir Path tmp) throws Exception {
        dir = tmp;
        zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir.resolve("zk"));
        String zkUrl = "zk://" + zk.connectString();
        MasterConfig m = MasterConfig.defaults(zkUrl + "/strata", dir.resolve("master"));
        master = MasterServer.start(new MasterConfig(m.zk(), "127.0.0.1", 0, "127.0.0.1", m.workDir(), "e2e",
                m.agentPingTimeout(), m.maxAgentPingTimeouts(), m.heartbeatInterval(), m.weights(), m.offerTimeout(), 1.0));
        int firstPort = freePortRange(20);
        agent = AgentServer.start(new AgentConfig(zkUrl + "/strata", "127.0.0.1", 0, "127.0.0.1", dir.resolve("agent"),
                "cpus:4;mem:2048;disk:2048;ports:[" + firstPort + "-" + (firstPort + 19) + "]", null, false, true, null, 100));
        marathon = MarathonServer.start(MarathonConfig.defaults(zkUrl + "/strata", zkUrl + "/marathon").withHttpPort(0));
        gateway = GatewayServer.start(GatewayConfig.local(zkUrl + "/strata").withPort(0)
                .withMarathonUrl("http://127.0.0.1:" + marathon.port()));
        env.put("DCOS_CONFIG", dir.resolve("home/.dcos/dcos.toml").toString());
        await().atMost(DEPLOY).until(() -> agent.registered() && marathon.isLeader());
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {gateway, marathon, agent, master, zk}) {
            try {
                if (c != null) c.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    private Run dcosWithStdin(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), Map.copyOf(env), dir.resolve("home"), false, false);
        int code = Dcos.run(cli, args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run dcos(String... args) {
        return dcosWithStdin("", args);
    }

    private JsonNode json(String... args) {
        Run r = dcos(args);
        assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isZero();
        return Json.read(r.out());
    }

    private String gatewayUrl() {
        return "http://127.0.0.1:" + gateway.port();
    }

    @Test
    @Order(1)
    void pointTheCliAtTheCluster() {
        Run set = dcos("config", "set", "core.dcos_url", gatewayUrl());
        assertThat(set.code()).isZero();
        assertThat(set.out()).isEqualTo("[core.dcos_url]: set to '" + gatewayUrl() + "'\n");
        assertThat(dcos("config", "show", "core.dcos_url").out()).isEqualTo(gatewayUrl() + "\n");
        Run version = dcos("--version");
        assertThat(version.out()).contains("dcos.version=" + GatewayServer.DCOS_VERSION);
        Run nodes = dcos("node");
        assertThat(nodes.code()).as(nodes.err()).isZero();
        assertThat(nodes.out()).contains("master (leader)").contains(agent.agentId()).contains("agent");
        assertThat(dcos("marathon", "about").out()).contains("\"name\": \"marathon\"");
    }

    @Test
    @Order(2)
    void addListScaleReadAndRemoveAnApp() throws Exception {
        Path file = Files.writeString(dir.resolve("marathon.json"), """
                {"id": "/hello", "cmd": "echo hello-from-strata; exec sleep 1000", "cpus": 0.1, "mem": 32, "instances": 1}
                """);
        Run add = dcos("marathon", "app", "add", file.toString());
        assertThat(add.err()).isEmpty();
        assertThat(add.out()).startsWith("Created deployment ");
        await().atMost(DEPLOY).untilAsserted(() -> assertThat(dcos("marathon", "app", "list").out())
                .containsPattern("/hello\\s+32\\s+0.1\\s+1/1"));

        Run again = dcos("marathon", "app", "add", file.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).startsWith("Error: Application '/hello' already exists");

        Run scale = dcos("marathon", "app", "update", "/hello", "instances=2");
        assertThat(scale.err()).isEmpty();
        assertThat(scale.out()).startsWith("Created deployment ");
        await().atMost(DEPLOY).until(() -> json("marathon", "app", "list", "--json").get(0).path("tasksRunning").asInt() == 2);

        JsonNode marathonTasks = json("marathon", "task", "list", "--json");
        assertThat(marathonTasks).hasSize(2);
        String taskId = marathonTasks.get(0).path("id").asText();
        assertThat(dcos("marathon", "task", "list").out()).contains("/hello").contains(taskId);

        await().atMost(DEPLOY).untilAsserted(() -> assertThat(dcos("task").out()).contains(taskId).containsPattern("hello\\s.*\\sR\\s"));
        assertThat(dcos("service").out()).contains("marathon").contains("True");

        await().atMost(DEPLOY).untilAsserted(() -> {
            Run log = dcos("task", "log", taskId);
            assertThat(log.err()).isEmpty();
            assertThat(log.out()).isEqualTo("hello-from-strata\n");
        });
        Run both = dcos("task", "log", "hello");
        assertThat(both.out()).contains("===> " + taskId + " <===").contains("hello-from-strata");
        assertThat(dcos("task", "ls", taskId).out()).contains("stdout").contains("stderr");

        Run remove = dcos("marathon", "app", "remove", "/hello");
        assertThat(remove.err()).isEmpty();
        assertThat(remove.code()).isZero();
        await().atMost(DEPLOY).until(() -> json("marathon", "app", "list", "--json").isEmpty());
        await().atMost(DEPLOY).untilAsserted(() -> assertThat(dcos("task").out()).doesNotContain(taskId));
        assertThat(dcos("task", "--completed").out()).contains(taskId);
    }

    @Test
    @Order(3)
    void aLabelledAppIsReachableAtServiceName() throws Exception {
        String app = """
                {"id": "/tools/web", "cmd": "cd \\"$MESOS_SANDBOX\\" && echo served-by-strata > index.html && exec python3 -m http.server $PORT0",
                 "cpus": 0.1, "mem": 64, "instances": 1, "portDefinitions": [{"port": 0, "name": "http"}],
                 "labels": {"DCOS_SERVICE_NAME": "web", "DCOS_SERVICE_PORT_INDEX": "0", "DCOS_SERVICE_SCHEME": "http"}}""";
        Run add = dcosWithStdin(app, "marathon", "app", "add");
        assertThat(add.err()).isEmpty();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(DEPLOY).untilAsserted(() -> {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl() + "/service/web/index.html")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("served-by-strata\n");
        });
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl() + "/service/nothing-here/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.read(unknown.body()).path("message").asText()).contains("'nothing-here' not found");
        // the root Marathon by its service name, as the DC/OS CLI reaches it
        HttpResponse<String> info = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl() + "/service/marathon/v2/info")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(dcos("marathon", "app", "remove", "/tools/web").code()).isZero();
    }

    @Test
    @Order(4)
    void errorsAreOneLineThatSayWhatToDo() throws Exception {
        Run unknown = dcos("marathon", "app", "show", "/nope");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("Error: App '/nope' does not exist\n");

        Run badUrl = dcos("config", "set", "core.dcos_url", "not-a-url");
        assertThat(badUrl.code()).isEqualTo(1);
        assertThat(badUrl.err()).startsWith("Error: 'not-a-url' is not a URL for core.dcos_url");

        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        env.put("DCOS_URL", "http://127.0.0.1:" + closed);
        try {
            Run down = dcos("marathon", "app", "list");
            assertThat(down.code()).isEqualTo(1);
            assertThat(down.err()).startsWith("Error: Cannot reach the cluster at http://127.0.0.1:" + closed)
                    .contains("dcos config set core.dcos_url");
        } finally {
            env.remove("DCOS_URL");
        }
    }

    /** The first of {@code n} consecutive ports nothing listens on, for the agent's task ports. */
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
