package io.strata.bench.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Docker replicas, Strata against Docker Swarm on the same engine: time from the request to N containers of one
 * small image running, measured in the same run.
 *
 * <ul>
 *   <li><b>Strata</b>: a {@code dcos-node local} child process (ZooKeeper, master, agents with the docker
 *       containerizer, Marathon) on free ports; POST /v2/apps with a DOCKER app ({@code sleep 600}, cpus 0.01,
 *       mem 8, no ports, no health checks, {@code instances} N) and poll /v2/apps/{id} every 50 ms until
 *       tasksRunning = N (each counted task has had TASK_RUNNING from its agent, i.e. its container started).</li>
 *   <li><b>Swarm</b>: {@code docker swarm init --advertise-addr 127.0.0.1}, {@code docker service create --detach
 *       --replicas N --name strata-bench <image> sleep 600} and poll {@code docker service ps} every 50 ms until
 *       N tasks are "Running"; then {@code docker service rm} and {@code docker swarm leave --force}.</li>
 * </ul>
 * The image is busybox-static imported with {@code docker import} under a unique tag, removed at the end; every
 * container, the service, the swarm and the local cluster are removed too (also on Ctrl-C).
 *
 * <pre>
 * java -Dstrata.node.jar=node/target/dcos-node.jar -cp 'bench/target/strata-bench.jar:bench/target/lib/*' \
 *     io.strata.bench.docker.DockerBenchmark [replicas=50] [rounds=1] [network=BRIDGE|HOST]
 * </pre>
 */
