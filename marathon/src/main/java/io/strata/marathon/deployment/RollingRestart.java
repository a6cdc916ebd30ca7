package io.strata.marathon.deployment;

import io.strata.marathon.model.UpgradeStrategy;

/**
 * The arithmetic of a rolling restart, as a pure function of counts, evaluated again after every change:
 * <ul>
 *   <li>never fewer than {@code ceil(instances * minimumHealthCapacity)} healthy (and ready) instances, counting
 *       old and new ones, once that many were healthy;</li>
 *   <li>never more than {@code floor(instances * (1 + maximumOverCapacity))} instances alive at once, old, new and
 *       dying ones together; when that leaves no room to move (e.g. minimumHealthCapacity 1 and
 *       maximumOverCapacity 0) one extra instance is allowed, as Marathon does, so the restart cannot deadlock.</li>
 * </ul>
 * So with the defaults (1, 1) all new instances start next to the old ones and an old one is killed for each new
 * one that turns healthy.
 */
public final class RollingRestart {
    private RollingRestart() {}

    /**
     * @param target          instances the new version should have
     * @param oldAlive        old-version instances not yet told to die
     * @param oldHealthy      those of them that are running and healthy
     * @param dying           instances told to die that have not ended yet
     * @param newAlive        new-version instances (scheduled, starting or running)
     * @param newHealthyReady new-version instances running, healthy and ready
     */
    public record Counts(int target, int oldAlive, int oldHealthy, int dying, int newAlive, int newHealthyReady) {}

    /** What to do now: kill that many old instances (unhealthy ones first), launch that many new ones. */
    public record Decision(int killOldUnhealthy, int killOldHealthy, int launchNew) {
        public int killOld() {
            return killOldUnhealthy + killOldHealthy;
        }
    }

    public static int minHealthy(int target, UpgradeStrategy s) {
        return (int) Math.ceil(target * s.minimumHealthCapacity() - 1e-9);
    }

    public static int maxCapacity(int target, UpgradeStrategy s) {
        int max = (int) Math.floor(target * (1 + s.maximumOverCapacity()) + 1e-9);
        return max <= minHealthy(target, s) ? minHealthy(target, s) + 1 : max;
    }

    public static Decision next(Counts c, UpgradeStrategy s) {
        int minHealthy = minHealthy(c.target(), s);
        int maxCapacity = maxCapacity(c.target(), s);
        int killUnhealthy = c.oldAlive() - c.oldHealthy();
        int healthyNow = c.oldHealthy() + c.newHealthyReady();
        int killHealthy = Math.max(0, Math.min(c.oldHealthy(), healthyNow - minHealthy));
        // Instances told to die count until they are gone: capacity is never exceeded, even while kills are slow.
        int aliveAfter = c.oldAlive() + c.dying() + c.newAlive();
        int launch = Math.max(0, Math.min(c.target() - c.newAlive(), maxCapacity - aliveAfter));
        return new Decision(killUnhealthy, killHealthy, launch);
    }

    public static boolean done(Counts c) {
        return c.oldAlive() == 0 && c.dying() == 0 && c.newAlive() == c.target() && c.newHealthyReady() >= c.target();
    }
}
