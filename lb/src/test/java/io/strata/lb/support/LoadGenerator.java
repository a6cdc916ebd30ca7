package io.strata.lb.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Steady HTTP load through the load balancer: a few threads, each sending one request at a time on a fresh
 * connection, at most {@code ratePerThread} requests a second each. Bounded: it stops by itself after
 * {@code maxDuration}, or when {@link #stop()} is called. A request fails when it is refused, reset, incomplete or
 * not answered 200 — the failures are kept with their reasons.
 */
public final class LoadGenerator implements AutoCloseable {
    private final int port;
    private final String host;
    private final String path;
    private final long deadline;
    private final long pauseNanos;
    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Map<String, AtomicLong> reasons = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> bodies = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    public LoadGenerator(int port, String host, String path, int threads, int ratePerThread, Duration maxDuration) {
        this.port = port;
        this.host = host;
        this.path = path;
        this.deadline = System.nanoTime() + maxDuration.toNanos();
        this.pauseNanos = 1_000_000_000L / Math.max(1, ratePerThread);
        for (int i = 0; i < threads; i++) this.threads.add(Thread.ofPlatform().name("load-" + i).daemon(true).unstarted(this::run));
    }

    public LoadGenerator start() {
        threads.forEach(Thread::start);
        return this;
    }

    private void run() {
        long next = System.nanoTime();
        while (!stopped && System.nanoTime() < deadline) {
            try {
                RawHttp.Response r = RawHttp.request("127.0.0.1", port, "GET", host, path, Map.of(), 10_000);
                if (r.status() == 200) {
                    ok.increment();
                    bodies.computeIfAbsent(r.body().strip(), k -> new AtomicLong()).incrementAndGet();
                } else {
                    fail("HTTP " + r.status());
                }
            } catch (Exception e) {
                fail(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            next += pauseNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
            else next = System.nanoTime();
        }
    }

    private void fail(String reason) {
        failed.increment();
        reasons.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
    }

    public long ok() {
        return ok.sum();
    }

    public long failed() {
        return failed.sum();
    }

    public Map<String, AtomicLong> reasons() {
        return reasons;
    }

    /** Answer bodies seen, with counts (which tasks answered). */
    public Map<String, AtomicLong> bodies() {
        return bodies;
    }

    /** Stops and waits for the threads. */
    public void stop() {
        stopped = true;
        for (Thread t : threads) {
            try {
                t.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "ok=" + ok() + " failed=" + failed() + " reasons=" + reasons;
    }
}
