package io.strata.marathon.model;

/** Bounds of a rolling restart, both fractions of the instance count. */
public record UpgradeStrategy(double minimumHealthCapacity, double maximumOverCapacity) {
    public static final UpgradeStrategy DEFAULT = new UpgradeStrategy(1.0, 1.0);
}
