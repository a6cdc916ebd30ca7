package io.strata.agent.health;

import java.time.Duration;
import java.util.Optional;

/**
 * What a health check result means, as Mesos' health checker decides it: failures inside the grace period
 * are ignored until the task has been healthy once; every counted failure is reported as unhealthy, and the
 * one that reaches {@code consecutive_failures} asks for the task to be killed; a success is reported when it
 * is the first one or ends a run of failures.
 */
public final class HealthCheckPolicy {
    /** A health change to report as a TASK_RUNNING update. */
    public record Report(boolean healthy, int consecutiveFailures, boolean killTask) {}

    private final int maxConsecutiveFailures;
    private final Duration gracePeriod;
    private boolean initializing = true;
    private int consecutiveFailures;

    public HealthCheckPolicy(int maxConsecutiveFailures, Duration gracePeriod) {
        this(maxConsecutiveFailures, gracePeriod, null);
    }

    /**
     * @param lastReported the health last reported for the task (by an earlier agent run), or null: checks
     *                     that resume after an agent restart do not report again what the framework already knows
     */
    public HealthCheckPolicy(int maxConsecutiveFailures, Duration gracePeriod, Boolean lastReported) {
        this.maxConsecutiveFailures = Math.max(1, maxConsecutiveFailures);
        this.gracePeriod = gracePeriod;
        if (lastReported != null) {
            initializing = false;
            consecutiveFailures = lastReported ? 0 : 1;
        }
    }

    public Optional<Report> onSuccess() {
        boolean report = initializing || consecutiveFailures > 0;
        initializing = false;
        consecutiveFailures = 0;
        return report ? Optional.of(new Report(true, 0, false)) : Optional.empty();
    }

    /** @param sinceStart how long the checks have been running for this task */
    public Optional<Report> onFailure(Duration sinceStart) {
        if (initializing && !gracePeriod.isZero() && sinceStart.compareTo(gracePeriod) <= 0) {
            return Optional.empty();
        }
        consecutiveFailures++;
        return Optional.of(new Report(false, consecutiveFailures, consecutiveFailures >= maxConsecutiveFailures));
    }

    public int consecutiveFailures() {
        return consecutiveFailures;
    }
}
