package io.strata.master.allocator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import io.strata.common.resources.Resources;
import org.apache.mesos.v1.Protos.Resource;

/**
 * Weighted Dominant Resource Fairness across roles, then across the frameworks of each role, the
 * way Mesos' hierarchical allocator orders its offers.
 *
 * <p>Agents are visited in a fresh random order each pass so none is favoured. On each agent, roles
 * are visited in ascending weighted dominant share and, within a role, frameworks in ascending
 * dominant share; the first framework that is active, not suppressed for the role and not filtered
 * on the agent gets everything on the agent that the role may use (unreserved resources, the role's
 * reservations and its ancestors'), provided that holds at least {@link Resources#MIN_CPUS} cpus or
 * {@link Resources#MIN_MEM} mem. Whatever is left (reservations for other roles) goes on to the next
 * roles. Shares are updated after each agent, so the next agent favours whoever is now poorest.
 *
 * <p>Roles are ranked as a flat list: unlike Mesos, a parent role's share does not include its
 * children's. No quota stage. Pure and single-threaded; holds nothing between passes but the random
 * generator.
 */
public final class DrfAllocator {
  private static final String DEFAULT_ROLE = "*";

  private final RandomGenerator random;

  public DrfAllocator() {
    this(new SplittableRandom());
  }

  /** With a seeded generator for reproducible agent order. */
  public DrfAllocator(RandomGenerator random) {
    this.random = random;
  }

  public List<OfferPlan> allocate(AllocationInput in) {
    List<AgentView> agents = in.agents();
    double[] totals = clusterTotals(agents);
    DrfSorter roles = rankRoles(in, totals);
    List<OfferPlan> plans = new ArrayList<>();
    if (roles.isEmpty()) {
      return plans;
    }
    OfferFilters filters = in.filters();
    Instant now = in.now();
    AgentSlices slices = new AgentSlices();
    List<Grant> grants = new ArrayList<>();
    for (int index : shuffledIndices(agents.size())) {
      AgentView agent = agents.get(index);
      Resources available = agent.available();
      if (available.cpus() < Resources.MIN_CPUS && available.mem() < Resources.MIN_MEM) {
        continue; // no part of it could be allocatable either
      }
      slices.reset(available);
      for (ShareClient role : roles) {
        if (!slices.allocatableTo(role.name)) {
          continue;
        }
        Resources candidate = slices.candidate(role.name);
        for (ShareClient framework : role.frameworks) {
          if (filters != null && filters.mayFilter(framework.name, agent.agentId())
              && filters.isFiltered(framework.name, role.name, agent.agentId(), candidate, now)) {
            continue;
          }
          plans.add(new OfferPlan(framework.name, role.name, agent.agentId(), candidate.allocatedTo(role.name)));
          grants.add(new Grant(role, framework, slices.take(role.name)));
          break;
        }
        if (slices.exhausted()) {
          break;
        }
      }
      // Applied after the agent: sorters must not change while being iterated.
      for (Grant g : grants) {
        g.role.frameworks.grant(g.framework, g.amounts, totals);
        roles.grant(g.role, g.amounts, totals);
      }
      grants.clear();
    }
    return plans;
  }

  private record Grant(ShareClient role, ShareClient framework, double[] amounts) {}

  private static double[] clusterTotals(List<AgentView> agents) {
    double[] totals = new double[ShareClient.DIMENSIONS];
    for (AgentView a : agents) {
      Resources t = a.total();
      totals[ShareClient.CPUS] += t.cpus();
      totals[ShareClient.MEM] += t.mem();
      totals[ShareClient.DISK] += t.disk();
      totals[ShareClient.GPUS] += t.gpus();
    }
    return totals;
  }

  /**
   * Every role's share counts all frameworks' allocations (inactive ones too); only roles with at
   * least one framework that may receive offers in it are ranked.
   */
  private static DrfSorter rankRoles(AllocationInput in, double[] totals) {
    Map<String, Double> weights = in.roleWeights() == null ? Map.of() : in.roleWeights();
    Map<String, ShareClient> byName = new HashMap<>();
    for (FrameworkView f : in.frameworks()) {
      Set<String> subscribed = new LinkedHashSet<>(f.roles() == null || f.roles().isEmpty()
          ? List.of(DEFAULT_ROLE) : f.roles());
      Map<String, double[]> allocation = allocationByRole(f.allocated(), subscribed.iterator().next());
      Set<String> involved = new LinkedHashSet<>(subscribed);
      involved.addAll(allocation.keySet());
      Set<String> suppressed = f.suppressedRoles() == null ? Set.of() : f.suppressedRoles();
      for (String roleName : involved) {
        ShareClient role = byName.computeIfAbsent(roleName,
            k -> new ShareClient(k, weight(weights, k), new DrfSorter()));
        double[] amounts = allocation.get(roleName);
        if (amounts != null) {
          role.add(amounts);
        }
        if (f.active() && subscribed.contains(roleName) && !suppressed.contains(roleName)) {
          ShareClient framework = new ShareClient(f.frameworkId(), 1.0, null);
          if (amounts != null) {
            framework.add(amounts);
          }
          framework.recomputeShare(totals);
          role.frameworks.add(framework);
        }
      }
    }
    DrfSorter roles = new DrfSorter();
    for (ShareClient role : byName.values()) {
      if (!role.frameworks.isEmpty()) {
        role.recomputeShare(totals);
        roles.add(role);
      }
    }
    return roles;
  }

  private static Map<String, double[]> allocationByRole(Resources allocated, String fallbackRole) {
    Map<String, double[]> byRole = new HashMap<>(2);
    if (allocated == null) {
      return byRole;
    }
    for (Resource r : allocated.toList()) {
      int dimension = switch (r.getName()) {
        case "cpus" -> ShareClient.CPUS;
        case "mem" -> ShareClient.MEM;
        case "disk" -> ShareClient.DISK;
        case "gpus" -> ShareClient.GPUS;
        default -> -1;
      };
      if (dimension < 0 || !r.hasScalar()) {
        continue;
      }
      String role = r.hasAllocationInfo() && r.getAllocationInfo().hasRole()
          ? r.getAllocationInfo().getRole() : fallbackRole;
      byRole.computeIfAbsent(role, k -> new double[ShareClient.DIMENSIONS])[dimension] += r.getScalar().getValue();
    }
    return byRole;
  }

  private static double weight(Map<String, Double> weights, String role) {
    Double w = weights.get(role);
    return w == null || !(w > 0) || w.isInfinite() ? 1.0 : w;
  }

  private int[] shuffledIndices(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
