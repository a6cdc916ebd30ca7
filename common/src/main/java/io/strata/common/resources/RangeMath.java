package io.strata.common.resources;

import java.util.Arrays;
import java.util.List;

import org.apache.mesos.v1.Protos.Value;

/**
 * Arithmetic on port-style ranges held as a flat, sorted, coalesced {@code long[]} of
 * {@code [begin0, end0, begin1, end1, ...]}: sorting once keeps union, difference and
 * containment linear.
 */
final class RangeMath {
  static final long[] NONE = new long[0];

  private RangeMath() {}

  /** Sorts and coalesces (overlapping or adjacent) ranges; ranges with begin &gt; end are rejected. */
  static long[] normalize(List<Value.Range> ranges, String name) {
    long[] flat = new long[ranges.size() * 2];
    int i = 0;
    for (Value.Range r : ranges) {
      if (r.getBegin() > r.getEnd()) {
        throw new IllegalArgumentException(
            "Invalid ranges resource '" + name + "': begin " + r.getBegin() + " > end " + r.getEnd());
      }
      flat[i++] = r.getBegin();
      flat[i++] = r.getEnd();
    }
    return coalesce(flat);
  }

  static long[] coalesce(long[] flat) {
    int n = flat.length / 2;
    if (n <= 1) {
      return flat;
    }
    long[][] pairs = new long[n][];
    for (int i = 0; i < n; i++) {
      pairs[i] = new long[] {flat[2 * i], flat[2 * i + 1]};
    }
    Arrays.sort(pairs, (a, b) -> Long.compare(a[0], b[0]));
    long[] out = new long[flat.length];
    int o = 0;
    long begin = pairs[0][0];
    long end = pairs[0][1];
    for (int i = 1; i < n; i++) {
      long b = pairs[i][0];
      long e = pairs[i][1];
      if (b <= end || b - 1 == end) {
        end = Math.max(end, e);
      } else {
        out[o++] = begin;
        out[o++] = end;
        begin = b;
        end = e;
      }
    }
    out[o++] = begin;
    out[o++] = end;
    return o == out.length ? out : Arrays.copyOf(out, o);
  }

  static long[] union(long[] a, long[] b) {
    if (a.length == 0) {
      return b;
    }
    if (b.length == 0) {
      return a;
    }
    long[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return coalesce(both);
  }

  /** {@code a - b}; both normalized. */
  static long[] subtract(long[] a, long[] b) {
    if (a.length == 0 || b.length == 0) {
      return a;
    }
    long[] out = new long[a.length + b.length];
    int o = 0;
    int j = 0;
    for (int i = 0; i < a.length; i += 2) {
      long cur = a[i];
      long end = a[i + 1];
      while (j < b.length && b[j + 1] < cur) {
        j += 2;
      }
      boolean consumed = false;
      for (int k = j; k < b.length && b[k] <= end; k += 2) {
        if (b[k] > cur) {
          out[o++] = cur;
          out[o++] = b[k] - 1;
        }
        if (b[k + 1] >= end) {
          consumed = true;
          break;
        }
        cur = b[k + 1] + 1;
      }
      if (!consumed) {
        out[o++] = cur;
        out[o++] = end;
      }
    }
    return Arrays.copyOf(out, o);
  }

  /** Whether every range of {@code b} lies inside one range of {@code a}; both normalized. */
  static boolean contains(long[] a, long[] b) {
    int i = 0;
    for (int j = 0; j < b.length; j += 2) {
      while (i < a.length && a[i + 1] < b[j]) {
        i += 2;
      }
      if (i >= a.length || a[i] > b[j] || a[i + 1] < b[j + 1]) {
        return false;
      }
    }
    return true;
  }

  static Value.Ranges toProto(long[] flat) {
    Value.Ranges.Builder b = Value.Ranges.newBuilder();
    for (int i = 0; i < flat.length; i += 2) {
      b.addRange(Value.Range.newBuilder().setBegin(flat[i]).setEnd(flat[i + 1]));
    }
    return b.build();
  }

  static List<Value.Range> toRangeList(long[] flat) {
    return List.copyOf(toProto(flat).getRangeList());
  }

  static long[] fromProto(Value.Ranges ranges) {
    long[] flat = new long[ranges.getRangeCount() * 2];
    for (int i = 0; i < ranges.getRangeCount(); i++) {
      flat[2 * i] = ranges.getRange(i).getBegin();
      flat[2 * i + 1] = ranges.getRange(i).getEnd();
    }
    return flat;
  }

  /** "[31000-31000, 31005-31010]", the form Mesos prints in state and in --resources. */
  static String format(long[] flat) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < flat.length; i += 2) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(flat[i]).append('-').append(flat[i + 1]);
    }
    return sb.append(']').toString();
  }
}
