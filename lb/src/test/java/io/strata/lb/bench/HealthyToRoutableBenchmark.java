package io.strata.lb.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.lb.LbConfig;
import io.strata.lb.LbServer;
import io.strata.lb.marathon.EventStream;
import io.strata.lb.marathon.MarathonClient;
import io.strata.lb.support.LocalCluster;
import io.strata.lb.support.RawHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Time from a task turning healthy in Marathon (the {@code health_status_changed_event} reaching a client of the
 * event stream) to the first answer from that task through HAProxy. The app is scaled up one instance at a time;
 * each new task is a sample. Usage: {@code lb/bench.sh HealthyToRoutableBenchmark [samples]}.
 */
public final class HealthyToRoutableBenchmark {
    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Bench.header("task healthy -> routable through HAProxy, " + samples + " samples", "lb/bench.sh HealthyToRoutableBenchmark " + samples);
        Path dir = Files.createTempDirectory("lb-routable-bench");
        try (LocalCluster cluster = LocalCluster.start(dir)) {
            LbConfig config = cluster.lbConfig("lb");
            LbServer lb = cluster.startLb(config);
            Map<String, Integer> portOf = new ConcurrentHashMap<>();
            LinkedBlockingQueue<Object[]> healthy = new LinkedBlockingQueue<>();
            try (EventStream events = new EventStream(new MarathonClient(List.of(cluster.marathonUri()), null), new EventStream.Listener() {
                @Override
                public void connected() {}

                @Override
                public void event(String type, JsonNode e) {
                    long now = System.nanoTime();
                    if (type.equals("status_update_event") && e.path("taskStatus").asText().equals("TASK_RUNNING")) {
                        portOf.put(e.path("taskId").asText(), e.path("ports").path(0).asInt());
                    } else if (type.equals("health_status_changed_event") && e.path("alive").asBoolean()) {
                        healthy.add(new Object[] {e.path("taskId").asText(), now});
                    }
                }
            }, Duration.ofSeconds(5)).start()) {
                while (!events.isOpen() || !lb.streaming()) Thread.sleep(10);
                ObjectNode app = Json.object();
                app.put("id", "/probe").put("cmd", cluster.httpCommand("probe")).put("cpus", 0.01).put("mem", 16).put("instances", 1);
                app.putArray("portDefinitions").addObject().put("port", 0);
                app.putArray("healthChecks").addObject().put("protocol", "HTTP").put("path", "/health").put("portIndex", 0)
                        .put("gracePeriodSeconds", 30).put("intervalSeconds", 1).put("timeoutSeconds", 1).put("maxConsecutiveFailures", 0);
                app.putObject("labels").put("HAPROXY_GROUP", "external").put("HAPROXY_0_VHOST", "probe.test");
                cluster.post("/v2/apps", app.toString());
                List<Double> latencies = new ArrayList<>();
                List<Double> upInHaproxy = new ArrayList<>();
                for (int i = 0; i <= samples; i++) {
                    if (i > 0) cluster.put("/v2/apps/probe", Json.object().put("instances", i + 1).toString());
                    Object[] h = healthy.poll(60, TimeUnit.SECONDS);
                    if (h == null) throw new IllegalStateException("no task turned healthy within 60 s");
                    String taskId = (String) h[0];
                    long t0 = (Long) h[1];
                    Integer port = portOf.get(taskId);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (port == null && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                        port = portOf.get(taskId);
                    }
                    String server = "127_0_0_1_" + port + ",";
                    boolean up = false;
                    while (!up && System.nanoTime() < deadline) {
                        for (String line : lb.haproxy().runtime("show stat").split("\n")) {
                            // a server added through the runtime API has no health check yet: "no check" is routable
                            String status = line.contains("," + server) ? line.split(",")[17] : "";
                            if (status.startsWith("UP") || status.equals("no check")) up = true;
                        }
                        if (!up) java.util.concurrent.locks.LockSupport.parkNanos(500_000);
                    }
                    double upMs = (System.nanoTime() - t0) / 1e6;
                    String expected = "probe " + port;
                    boolean seen = false;
                    while (!seen && System.nanoTime() < deadline) {
                        try {
                            RawHttp.Response r = RawHttp.get(config.httpPort(), "probe.test", "/");
                            seen = r.status() == 200 && r.body().strip().equals(expected);
                        } catch (Exception e) {
                            // not yet
                        }
                        if (!seen) java.util.concurrent.locks.LockSupport.parkNanos(500_000);
                    }
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (!seen) throw new IllegalStateException("task " + taskId + " not routable after 10 s");
                    if (i > 0) { // the first sample includes creating the frontend: reported apart
                        latencies.add(ms);
                        upInHaproxy.add(upMs);
                    }
                    System.out.printf("sample %2d: server UP in HAProxy after %6.1f ms, first answer through HAProxy after %6.1f ms%s%n",
                            i, upMs, ms, i == 0 ? " (first task: new frontend and backend)" : "");
                    while (healthy.poll(200, TimeUnit.MILLISECONDS) != null) {
                        // drop duplicate health events of the same task
                    }
                }
                System.out.println("healthy -> server UP in HAProxy: " + Bench.percentiles(upInHaproxy));
                System.out.println("healthy -> first answer:         " + Bench.percentiles(latencies));
            }
        }
    }
}
