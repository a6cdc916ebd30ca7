package io.strata.marathon.deployment;

import io.strata.marathon.model.Group;
import io.strata.marathon.model.PathId;
import java.time.Instant;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/** How to get from {@code original} to {@code target}: ordered steps. Immutable; progress lives in the executor. */
public record DeploymentPlan(String id, Instant version, Group original, Group target, List<DeploymentStep> steps) {
    public DeploymentPlan {
        steps = List.copyOf(steps);
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    public SortedSet<PathId> affectedApps() {
        SortedSet<PathId> out = new TreeSet<>();
        for (DeploymentStep s : steps) for (DeploymentAction a : s.actions()) out.add(a.appId());
        return out;
    }

    public boolean affects(DeploymentPlan other) {
        SortedSet<PathId> mine = affectedApps();
        for (PathId p : other.affectedApps()) if (mine.contains(p)) return true;
        return false;
    }
}
