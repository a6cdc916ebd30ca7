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
import io.strata.lb.zdd.Zdd;
import io.strata.lb.zdd.ZddConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code zdd} against real daemons and HAProxy: a blue/green deployment under load fails no request. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZddEndToEndTest {
    LocalCluster cluster;
    LbServer lb;
    LbConfig config;
    Path dir;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(HaproxyCheck.available(), "HAProxy is not installed");
        this.dir = dir;
        cluster = LocalCluster.start(dir);
        config = cluster.lbConfig("lb");
        lb = cluster.startLb(config);
        await().atMost(Duration.ofSeconds(30)).until(lb::streaming);
    }

    @AfterAll
    void stop() {
        if (cluster != null) cluster.close();
    }

    private Path appJson(String version, int port, int altPort) throws Exception {
        ObjectNode app = Json.object();
        app.put("id", "/shop");
        app.put("cmd", cluster.httpCommand("shop-$VERSION"));
        app.put("cpus", 0.05).put("mem", 32).put("instances", 3);
        app.putObject("env").put("VERSION", version);
        app.putArray("portDefinitions").addObject().put("port", port).put("protocol", "tcp");
        app.putArray("healthChecks").addObject().put("protocol", "HTTP").put("path", "/health").put("portIndex", 0)
                .put("gracePeriodSeconds", 20).put("intervalSeconds", 1).put("timeoutSeconds", 1).put("maxConsecutiveFailures", 0);
        app.putObject("labels").put("HAPROXY_GROUP", "external").put("HAPROXY_DEPLOYMENT_GROUP", "shop")
                .put("HAPROXY_DEPLOYMENT_ALT_PORT", String.valueOf(altPort)).put("HAPROXY_0_MODE", "http");
        Path file = dir.resolve("shop-" + version + ".json");
        Files.writeString(file, app.toPrettyString());
        return file;
    }

    private boolean zdd(Path json) throws Exception {
        ZddConfig zc = ZddConfig.parse("-m", cluster.marathonUri().toString(), "-l", "http://127.0.0.1:" + config.statsPort(),
                "-j", json.toString(), "-f", "--step-delay", "0.3", "--max-wait", "60");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return new Zdd(zc, new PrintStream(out, true), q -> true).deploy();
    }

    private String body(int port) {
        try {
            RawHttp.Response r = RawHttp.get(port, "shop.test", "/");
            return r.status() == 200 ? r.body().strip() : "HTTP " + r.status();
        } catch (Exception e) {
            return e.toString();
        }
    }

    @Test
    void blueGreenDeploymentUnderLoadFailsNoRequest() throws Exception {
        int port = cluster.servicePortMax - 2;
        int alt = cluster.servicePortMax - 1;
        assertThat(zdd(appJson("1", port, alt))).isTrue();
        JsonNode blue = cluster.awaitDeployed("/shop-blue", 3, Duration.ofSeconds(90));
        assertThat(blue.path("labels").path("HAPROXY_0_PORT").asText()).isEqualTo(String.valueOf(port));
        assertThat(blue.path("labels").path("HAPROXY_DEPLOYMENT_COLOUR").asText()).isEqualTo("blue");
        await().atMost(Duration.ofSeconds(15)).until(() -> body(port).startsWith("shop-1 "));

        try (LoadGenerator load = new LoadGenerator(port, "shop.test", "/", 4, 40, Duration.ofMinutes(4)).start()) {
            CompletableFuture<Boolean> green = CompletableFuture.supplyAsync(() -> {
                try {
                    return zdd(appJson("2", port, alt));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(green.get(3, TimeUnit.MINUTES)).isTrue();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                List<String> ids = cluster.get("/v2/apps").findValues("id").stream().map(JsonNode::asText).toList();
                return !ids.contains("/shop-blue") && ids.contains("/shop-green");
            });
            await().atMost(Duration.ofSeconds(15)).until(() -> body(port).startsWith("shop-2 "));
            long before = load.ok();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.ok() > before + 20);
            load.stop();
            assertThat(load.failed()).as(load.toString()).isZero();
            assertThat(load.bodies().keySet()).anyMatch(b -> b.startsWith("shop-1 ")).anyMatch(b -> b.startsWith("shop-2 "));
        }
        JsonNode green = cluster.get("/v2/apps/shop-green").path("app");
        assertThat(green.path("instances").asInt()).isEqualTo(3);
        assertThat(green.path("portDefinitions").path(0).path("port").asInt()).isEqualTo(alt);
        assertThat(RawHttp.get(config.statsPort(), "lb", "/_haproxy_getconfig").body())
                .contains("frontend shop_" + port + "\n  bind 127.0.0.1:" + port + "\n").doesNotContain("bind 127.0.0.1:" + alt);
        cluster.delete("/v2/apps/shop-green");
    }
}
