package io.strata.bench.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.agent.AgentConfig;
import io.strata.agent.AgentServer;
import io.strata.common.zk.EmbeddedZooKeeper;
import io.strata.marathon.MarathonConfig;
import io.strata.marathon.MarathonServer;
import io.strata.master.MasterConfig;
import io.strata.master.MasterServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Marathon end to end in one JVM: embedded ZooKeeper, a master, a few agents with big resources running real
 * {@code sleep} processes, and a MarathonServer, all on 127.0.0.1 with free ports; driven only through
 * Marathon's v2 REST API.
 *
 * <pre>
 * java -cp 'bench/target/strata-bench.jar:bench/target/lib/*' io.strata.bench.marathon.MarathonBenchmark &lt;scenario&gt; [n]
 *   start    [apps=100]      apps x 10 instances (sleep 600, cpus 0.01, mem 8) from nothing to all running
 *   rolling  [instances=100] rolling update (env change) of one app with that many running instances
 *   list     [apps=1000]     GET /v2/apps latency (p50/p90/p99/max over 200 requests) with that many apps (0 instances)
 *   heap     [tasks=10000]   Marathon's heap (used after GC) with that many running tasks (100 instances per app)
 * </pre>
 */
public final class MarathonBenchmark {
    private static final String HOST = "127.0.0.1";
    private static final String AGENT_RESOURCES = "cpus:64;mem:65536;disk:65536;ports:[%d-%d]";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Path work;
    private EmbeddedZooKeeper zk;
    private MasterServer master;
    private final List<AgentServer> agents = new ArrayList<>();
    private MarathonServer marathon;
    private URI api;

