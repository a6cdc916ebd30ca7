package io.strata.common.resources;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Resource.ReservationInfo;
import org.apache.mesos.v1.Protos.Value;

/** The checks Mesos applies to resources coming in over its APIs, with our own wording of the reasons. */
final class ResourceValidator {
  private ResourceValidator() {}

  static String validate(List<Resource> resources) {
    if (resources == null) {
      return "No resources given";
    }
    for (Resource r : resources) {
      String error = validate(r);
      if (error != null) {
        return error;
      }
    }
    return null;
  }

  private static String validate(Resource r) {
    String name = r.getName();
    if (name.isEmpty()) {
      return "Empty resource name";
    }
    if (!r.hasType()) {
      return "Resource '" + name + "' has no type";
    }
    String valueError = switch (r.getType()) {
      case SCALAR -> scalarError(r);
      case RANGES -> rangesError(r);
      case SET -> setError(r);
      default -> "Unsupported type " + r.getType() + " for resource '" + name + "'";
    };
    if (valueError != null) {
      return valueError;
    }
    Value.Type expected = switch (name) {
      case "cpus", "mem", "disk", "gpus" -> Value.Type.SCALAR;
      case "ports" -> Value.Type.RANGES;
      default -> null;
    };
    if (expected != null && r.getType() != expected) {
      return "Resource '" + name + "' must be of type " + expected + ", not " + r.getType();
    }
    if (name.equals("gpus") && r.getScalar().getValue() != Math.rint(r.getScalar().getValue())) {
      return "Resource 'gpus' must be a whole number, not " + r.getScalar().getValue();
    }
    return reservationError(r);
  }

  private static String scalarError(Resource r) {
    if (!r.hasScalar() || r.hasRanges() || r.hasSet()) {
      return "Invalid scalar resource '" + r.getName() + "': it must carry exactly a scalar value";
    }
    double v = r.getScalar().getValue();
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "Invalid scalar resource '" + r.getName() + "': value " + v + " is not a finite number";
    }
    if (v < 0) {
      return "Invalid scalar resource '" + r.getName() + "': negative value " + Resources.formatScalar(v);
    }
    return null;
  }

  private static String rangesError(Resource r) {
    if (!r.hasRanges() || r.hasScalar() || r.hasSet()) {
      return "Invalid ranges resource '" + r.getName() + "': it must carry exactly a ranges value";
    }
    List<Value.Range> ranges = r.getRanges().getRangeList();
    long[][] sorted = new long[ranges.size()][];
    for (int i = 0; i < ranges.size(); i++) {
      Value.Range range = ranges.get(i);
      if (range.getBegin() > range.getEnd()) {
        return "Invalid ranges resource '" + r.getName() + "': begin > end in [" + range.getBegin() + "-" + range.getEnd() + "]";
      }
      sorted[i] = new long[] {range.getBegin(), range.getEnd()};
    }
    Arrays.sort(sorted, (a, b) -> Long.compare(a[0], b[0]));
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i][0] <= sorted[i - 1][1]) {
        return "Invalid ranges resource '" + r.getName() + "': overlapping ranges [" + sorted[i - 1][0] + "-"
            + sorted[i - 1][1] + "] and [" + sorted[i][0] + "-" + sorted[i][1] + "]";
      }
    }
    return null;
  }

  private static String setError(Resource r) {
    if (!r.hasSet() || r.hasScalar() || r.hasRanges()) {
      return "Invalid set resource '" + r.getName() + "': it must carry exactly a set value";
    }
    Set<String> seen = new HashSet<>();
    for (String item : r.getSet().getItemList()) {
      if (!seen.add(item)) {
        return "Invalid set resource '" + r.getName() + "': duplicate item '" + item + "'";
      }
    }
    return null;
  }

  private static String reservationError(Resource r) {
    String name = r.getName();
    if (r.getReservationsCount() == 0) {
      if (r.hasRole()) {
        String roleError = roleError(r.getRole());
        if (roleError != null && !r.getRole().equals("*")) {
          return "Invalid role of resource '" + name + "': " + roleError;
        }
        if (r.getRole().equals("*") && r.hasReservation()) {
          return "Resource '" + name + "' has a dynamic reservation but role '*'";
        }
      } else if (r.hasReservation()) {
        return "Resource '" + name + "' has a reservation but no role";
      }
      return null;
    }
    if (r.hasRole() || r.hasReservation()) {
      return "Resource '" + name + "' mixes the deprecated 'role'/'reservation' fields with 'reservations'";
    }
    String previous = null;
    for (ReservationInfo reservation : r.getReservationsList()) {
      if (!reservation.hasType()) {
        return "Reservation of resource '" + name + "' has no type (STATIC or DYNAMIC)";
      }
      if (!reservation.hasRole() || reservation.getRole().equals("*")) {
        return "Reservation of resource '" + name + "' must name a role other than '*'";
      }
      String roleError = roleError(reservation.getRole());
      if (roleError != null) {
        return "Invalid reservation role of resource '" + name + "': " + roleError;
      }
      if (previous != null
          && (previous.equals(reservation.getRole()) || !Resources.isSelfOrAncestor(previous, reservation.getRole()))) {
        return "Reservation of resource '" + name + "' to '" + reservation.getRole()
            + "' does not refine the previous reservation to '" + previous + "'";
      }
      previous = reservation.getRole();
    }
    return null;
  }

  /** Mesos' role name rules, applied to each '/'-separated component. */
  static String roleError(String role) {
    if (role.isEmpty()) {
      return "role name is empty";
    }
    if (role.startsWith("/") || role.endsWith("/")) {
      return "role '" + role + "' must not start or end with '/'";
    }
    for (String part : role.split("/", -1)) {
      if (part.isEmpty()) {
        return "role '" + role + "' contains an empty path component";
      }
      if (part.equals(".") || part.equals("..")) {
        return "role '" + role + "' contains '.' or '..' as a component";
      }
      if (part.startsWith("-")) {
        return "role '" + role + "' has a component starting with '-'";
      }
      for (int i = 0; i < part.length(); i++) {
        char c = part.charAt(i);
        if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '\\') {
          return "role '" + role + "' contains a whitespace, control or backslash character";
        }
      }
    }
    return null;
  }
}
