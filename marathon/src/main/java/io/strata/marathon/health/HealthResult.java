package io.strata.marathon.health;

import java.time.Instant;

/** The state of one health check of one instance, as {@code healthCheckResults} shows it. */
public record HealthResult(boolean alive, int consecutiveFailures, Instant firstSuccess, Instant lastSuccess,
                           Instant lastFailure, String lastFailureCause) {
    public static final HealthResult UNKNOWN = new HealthResult(false, 0, null, null, null, null);

    public HealthResult success(Instant now) {
        return new HealthResult(true, 0, firstSuccess == null ? now : firstSuccess, now, lastFailure, lastFailureCause);
    }

    public HealthResult failure(Instant now, String cause) {
        return new HealthResult(false, consecutiveFailures + 1, firstSuccess, lastSuccess, now, cause);
    }
}
