package io.strata.marathon.deployment;

import io.strata.marathon.model.Instance;
import io.strata.marathon.model.KillSelection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which instances go when an app has more than it should: instances the user named first, then the least useful
 * (not yet launched, then unreachable, then still starting, then running), and within each kind the youngest or the
 * oldest first as the app's killSelection says.
 */
public final class KillSelector {
    private KillSelector() {}

    public static List<String> select(List<Instance> instances, int keep, List<String> sentenced, KillSelection selection) {
        List<Instance> alive = instances.stream().filter(i -> i.goal() == Instance.Goal.Running && !i.condition().isTerminal()).toList();
        int excess = alive.size() - keep;
        Set<String> out = new LinkedHashSet<>();
        for (String s : sentenced) if (alive.stream().anyMatch(i -> i.instanceId().equals(s))) out.add(s);
        if (excess <= out.size()) return new ArrayList<>(out);
        Comparator<Instant> byAge = selection == KillSelection.YOUNGEST_FIRST ? Comparator.reverseOrder() : Comparator.naturalOrder();
        List<Instance> order = new ArrayList<>(alive);
        order.sort(Comparator.comparingInt(KillSelector::rank)
                .thenComparing(KillSelector::since, Comparator.nullsFirst(byAge))
                .thenComparing(Instance::instanceId));
        for (Instance i : order) {
            if (out.size() >= excess) break;
            out.add(i.instanceId());
        }
        return new ArrayList<>(out);
    }

    private static int rank(Instance i) {
        return switch (i.condition()) {
            case Scheduled -> 0;
            case Unreachable, UnreachableInactive -> 1;
            case Provisioned, Staging, Starting -> 2;
            case Running -> Boolean.FALSE.equals(i.healthy()) ? 3 : 4;
            default -> 5;
        };
    }

    private static Instant since(Instance i) {
        return i.stagedAt() != null ? i.stagedAt() : i.scheduledAt();
    }
}
