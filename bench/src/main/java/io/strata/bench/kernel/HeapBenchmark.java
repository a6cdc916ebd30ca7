package io.strata.bench.kernel;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.json.Json;
import io.strata.node.Logging;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The master's heap with a big cluster: ZooKeeper and a master in this JVM; in a child JVM
 * ({@link LoadGenerator}), simulated agents that speak the real agent protocol over HTTP, one stream each, and a
 * v1 framework over HTTP that launches the tasks across them until all are TASK_RUNNING. This JVM's heap is
 * measured after full collections with the master idle, after the agents registered, and after the tasks run;
 * then {@code /master/state} is fetched and timed.
 *
 * <p>Why two processes: each agent stream is a TCP connection, and a connection inside one process costs a file
 * descriptor at each end; 10,000 agents would need more than 20,000 descriptors in one process, over this
 * machine's hard limit (ulimit -Hn 20000), while split they need ~10,000 each. It also keeps the generator's
 * own objects out of the heap being measured.
 *
 * <p>Issue target: master heap under 2 GB with 10,000 agents and 100,000 tasks.
 */
@Command(name = "bench/run heap", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Master heap with many simulated agents and tasks.")
public final class HeapBenchmark implements Callable<Integer> {
    @Option(names = "--agents", defaultValue = "10000", description = "simulated agents (default: ${DEFAULT-VALUE})")
    int agents;
    @Option(names = "--tasks", defaultValue = "100000", description = "tasks, cpus 0.01 and mem 1 each (default: ${DEFAULT-VALUE})")
    int tasks;
    @Option(names = "--agent-ports", defaultValue = "true", arity = "1",
            description = "whether every simulated agent offers ports [31000-32000], as real agents do (default: ${DEFAULT-VALUE})")
    boolean agentPorts;
    @Option(names = "--generator-heap", defaultValue = "3g", description = "-Xmx of the load generator JVM (default: ${DEFAULT-VALUE})")
    String generatorHeap;
    @Option(names = "--subscribe-concurrency", defaultValue = "64", description = "agent SUBSCRIBEs outstanding at once (default: ${DEFAULT-VALUE})")
    int subscribeConcurrency;
    @Option(names = "--timeout", defaultValue = "1800", description = "seconds for each phase (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;
    @Option(names = "--no-histogram", description = "skip jcmd GC.class_histogram")
    boolean noHistogram;
    @Option(names = "--keep-work-dir", description = "keep the temporary directory (kernel log, ZooKeeper data)")
    boolean keepWorkDir;
    @Option(names = "--verbose", description = "show the kernel's INFO log on stderr, not only warnings")
    boolean verbose;

    private final List<String> args;
    private final LinkedBlockingQueue<String> reports = new LinkedBlockingQueue<>();

    HeapBenchmark(List<String> args) {
        this.args = args;
    }

    public static void main(String[] argv) {
        System.exit(new CommandLine(new HeapBenchmark(List.of(argv))).execute(argv));
    }

    @Override
    public Integer call() throws Exception {
        Machine machine = Machine.describe();
        String commandLine = Machine.command(HeapBenchmark.class, args);
        Path workDir = Files.createTempDirectory("strata-bench-heap-");
        Path log = workDir.resolve("kernel.log");
        Logging.alsoToFile(log, verbose ? null : Level.WARN);
        System.out.printf("HeapBenchmark: %d simulated agents (real agent protocol over HTTP, in a child JVM), %d tasks "
                + "(cpus 0.01, mem 1) from one v1 framework over HTTP; agents offer cpus 4, mem 8192, disk 10000%s%n", agents, tasks,
                agentPorts ? ", ports [31000-32000]" : " (no ports)");
        System.out.println("work dir: " + workDir + " (kernel log: " + log + ")");
        List<String> lines = new ArrayList<>();
        boolean failed = false;
        Process generator = null;
        try (LocalKernel kernel = LocalKernel.start(workDir, Duration.ofSeconds(30))) {
            URI master = kernel.masterUri();
            HeapUsage idle = HeapUsage.afterGc();
            lines.add("master idle:            " + idle.summary());

            generator = startGenerator(master);
            String[] registered = expect("registered");
            double registerMs = Double.parseDouble(registered[2]);
            JsonNode metrics = metrics(master);
            HeapUsage withAgents = HeapUsage.afterGc();
            lines.add(String.format("registered %s agents in %s ms (%.0f/s, %s SUBSCRIBE connections retried; master reports "
                            + "slaves_active=%s)", registered[1], registered[2], agents / (registerMs / 1000), registered[3],
                    metrics.path("master/slaves_active").asText("?")));
            lines.add("with agents:            " + withAgents.summary());
            send(generator, "launch");

            String[] running = expect("running");
            double launchMs = Double.parseDouble(running[2]);
            String stats = expect("stats")[0];
            metrics = metrics(master);
            HeapUsage withTasks = HeapUsage.afterGc();
            lines.add(String.format("launched %s tasks in %s ms with %s ACCEPT calls (first ACCEPT -> last RUNNING, %.0f tasks/s; "
                            + "master reports tasks_running=%s)", running[1], running[2], running[3], tasks / (launchMs / 1000),
                    metrics.path("master/tasks_running").asText("?")));
            lines.add("generator: " + stats);
            lines.add("with agents and tasks:  " + withTasks.summary());
            lines.add(String.format("per agent %.1f KB, per task %.2f KB (heap used deltas)",
                    (withAgents.heapUsed() - idle.heapUsed()) / 1024.0 / agents,
                    (withTasks.heapUsed() - withAgents.heapUsed()) / 1024.0 / tasks));
            lines.add(String.format("TARGET heap used < 2048 MB with %d agents and %d tasks: measured %s", agents, tasks,
                    HeapUsage.mb(withTasks.heapUsed())));
            if (!noHistogram) {
                lines.add("jcmd GC.class_histogram, top 10:");
                for (String h : HeapUsage.classHistogram(10)) lines.add("  " + h);
            }
            lines.add(timedGet(master, "/master/state"));
            lines.add(timedGet(master, "/master/state-summary"));
            send(generator, "exit");
            if (!generator.waitFor(60, TimeUnit.SECONDS)) generator.destroyForcibly();
        } catch (Exception e) {
            failed = true;
            lines.add("FAILED: " + e.getMessage());
            e.printStackTrace(System.err);
        } finally {
            if (generator != null && generator.isAlive()) {
                generator.destroyForcibly();
                generator.waitFor(30, TimeUnit.SECONDS);
            }
        }
        for (String line : lines) System.out.println(line);
        System.out.println("GC: " + HeapUsage.collectors());
        System.out.println(machine.summary());
        System.out.println("command: " + commandLine);
        if (failed || keepWorkDir) System.out.println("kept " + workDir + " for inspection");
        else LocalKernel.deleteTree(workDir);
        return failed ? 1 : 0;
    }

    private Process startGenerator(URI master) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + generatorHeap);
        if (Runtime.version().feature() >= 23) cmd.add("--sun-misc-unsafe-memory-access=allow");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(LoadGenerator.class.getName());
        cmd.add("--master=" + master);
        cmd.add("--agents=" + agents);
        cmd.add("--tasks=" + tasks);
        cmd.add("--subscribe-concurrency=" + subscribeConcurrency);
        cmd.add("--agent-ports=" + agentPorts);
        cmd.add("--timeout=" + timeoutSeconds);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread.ofPlatform().daemon().name("generator-stdout").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("@@ ")) reports.add(line.substring(3));
                    else System.out.println("[generator] " + line);
                }
            } catch (IOException e) {
                // the generator ended
            } finally {
                reports.add("ended");
            }
        });
        return p;
    }

    /** Waits for the generator's next report, which must be {@code word}; returns its words. */
    private String[] expect(String word) throws InterruptedException {
        String line = reports.poll(timeoutSeconds + 60L, TimeUnit.SECONDS);
        if (line == null) throw new IllegalStateException("no '" + word + "' from the load generator within " + timeoutSeconds + " s");
        if (line.startsWith("failed")) throw new IllegalStateException("the load generator failed: " + line.substring(6).trim());
        if (line.equals("ended")) throw new IllegalStateException("the load generator ended before '" + word + "'");
        String[] parts = line.split(" ");
        if (!parts[0].equals(word)) throw new IllegalStateException("expected '" + word + "' from the load generator, got: " + line);
        if (word.equals("stats")) return new String[] {line};
        return parts;
    }

    private static void send(Process p, String line) throws IOException {
        OutputStream out = p.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static JsonNode metrics(URI master) throws IOException, InterruptedException {
        try (HttpClient http = SchedulerClient.newHttpClient()) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(master.resolve("/metrics/snapshot"))
                    .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 ? Json.read(r.body()) : Json.object();
        }
    }

    /** GETs a path, counting the body's bytes without keeping them; a line with status, size and time. */
    private static String timedGet(URI master, String path) throws IOException, InterruptedException {
        try (HttpClient http = SchedulerClient.newHttpClient()) {
            long t0 = System.nanoTime();
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(master.resolve(path))
                    .timeout(Duration.ofSeconds(300)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            long firstByte = System.nanoTime();
            long bytes = 0;
            byte[] buf = new byte[1 << 16];
            try (InputStream in = r.body()) {
                int n;
                while ((n = in.read(buf)) > 0) bytes += n;
            }
            long end = System.nanoTime();
            return String.format("GET %s: %d, %s in %s ms (headers after %s ms)", path, r.statusCode(), HeapUsage.mb(bytes),
                    Percentiles.ms((end - t0) / 1e6), Percentiles.ms((firstByte - t0) / 1e6));
        }
    }
}
