package io.strata.master.allocator;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.strata.common.resources.Resources;

/**
 * One agent's available resources cut into slices that are offered whole: the unreserved slice and
 * one slice per reservation role. A role can take every untaken slice it may use (unreserved, its
 * own reservations, its ancestors'), so tracking which slices are taken is all the bookkeeping an
 * agent needs during a pass. Reused across agents to keep the hot loop free of garbage.
 */
final class AgentSlices {
  private final List<Resources> slices = new ArrayList<>();
  private final List<String> reservationRoles = new ArrayList<>(); // null for unreserved
  private boolean[] taken = new boolean[4];
  private int untaken;

  void reset(Resources available) {
    slices.clear();
    reservationRoles.clear();
    Set<String> reserved = available.reservationRoles();
    if (reserved.isEmpty()) {
      addSlice(available, null);
    } else {
      addSlice(available.unreserved(), null);
      for (String role : reserved) {
        addSlice(available.reservedFor(role), role);
      }
    }
    if (taken.length < slices.size()) {
      taken = new boolean[slices.size()];
    }
    java.util.Arrays.fill(taken, 0, slices.size(), false);
    untaken = slices.size();
  }

  private void addSlice(Resources slice, String reservationRole) {
    if (!slice.isEmpty()) {
      slices.add(slice);
      reservationRoles.add(reservationRole);
    }
  }

  boolean exhausted() {
    return untaken == 0;
  }

  /** Whether what {@code role} could take here meets Mesos' minimum (cpus or mem). */
  boolean allocatableTo(String role) {
    double cpus = 0;
    double mem = 0;
    for (int i = 0; i < slices.size(); i++) {
      if (usable(i, role)) {
        cpus += slices.get(i).cpus();
        mem += slices.get(i).mem();
      }
    }
    return cpus >= Resources.MIN_CPUS || mem >= Resources.MIN_MEM;
  }

  /** Everything {@code role} could take, without allocation info. */
  Resources candidate(String role) {
    Resources result = null;
    for (int i = 0; i < slices.size(); i++) {
      if (usable(i, role)) {
        result = result == null ? slices.get(i) : result.plus(slices.get(i));
      }
    }
    return result == null ? Resources.empty() : result;
  }

  /** Marks {@code role}'s candidate as taken and returns its cpus/mem/disk/gpus. */
  double[] take(String role) {
    double[] amounts = new double[ShareClient.DIMENSIONS];
    for (int i = 0; i < slices.size(); i++) {
      if (usable(i, role)) {
        Resources slice = slices.get(i);
        amounts[ShareClient.CPUS] += slice.cpus();
        amounts[ShareClient.MEM] += slice.mem();
        amounts[ShareClient.DISK] += slice.disk();
        amounts[ShareClient.GPUS] += slice.gpus();
        taken[i] = true;
        untaken--;
      }
    }
    return amounts;
  }

  private boolean usable(int i, String role) {
    if (taken[i]) {
      return false;
    }
    String reservation = reservationRoles.get(i);
    return reservation == null
        || role.equals(reservation)
        || (role.length() > reservation.length() && role.startsWith(reservation)
            && role.charAt(reservation.length()) == '/');
  }
}
