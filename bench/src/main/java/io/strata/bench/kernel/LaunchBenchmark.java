package io.strata.bench.kernel;

import ch.qos.logback.classic.Level;
import io.strata.node.Logging;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Event;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long a framework waits for a batch of tasks to run: a real kernel in this JVM (embedded ZooKeeper, a
 * master, agents that fork real processes), a v1 scheduler over real HTTP that collects offers for all the
 * tasks, sends its ACCEPTs (one per offer, as few offers as fit the tasks), acknowledges every update, and
 * stops the clock when the last task is TASK_RUNNING. The clock starts just before the first ACCEPT is sent.
 * Each run is a fresh framework, torn down afterwards; the next run starts once the agents have no live task.
 *
 * <p>Issue target: 200 {@code sleep} tasks from one framework, first ACCEPT to all RUNNING under 1 s.
 */
@Command(name = "bench/run launch", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time from the first ACCEPT to all tasks TASK_RUNNING on an in-process kernel.")
public final class LaunchBenchmark implements Callable<Integer> {
    @Option(names = "--tasks", defaultValue = "200", description = "tasks per run (default: ${DEFAULT-VALUE})")
    int tasks;
    @Option(names = "--runs", defaultValue = "3", description = "runs, each with a fresh framework (default: ${DEFAULT-VALUE})")
    int runs;
    @Option(names = "--agents", defaultValue = "1", description = "agents (default: ${DEFAULT-VALUE})")
    int agents;
    @Option(names = "--agent-resources", defaultValue = "cpus:16;mem:32768;disk:10000;ports:[31000-32000]",
            description = "each agent's --resources; the n-th agent's ports move up by n ranges (default: ${DEFAULT-VALUE})")
    String agentResources;
    @Option(names = "--cpus", defaultValue = "0.01", description = "cpus per task (default: ${DEFAULT-VALUE})")
    double cpus;
    @Option(names = "--mem", defaultValue = "8", description = "mem (MB) per task (default: ${DEFAULT-VALUE})")
    double mem;
    @Option(names = "--command", defaultValue = "sleep 600", description = "shell command of each task (default: ${DEFAULT-VALUE})")
    String command;
    @Option(names = "--max-in-flight", defaultValue = "16",
            description = "scheduler calls outstanding at once, like a client's connection pool (default: ${DEFAULT-VALUE})")
    int maxInFlight;
    @Option(names = "--timeout", defaultValue = "120", description = "seconds one run may take (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;
    @Option(names = "--work-dir-parent", description = "where the temporary work dir goes (default: java.io.tmpdir); "
            + "/dev/shm (tmpfs) shows the launch path without the cost of fsync")
    Path workDirParent;
    @Option(names = "--keep-work-dir", description = "keep the temporary directory (logs, sandboxes)")
    boolean keepWorkDir;
    @Option(names = "--verbose", description = "show the kernel's INFO log on stderr, not only warnings")
    boolean verbose;

    private final List<String> args;

    LaunchBenchmark(List<String> args) {
        this.args = args;
    }

    public static void main(String[] argv) {
        int code = new CommandLine(new LaunchBenchmark(List.of(argv))).execute(argv);
        System.exit(code);
    }

    /** One run's figures, in milliseconds. */
    record Run(int run, int tasks, int acceptCalls, double allRunningMs, double p50Ms, double p99Ms, double teardownMs,
               String timeline) {}

    @Override
    public Integer call() throws Exception {
        Machine machine = Machine.describe();
        String commandLine = Machine.command(LaunchBenchmark.class, args);
        Path workDir = workDirParent == null ? Files.createTempDirectory("strata-bench-launch-")
                : Files.createTempDirectory(workDirParent, "strata-bench-launch-");
        Path log = workDir.resolve("kernel.log");
        Logging.alsoToFile(log, verbose ? null : Level.WARN);
        System.out.printf("LaunchBenchmark: %d x '%s' (cpus %s, mem %s) from one framework, %d agent(s) of '%s', %d run(s)%n",
                tasks, command, cpus, mem, agents, agentResources, runs);
        System.out.println("work dir: " + workDir + " (kernel log: " + log + ")");
        List<Run> results = new ArrayList<>();
        boolean failed = false;
        HttpClient http = SchedulerClient.newHttpClient();
        try (LocalKernel kernel = LocalKernel.start(workDir, Duration.ofSeconds(30))) {
            for (int i = 0; i < agents; i++) kernel.addAgent(withDisjointPorts(agentResources, i));
            kernel.awaitAgents(Duration.ofSeconds(30));
            for (int run = 1; run <= runs; run++) {
                Run r = runOnce(kernel, http, run);
                results.add(r);
                System.out.printf("run %d: %d tasks, %d ACCEPT call(s): first ACCEPT -> all RUNNING %s ms; "
                                + "per-task ACCEPT -> RUNNING p50 %s ms, p99 %s ms (teardown until no live task: %s ms)%n"
                                + "       timeline after the first ACCEPT: %s%n",
                        r.run(), r.tasks(), r.acceptCalls(), Percentiles.ms(r.allRunningMs()), Percentiles.ms(r.p50Ms()),
                        Percentiles.ms(r.p99Ms()), Percentiles.ms(r.teardownMs()), r.timeline());
            }
        } catch (Exception e) {
            failed = true;
            System.out.println("FAILED: " + e.getMessage());
            e.printStackTrace(System.err);
        } finally {
            http.close();
        }
        if (!results.isEmpty()) {
            double all = Percentiles.median(results.stream().map(Run::allRunningMs).toList());
            double p50 = Percentiles.median(results.stream().map(Run::p50Ms).toList());
            double p99 = Percentiles.median(results.stream().map(Run::p99Ms).toList());
            System.out.printf("median of %d run(s): %d tasks, first ACCEPT -> all RUNNING %s ms; per-task p50 %s ms, p99 %s ms "
                            + "(target: all RUNNING < 1000 ms for 200 tasks)%n",
                    results.size(), tasks, Percentiles.ms(all), Percentiles.ms(p50), Percentiles.ms(p99));
        }
        System.out.println(machine.summary());
        System.out.println("command: " + commandLine);
        if (failed || keepWorkDir) {
            System.out.println("kept " + workDir + " for inspection");
        } else {
            LocalKernel.deleteTree(workDir);
        }
        return failed ? 1 : 0;
    }

    private Run runOnce(LocalKernel kernel, HttpClient http, int run) throws Exception {
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        Run result;
        long[] before = kernel.checkpointStats();
        try (SchedulerClient scheduler = new SchedulerClient(http, kernel.masterUri(), maxInFlight)) {
            FrameworkInfo info = FrameworkInfo.newBuilder()
                    .setUser(System.getProperty("user.name", "root"))
                    .setName("strata-bench-launch-" + run)
                    .setFailoverTimeout(0)
                    .build();
            scheduler.subscribe(info, timeout);
            try {
                result = launch(scheduler, run, System.nanoTime() + timeout.toNanos());
            } catch (Exception e) {
                try {
                    scheduler.teardown();
                } catch (Exception teardown) {
                    e.addSuppressed(teardown);
                }
                throw e;
            }
            scheduler.teardown();
        }
        long t = System.nanoTime();
        LocalKernel.await("the agents to have no live task after TEARDOWN", Duration.ofSeconds(60), () -> kernel.liveTasks() == 0);
        double teardownMs = (System.nanoTime() - t) / 1e6;
        String checkpoints = LocalKernel.checkpointDelta(before, kernel.checkpointStats());
        return new Run(result.run(), result.tasks(), result.acceptCalls(), result.allRunningMs(), result.p50Ms(),
                result.p99Ms(), teardownMs, result.timeline() + (checkpoints.isEmpty() ? "" : "\n       " + checkpoints));
    }

    private Run launch(SchedulerClient scheduler, int run, long deadline) throws Exception {
        // 1. Hold offers until they cover every task.
        List<Offer> held = new ArrayList<>();
        int capacity = 0;
        while (capacity < tasks) {
            SchedulerClient.Received r = scheduler.next(left(deadline, "offers for " + tasks + " tasks (have room for " + capacity + ")"));
            if (r == null) continue;
            Event e = r.event();
            switch (e.getType()) {
                case OFFERS -> {
                    for (Offer o : e.getOffers().getOffersList()) {
                        held.add(o);
                        capacity += Offers.fit(o, cpus, mem);
                    }
                }
                case RESCIND -> {
                    held.removeIf(o -> o.getId().equals(e.getRescind().getOfferId()));
                    capacity = held.stream().mapToInt(o -> Offers.fit(o, cpus, mem)).sum();
                }
                case ERROR -> throw new IOException("the master sent ERROR: " + e.getError().getMessage());
                default -> { }
            }
        }
        // 2. Fewest offers: the biggest first, one ACCEPT per offer used.
        held.sort((a, b) -> Integer.compare(Offers.fit(b, cpus, mem), Offers.fit(a, cpus, mem)));
        String prefix = "r" + run + "-t";
        List<List<Integer>> batches = new ArrayList<>();
        List<OfferID> batchOffers = new ArrayList<>();
        List<List<TaskInfo>> batchTasks = new ArrayList<>();
        int next = 0;
        for (Offer o : held) {
            if (next >= tasks) break;
            int n = Math.min(Offers.fit(o, cpus, mem), tasks - next);
            if (n == 0) continue;
            List<Integer> indices = new ArrayList<>();
            List<TaskInfo> infos = new ArrayList<>();
            for (int i = 0; i < n; i++, next++) {
                indices.add(next);
                infos.add(Offers.commandTask(o, prefix + next, command, cpus, mem));
            }
            batches.add(indices);
            batchOffers.add(o.getId());
            batchTasks.add(infos);
        }
        List<OfferID> unused = held.stream().map(Offer::getId).filter(id -> !batchOffers.contains(id)).toList();

        // 3. The clock starts at the first ACCEPT.
        long[] acceptAt = new long[tasks];
        long[] runningAt = new long[tasks];
        long[] startingAt = new long[tasks];
        long[] acceptAnswered = new long[1];
        List<CompletableFuture<Void>> accepts = new ArrayList<>();
        Filters refuse = Filters.newBuilder().setRefuseSeconds(5).build();
        long start = System.nanoTime();
        for (int b = 0; b < batches.size(); b++) {
            long now = System.nanoTime();
            for (int i : batches.get(b)) acceptAt[i] = now;
            accepts.add(scheduler.accept(List.of(batchOffers.get(b)), List.of(Offer.Operation.newBuilder()
                    .setType(Offer.Operation.Type.LAUNCH)
                    .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(batchTasks.get(b))).build()), refuse)
                    .thenRun(() -> acceptAnswered[0] = Math.max(acceptAnswered[0], System.nanoTime())));
        }
        if (!unused.isEmpty()) scheduler.decline(unused, 5);

        // 4. Acknowledge everything; stop when the last task runs.
        Map<TaskState, Integer> seen = new EnumMap<>(TaskState.class);
        int running = 0;
        while (running < tasks) {
            SchedulerClient.Received r = scheduler.next(Duration.ofNanos(Math.min(
                    left(deadline, running + " of " + tasks + " tasks RUNNING; updates seen " + seen).toNanos(), 200_000_000L)));
            Throwable callError = scheduler.firstError();
            if (callError != null) throw new IOException("a scheduler call failed: " + callError.getMessage(), callError);
            if (r == null || r.event().getType() != Event.Type.UPDATE) continue;
            TaskStatus status = r.event().getUpdate().getStatus();
            scheduler.acknowledge(status);
            String id = status.getTaskId().getValue();
            if (!id.startsWith(prefix)) continue;
            int index = Integer.parseInt(id.substring(prefix.length()));
            seen.merge(status.getState(), 1, Integer::sum);
            if (status.getState() == TaskState.TASK_STARTING && startingAt[index] == 0) {
                startingAt[index] = r.nanos();
            } else if (status.getState() == TaskState.TASK_RUNNING) {
                if (runningAt[index] == 0) {
                    runningAt[index] = r.nanos();
                    running++;
                }
            } else if (io.strata.master.tasks.TaskStates.isTerminal(status.getState())) {
                throw new IOException("task " + id + " ended " + status.getState() + " (source " + status.getSource()
                        + ", reason " + status.getReason() + "): " + status.getMessage());
            }
        }
        long end = Arrays.stream(runningAt).max().orElse(start);
        CompletableFuture.allOf(accepts.toArray(CompletableFuture[]::new)).join();
        scheduler.awaitCalls(Duration.ofSeconds(30)); // the last acknowledgements, before TEARDOWN
        double[] latencies = new double[tasks];
        for (int i = 0; i < tasks; i++) latencies[i] = (runningAt[i] - acceptAt[i]) / 1e6;
        String timeline = "ACCEPT answered " + Percentiles.ms((acceptAnswered[0] - start) / 1e6) + " ms"
                + span("STARTING", startingAt, start) + span("RUNNING", runningAt, start);
        return new Run(run, tasks, batches.size(), (end - start) / 1e6, Percentiles.of(latencies, 50),
                Percentiles.of(latencies, 99), 0, timeline);
    }

    /**
     * Agents on one host must not offer the same ports (as with {@code dcos-node local}): the n-th agent's range
     * is the given one moved up by n times its width.
     */
    static String withDisjointPorts(String resources, int n) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("ports:\\[(\\d+)-(\\d+)]").matcher(resources);
        if (n == 0 || !m.find()) return resources;
        int first = Integer.parseInt(m.group(1));
        int last = Integer.parseInt(m.group(2));
        int shift = n * (last - first + 1);
        return resources.substring(0, m.start()) + "ports:[" + (first + shift) + "-" + (last + shift) + "]" + resources.substring(m.end());
    }

    /** ", first STARTING x ms, last y ms" over the tasks that reported the state. */
    private static String span(String state, long[] at, long start) {
        long first = Long.MAX_VALUE;
        long last = 0;
        int n = 0;
        for (long t : at) {
            if (t == 0) continue;
            n++;
            first = Math.min(first, t);
            last = Math.max(last, t);
        }
        if (n == 0) return "; no " + state;
        return "; " + state + " first " + Percentiles.ms((first - start) / 1e6) + " ms, last " + Percentiles.ms((last - start) / 1e6)
                + " ms (" + n + " tasks)";
    }

    private static Duration left(long deadline, String waitingFor) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new IllegalStateException("timed out waiting for " + waitingFor);
        return Duration.ofNanos(left);
    }
}
