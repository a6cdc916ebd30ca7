package io.strata.marathon.launch;

import io.strata.marathon.model.AppDefinition;
import java.time.Duration;
import java.time.Instant;

/**
 * Launch backoff of one app, as Marathon: the first failure delays launches by {@code backoffSeconds}, each further
 * one multiplies the delay by {@code backoffFactor} up to {@code maxLaunchDelaySeconds}. Reset by a new version,
 * by {@code DELETE /v2/queue/{app}/delay}, and after delay + maxLaunchDelay without failures. Killed tasks do not
 * count as failures.
 */
public record Backoff(Duration delay, Instant lastFailure) {
    public static final Backoff NONE = new Backoff(Duration.ZERO, null);

    public Backoff failed(AppDefinition app, Instant now) {
        Duration max = Duration.ofSeconds(app.maxLaunchDelaySeconds());
        Duration next = delay.isZero() ? Duration.ofSeconds(app.backoffSeconds())
                : Duration.ofMillis((long) Math.min(delay.toMillis() * app.backoffFactor(), (double) max.toMillis()));
        if (next.compareTo(max) > 0) next = max;
        return new Backoff(next, now);
    }

    /** When launches may resume (null when not delayed). */
    public Instant until() {
        return lastFailure == null ? null : lastFailure.plus(delay);
    }

    public boolean delays(Instant now) {
        Instant u = until();
        return u != null && now.isBefore(u);
    }

    public Duration timeLeft(Instant now) {
        Instant u = until();
        return u == null || !now.isBefore(u) ? Duration.ZERO : Duration.between(now, u);
    }

    /** True when the app has been quiet long enough for the delay to be forgotten. */
    public boolean expired(AppDefinition app, Instant now) {
        return lastFailure != null && now.isAfter(lastFailure.plus(delay).plusSeconds(app.maxLaunchDelaySeconds()));
    }
}
