package io.strata.marathon.model;

import java.time.Instant;

/**
 * When an app was last changed. {@code version} moves on every change; {@code lastConfigChangeAt} only when
 * something other than the instance count changed (which is what makes a change a restart).
 */
public record VersionInfo(Instant version, Instant lastScalingAt, Instant lastConfigChangeAt) {
    public static VersionInfo initial(Instant t) {
        return new VersionInfo(t, t, t);
    }

    public VersionInfo scaled(Instant t) {
        return new VersionInfo(t, t, lastConfigChangeAt);
    }

    public VersionInfo configChanged(Instant t) {
        return new VersionInfo(t, t, t);
    }
}
