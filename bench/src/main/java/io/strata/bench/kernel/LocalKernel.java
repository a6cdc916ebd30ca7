package io.strata.bench.kernel;

import io.strata.agent.AgentConfig;
import io.strata.agent.AgentServer;
import io.strata.agent.http.AgentState;
import io.strata.common.zk.EmbeddedZooKeeper;
import io.strata.master.MasterConfig;
import io.strata.master.MasterServer;
import io.strata.master.tasks.TaskStates;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.mesos.v1.Protos.Task;

/**
 * A real Strata kernel inside this JVM, on 127.0.0.1 with free ports, under one temporary directory:
 * embedded ZooKeeper, a master, and zero or more agents that run real processes. Closing it stops the
 * agents (killing their tasks), the master and ZooKeeper, in that order.
 */
final class LocalKernel implements AutoCloseable {
    static final String HOST = "127.0.0.1";

    final Path workDir;
    final EmbeddedZooKeeper zk;
    final MasterServer master;
    final List<AgentServer> agents = new ArrayList<>();

    private LocalKernel(Path workDir, EmbeddedZooKeeper zk, MasterServer master) {
        this.workDir = workDir;
        this.zk = zk;
        this.master = master;
    }

    /** ZooKeeper and a master (port 0), waiting until the master leads. */
    static LocalKernel start(Path workDir, Duration timeout) throws Exception {
        EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(HOST, 0, workDir.resolve("zookeeper"));
        MasterServer master;
        try {
            master = MasterServer.start(MasterConfig.defaults(zkUrl(zk), workDir.resolve("master")).withPort(0));
        } catch (Exception | Error e) {
            zk.close();
            throw e;
        }
        LocalKernel kernel = new LocalKernel(workDir, zk, master);
        try {
            kernel.await("the master to be elected", timeout, master::isLeading);
        } catch (Exception | Error e) {
            kernel.close();
            throw e;
        }
        return kernel;
    }

    static String zkUrl(EmbeddedZooKeeper zk) {
        return "zk://" + HOST + ":" + zk.port() + "/strata";
    }

    URI masterUri() {
        return URI.create("http://" + HOST + ":" + master.port());
    }

    /**
     * Starts an agent on a free port, found through ZooKeeper as {@code dcos-node local} does, killing its tasks
     * when it stops. Agents started here get disjoint port ranges.
     */
    AgentServer addAgent(String resources) throws Exception {
        int n = agents.size();
        AgentConfig d = AgentConfig.defaults(zkUrl(zk), workDir.resolve("agent-" + n));
        AgentConfig config = new AgentConfig(d.master(), HOST, 0, HOST, d.workDir(), resources, null, false, true,
                d.cgroupsRoot(), d.maxCompletedTasks());
        AgentServer agent = AgentServer.start(config);
        agents.add(agent);
        return agent;
    }

    /** Waits until every agent is subscribed to the master. */
    void awaitAgents(Duration timeout) throws InterruptedException {
        await(agents.size() + " agent(s) to register", timeout,
                () -> agents.stream().allMatch(AgentServer::registered));
    }

    /** Tasks that the agents still run (not terminal), by their own account. */
    int liveTasks() {
        int live = 0;
        for (AgentServer agent : agents) {
            AgentState state = agent.state();
            for (AgentState.FrameworkView fw : state.frameworks()) {
                for (AgentState.ExecutorView ex : fw.executors()) {
                    for (Task t : ex.tasks()) if (!TaskStates.isTerminal(t.getState())) live++;
                }
            }
        }
        return live;
    }

    /**
     * The agents' checkpoint log counters {commits, records, bytes, flushNanos}, summed; null with an agent
     * library that has no checkpoint log (one fsync per file, before it).
     */
    long[] checkpointStats() {
        long[] sum = new long[4];
        try {
            for (AgentServer agent : agents) {
                var s = agent.checkpointStats();
                sum[0] += s.commits();
                sum[1] += s.records();
                sum[2] += s.bytes();
                sum[3] += s.flushNanos();
            }
        } catch (LinkageError e) {
            return null;
        }
        return sum;
    }

    /** "checkpoint log during the run (launch and teardown): N flushes of M records, ..." from two counter readings. */
    static String checkpointDelta(long[] before, long[] after) {
        if (before == null || after == null) return "";
        long[] d = new long[4];
        for (int i = 0; i < 4; i++) d[i] = after[i] - before[i];
        return String.format("checkpoint log during the run (launch and teardown): %d flushes for %d records (%.1f MB), "
                + "%.0f ms writing and flushing", d[0], d[1], d[2] / 1e6, d[3] / 1e6);
    }

    /** Polls {@code condition} every 20 ms until it holds; IllegalStateException after the timeout. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        for (AgentServer agent : agents) {
            try {
                agent.close();
            } catch (RuntimeException e) {
                System.err.println("stopping an agent failed: " + e);
            }
        }
        try {
            master.close();
        } catch (RuntimeException e) {
            System.err.println("stopping the master failed: " + e);
        }
        zk.close();
    }

    /** Removes a directory tree; best effort (a task may still be writing its sandbox). */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
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
