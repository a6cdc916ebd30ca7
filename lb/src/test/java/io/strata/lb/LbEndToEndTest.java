package io.strata.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.lb.support.HaproxyCheck;
import io.strata.lb.support.LoadGenerator;
import io.strata.lb.support.LocalCluster;
import io.strata.lb.support.RawHttp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load balancer against real daemons in this JVM (ZooKeeper, master, agent running python tasks, Marathon) and the
 * real HAProxy, all on 127.0.0.1 with free ports: routing by virtual host, TCP mode, tasks leaving the backend when
 * killed or unhealthy, a rolling deployment under load without a failed request, and bad labels.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LbEndToEndTest {
    private static final Duration DEPLOY = Duration.ofSeconds(90);

    LocalCluster cluster;
    LbServer lb;
    LbConfig config;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(HaproxyCheck.available(), "HAProxy is not installed");
        cluster = LocalCluster.start(dir);
        config = cluster.lbConfig("lb");
        lb = cluster.startLb(config);
        await().atMost(Duration.ofSeconds(30)).until(lb::streaming);
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) cluster.close();
    }

    /** An app of {@code instances} python HTTP tasks answering "name-$VERSION port", with an HTTP health check. */
    private String httpApp(String id, String name, int instances, String version, Map<String, String> labels) {
        ObjectNode app = Json.object();
        app.put("id", id);
        app.put("cmd", cluster.httpCommand(name + "-$VERSION"));
        app.put("cpus", 0.05);
        app.put("mem", 32);
        app.put("instances", instances);
        app.putObject("env").put("VERSION", version);
        app.putArray("portDefinitions").addObject().put("port", 0).put("protocol", "tcp");
        ObjectNode hc = app.putArray("healthChecks").addObject();
        hc.put("protocol", "HTTP").put("path", "/health").put("portIndex", 0).put("gracePeriodSeconds", 20)
                .put("intervalSeconds", 1).put("timeoutSeconds", 1).put("maxConsecutiveFailures", 0).put("delaySeconds", 0);
        ObjectNode l = app.putObject("labels");
        l.put("HAPROXY_GROUP", "external");
        labels.forEach(l::put);
        return app.toString();
    }

    private String body(int port, String host) {
        try {
            RawHttp.Response r = RawHttp.get(port, host, "/");
            return r.status() == 200 ? r.body().strip() : "HTTP " + r.status();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private String lbConfigText() throws Exception {
        return RawHttp.get(lb.apiPort(), "lb", "/_haproxy_getconfig").body();
    }

    private List<JsonNode> tasks(String appId) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        cluster.get("/v2/apps" + appId + "/tasks").path("tasks").forEach(out::add);
        return out;
    }

    @Test
    void routesVirtualHostsByHostHeaderAndServicePortsAndAppIds() throws Exception {
        cluster.post("/v2/apps", httpApp("/vhost/alpha", "alpha", 1, "1", Map.of("HAPROXY_0_VHOST", "alpha.test")));
        cluster.post("/v2/apps", httpApp("/vhost/beta", "beta", 1, "1", Map.of("HAPROXY_0_VHOST", "beta.test,www.beta.test")));
        JsonNode alpha = cluster.awaitDeployed("/vhost/alpha", 1, DEPLOY);
        cluster.awaitDeployed("/vhost/beta", 1, DEPLOY);
        int http = config.httpPort();
        await().atMost(Duration.ofSeconds(10)).until(() -> body(http, "alpha.test").startsWith("alpha-1 "));
        await().atMost(Duration.ofSeconds(10)).until(() -> body(http, "beta.test").startsWith("beta-1 "));
        assertThat(body(http, "www.beta.test:" + http)).startsWith("beta-1 ");
        assertThat(body(http, "ALPHA.test")).startsWith("alpha-1 ");
        assertThat(body(http, "gamma.test")).isEqualTo("HTTP 503");
        assertThat(body(cluster.servicePort(alpha), "whatever")).startsWith("alpha-1 ");
        assertThat(RawHttp.get(config.appIdPort(), "x", "/", Map.of("X-Marathon-App-Id", "/vhost/beta")).body()).startsWith("beta-1 ");

        java.io.ByteArrayOutputStream dry = new java.io.ByteArrayOutputStream();
        LbServer.dryRun(config.toBuilder().dry(true).build(), new java.io.PrintStream(dry, true, StandardCharsets.UTF_8));
        assertThat(dry.toString(StandardCharsets.UTF_8)).startsWith("global\n").contains("backend vhost_alpha_" + cluster.servicePort(alpha) + "\n");

        cluster.delete("/v2/apps/vhost/alpha");
        await().atMost(Duration.ofSeconds(30)).until(() -> body(http, "alpha.test").equals("HTTP 503"));
        assertThat(body(http, "beta.test")).startsWith("beta-1 ");
        cluster.delete("/v2/apps/vhost/beta");
    }

    @Test
    void tcpModeForwardsBytes() throws Exception {
        ObjectNode app = (ObjectNode) Json.read(httpApp("/echo", "echo", 1, "1", Map.of("HAPROXY_0_MODE", "tcp")));
        app.put("cmd", cluster.tcpCommand("echo"));
        app.remove("healthChecks");
        app.putArray("healthChecks").addObject().put("protocol", "TCP").put("portIndex", 0)
                .put("gracePeriodSeconds", 20).put("intervalSeconds", 1).put("timeoutSeconds", 1).put("maxConsecutiveFailures", 0);
        cluster.post("/v2/apps", app.toString());
        int port = cluster.servicePort(cluster.awaitDeployed("/echo", 1, DEPLOY));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(3_000);
                PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                out.println("hello");
                String first = in.readLine();
                out.println("again");
                return first.startsWith("echo ") && first.endsWith(" hello") && in.readLine().endsWith(" again");
            }
        });
        // the LB records what it served once HAProxy's reload returns, a moment after the new worker already answers
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lbConfigText())
                .contains("frontend echo_" + port + "\n  bind 127.0.0.1:" + port + "\n  mode tcp\n"));
        cluster.delete("/v2/apps/echo");
    }

    @Test
    void aKilledTaskLeavesTheBackend() throws Exception {
        cluster.post("/v2/apps", httpApp("/killme", "killme", 2, "1", Map.of("HAPROXY_0_VHOST", "killme.test")));
        cluster.awaitDeployed("/killme", 2, DEPLOY);
        List<JsonNode> tasks = tasks("/killme");
        int gone = tasks.get(0).path("ports").path(0).asInt();
        int stays = tasks.get(1).path("ports").path(0).asInt();
        await().atMost(Duration.ofSeconds(10)).until(() -> lbConfigText().contains(":" + gone + " ") && lbConfigText().contains(":" + stays + " "));

        cluster.delete("/v2/apps/killme/tasks/" + tasks.get(0).path("id").asText() + "?scale=true");
        await().atMost(Duration.ofSeconds(20)).until(() -> !lbConfigText().contains(":" + gone + " "));
        for (int i = 0; i < 20; i++) assertThat(body(config.httpPort(), "killme.test")).isEqualTo("killme-1 " + stays);
        cluster.delete("/v2/apps/killme");
    }

    @Test
    void anUnhealthyTaskIsNotRouted() throws Exception {
        cluster.post("/v2/apps", httpApp("/sickly", "sickly", 2, "1", Map.of("HAPROXY_0_VHOST", "sickly.test")));
        cluster.awaitDeployed("/sickly", 2, DEPLOY);
        List<JsonNode> tasks = tasks("/sickly");
        int sick = tasks.get(0).path("ports").path(0).asInt();
        int well = tasks.get(1).path("ports").path(0).asInt();
        await().atMost(Duration.ofSeconds(10)).until(() -> lbConfigText().contains(":" + sick + " "));

        Path flag = cluster.control.resolve("unhealthy-" + sick);
        Files.writeString(flag, "");
        await().atMost(Duration.ofSeconds(20)).until(() -> !lbConfigText().contains(":" + sick + " "));
        assertThat(cluster.get("/v2/apps/sickly").path("app").path("tasksUnhealthy").asInt()).isEqualTo(1);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) seen.add(body(config.httpPort(), "sickly.test"));
        assertThat(seen).containsExactly("sickly-1 " + well);

        Files.delete(flag);
        await().atMost(Duration.ofSeconds(20)).until(() -> lbConfigText().contains(":" + sick + " "));
        cluster.delete("/v2/apps/sickly");
    }

    @Test
    void rollingDeploymentsUnderLoadFailNoRequest() throws Exception {
        cluster.post("/v2/apps", httpApp("/rolling", "rolling", 2, "1", Map.of("HAPROXY_0_VHOST", "rolling.test")));
        cluster.awaitDeployed("/rolling", 2, DEPLOY);
        await().atMost(Duration.ofSeconds(10)).until(() -> body(config.httpPort(), "rolling.test").startsWith("rolling-1 "));
        // what HAProxy thinks of the servers, printed if a request fails
        List<String> states = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread watcher = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    StringBuilder b = new StringBuilder(java.time.Instant.now().toString());
                    for (String line : lb.haproxy().runtime("show stat").split("\n")) {
                        String[] f = line.split(",");
                        if (f.length > 17 && f[0].startsWith("rolling_")) b.append(' ').append(f[1]).append('=').append(f[17]);
                    }
                    states.add(b.toString());
                    Thread.sleep(50);
                } catch (Exception e) {
                    return;
                }
            }
        });
        try (LoadGenerator load = new LoadGenerator(config.httpPort(), "rolling.test", "/", 4, 40, Duration.ofMinutes(4)).start()) {
            for (int v = 2; v <= 3; v++) {
                String version = Integer.toString(v);
                cluster.put("/v2/apps/rolling", Json.object().set("env", Json.object().put("VERSION", version)).toString());
                await().atMost(DEPLOY).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                    JsonNode app = cluster.get("/v2/apps/rolling").path("app");
                    return app.path("deployments").isEmpty() && app.path("tasksHealthy").asInt() == 2
                            && tasks("/rolling").stream().allMatch(t -> t.path("state").asText().equals("TASK_RUNNING"))
                            && body(config.httpPort(), "rolling.test").startsWith("rolling-" + version + " ");
                });
            }
            long before = load.ok();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.ok() > before + 20);
            load.stop();
            watcher.interrupt();
            if (load.failed() > 0) states.stream().distinct().forEach(st -> System.err.println("server states " + st));
            assertThat(load.failed()).as(load.toString()).isZero();
            assertThat(load.bodies().keySet()).anyMatch(b -> b.startsWith("rolling-1 ")).anyMatch(b -> b.startsWith("rolling-3 "));
        } finally {
            watcher.interrupt();
        }
        cluster.delete("/v2/apps/rolling");
    }

    @Test
    void appsWithBadLabelsAreSkippedAndTheOthersServed() throws Exception {
        cluster.post("/v2/apps", httpApp("/labels/udp", "udp", 1, "1", Map.of("HAPROXY_0_MODE", "udp")));
        cluster.post("/v2/apps", httpApp("/labels/bogus", "bogus", 1, "1", Map.of("HAPROXY_0_VHOST", "bogus.test",
                "HAPROXY_0_BACKEND_HEAD", "\nbackend {backend}\n  balance {balance}\n  mode {mode}\n  no-such-directive 1\n")));
        cluster.post("/v2/apps", httpApp("/labels/fine", "fine", 1, "1", Map.of("HAPROXY_0_VHOST", "fine.test")));
        for (String id : List.of("/labels/udp", "/labels/bogus", "/labels/fine")) cluster.awaitDeployed(id, 1, DEPLOY);
        await().atMost(Duration.ofSeconds(20)).until(() -> body(config.httpPort(), "fine.test").startsWith("fine-1 "));
        JsonNode status = Json.read(RawHttp.get(lb.apiPort(), "lb", "/status").body());
        List<String> skipped = new ArrayList<>();
        status.path("skipped").forEach(s -> skipped.add(s.path("appId").asText() + ": " + s.path("reason").asText()));
        assertThat(skipped).anyMatch(s -> s.startsWith("/labels/udp: HAPROXY_0_MODE"))
                .anyMatch(s -> s.startsWith("/labels/bogus: haproxy -c rejected") && s.contains("no-such-directive"));
        assertThat(body(config.httpPort(), "bogus.test")).isEqualTo("HTTP 503");
        assertThat(lbConfigText()).doesNotContain("no-such-directive").doesNotContain("labels_udp");
        for (String id : List.of("/labels/udp", "/labels/bogus", "/labels/fine")) cluster.delete("/v2/apps" + id);
    }

    @Test
    void withoutSseMarathonIsPolled() throws Exception {
        // another group, so the two load balancers on this host do not both bind the app's service port
        LbConfig polling = cluster.lbConfig("lb-poll").toBuilder().sse(false).pollInterval(Duration.ofSeconds(1))
                .groups(List.of("internal")).build();
        LbServer poller = cluster.startLb(polling);
        cluster.post("/v2/apps", httpApp("/polled", "polled", 1, "1", Map.of("HAPROXY_GROUP", "internal", "HAPROXY_0_VHOST", "polled.test")));
        cluster.awaitDeployed("/polled", 1, DEPLOY);
        await().atMost(Duration.ofSeconds(15)).until(() -> body(polling.httpPort(), "polled.test").startsWith("polled-1 "));
        assertThat(poller.streaming()).isFalse();
        assertThat(body(config.httpPort(), "polled.test")).isEqualTo("HTTP 503"); // not this load balancer's group
        cluster.delete("/v2/apps/polled");
        await().atMost(Duration.ofSeconds(15)).until(() -> body(polling.httpPort(), "polled.test").equals("HTTP 503"));
        poller.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> io.strata.lb.support.FreePorts.isFree(polling.statsPort())); // HAProxy stopped
    }

    @Test
    void statsListenerServesHealthMetricsAndMarathonLbSignals() throws Exception {
        int stats = config.statsPort();
        assertThat(RawHttp.get(stats, "lb", "/_haproxy_health_check").status()).isEqualTo(200);
        assertThat(RawHttp.get(stats, "lb", "/haproxy?stats;csv").body()).startsWith("# pxname,svname");
        assertThat(RawHttp.get(stats, "lb", "/metrics").body()).contains("haproxy_process_");
        RawHttp.Response hup = RawHttp.get(stats, "lb", "/_mlb_signal/hup");
        assertThat(hup.status()).isEqualTo(200);
        assertThat(hup.body()).isEqualTo("Sent SIGHUP signal to marathon-lb");
        assertThat(RawHttp.get(stats, "lb", "/_mlb_signal/usr1").body()).isEqualTo("Sent SIGUSR1 signal to marathon-lb");
        assertThat(RawHttp.get(stats, "lb", "/_haproxy_getconfig").body()).startsWith("global\n");
        assertThat(RawHttp.get(stats, "lb", "/_haproxy_getpids").body()).matches("\\d+( \\d+)+");
        assertThat(RawHttp.get(lb.apiPort(), "lb", "/health").status()).isEqualTo(200);
        assertThat(RawHttp.get(lb.apiPort(), "lb", "/metrics").body()).contains("strata_lb_syncs_total").contains("strata_lb_apps");
    }
}
