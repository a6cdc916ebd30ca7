package io.strata.node;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@code dcos-node} process has started, stopped newest first: for {@code local} that is the agents
 * (which kill their tasks), then the master, then ZooKeeper. {@link #runUntilSignalled()} parks the main thread
 * until SIGTERM or SIGINT, whose shutdown hook stops everything gracefully before the JVM exits.
 */
public final class Lifecycle {
    /** Longest a graceful stop may take before the process gives up on it and exits anyway. */
    static final Duration STOP_LIMIT = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private record Part(String name, List<AutoCloseable> members) {}

    private final Deque<Part> parts = new ArrayDeque<>();
    private final PrintStream out;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean stopping;
    private boolean hookInstalled;

    public Lifecycle(PrintStream out) {
        this.out = out;
    }

    /** Records a started daemon; it is stopped before everything added earlier. */
    public void add(String name, AutoCloseable daemon) {
        addGroup(name, List.of(daemon));
    }

    /**
     * Records daemons that are stopped together, in parallel (agents killing their tasks). Daemons that finish
     * starting after a stop began are stopped at once, so a signal during start-up leaves nothing behind.
     */
    public void addGroup(String name, List<? extends AutoCloseable> daemons) {
        if (daemons.isEmpty()) return;
        Part part = new Part(name, List.copyOf(daemons));
        synchronized (this) {
            if (!stopping) {
                parts.push(part);
                return;
            }
        }
        stop(part);
    }

    /** Stops everything, newest first; safe to call more than once. */
    public void stopAll() {
        synchronized (this) {
            if (stopping) return;
            stopping = true;
        }
        try {
            while (true) {
                Part p;
                synchronized (this) {
                    p = parts.poll();
                }
                if (p == null) break;
                stop(p);
            }
        } finally {
            stopped.countDown();
        }
    }

    private void stop(Part p) {
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (AutoCloseable c : p.members()) {
            threads.add(Thread.ofPlatform().name("stop-" + p.name()).start(() -> {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("msg=\"error while stopping\" part={} error=\"{}\"", p.name(), UserError.describe(e), e);
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (out != null) out.printf("Stopped %s (%.1f s)%n", p.name(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Blocks the calling thread for the life of the process. On SIGTERM/SIGINT the JVM's shutdown hook stops
     * every part; if that takes longer than {@link #STOP_LIMIT} the process exits regardless.
     */
    public void runUntilSignalled() throws InterruptedException {
        installShutdownHook();
        stopped.await();
        // stopAll ran in the shutdown hook; the JVM exits once the hook returns
        Thread.currentThread().join();
    }

    /** Makes SIGTERM/SIGINT stop every part (also during start-up); idempotent. */
    public synchronized void installShutdownHook() {
        if (hookInstalled) return;
        hookInstalled = true;
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(() -> {
            boolean anything;
            synchronized (this) {
                anything = !parts.isEmpty();
            }
            if (out != null && anything) out.println("Stopping…");
            Thread watchdog = Thread.ofPlatform().daemon().name("shutdown-watchdog").start(() -> {
                try {
                    Thread.sleep(STOP_LIMIT.toMillis());
                    System.err.println("dcos-node: graceful stop took longer than " + STOP_LIMIT.toSeconds()
                            + " s; exiting anyway");
                    Runtime.getRuntime().halt(1);
                } catch (InterruptedException ignored) {
                    // stopped in time
                }
            });
            stopAll();
            watchdog.interrupt();
            if (out != null) out.flush();
        }));
    }
}
