package io.strata.marathon.deployment;

import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Group;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.PathId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The deployment planner: a pure function from (current root group, target root group, instances) to a plan.
 * <pre>
 *   step 1  StopApplication   for every app that is gone
 *   step 2  StartApplication  for every app that is new (registers it; it starts with 0 instances)
 *   step 3+ per dependency level, shallowest first:
 *           ScaleApplication   new app, or only the instance count changed, or scaled to 0
 *           RestartApplication anything else changed (rolling, bounded by upgradeStrategy)
 * </pre>
 * Dependency levels: an app's level is the length of the longest dependency chain starting at it, so an app runs
 * after everything it depends on (directly, through its groups, or transitively). Scale-downs name the instances
 * to kill, chosen by {@link KillSelector}.
 */
public final class DeploymentPlanner {
    private DeploymentPlanner() {}

    public static DeploymentPlan plan(String id, Instant version, Group original, Group target,
                                      Map<PathId, List<Instance>> instances, Map<PathId, List<String>> toKill) {
        SortedMap<PathId, AppDefinition> before = original.transitiveApps();
        SortedMap<PathId, AppDefinition> after = target.transitiveApps();
        List<DeploymentStep> steps = new ArrayList<>();

        List<DeploymentAction> stops = new ArrayList<>();
        for (PathId gone : before.keySet()) if (!after.containsKey(gone)) stops.add(DeploymentAction.stop(gone));
        steps.add(new DeploymentStep(stops));

        List<DeploymentAction> starts = new ArrayList<>();
        for (PathId added : after.keySet()) if (!before.containsKey(added)) starts.add(DeploymentAction.start(added));
        steps.add(new DeploymentStep(starts));

        Map<PathId, Set<PathId>> deps = target.appDependencies();
        TreeMap<Integer, List<PathId>> byLevel = new TreeMap<>();
        Map<PathId, Integer> memo = new HashMap<>();
        for (Map.Entry<PathId, AppDefinition> e : after.entrySet()) {
            AppDefinition old = before.get(e.getKey());
            boolean explicitKills = toKill.containsKey(e.getKey()) && !toKill.get(e.getKey()).isEmpty();
            if (old != null && old.equals(e.getValue()) && !explicitKills) continue;
            int level = longestPath(e.getKey(), deps, memo, new java.util.HashSet<>());
            byLevel.computeIfAbsent(level, k -> new ArrayList<>()).add(e.getKey());
        }
        for (List<PathId> level : byLevel.values()) {
            List<DeploymentAction> actions = new ArrayList<>();
            for (PathId appId : level) {
                AppDefinition next = after.get(appId);
                AppDefinition old = before.get(appId);
                List<Instance> current = instances.getOrDefault(appId, List.of());
                List<String> sentenced = toKill.getOrDefault(appId, List.of());
                if (old == null) {
                    actions.add(DeploymentAction.scale(appId, next.instances(), List.of()));
                } else if (old.isOnlyScaleChange(next) || next.instances() == 0 || (old.sameConfigAs(next) && !old.needsRestart(next))) {
                    List<String> kill = KillSelector.select(current, next.instances(), sentenced, next.killSelection());
                    actions.add(DeploymentAction.scale(appId, next.instances(), kill));
                } else if (old.needsRestart(next)) {
                    actions.add(DeploymentAction.restart(appId));
                }
            }
            steps.add(new DeploymentStep(actions));
        }
        List<DeploymentStep> nonEmpty = steps.stream().filter(s -> !s.actions().isEmpty()).toList();
        return new DeploymentPlan(id, version, original, target, nonEmpty);
    }

    /** Length of the longest chain of dependencies starting at {@code app} (1 for an app without any). */
    static int longestPath(PathId app, Map<PathId, Set<PathId>> deps, Map<PathId, Integer> memo, Set<PathId> visiting) {
        Integer known = memo.get(app);
        if (known != null) return known;
        if (!visiting.add(app)) return 1; // a cycle: validation rejects it; do not loop here
        int longest = 0;
        for (PathId d : deps.getOrDefault(app, Set.of())) longest = Math.max(longest, longestPath(d, deps, memo, visiting));
        visiting.remove(app);
        memo.put(app, longest + 1);
        return longest + 1;
    }

    /** Dependency cycles in a root group, as the ids of one app per cycle found (empty when acyclic). */
    public static List<PathId> cycles(Group root) {
        Map<PathId, Set<PathId>> deps = root.appDependencies();
        Map<PathId, Integer> state = new HashMap<>();
        List<PathId> found = new ArrayList<>();
        for (PathId p : deps.keySet()) if (cycleFrom(p, deps, state)) found.add(p);
        return found;
    }

    private static boolean cycleFrom(PathId p, Map<PathId, Set<PathId>> deps, Map<PathId, Integer> state) {
        Integer s = state.get(p);
        if (s != null) return s == 1;
        state.put(p, 1);
        for (PathId d : deps.getOrDefault(p, Set.of())) {
            if (cycleFrom(d, deps, state)) {
                state.put(p, 2);
                return true;
            }
        }
        state.put(p, 2);
        return false;
    }
}
