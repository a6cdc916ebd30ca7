package io.strata.bench.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.Callable;
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
 * The other side of {@link HeapBenchmark}, in its own JVM so that the master's heap holds only the master (and
 * because one process cannot hold both ends of 10,000 connections under a 20,000 file limit): simulated
 * agents over HTTP, then one v1 framework over HTTP that launches the tasks across them.
 *
 * <p>It talks to its parent through stdin/stdout: it prints {@code @@ registered <agents> <ms>}, waits for a
 * {@code launch} line, prints {@code @@ running <tasks> <ms> <accept calls>}, and keeps its agents answering
 * pings until an {@code exit} line (or the end of stdin). {@code @@ failed <why>} ends it early.
 */
@Command(name = "load-generator", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Simulated agents and a framework against a master (driven by HeapBenchmark).")
public final class LoadGenerator implements Callable<Integer> {
    @Option(names = "--master", required = true, description = "master URL, e.g. http://127.0.0.1:5050")
    URI master;
    @Option(names = "--agents", defaultValue = "10000")
    int agents;
    @Option(names = "--tasks", defaultValue = "100000")
    int tasks;
    @Option(names = "--agent-cpus", defaultValue = "4")
    double agentCpus;
    @Option(names = "--agent-mem", defaultValue = "8192")
    double agentMem;
    @Option(names = "--agent-ports", defaultValue = "true", arity = "1", description = "agents offer ports [31000-32000]")
    boolean agentPorts;
    @Option(names = "--task-cpus", defaultValue = "0.01")
    double taskCpus;
    @Option(names = "--task-mem", defaultValue = "1")
    double taskMem;
    @Option(names = "--subscribe-concurrency", defaultValue = "64", description = "agent SUBSCRIBEs outstanding at once")
    int subscribeConcurrency;
    @Option(names = "--stream-clients", defaultValue = "16", description = "HttpClients carrying the agent streams")
    int streamClients;
    @Option(names = "--max-posts", defaultValue = "64", description = "agent UPDATE posts outstanding at once")
    int maxPosts;
    @Option(names = "--max-pongs", defaultValue = "256", description = "agent PONG posts outstanding at once")
    int maxPongs;
    @Option(names = "--max-in-flight", defaultValue = "32", description = "scheduler calls outstanding at once")
    int maxInFlight;
    @Option(names = "--timeout", defaultValue = "1800", description = "seconds for each phase")
    int timeoutSeconds;

    private final BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    public static void main(String[] argv) {
        System.exit(new CommandLine(new LoadGenerator()).execute(argv));
    }

    static void report(String line) {
        System.out.println("@@ " + line);
        System.out.flush();
    }

    /** Reads stdin until {@code word}; false at the end of stdin (the parent is gone). */
    private boolean waitFor(String word) throws IOException {
        String line;
        while ((line = stdin.readLine()) != null) {
            if (line.trim().equals(word)) return true;
        }
        return false;
    }

    @Override
    public Integer call() throws Exception {
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        try (SimulatedAgents sims = new SimulatedAgents(master, agents, agentCpus, agentMem, agentPorts, streamClients, maxPosts, maxPongs)) {
            long t0 = System.nanoTime();
            sims.subscribeAll(subscribeConcurrency, timeout);
            report("registered " + sims.size() + " " + Percentiles.ms((System.nanoTime() - t0) / 1e6) + " " + sims.subscribeRetries.get());
            if (!waitFor("launch")) return 0;

            HttpClient http = SchedulerClient.newHttpClient();
            try (SchedulerClient scheduler = new SchedulerClient(http, master, maxInFlight)) {
                scheduler.subscribe(FrameworkInfo.newBuilder()
                        .setUser(System.getProperty("user.name", "root"))
                        .setName("strata-bench-heap")
                        .setFailoverTimeout(0)
                        .build(), Duration.ofSeconds(60));
                launch(scheduler, sims, System.nanoTime() + timeout.toNanos());
                report("stats launches=" + sims.launches.get() + " pings=" + sims.pings.get() + " acks_from_master="
                        + sims.acknowledgements.get() + " agent_post_retries=" + sims.postRetries.get() + " agent_post_failures=" + sims.postFailures.get()
                        + " scheduler_calls=" + scheduler.callsSent());
                waitFor("exit");
            } finally {
                http.close();
            }
        } catch (Exception e) {
            report("failed " + e.getMessage());
            e.printStackTrace(System.err);
            return 1;
        }
        return 0;
    }

    private void launch(SchedulerClient scheduler, SimulatedAgents sims, long deadline) throws Exception {
        int perAgent = (int) Math.ceil(tasks / (double) agents);
        int launched = 0;
        int running = 0;
        int acceptCalls = 0;
        boolean suppressed = false;
        BitSet seenRunning = new BitSet(tasks);
        long start = 0;
        long lastRunning = 0;
        Filters refuse = Filters.newBuilder().setRefuseSeconds(5).build();
        long nextProgress = System.nanoTime() + 10_000_000_000L;
        while (running < tasks) {
            if (System.nanoTime() > nextProgress) {
                nextProgress += 10_000_000_000L;
                System.out.println("launched " + launched + ", RUNNING " + running + ", agent PINGs answered " + sims.pings.get()
                        + (sims.firstError() == null ? "" : "; first agent error: " + sims.firstError()));
                System.out.flush();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out with " + launched + " tasks launched and " + running + " RUNNING");
            }
            SchedulerClient.Received r = scheduler.next(Duration.ofMillis(500));
            if (scheduler.firstError() != null) throw new IOException("a scheduler call failed: " + scheduler.firstError().getMessage());
            if (sims.firstError() != null) throw new IOException("a simulated agent failed: " + sims.firstError());
            if (r == null) continue;
            Event e = r.event();
            switch (e.getType()) {
                case OFFERS -> {
                    List<OfferID> unused = new ArrayList<>();
                    for (Offer offer : e.getOffers().getOffersList()) {
                        int n = Math.min(Math.min(perAgent, tasks - launched), Offers.fit(offer, taskCpus, taskMem));
                        if (n <= 0) {
                            unused.add(offer.getId());
                            continue;
                        }
                        List<TaskInfo> infos = new ArrayList<>(n);
                        for (int i = 0; i < n; i++) infos.add(Offers.commandTask(offer, "t" + (launched + i), "sleep 3600", taskCpus, taskMem));
                        if (start == 0) start = System.nanoTime();
                        scheduler.accept(List.of(offer.getId()), List.of(Offer.Operation.newBuilder()
                                .setType(Offer.Operation.Type.LAUNCH)
                                .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(infos)).build()), refuse);
                        launched += n;
                        acceptCalls++;
                    }
                    if (!unused.isEmpty()) scheduler.decline(unused, 3600);
                    if (launched >= tasks && !suppressed) {
                        scheduler.suppress();
                        suppressed = true;
                    }
                }
                case UPDATE -> {
                    TaskStatus status = e.getUpdate().getStatus();
                    scheduler.acknowledge(status);
                    String id = status.getTaskId().getValue();
                    int index = id.startsWith("t") ? Integer.parseInt(id.substring(1)) : -1;
                    if (index < 0 || index >= tasks) continue;
                    if (status.getState() == TaskState.TASK_RUNNING) {
                        if (!seenRunning.get(index)) {
                            seenRunning.set(index);
                            running++;
                            lastRunning = r.nanos();
                        }
                    } else if (io.strata.master.tasks.TaskStates.isTerminal(status.getState())) {
                        throw new IOException("task " + id + " ended " + status.getState() + " (source " + status.getSource()
                                + ", reason " + status.getReason() + "): " + status.getMessage());
                    }
                }
                case ERROR -> throw new IOException("the master sent ERROR: " + e.getError().getMessage());
                default -> { }
            }
        }
        if (!scheduler.awaitCalls(Duration.ofSeconds(120))) throw new IOException("scheduler calls still outstanding after 120 s");
        report("running " + running + " " + Percentiles.ms((lastRunning - start) / 1e6) + " " + acceptCalls);
    }
}
