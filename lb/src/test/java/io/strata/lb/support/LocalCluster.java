package io.strata.lb.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.agent.AgentConfig;
import io.strata.agent.AgentServer;
import io.strata.common.json.Json;
import io.strata.common.zk.EmbeddedZooKeeper;
import io.strata.lb.LbConfig;
import io.strata.lb.LbServer;
import io.strata.marathon.MarathonConfig;
import io.strata.marathon.MarathonServer;
import io.strata.master.MasterConfig;
import io.strata.master.MasterServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Strata cluster inside the test JVM on 127.0.0.1 with free ports: embedded ZooKeeper, a master, one agent
 * running real processes (in a port range that is free), Marathon (service ports in another free range), and the
 * load balancer with its own free ports. Closing it stops everything, killing the tasks.
 */
public final class LocalCluster implements AutoCloseable {
    public static final String HOST = "127.0.0.1";

    public final Path dir;
    public final EmbeddedZooKeeper zk;
    public final MasterServer master;
    public final AgentServer agent;
    public final MarathonServer marathon;
    public final int servicePortMin;
    public final int servicePortMax;
    public final Path script;
    public final Path control;
    public final String python;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> extra = new ArrayList<>();

    private LocalCluster(Path dir, EmbeddedZooKeeper zk, MasterServer master, AgentServer agent, MarathonServer marathon,
                         int servicePortMin, int servicePortMax, Path script, Path control, String python) {
        this.dir = dir;
        this.zk = zk;
        this.master = master;
        this.agent = agent;
        this.marathon = marathon;
        this.servicePortMin = servicePortMin;
        this.servicePortMax = servicePortMax;
        this.script = script;
        this.control = control;
        this.python = python;
    }

    public static LocalCluster start(Path dir) throws Exception {
        EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(HOST, 0, dir.resolve("zookeeper"));
        String zkBase = "zk://" + HOST + ":" + zk.port();
        MasterServer master = null;
        AgentServer agent = null;
        MarathonServer marathon = null;
        try {
            master = MasterServer.start(MasterConfig.defaults(zkBase + "/strata", dir.resolve("master")).withPort(0));
            MasterServer m = master;
            await("the master to lead").atMost(Duration.ofSeconds(30)).until(m::isLeading);
            // one free range, split: task ports below, service ports above, so a task never holds a service port
            int taskPorts = FreePorts.range(300);
            AgentConfig ac = new AgentConfig(zkBase + "/strata", HOST, 0, HOST, dir.resolve("agent"),
                    "cpus:32;mem:32768;disk:10000;ports:[" + taskPorts + "-" + (taskPorts + 199) + "]", null, false, true,
                    null, 1000).withContainerizers(List.of(AgentConfig.MESOS));
            agent = AgentServer.start(ac);
            AgentServer a = agent;
            await("the agent to register").atMost(Duration.ofSeconds(30)).until(a::registered);
            int servicePorts = taskPorts + 200;
            MarathonConfig d = MarathonConfig.defaults(zkBase + "/strata", zkBase + "/marathon");
            MarathonConfig mc = new MarathonConfig(d.master(), d.zk(), "marathon", HOST, 0, null, d.failoverTimeout(), "*", null,
                    List.of(), servicePorts, servicePorts + 100, 50, d.reconciliationInterval(), Duration.ofSeconds(1),
                    Duration.ofMinutes(2), null, d.zkSessionTimeout());
            marathon = MarathonServer.start(mc);
            MarathonServer mm = marathon;
            await("Marathon to lead").atMost(Duration.ofSeconds(30)).until(mm::isLeader);
            Path script = dir.resolve("task_server.py");
            try (InputStream in = LocalCluster.class.getResourceAsStream("/task_server.py")) {
                Files.copy(in, script);
            }
            Path control = Files.createDirectories(dir.resolve("control"));
            return new LocalCluster(dir, zk, master, agent, marathon, servicePorts, servicePorts + 100, script, control, python());
        } catch (Exception | Error e) {
            if (marathon != null) marathon.close();
            if (agent != null) agent.close();
            if (master != null) master.close();
            zk.close();
            throw e;
        }
    }

    private static String python() {
        for (String p : List.of("/usr/bin/python3", "/usr/local/bin/python3")) {
            if (Files.isExecutable(Path.of(p))) return p;
        }
        return "python3";
    }

    public URI marathonUri() {
        return URI.create("http://" + HOST + ":" + marathon.port());
    }

    /** The load balancer's configuration for this cluster: free ports for every frontend, files under the cluster's dir. */
    public LbConfig lbConfig(String name) {
        int[] p = FreePorts.some(4);
        return LbConfig.defaults(List.of(marathonUri()), dir.resolve(name).resolve("haproxy.cfg")).toBuilder()
                .httpPort(p[0]).httpsPort(p[1]).statsPort(p[2]).appIdPort(p[3]).apiPort(0)
                .minUpdateInterval(Duration.ofMillis(100)).shutdownGrace(Duration.ofSeconds(2)).build();
    }

    public LbServer startLb(LbConfig config) throws IOException {
        LbServer lb = LbServer.start(config);
        extra.add(lb);
        return lb;
    }

    /** The shell command of an HTTP task answering "name port". */
    public String httpCommand(String name) {
        return python + " " + script + " http $PORT0 " + name + " " + control;
    }

    public String tcpCommand(String name) {
        return python + " " + script + " tcp $PORT0 " + name;
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return call("GET", path, null);
    }

    public JsonNode post(String path, String json) throws IOException, InterruptedException {
        return call("POST", path, json);
    }

    public JsonNode put(String path, String json) throws IOException, InterruptedException {
        return call("PUT", path, json);
    }

    public JsonNode delete(String path) throws IOException, InterruptedException {
        return call("DELETE", path, null);
    }

    private JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(marathonUri() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new IOException(method + " " + path + " → " + r.statusCode() + " " + r.body());
        return r.body().isEmpty() ? Json.object() : Json.read(r.body());
    }

    /** Waits until the app has no deployment and {@code count} running tasks (healthy ones when it has checks). */
    public JsonNode awaitDeployed(String appId, int count, Duration timeout) {
        JsonNode[] last = new JsonNode[1];
        await("deployment of " + appId).atMost(timeout).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            JsonNode app = get("/v2/apps" + appId).path("app");
            last[0] = app;
            boolean checked = app.path("healthChecks").size() > 0;
            return app.path("deployments").isEmpty() && app.path("tasksRunning").asInt() == count
                    && (!checked || app.path("tasksHealthy").asInt() == count);
        });
        return last[0];
    }

    /** The service port Marathon gave the app's first port. */
    public int servicePort(JsonNode app) {
        return app.path("portDefinitions").path(0).path("port").asInt();
    }

    @Override
    public void close() {
        for (AutoCloseable c : extra) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("closing " + c + " failed: " + e);
            }
        }
        marathon.close();
        agent.close();
        master.close();
        zk.close();
    }
}
