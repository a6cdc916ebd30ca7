package io.strata.master.allocator;

/**
 * A participant in a DRF ordering: a role among roles, or a framework among the frameworks of one
 * role. Its share is the largest fraction of any cluster total it holds, divided by its weight.
 * The share changes only through {@link DrfSorter#grant}, which keeps the sorted order intact.
 */
final class ShareClient {
  static final int CPUS = 0;
  static final int MEM = 1;
  static final int DISK = 2;
  static final int GPUS = 3;
  static final int DIMENSIONS = 4;

  final String name;
  final double weight;
  final double[] allocated = new double[DIMENSIONS];
  /** The frameworks of a role; null for a framework. */
  final DrfSorter frameworks;
  double share;

  ShareClient(String name, double weight, DrfSorter frameworks) {
    this.name = name;
    this.weight = weight;
    this.frameworks = frameworks;
  }

  void add(double[] amounts) {
    for (int i = 0; i < DIMENSIONS; i++) {
      allocated[i] += amounts[i];
    }
  }

  void recomputeShare(double[] totals) {
    double dominant = 0;
    for (int i = 0; i < DIMENSIONS; i++) {
      if (totals[i] > 0) {
        dominant = Math.max(dominant, allocated[i] / totals[i]);
      }
    }
    share = dominant / weight;
  }

  @Override
  public String toString() {
    return name + "@" + share;
  }
}
