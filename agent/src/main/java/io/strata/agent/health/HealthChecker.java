package io.strata.agent.health;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks one task's health on a schedule: first after {@code delay_seconds}, then {@code interval_seconds}
 * after each check completes, each bounded by {@code timeout_seconds}. The checks run on virtual threads; the
 * timer only schedules them. Reports go to the listener ({@link HealthCheckPolicy} decides which).
 */
public final class HealthChecker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

    private final String taskId;
    private final HealthCheck check;
    private final HealthProbe probe;
    private final HealthCheckPolicy policy;
    private final ScheduledExecutorService timer;
    private final Consumer<HealthCheckPolicy.Report> listener;
    private final long startNanos = System.nanoTime();
    private volatile boolean stopped;
    private volatile ScheduledFuture<?> next;
    private volatile Thread running;

    /** @param lastReported the task's last reported health (after an agent restart), or null */
    public HealthChecker(String taskId, HealthCheck check, HealthProbe probe, ScheduledExecutorService timer,
                         Boolean lastReported, Consumer<HealthCheckPolicy.Report> listener) {
        this.taskId = taskId;
        this.check = check;
        this.probe = probe;
        this.timer = timer;
        this.listener = listener;
        this.policy = new HealthCheckPolicy(check.getConsecutiveFailures(), seconds(check.getGracePeriodSeconds()), lastReported);
    }

    public void start() {
        schedule(seconds(check.getDelaySeconds()));
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos((long) (Math.max(0, s) * 1e9));
    }

    private void schedule(Duration delay) {
        if (stopped) return;
        try {
            next = timer.schedule(() -> {
                if (!stopped) running = Thread.ofVirtual().name("health-" + taskId).start(this::runOnce);
            }, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the agent is stopping
        }
    }

    private void runOnce() {
        boolean healthy;
        try {
            healthy = probe.probe(seconds(check.getTimeoutSeconds() > 0 ? check.getTimeoutSeconds() : 20));
        } catch (InterruptedException e) {
            return;
        } catch (RuntimeException e) {
            LOG.warn("msg=\"health check errored\" task={} error=\"{}\"", taskId, e.toString());
            healthy = false;
        }
        if (stopped) return;
        var report = healthy ? policy.onSuccess() : policy.onFailure(Duration.ofNanos(System.nanoTime() - startNanos));
        if (!healthy) {
            LOG.info("msg=\"health check failed\" task={} consecutive_failures={} counted={}", taskId,
                    policy.consecutiveFailures(), report.isPresent());
        }
        report.ifPresent(r -> {
            try {
                listener.accept(r);
            } catch (RuntimeException e) {
                LOG.warn("msg=\"health listener failed\" task={}", taskId, e);
            }
        });
        schedule(seconds(check.getIntervalSeconds()));
    }

    @Override
    public void close() {
        stopped = true;
        ScheduledFuture<?> n = next;
        if (n != null) n.cancel(false);
        Thread t = running;
        // a check that decides to kill its task closes its own checker: do not interrupt ourselves
        if (t != null && t != Thread.currentThread()) t.interrupt();
        probe.close();
    }
}