    private MarathonBenchmark(Path work) {
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: MarathonBenchmark start|rolling|list|heap [n]");
            System.exit(2);
        }
        String scenario = args[0];
        Integer n = args.length > 1 ? Integer.valueOf(args[1]) : null;
        System.out.println("# MarathonBenchmark " + String.join(" ", args) + " — " + Runtime.getRuntime().availableProcessors()
                + " CPUs, java " + System.getProperty("java.version") + ", -Xmx " + Runtime.getRuntime().maxMemory() / (1 << 20)
                + " MB, JVM args " + ManagementFactory.getRuntimeMXBean().getInputArguments());
        Path work = Files.createTempDirectory("strata-bench-marathon-");
        MarathonBenchmark b = new MarathonBenchmark(work);
        Runtime.getRuntime().addShutdownHook(new Thread(b::close));
        int exit = 0;
        try {
            switch (scenario) {
                case "start" -> b.start(n == null ? 100 : n);
                case "rolling" -> b.rolling(n == null ? 100 : n);
                case "list" -> b.list(n == null ? 1000 : n);
                case "heap" -> b.heap(n == null ? 10_000 : n);
                default -> {
                    System.err.println("unknown scenario " + scenario);
                    exit = 2;
                }
            }
        } catch (Exception | Error e) {
            e.printStackTrace();
            exit = 1;
        } finally {
            b.close();
        }
        System.exit(exit);
    }

    // ------------------------------------------------------------------ scenarios

    /** (a) apps × 10 instances from nothing to all running. */
    private void start(int apps) throws Exception {
        kernel(2);
        startMarathon();
        int per = 10;
        long t0 = System.nanoTime();
        for (int i = 0; i < apps; i++) post("/v2/apps", sleepApp("/bench/app-" + i, per));
        long posted = System.nanoTime();
        awaitRunning(apps * per, Duration.ofMinutes(10));
        long done = System.nanoTime();
        System.out.printf(Locale.ROOT, "start: %d apps x %d instances = %d tasks: POSTs %.2f s, all TASK_RUNNING and no deployment "
                        + "after %.2f s (%.0f tasks/s)%n", apps, per, apps * per, secs(posted - t0), secs(done - t0),
                apps * per / secs(done - t0));
    }

    /** (b) rolling update of one app with {@code instances} running instances. */
    private void rolling(int instances) throws Exception {
        kernel(2);
        startMarathon();
        post("/v2/apps", sleepApp("/bench/roll", instances));
        awaitRunning(instances, Duration.ofMinutes(5));
        long t0 = System.nanoTime();
        JsonNode r = send("PUT", "/v2/apps/bench/roll", "{\"env\":{\"GEN\":\"2\"}}");
        String version = r.path("version").asText();
        await("rolling update to " + version, Duration.ofMinutes(10), () -> {
            JsonNode app = get("/v2/apps/bench/roll?embed=apps.tasks").path("app");
            if (app.path("tasksRunning").asInt() != instances || !app.path("deployments").isEmpty()) return false;
            if (app.path("tasks").size() != instances) return false;
            for (JsonNode t : app.path("tasks")) if (!t.path("version").asText().equals(version)) return false;
            return true;
        });
        long done = System.nanoTime();
        System.out.printf(Locale.ROOT, "rolling: %d instances (upgradeStrategy 1/1, no health checks) replaced in %.2f s%n",
                instances, secs(done - t0));
    }

    /** (c) GET /v2/apps latency with {@code apps} apps. */
    private void list(int apps) throws Exception {
        kernel(1);
        startMarathon();
        long t0 = System.nanoTime();
        for (int i = 0; i < apps; i++) post("/v2/apps", sleepApp("/bench/g" + (i / 100) + "/app-" + i, 0));
        System.out.printf(Locale.ROOT, "list: created %d apps (0 instances) in %.2f s%n", apps, secs(System.nanoTime() - t0));
        await("deployments to finish", Duration.ofMinutes(5), () -> get("/v2/deployments").isEmpty());
        int bytes = 0;
        for (int i = 0; i < 20; i++) bytes = getRaw("/v2/apps").length(); // warm-up
        long[] ns = new long[200];
        for (int i = 0; i < ns.length; i++) {
            long s = System.nanoTime();
            String body = getRaw("/v2/apps");
            ns[i] = System.nanoTime() - s;
            if (body.length() < 100) throw new IllegalStateException("short answer " + body);
        }
        Arrays.sort(ns);
        System.out.printf(Locale.ROOT, "list: GET /v2/apps with %d apps (%d KiB): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms "
                        + "(200 sequential requests after 20 warm-up)%n", apps, bytes / 1024, ms(pct(ns, 50)), ms(pct(ns, 90)),
                ms(pct(ns, 99)), ms(ns[ns.length - 1]));
    }

    /** (d) Marathon's heap with {@code tasks} running tasks. */
    private void heap(int tasks) throws Exception {
        kernel(Math.max(2, (int) Math.ceil(tasks * 0.01 / 60)));
        long kernelOnly = usedAfterGc();
        startMarathon();
        long idle = usedAfterGc();
        int per = 100;
        int apps = (tasks + per - 1) / per;
        long t0 = System.nanoTime();
        for (int i = 0; i < apps; i++) post("/v2/apps", sleepApp("/bench/heap-" + i, Math.min(per, tasks - i * per)));
        awaitRunning(tasks, Duration.ofMinutes(30));
        System.out.printf(Locale.ROOT, "heap: %d tasks running after %.1f s%n", tasks, secs(System.nanoTime() - t0));
        long loaded = usedAfterGc();
        marathon.close();
        marathon = null;
        long withoutMarathon = usedAfterGc();
        long marathonLoaded = loaded - withoutMarathon;
        long marathonIdle = idle - kernelOnly;
        System.out.printf(Locale.ROOT, "heap: used after GC: kernel only %s, + idle Marathon %s, + %d tasks %s, Marathon closed %s%n",
                mb(kernelOnly), mb(idle), tasks, mb(loaded), mb(withoutMarathon));
        System.out.printf(Locale.ROOT, "heap: Marathon idle %s, Marathon with %d tasks in %d apps %s => %s per 10,000 tasks "
                        + "(%.0f bytes per task)%n", mb(marathonIdle), tasks, apps, mb(marathonLoaded),
                mb((marathonLoaded - marathonIdle) * 10_000L / tasks), (marathonLoaded - marathonIdle) / (double) tasks);
    }

    // ------------------------------------------------------------------ the cluster

    private void kernel(int agentCount) throws Exception {
        zk = EmbeddedZooKeeper.start(HOST, 0, work.resolve("zookeeper"));
        String zkUrl = "zk://" + HOST + ":" + zk.port() + "/strata";
        master = MasterServer.start(MasterConfig.defaults(zkUrl, work.resolve("master")).withPort(0));
        await("the master to lead", Duration.ofSeconds(60), () -> master.isLeading());
        for (int i = 0; i < agentCount; i++) {
            AgentConfig d = AgentConfig.defaults(zkUrl, work.resolve("agent-" + i));
            int first = 31000 + i * 100;
            agents.add(AgentServer.start(new AgentConfig(d.master(), HOST, 0, HOST, d.workDir(),
                    String.format(Locale.ROOT, AGENT_RESOURCES, first, first + 99), null, false, true, d.cgroupsRoot(),
                    d.maxCompletedTasks())));
        }
        await("agents to register", Duration.ofSeconds(60), () -> agents.stream().allMatch(AgentServer::registered));
    }

    private void startMarathon() throws Exception {
        String zkUrl = "zk://" + HOST + ":" + zk.port();
        marathon = MarathonServer.start(MarathonConfig.defaults(zkUrl + "/strata", zkUrl + "/marathon").withHttpPort(0));
        api = URI.create("http://" + HOST + ":" + marathon.port());
        await("Marathon to lead and register", Duration.ofSeconds(60), () -> {
            try {
                JsonNode info = get("/v2/info");
                return info.path("elected").asBoolean() && !info.path("frameworkId").asText("").isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static String sleepApp(String id, int instances) {
        return "{\"id\":\"" + id + "\",\"cmd\":\"exec sleep 600\",\"cpus\":0.01,\"mem\":8,\"instances\":" + instances
                + ",\"portDefinitions\":[]}";
    }

    private void awaitRunning(int tasks, Duration timeout) throws Exception {
        long[] lastReport = {System.nanoTime()};
        await(tasks + " tasks running", timeout, () -> {
            JsonNode apps = get("/v2/apps").path("apps");
            int running = 0;
            boolean deploying = false;
            for (JsonNode a : apps) {
                running += a.path("tasksRunning").asInt();
                deploying |= !a.path("deployments").isEmpty();
            }
            if (System.nanoTime() - lastReport[0] > 10_000_000_000L) {
                System.out.println("  ... " + running + " running");
                lastReport[0] = System.nanoTime();
            }
            return running >= tasks && !deploying;
        });
    }

    @Override
    public String toString() {
        return "MarathonBenchmark(" + work + ")";
    }

    private synchronized void close() {
        if (marathon != null) {
            try {
                marathon.close();
            } catch (RuntimeException e) {
                System.err.println("stopping Marathon: " + e);
            }
            marathon = null;
        }
        for (AgentServer a : agents) {
            try {
                a.close();
            } catch (RuntimeException e) {
                System.err.println("stopping an agent: " + e);
            }
        }
        agents.clear();
        if (master != null) {
            try {
                master.close();
            } catch (Exception e) {
                System.err.println("stopping the master: " + e);
            }
            master = null;
        }
        if (zk != null) {
            zk.close();
            zk = null;
        }
        deleteTree(work);
    }

    // ------------------------------------------------------------------ plumbing

    private JsonNode post(String path, String body) throws Exception {
        return send("POST", path, body);
    }

    private JsonNode send(String method, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }

    private String getRaw(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("GET " + path + " -> " + r.statusCode() + " " + r.body());
        return r.body();
    }

    private JsonNode get(String path) throws Exception {
        return JSON.readTree(getRaw(path));
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }

    private static void await(String what, Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            Thread.sleep(50);
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(250);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double secs(long ns) {
        return ns / 1e9;
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) return;
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("could not remove " + root + ": " + e);
        }
    }
}