public final class DockerBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration LIMIT = Duration.ofMinutes(5);
    private static final String SERVICE = "strata-bench";
    private static final String WORK_DIR_LABEL = "io.strata.agent.work_dir";

    private final int replicas;
    private final String network;
    private final Path work;
    private String image;
    private Process local;
    private URI marathon;
    private boolean swarmInitialised;
    private boolean serviceCreated;

    private DockerBenchmark(int replicas, String network, Path work) {
        this.replicas = replicas;
        this.network = network;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        int replicas = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        String network = args.length > 2 ? args[2].toUpperCase(Locale.ROOT) : "BRIDGE";
        System.out.println("# DockerBenchmark " + replicas + " " + rounds + " " + network + " — "
                + Runtime.getRuntime().availableProcessors() + " CPUs, java " + System.getProperty("java.version")
                + ", docker " + run(List.of("docker", "version", "--format", "{{.Server.Version}}"), 30).out().trim());
        DockerBenchmark b = new DockerBenchmark(replicas, network, Files.createTempDirectory("strata-bench-docker-").toRealPath());
        Thread cleanup = new Thread(b::close);
        Runtime.getRuntime().addShutdownHook(cleanup);
        int exit = 0;
        try {
            b.run(rounds);
        } catch (Exception | AssertionError e) {
            System.out.println("FAILED: " + e);
            exit = 1;
        } finally {
            b.close();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        System.exit(exit);
    }

    private void run(int rounds) throws Exception {
        if (run(List.of("docker", "info"), 30).code() != 0) throw new IllegalStateException("docker info fails: no Docker daemon");
        image = importImage();
        System.out.println("image " + image);
        long startCluster = System.nanoTime();
        startLocal();
        System.out.printf(Locale.ROOT, "strata: dcos-node local ready (Marathon elected, docker agents) in %.1f s%n",
                (System.nanoTime() - startCluster) / 1e9);
        List<Double> strata = new ArrayList<>();
        List<Double> swarm = new ArrayList<>();
        String swarmProblem = null;
        for (int round = 1; round <= rounds; round++) {
            double s = strataRound(round);
            strata.add(s);
            System.out.printf(Locale.ROOT, "round %d strata: %d/%d RUNNING in %.2f s%n", round, replicas, replicas, s);
            if (swarmProblem == null) {
                try {
                    double w = swarmRound(round);
                    swarm.add(w);
                    System.out.printf(Locale.ROOT, "round %d swarm:  %d/%d Running in %.2f s%n", round, replicas, replicas, w);
                } catch (IllegalStateException e) {
                    swarmProblem = e.getMessage();
                    System.out.println("swarm: " + swarmProblem);
                }
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "| %d replicas, %s | best | median |%n|---|---|---|%n", replicas, network);
        System.out.printf(Locale.ROOT, "| Strata (Marathon app, docker containerizer) | %.2f s | %.2f s |%n", min(strata), median(strata));
        if (!swarm.isEmpty()) {
            System.out.printf(Locale.ROOT, "| Docker Swarm (docker service create) | %.2f s | %.2f s |%n", min(swarm), median(swarm));
            System.out.printf(Locale.ROOT, "| ratio Strata / Swarm | %.2f | %.2f |%n", min(strata) / min(swarm), median(strata) / median(swarm));
        } else {
            System.out.println("| Docker Swarm | not measured: " + swarmProblem + " | |");
        }
    }

    // ------------------------------------------------------------------ Strata

    private void startLocal() throws Exception {
        Path jar = Path.of(System.getProperty("strata.node.jar", "node/target/dcos-node.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) throw new IllegalStateException("no " + jar + " (build node, or -Dstrata.node.jar=...)");
        int marathonPort = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-jar", jar.toString(), "local", "--work-dir", work.resolve("local").toString(),
                "--master-port", Integer.toString(freePort()), "--zk-port", Integer.toString(freePort()),
                "--agent-port", Integer.toString(freeConsecutive(2)), "--marathon-port", Integer.toString(marathonPort),
                "--dns-port", Integer.toString(freePort()), "--dns-http-port", Integer.toString(freePort()),
                "--gateway-port", Integer.toString(freePort()), "--cosmos-port", Integer.toString(freePort()));
        local = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("local.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        System.out.println("strata: " + String.join(" ", cmd));
        marathon = URI.create("http://127.0.0.1:" + marathonPort + "/");
        waitFor("Marathon elected", Duration.ofSeconds(90), () -> {
            if (!local.isAlive()) throw new IllegalStateException("dcos-node local exited: " + tail(work.resolve("local.out")));
            JsonNode info = getJson("v2/info");
            return info != null && info.path("elected").asBoolean(false) && !info.path("frameworkId").asText("").isEmpty();
        });
    }

    private double strataRound(int round) throws Exception {
        String id = "/bench/sleep" + round;
        String app = """
                {"id": "%s", "container": {"type": "DOCKER", "docker": {"image": "%s", "network": "%s"}},
                 "cmd": "exec sleep 600", "cpus": 0.01, "mem": 8, "instances": %d}""".formatted(id, image, network, replicas);
        long t0 = System.nanoTime();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(marathon.resolve("v2/apps"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(app)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) throw new IllegalStateException("POST /v2/apps -> " + r.statusCode() + " " + r.body());
        waitFor(id + ": " + replicas + " TASK_RUNNING", LIMIT, () -> {
            JsonNode a = getJson("v2/apps" + id);
            return a != null && a.path("app").path("tasksRunning").asInt() >= replicas;
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        int containers = strataContainers().size();
        if (containers < replicas) throw new IllegalStateException("Marathon says " + replicas + " running, docker shows " + containers);
        // remove the app and wait for its containers to be gone before the next measurement
        HTTP.send(HttpRequest.newBuilder(marathon.resolve("v2/apps" + id + "?force=true")).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
        waitFor(id + " deleted, containers removed", LIMIT, () -> {
            JsonNode a = getJson("v2/apps" + id);
            return a == null && strataContainers().isEmpty();
        });
        return seconds;
    }

    private List<String> strataContainers() {
        List<String> ids = new ArrayList<>();
        Result r = run(List.of("docker", "ps", "-a", "--no-trunc", "--filter", "label=" + WORK_DIR_LABEL,
                "--format", "{{.ID}} {{.Label \"" + WORK_DIR_LABEL + "\"}}"), 60);
        for (String line : r.out().split("\n")) {
            String[] f = line.trim().split(" ", 2);
            if (f.length == 2 && Path.of(f[1]).startsWith(work)) ids.add(f[0]);
        }
        return ids;
    }

    /** GET on Marathon: the JSON, or null on 404 / no answer. */
    private JsonNode getJson(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(marathon.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    // ------------------------------------------------------------------ Swarm

    private double swarmRound(int round) {
        if (!swarmInitialised) {
            String state = run(List.of("docker", "info", "--format", "{{.Swarm.LocalNodeState}}"), 30).out().trim();
            if (!state.equals("inactive")) throw new IllegalStateException("this engine is already in swarm state '" + state + "', not touching it");
            Result init = run(List.of("docker", "swarm", "init", "--advertise-addr", "127.0.0.1"), 120);
            if (init.code() != 0) throw new IllegalStateException("docker swarm init --advertise-addr 127.0.0.1 failed: " + init.out().trim());
            swarmInitialised = true;
        }
        List<String> create = new ArrayList<>(List.of("docker", "service", "create", "--detach", "--replicas",
                Integer.toString(replicas), "--name", SERVICE));
        if (network.equals("HOST")) create.addAll(List.of("--network", "host"));
        create.addAll(List.of(image, "sleep", "600"));
        if (round == 1) System.out.println("swarm: " + String.join(" ", create));
        long t0 = System.nanoTime();
        Result r = run(create, 120);
        serviceCreated = true;
        if (r.code() != 0) throw new IllegalStateException("docker service create failed: " + r.out().trim());
        waitFor(SERVICE + ": " + replicas + " Running", LIMIT, () -> {
            Result ps = run(List.of("docker", "service", "ps", "--filter", "desired-state=running", "--format",
                    "{{.CurrentState}}", SERVICE), 60);
            int running = 0;
            for (String line : ps.out().split("\n")) if (line.startsWith("Running")) running++;
            return running >= replicas;
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        removeService();
        return seconds;
    }

    private void removeService() {
        if (!serviceCreated) return;
        run(List.of("docker", "service", "rm", SERVICE), 120);
        serviceCreated = false;
        waitFor("the service's containers removed", LIMIT, () -> run(List.of("docker", "ps", "-a", "-q", "--filter",
                "label=com.docker.swarm.service.name=" + SERVICE), 60).out().isBlank());
    }

    // ------------------------------------------------------------------ common

    private String importImage() throws IOException {
        String name = "strata-bench/busybox:" + UUID.randomUUID().toString().substring(0, 12);
        Path dir = work.resolve("image");
        Files.createDirectories(dir.resolve("bin"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.copy(Path.of("/bin/busybox"), dir.resolve("bin/busybox"));
        for (String applet : List.of("sh", "sleep", "echo", "cat")) Files.createSymbolicLink(dir.resolve("bin").resolve(applet), Path.of("busybox"));
        Result r = run(List.of("sh", "-c", "tar -C '" + dir + "' -c . | docker import - " + name), 120);
        if (r.code() != 0) throw new IllegalStateException("docker import failed: " + r.out());
        return name;
    }

    private synchronized void close() {
        try {
            removeService();
        } catch (RuntimeException e) {
            System.out.println("cleanup: " + e.getMessage());
        }
        if (swarmInitialised) {
            run(List.of("docker", "swarm", "leave", "--force"), 120);
            swarmInitialised = false;
        }
        if (local != null && local.isAlive()) {
            local.destroy();
            try {
                if (!local.waitFor(60, TimeUnit.SECONDS)) local.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String c : strataContainers()) run(List.of("docker", "rm", "-f", c), 60);
        if (image != null) {
            run(List.of("docker", "rmi", "-f", image), 60);
            image = null;
        }
        try (Stream<Path> walk = Files.walk(work)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    private static void waitFor(String what, Duration limit, BooleanSupplier done) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out after " + limit + ": " + what);
            try {
                Thread.sleep(50); // poll interval of the measurement
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted: " + what);
            }
        }
    }

    private record Result(int code, String out) {}

    private static Result run(List<String> argv, long timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, new String(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** A free port outside 31000-32999, the task port range of dcos-node local's agents. */
    private static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                int port = s.getLocalPort();
                if (port < 31000 || port > 32999 + 2) return port;
            }
        }
    }

    /** The first of {@code n} consecutive free ports. */
    private static int freeConsecutive(int n) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = freePort();
            boolean ok = true;
            for (int i = 1; i < n && ok; i++) {
                try (ServerSocket s = new ServerSocket(first + i, 1, InetAddress.getByName("127.0.0.1"))) {
                    ok = true;
                } catch (IOException e) {
                    ok = false;
                }
            }
            if (ok) return first;
        }
        throw new IOException("no " + n + " consecutive free ports");
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static double min(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.isEmpty() ? Double.NaN : s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }
}
