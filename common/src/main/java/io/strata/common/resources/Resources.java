package io.strata.common.resources;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Resource.AllocationInfo;
import org.apache.mesos.v1.Protos.Resource.ReservationInfo;
import org.apache.mesos.v1.Protos.Value;

/**
 * An immutable bag of Mesos resources with the arithmetic the master, agent and allocator need.
 *
 * <p>Entries are kept normalized: two entries that differ only in their value (same name, type,
 * reservations, allocation, disk, ...) are merged, scalars are rounded to three decimals (as Mesos'
 * fixed-point arithmetic does, so {@code 0.1 + 0.2 == 0.3}), ranges are sorted and coalesced, set
 * items are sorted, and empty entries are dropped. Reservations are always in the
 * post-refinement format ({@code Resource.reservations}); {@link #of} upgrades the deprecated
 * {@code role}/{@code reservation} fields, and {@link #downgraded} produces them again for
 * frameworks that did not opt into RESERVATION_REFINEMENT.
 */
public final class Resources {
  /** Mesos' default minimum allocatable resources: an offer must hold at least this much cpus or mem. */
  public static final double MIN_CPUS = 0.01;
  public static final double MIN_MEM = 32;

  private static final Resources EMPTY = new Resources(List.of(), false, Map.of());

  private final List<Resource> list;
  /** True only for {@link #downgraded()} results: those exist to be serialized, not computed with. */
  private final boolean downgraded;
  private final double cpus;
  private final double mem;
  private final double disk;
  private final double gpus;
  private final boolean anyReserved;
  private final boolean anyAllocated;
  /** Normalization key (entry with its value cleared) to entry, in list order; built on demand. */
  private volatile Map<Resource, Resource> byKey;
  private int hash;

  private Resources(List<Resource> list, boolean downgraded, Map<Resource, Resource> byKey) {
    this.list = list;
    this.downgraded = downgraded;
    this.byKey = byKey;
    double c = 0;
    double m = 0;
    double d = 0;
    double g = 0;
    boolean reserved = false;
    boolean allocated = false;
    for (Resource r : list) {
      reserved |= r.getReservationsCount() > 0 || (r.hasRole() && !"*".equals(r.getRole()));
      allocated |= r.hasAllocationInfo();
      if (!r.hasScalar()) {
        continue;
      }
      switch (r.getName()) {
        case "cpus" -> c += r.getScalar().getValue();
        case "mem" -> m += r.getScalar().getValue();
        case "disk" -> d += r.getScalar().getValue();
        case "gpus" -> g += r.getScalar().getValue();
        default -> { }
      }
    }
    this.cpus = round(c);
    this.mem = round(m);
    this.disk = round(d);
    this.gpus = round(g);
    this.anyReserved = reserved;
    this.anyAllocated = allocated;
  }

  // ---------------------------------------------------------------- factories

  public static Resources empty() {
    return EMPTY;
  }

  /**
   * Normalizes {@code list}; pre-refinement entries ({@code role}, {@code reservation}) are upgraded.
   * Throws {@link IllegalArgumentException} for entries that cannot be given a meaning (no value,
   * negative or non-finite scalar, range with begin &gt; end); use {@link #validate} first at API
   * boundaries for the full set of checks and a reason to report.
   */
  public static Resources of(Iterable<Resource> list) {
    LinkedHashMap<Resource, Resource> acc = new LinkedHashMap<>();
    for (Resource r : list) {
      Resource entry = normalizeEntry(upgrade(r));
      if (entry != null) {
        acc.merge(keyOf(entry), entry, Resources::add);
      }
    }
    return fromMap(acc);
  }

  /**
   * Parses the agent's {@code --resources} syntax ({@code "cpus:4;mem:8192;ports:[31000-32000];cpus(slave_public):2"},
   * sets as {@code "{a,b}"}) or its JSON-array form. Throws {@link IllegalArgumentException} with a reason.
   */
  public static Resources parse(String spec) {
    List<Resource> list = ResourceParser.parse(spec);
    String error = validate(list);
    if (error != null) {
      throw new IllegalArgumentException(error);
    }
    return of(list);
  }

