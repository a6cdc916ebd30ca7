package io.strata.lb.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.lb.LbConfig;
import io.strata.lb.LbServer;
import io.strata.lb.support.LoadGenerator;
import io.strata.lb.support.LocalCluster;
import io.strata.lb.support.RawHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Failed requests during rolling deployments under steady load: an app of python HTTP tasks (which die at once on
 * SIGTERM) is redeployed again and again with a new version while a bounded load generator sends requests through
 * HAProxy's virtual-host frontend on fresh connections. Usage:
 * {@code lb/bench.sh RollingDeployBenchmark [deployments] [instances] [threads] [rate-per-thread]}.
 */
public final class RollingDeployBenchmark {
    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (Exception e) {
            System.out.println("aborted: " + e);
            throw e;
        }
    }

    private static void run(String[] args) throws Exception {
        int deployments = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int instances = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        Bench.header(deployments + " rolling deployments of " + instances + " instances under " + threads * rate + " req/s",
                "lb/bench.sh RollingDeployBenchmark " + deployments + " " + instances + " " + threads + " " + rate);
        Path dir = Files.createTempDirectory("lb-rolling-bench");
        try (LocalCluster cluster = LocalCluster.start(dir)) {
            LbConfig config = cluster.lbConfig("lb");
            LbServer lb = cluster.startLb(config);
            while (!lb.streaming()) Thread.sleep(10);
            ObjectNode app = Json.object();
            app.put("id", "/rolling").put("cmd", cluster.httpCommand("rolling-$VERSION")).put("cpus", 0.01).put("mem", 16)
                    .put("instances", instances);
            app.putObject("env").put("VERSION", "0");
            app.putArray("portDefinitions").addObject().put("port", 0);
            app.putArray("healthChecks").addObject().put("protocol", "HTTP").put("path", "/health").put("portIndex", 0)
                    .put("gracePeriodSeconds", 30).put("intervalSeconds", 1).put("timeoutSeconds", 1).put("maxConsecutiveFailures", 0);
            app.putObject("labels").put("HAPROXY_GROUP", "external").put("HAPROXY_0_VHOST", "rolling.test");
            cluster.post("/v2/apps", app.toString());
            cluster.awaitDeployed("/rolling", instances, Duration.ofSeconds(120));
            awaitServing(config.httpPort(), "rolling-0 ");
            List<Double> durations = new ArrayList<>();
            try (LoadGenerator load = new LoadGenerator(config.httpPort(), "rolling.test", "/", threads, rate, Duration.ofMinutes(30)).start()) {
                for (int d = 1; d <= deployments; d++) {
                    long t0 = System.nanoTime();
                    cluster.put("/v2/apps/rolling", Json.object().set("env", Json.object().put("VERSION", String.valueOf(d))).toString());
                    awaitDone(cluster, instances, d);
                    awaitServing(config.httpPort(), "rolling-" + d + " ");
                    double s = (System.nanoTime() - t0) / 1e9;
                    durations.add(s * 1000);
                    System.out.printf("deployment %2d: %.1f s, requests so far ok=%d failed=%d%n", d, s, load.ok(), load.failed());
                }
                load.stop();
                System.out.println("deployment duration: " + Bench.percentiles(durations));
                System.out.printf("requests: %d ok, %d failed %s%n", load.ok(), load.failed(), load.failed() == 0 ? "" : load.reasons());
            }
        }
    }

    private static void awaitDone(LocalCluster cluster, int instances, int version) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            JsonNode a = cluster.get("/v2/apps/rolling").path("app");
            JsonNode tasks = cluster.get("/v2/apps/rolling/tasks").path("tasks");
            boolean allNew = true;
            for (JsonNode t : tasks) {
                allNew &= t.path("state").asText().equals("TASK_RUNNING") && t.path("version").asText().equals(a.path("version").asText());
            }
            if (a.path("deployments").isEmpty() && a.path("tasksHealthy").asInt() == instances && allNew) return;
            last = "deployments=" + a.path("deployments") + " tasksHealthy=" + a.path("tasksHealthy") + " tasks=" + tasks;
            Thread.sleep(100);
        }
        throw new IllegalStateException("deployment " + version + " did not finish within 3 minutes: " + last);
    }

    private static void awaitServing(int port, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (RawHttp.get(port, "rolling.test", "/").body().startsWith(prefix)) return;
            } catch (Exception e) {
                // not yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("HAProxy does not serve " + prefix + "within 30 s");
    }
}
