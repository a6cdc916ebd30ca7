package io.strata.master.allocator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import io.strata.common.resources.Resources;
import org.apache.mesos.v1.Protos.Resource;

/**
 * Refusal filters created by DECLINE (or ACCEPT) with {@code filters.refuse_seconds}: until it
 * expires, a filter stops the allocator from offering the framework, on that agent, anything the
 * refused resources contain. Offering something the filter does not contain (say, more cpus after a
 * task ended) is still allowed, as in Mesos.
 *
 * <p>A filter is scoped to a role when the refused resources carry {@code allocation_info.role}
 * (as offered resources do); refused resources without allocation info filter every role of the
 * framework. REVIVE with roles ({@link #clear(String, String)}) drops the filters of that role and
 * the role-less ones.
 *
 * <p>Owned and mutated by the master's single event-loop thread; not thread-safe.
 */
public final class OfferFilters {
  /** Identity-equal on purpose: the expiry index removes exactly the instance it holds. */
  private static final class Filter {
    final String frameworkId;
    final String agentId;
    final String role; // null: every role
    final Resources refused; // without allocation info
    final Instant until;

    Filter(String frameworkId, String agentId, String role, Resources refused, Instant until) {
      this.frameworkId = frameworkId;
      this.agentId = agentId;
      this.role = role;
      this.refused = refused;
      this.until = until;
    }

    boolean appliesTo(String candidateRole) {
      return role == null || candidateRole == null || role.equals(candidateRole);
    }
  }

  private final Map<String, Map<String, List<Filter>>> byFramework = new HashMap<>();
  private final TreeMap<Instant, Set<Filter>> byExpiry = new TreeMap<>();
  private int size;

  public void refuse(String frameworkId, String agentId, Resources refused, Instant until) {
    if (refused.isEmpty()) {
      return;
    }
    String role = allocationRole(refused);
    Resources plain = refused.withoutAllocationInfo();
    List<Filter> filters = byFramework.computeIfAbsent(frameworkId, k -> new HashMap<>())
        .computeIfAbsent(agentId, k -> new ArrayList<>(2));
    // Repeated declines of the same offer would otherwise pile up identical filters.
    for (Iterator<Filter> it = filters.iterator(); it.hasNext(); ) {
      Filter old = it.next();
      if (old.refused.equals(plain) && java.util.Objects.equals(old.role, role)) {
        if (!old.until.isBefore(until)) {
          return;
        }
        it.remove();
        unindex(old);
      }
    }
    Filter filter = new Filter(frameworkId, agentId, role, plain, until);
    filters.add(filter);
    byExpiry.computeIfAbsent(until, k -> new LinkedHashSet<>()).add(filter);
    size++;
  }

  /**
   * True if an unexpired filter of the framework on that agent contains {@code candidate}. The
   * candidate's {@code allocation_info.role}, if any, selects the role-scoped filters that apply.
   */
  public boolean isFiltered(String frameworkId, String agentId, Resources candidate, Instant now) {
    if (!mayFilter(frameworkId, agentId)) {
      return false;
    }
    return isFiltered(frameworkId, allocationRole(candidate), agentId, candidate.withoutAllocationInfo(), now);
  }

  /** Whether any filter (expired or not) exists for the pair: a cheap pre-check for the hot loop. */
  boolean mayFilter(String frameworkId, String agentId) {
    Map<String, List<Filter>> byAgent = byFramework.get(frameworkId);
    return byAgent != null && byAgent.containsKey(agentId);
  }

  /** {@code plainCandidate} has no allocation info; {@code role} may be null (any role). */
  boolean isFiltered(String frameworkId, String role, String agentId, Resources plainCandidate, Instant now) {
    Map<String, List<Filter>> byAgent = byFramework.get(frameworkId);
    List<Filter> filters = byAgent == null ? null : byAgent.get(agentId);
    if (filters == null) {
      return false;
    }
    for (Filter f : filters) {
      if (now.isBefore(f.until) && f.appliesTo(role) && f.refused.contains(plainCandidate)) {
        return true;
      }
    }
    return false;
  }

  /** REVIVE: all filters of the framework go. */
  public void clear(String frameworkId) {
    removeWhere(frameworkId, f -> true);
  }

  /** REVIVE for one role: that role's filters and the role-less ones go. */
  public void clear(String frameworkId, String role) {
    removeWhere(frameworkId, f -> f.role == null || f.role.equals(role));
  }

  public void removeFramework(String frameworkId) {
    clear(frameworkId);
  }

  public void removeAgent(String agentId) {
    for (Iterator<Map<String, List<Filter>>> it = byFramework.values().iterator(); it.hasNext(); ) {
      Map<String, List<Filter>> byAgent = it.next();
      List<Filter> filters = byAgent.remove(agentId);
      if (filters != null) {
        filters.forEach(this::unindex);
      }
      if (byAgent.isEmpty()) {
        it.remove();
      }
    }
  }

  /** Drops every filter whose time has come ({@code until <= now}). */
  public void expire(Instant now) {
    while (!byExpiry.isEmpty() && !byExpiry.firstKey().isAfter(now)) {
      for (Filter f : byExpiry.pollFirstEntry().getValue()) {
        size--;
        Map<String, List<Filter>> byAgent = byFramework.get(f.frameworkId);
        List<Filter> filters = byAgent.get(f.agentId);
        filters.remove(f);
        if (filters.isEmpty()) {
          byAgent.remove(f.agentId);
          if (byAgent.isEmpty()) {
            byFramework.remove(f.frameworkId);
          }
        }
      }
    }
  }

  /** When the earliest filter expires: the master schedules an allocation then. */
  public Optional<Instant> nextExpiry() {
    return byExpiry.isEmpty() ? Optional.empty() : Optional.of(byExpiry.firstKey());
  }

  /** Number of filters held, expired or not (for metrics and tests). */
  public int size() {
    return size;
  }

  private void removeWhere(String frameworkId, Predicate<Filter> doomed) {
    Map<String, List<Filter>> byAgent = byFramework.get(frameworkId);
    if (byAgent == null) {
      return;
    }
    for (Iterator<List<Filter>> agents = byAgent.values().iterator(); agents.hasNext(); ) {
      List<Filter> filters = agents.next();
      for (Iterator<Filter> it = filters.iterator(); it.hasNext(); ) {
        Filter f = it.next();
        if (doomed.test(f)) {
          it.remove();
          unindex(f);
        }
      }
      if (filters.isEmpty()) {
        agents.remove();
      }
    }
    if (byAgent.isEmpty()) {
      byFramework.remove(frameworkId);
    }
  }

  private void unindex(Filter f) {
    Set<Filter> atInstant = byExpiry.get(f.until);
    if (atInstant != null && atInstant.remove(f)) {
      size--;
      if (atInstant.isEmpty()) {
        byExpiry.remove(f.until);
      }
    }
  }

  /** The role all entries are allocated to, or null if none is recorded or they disagree. */
  private static String allocationRole(Resources resources) {
    String role = null;
    for (Resource r : resources.toList()) {
      if (!r.hasAllocationInfo() || !r.getAllocationInfo().hasRole()) {
        return null;
      }
      String entryRole = r.getAllocationInfo().getRole();
      if (role == null) {
        role = entryRole;
      } else if (!role.equals(entryRole)) {
        return null;
      }
    }
    return role;
  }
}
