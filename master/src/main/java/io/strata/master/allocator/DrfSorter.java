package io.strata.master.allocator;

import java.util.Comparator;
import java.util.Iterator;
import java.util.TreeSet;

/**
 * Clients in ascending share, ties broken by name. Kept sorted incrementally: a grant takes the
 * client out, changes its share and puts it back, so no pass ever re-sorts everything.
 */
final class DrfSorter implements Iterable<ShareClient> {
  private static final Comparator<ShareClient> ORDER =
      Comparator.<ShareClient>comparingDouble(c -> c.share).thenComparing(c -> c.name);

  private final TreeSet<ShareClient> clients = new TreeSet<>(ORDER);

  /** {@code client}'s share must be final before it is added. */
  void add(ShareClient client) {
    clients.add(client);
  }

  void grant(ShareClient client, double[] amounts, double[] totals) {
    clients.remove(client);
    client.add(amounts);
    client.recomputeShare(totals);
    clients.add(client);
  }

  boolean isEmpty() {
    return clients.isEmpty();
  }

  int size() {
    return clients.size();
  }

  /** Ascending; the sorter must not change while iterating. */
  @Override
  public Iterator<ShareClient> iterator() {
    return clients.iterator();
  }
}