  public static Resources scalar(String name, double value) {
    return of(List.of(Resource.newBuilder()
        .setName(name)
        .setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value))
        .buildPartial()));
  }

  public static Resources ports(long begin, long end) {
    return of(List.of(Resource.newBuilder()
        .setName("ports")
        .setType(Value.Type.RANGES)
        .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end)))
        .buildPartial()));
  }

  /** Null when {@code resources} are acceptable, else a human-readable reason. */
  public static String validate(List<Resource> resources) {
    return ResourceValidator.validate(resources);
  }

  // ---------------------------------------------------------------- queries

  /** The entries; in pre-refinement format only for a {@link #downgraded()} instance. */
  public List<Resource> toList() {
    return list;
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  /** Sum of the scalar {@code name} over all reservations and allocations. */
  public double scalar(String name) {
    switch (name) {
      case "cpus": return cpus;
      case "mem": return mem;
      case "disk": return disk;
      case "gpus": return gpus;
      default:
        long milli = 0;
        for (Resource r : list) {
          if (r.hasScalar() && r.getName().equals(name)) {
            milli += toMilli(r.getScalar().getValue());
          }
        }
        return milli / 1000.0;
    }
  }

  public double cpus() {
    return cpus;
  }

  public double mem() {
    return mem;
  }

  public double disk() {
    return disk;
  }

  public double gpus() {
    return gpus;
  }

  /** The union of the ranges {@code name} over all reservations and allocations, sorted and coalesced. */
  public List<Value.Range> ranges(String name) {
    return RangeMath.toRangeList(flatRanges(name));
  }

  private long[] flatRanges(String name) {
    long[] acc = RangeMath.NONE;
    for (Resource r : list) {
      if (r.hasRanges() && r.getName().equals(name)) {
        acc = RangeMath.union(acc, RangeMath.fromProto(r.getRanges()));
      }
    }
    return acc;
  }

  /** Roles holding a reservation here (the last, most refined reservation of each entry), sorted. */
  public Set<String> reservationRoles() {
    if (!anyReserved) {
      return Set.of();
    }
    TreeSet<String> roles = new TreeSet<>();
    for (Resource r : normal().list) {
      if (r.getReservationsCount() > 0) {
        roles.add(reservationRole(r));
      }
    }
    return Collections.unmodifiableSet(roles);
  }

  // ---------------------------------------------------------------- arithmetic

  public Resources plus(Resources other) {
    Resources a = normal();
    Resources b = other.normal();
    if (b.isEmpty()) {
      return a;
    }
    if (a.isEmpty()) {
      return b;
    }
    LinkedHashMap<Resource, Resource> acc = new LinkedHashMap<>(a.byKey());
    for (Map.Entry<Resource, Resource> e : b.byKey().entrySet()) {
      acc.merge(e.getKey(), e.getValue(), Resources::add);
    }
    return fromMap(acc);
  }

  /** {@code this - other}; {@link IllegalArgumentException} unless {@code this.contains(other)}. */
  public Resources minus(Resources other) {
    Resources a = normal();
    Resources b = other.normal();
    if (b.isEmpty()) {
      return a;
    }
    if (!a.contains(b)) {
      throw new IllegalArgumentException("Cannot subtract " + b + " from " + a + ": not contained");
    }
    LinkedHashMap<Resource, Resource> acc = new LinkedHashMap<>(a.byKey());
    for (Map.Entry<Resource, Resource> e : b.byKey().entrySet()) {
      Resource left = subtract(acc.get(e.getKey()), e.getValue());
      if (left == null) {
        acc.remove(e.getKey());
      } else {
        acc.put(e.getKey(), left);
      }
    }
    return fromMap(acc);
  }

  /**
   * Whether every entry of {@code other} is covered by an entry here with the same reservations and
   * allocation: {@code cpus(slave_public):1} is not contained in {@code cpus:4}.
   */
  public boolean contains(Resources other) {
    Map<Resource, Resource> mine = normal().byKey();
    for (Map.Entry<Resource, Resource> e : other.normal().byKey().entrySet()) {
      Resource have = mine.get(e.getKey());
      if (have == null || !containsValue(have, e.getValue())) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- reservations and allocation

  public Resources unreserved() {
    return filter(r -> r.getReservationsCount() == 0);
  }

  /** Entries whose last (most refined) reservation is exactly {@code role}. */
  public Resources reservedFor(String role) {
    return filter(r -> r.getReservationsCount() > 0 && reservationRole(r).equals(role));
  }

  /**
   * Unreserved entries plus those reserved for {@code role} or, as in Mesos' hierarchical roles,
   * for one of its ancestors ({@code a} reservations are usable by {@code a/b}).
   */
  public Resources allocatableTo(String role) {
    if (!anyReserved) {
      return normal();
    }
    return filter(r -> r.getReservationsCount() == 0 || isSelfOrAncestor(reservationRole(r), role));
  }

  /** A copy with {@code allocation_info.role = role} on every entry, as offers and allocations carry. */
  public Resources allocatedTo(String role) {
    Resources n = normal();
    if (n.isEmpty()) {
      return n;
    }
    AllocationInfo info = AllocationInfo.newBuilder().setRole(role).build();
    List<Resource> out = new ArrayList<>(n.list.size());
    boolean changed = false;
    for (Resource r : n.list) {
      if (r.hasAllocationInfo() && r.getAllocationInfo().equals(info)) {
        out.add(r);
      } else {
        out.add(r.toBuilder().setAllocationInfo(info).buildPartial());
        changed = true;
      }
    }
    if (!changed) {
      return n;
    }
    // Distinct keys stay distinct when every entry gets the same, previously absent, allocation.
    return n.anyAllocated ? merge(out) : new Resources(List.copyOf(out), false, null);
  }

  public Resources withoutAllocationInfo() {
    Resources n = normal();
    if (!n.anyAllocated) {
      return n;
    }
    List<Resource> out = new ArrayList<>(n.list.size());
    for (Resource r : n.list) {
      out.add(r.hasAllocationInfo() ? r.toBuilder().clearAllocationInfo().buildPartial() : r);
    }
    return merge(out);
  }

  /**
   * The pre-refinement format for frameworks without the RESERVATION_REFINEMENT capability:
   * {@code role} is the reservation role or {@code "*"}, a DYNAMIC reservation's principal and labels
   * go to {@code reservation}, and {@code reservations} is cleared. A refined reservation is
   * represented by its last role; the master should not offer refined reservations to such
   * frameworks at all. The result is meant for {@link #toList()}; arithmetic on it re-upgrades it.
   */
  public Resources downgraded() {
    if (downgraded) {
      return this;
    }
    List<Resource> out = new ArrayList<>(list.size());
    for (Resource r : list) {
      Resource.Builder b = r.toBuilder().clearReservations();
      if (r.getReservationsCount() == 0) {
        b.setRole("*");
      } else {
        ReservationInfo last = r.getReservations(r.getReservationsCount() - 1);
        b.setRole(last.getRole());
        if (last.getType() == ReservationInfo.Type.DYNAMIC) {
          ReservationInfo.Builder legacy = ReservationInfo.newBuilder();
          if (last.hasPrincipal()) {
            legacy.setPrincipal(last.getPrincipal());
          }
          if (last.hasLabels()) {
            legacy.setLabels(last.getLabels());
          }
          b.setReservation(legacy);
        }
      }
      out.add(b.buildPartial());
    }
    return new Resources(List.copyOf(out), true, null);
  }

  // ---------------------------------------------------------------- rendering

  /**
   * The shape of {@code resources} objects in Mesos' {@code /master/state}: cpus, disk, gpus and mem
   * always (as doubles), other scalars by name, ranges and sets as strings
   * ({@code "ports":"[31000-31000, 31005-31010]"}).
   */
  public LinkedHashMap<String, Object> toStateJson() {
    LinkedHashMap<String, Object> out = new LinkedHashMap<>();
    out.put("disk", disk);
    out.put("mem", mem);
    out.put("gpus", gpus);
    out.put("cpus", cpus);
    TreeMap<String, Long> otherScalars = new TreeMap<>();
    TreeMap<String, long[]> ranges = new TreeMap<>();
    TreeMap<String, TreeSet<String>> sets = new TreeMap<>();
    for (Resource r : list) {
      switch (r.getType()) {
        case SCALAR -> {
          if (!out.containsKey(r.getName())) {
            otherScalars.merge(r.getName(), toMilli(r.getScalar().getValue()), Long::sum);
          }
        }
        case RANGES -> ranges.merge(r.getName(), RangeMath.fromProto(r.getRanges()), RangeMath::union);
        case SET -> sets.computeIfAbsent(r.getName(), k -> new TreeSet<>()).addAll(r.getSet().getItemList());
        default -> { }
      }
    }
    otherScalars.forEach((name, milli) -> out.put(name, milli / 1000.0));
    ranges.forEach((name, flat) -> out.put(name, RangeMath.format(flat)));
    sets.forEach((name, items) -> out.put(name, "{" + String.join(", ", items) + "}"));
    return out;
  }

  /** {@code "cpus:1;mem:128;ports:[31000-31000]"}, reserved entries as {@code "cpus(slave_public):2"}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Resource r : normal().list) {
      if (!sb.isEmpty()) {
        sb.append(';');
      }
      sb.append(r.getName());
      if (r.getReservationsCount() > 0) {
        sb.append('(').append(reservationRole(r)).append(')');
      }
      if (r.hasRevocable()) {
        sb.append("{REV}");
      }
      sb.append(':').append(formatValue(r));
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof Resources other
        && downgraded == other.downgraded
        && list.size() == other.list.size()
        && hashCode() == other.hashCode()
        && byKey().equals(other.byKey());
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      for (Resource r : list) {
        h += r.hashCode(); // order-insensitive: normalized entries are unique by key
      }
      h = h * 31 + (downgraded ? 1 : 0);
      hash = h == 0 ? 1 : h;
    }
    return hash;
  }

  // ---------------------------------------------------------------- internals

  private Resources normal() {
    return downgraded ? of(list) : this;
  }

  private Map<Resource, Resource> byKey() {
    Map<Resource, Resource> m = byKey;
    if (m == null) {
      LinkedHashMap<Resource, Resource> acc = new LinkedHashMap<>();
      for (Resource r : list) {
        acc.merge(keyOf(r), r, Resources::add);
      }
      m = Collections.unmodifiableMap(acc);
      byKey = m;
    }
    return m;
  }

  private Resources filter(Predicate<Resource> keep) {
    Resources n = normal();
    LinkedHashMap<Resource, Resource> acc = new LinkedHashMap<>();
    for (Map.Entry<Resource, Resource> e : n.byKey().entrySet()) {
      if (keep.test(e.getValue())) {
        acc.put(e.getKey(), e.getValue());
      }
    }
    return acc.size() == n.list.size() ? n : fromMap(acc);
  }

  /** Merges already-normalized entries whose keys may now coincide. */
  private static Resources merge(List<Resource> entries) {
    LinkedHashMap<Resource, Resource> acc = new LinkedHashMap<>();
    for (Resource r : entries) {
      acc.merge(keyOf(r), r, Resources::add);
    }
    return fromMap(acc);
  }

  private static Resources fromMap(LinkedHashMap<Resource, Resource> acc) {
    if (acc.isEmpty()) {
      return EMPTY;
    }
    return new Resources(List.copyOf(acc.values()), false, Collections.unmodifiableMap(acc));
  }

  static String reservationRole(Resource r) {
    return r.getReservations(r.getReservationsCount() - 1).getRole();
  }

  static boolean isSelfOrAncestor(String ancestor, String role) {
    return role.equals(ancestor)
        || (role.length() > ancestor.length() && role.startsWith(ancestor) && role.charAt(ancestor.length()) == '/');
  }

  private static Resource keyOf(Resource r) {
    return r.toBuilder().clearScalar().clearRanges().clearSet().buildPartial();
  }

  /** Moves the deprecated {@code role}/{@code reservation} fields into {@code reservations}. */
  private static Resource upgrade(Resource r) {
    if (!r.hasRole() && !r.hasReservation()) {
      return r;
    }
    Resource.Builder b = r.toBuilder().clearRole().clearReservation();
    if (r.getReservationsCount() == 0 && r.hasRole() && !"*".equals(r.getRole())) {
      ReservationInfo.Builder reservation = r.hasReservation()
          ? r.getReservation().toBuilder().setType(ReservationInfo.Type.DYNAMIC)
          : ReservationInfo.newBuilder().setType(ReservationInfo.Type.STATIC);
      b.addReservations(reservation.setRole(r.getRole()));
    }
    return b.buildPartial();
  }

  /** The canonical form of one entry, or null when it is empty; returns {@code r} itself when already canonical. */
  private static Resource normalizeEntry(Resource r) {
    Value.Type type = r.hasType() ? r.getType() : inferType(r);
    switch (type) {
      case SCALAR -> {
        if (!r.hasScalar()) {
          throw new IllegalArgumentException("Scalar resource '" + r.getName() + "' has no scalar value");
        }
        double v = r.getScalar().getValue();
        if (Double.isNaN(v) || Double.isInfinite(v) || v < 0) {
          throw new IllegalArgumentException("Invalid scalar resource '" + r.getName() + "': value " + v);
        }
        long milli = toMilli(v);
        if (milli == 0) {
          return null;
        }
        if (milli / 1000.0 == v && r.hasType() && !r.hasRanges() && !r.hasSet()) {
          return r;
        }
        return withScalar(r.toBuilder().setType(type).clearRanges().clearSet(), milli);
      }
      case RANGES -> {
        if (!r.hasRanges()) {
          throw new IllegalArgumentException("Ranges resource '" + r.getName() + "' has no ranges");
        }
        long[] flat = RangeMath.normalize(r.getRanges().getRangeList(), r.getName());
        if (flat.length == 0) {
          return null;
        }
        if (java.util.Arrays.equals(flat, RangeMath.fromProto(r.getRanges()))
            && r.hasType() && !r.hasScalar() && !r.hasSet()) {
          return r;
        }
        return r.toBuilder().setType(type).clearScalar().clearSet().setRanges(RangeMath.toProto(flat)).buildPartial();
      }
      case SET -> {
        if (!r.hasSet()) {
          throw new IllegalArgumentException("Set resource '" + r.getName() + "' has no set");
        }
        TreeSet<String> items = new TreeSet<>(r.getSet().getItemList());
        if (items.isEmpty()) {
          return null;
        }
        if (List.copyOf(items).equals(r.getSet().getItemList()) && r.hasType() && !r.hasScalar() && !r.hasRanges()) {
          return r;
        }
        return withSet(r.toBuilder().setType(type).clearScalar().clearRanges(), items);
      }
      default -> throw new IllegalArgumentException(
          "Unsupported type " + type + " for resource '" + r.getName() + "'");
    }
  }

  private static Value.Type inferType(Resource r) {
    if (r.hasScalar()) {
      return Value.Type.SCALAR;
    }
    if (r.hasRanges()) {
      return Value.Type.RANGES;
    }
    if (r.hasSet()) {
      return Value.Type.SET;
    }
    throw new IllegalArgumentException("Resource '" + r.getName() + "' has no type and no value");
  }

  private static Resource add(Resource a, Resource b) {
    return switch (a.getType()) {
      case SCALAR -> withScalar(a.toBuilder(), toMilli(a.getScalar().getValue()) + toMilli(b.getScalar().getValue()));
      case RANGES -> a.toBuilder().setRanges(RangeMath.toProto(
          RangeMath.union(RangeMath.fromProto(a.getRanges()), RangeMath.fromProto(b.getRanges())))).buildPartial();
      case SET -> {
        TreeSet<String> items = new TreeSet<>(a.getSet().getItemList());
        items.addAll(b.getSet().getItemList());
        yield withSet(a.toBuilder(), items);
      }
      default -> throw new IllegalStateException("unsupported type " + a.getType());
    };
  }

  /** {@code a - b}, or null when nothing is left; the caller checked containment. */
  private static Resource subtract(Resource a, Resource b) {
    return switch (a.getType()) {
      case SCALAR -> {
        long milli = toMilli(a.getScalar().getValue()) - toMilli(b.getScalar().getValue());
        yield milli <= 0 ? null : withScalar(a.toBuilder(), milli);
      }
      case RANGES -> {
        long[] left = RangeMath.subtract(RangeMath.fromProto(a.getRanges()), RangeMath.fromProto(b.getRanges()));
        yield left.length == 0 ? null : a.toBuilder().setRanges(RangeMath.toProto(left)).buildPartial();
      }
      case SET -> {
        TreeSet<String> items = new TreeSet<>(a.getSet().getItemList());
        b.getSet().getItemList().forEach(items::remove);
        yield items.isEmpty() ? null : withSet(a.toBuilder(), items);
      }
      default -> throw new IllegalStateException("unsupported type " + a.getType());
    };
  }

  private static boolean containsValue(Resource have, Resource want) {
    return switch (have.getType()) {
      case SCALAR -> toMilli(have.getScalar().getValue()) >= toMilli(want.getScalar().getValue());
      case RANGES -> RangeMath.contains(RangeMath.fromProto(have.getRanges()), RangeMath.fromProto(want.getRanges()));
      case SET -> have.getSet().getItemList().containsAll(want.getSet().getItemList());
      default -> false;
    };
  }

  private static Resource withScalar(Resource.Builder b, long milli) {
    return b.setScalar(Value.Scalar.newBuilder().setValue(milli / 1000.0)).buildPartial();
  }

  private static Resource withSet(Resource.Builder b, TreeSet<String> items) {
    return b.setSet(Value.Set.newBuilder().addAllItem(items)).buildPartial();
  }

  static long toMilli(double v) {
    return Math.round(v * 1000);
  }

  private static double round(double v) {
    return toMilli(v) / 1000.0;
  }

  private static String formatValue(Resource r) {
    return switch (r.getType()) {
      case SCALAR -> formatScalar(r.getScalar().getValue());
      case RANGES -> RangeMath.format(RangeMath.fromProto(r.getRanges()));
      case SET -> "{" + String.join(", ", r.getSet().getItemList()) + "}";
      default -> "?";
    };
  }

  static String formatScalar(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
