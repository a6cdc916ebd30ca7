package io.strata.dns.records;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The records served for the domain: an immutable index from owner name to its A, AAAA and SRV records, plus the
 * SOA and NS of the apex. A new zone is derived from the old one by {@link #apply applying} the records that
 * went and came; only the shards of the index that hold changed names are copied, so one task starting among
 * 10,000 costs microseconds, and readers never wait: they use whichever zone was published last.
 *
 * <p>Each record carries a count: the same record can be contributed by several owners (two tasks of one app on
 * one agent both give {@code web.marathon.slave.mesos A 10.0.0.1}) and stays until the last one goes. Each name also
 * counts the records below it, which tells an empty non-terminal ({@code _tcp.marathon.mesos}: NODATA) from a name
 * that does not exist (NXDOMAIN).
 */
public final class Zone {
    private static final int SHARDS = 4096;

    /** What the zone needs besides its records. Names are absolute. */
    public record Settings(Name origin, long ttl, int srvWeight, Name soaMname, Name soaRname, long soaRefresh,
                           long soaRetry, long soaExpire, long soaMinttl) {
        public static Settings of(String domain, long ttl, int srvWeight, String soaMname, String soaRname,
                                  long soaRefresh, long soaRetry, long soaExpire, long soaMinttl) {
            return new Settings(absolute(domain), ttl, srvWeight, absolute(soaMname), absolute(soaRname), soaRefresh,
                    soaRetry, soaExpire, soaMinttl);
        }
    }

    /** The records of one name, by type. Arrays are never modified once the node is published. */
    public static final class Node {
        static final Node EMPTY = new Node(new Record[0], new int[0], 0);
        private final Record[] records;
        private final int[] counts;
        private final int below;

        private Node(Record[] records, int[] counts, int below) {
            this.records = records;
            this.counts = counts;
            this.below = below;
        }

        /** The records of one type (A, AAAA or SRV), in the order they were added. */
        public List<Record> get(int type) {
            List<Record> out = new ArrayList<>();
            for (Record r : records) if (r.getType() == type) out.add(r);
            return out;
        }

        public Record first(int type) {
            for (Record r : records) if (r.getType() == type) return r;
            return null;
        }

        public List<Record> all() {
            return Arrays.asList(records);
        }

        public boolean hasRecords() {
            return records.length > 0;
        }

        /** Records exist at or below this name, so the name exists even with no record of the asked type. */
        public boolean exists() {
            return records.length > 0 || below > 0;
        }
    }

    private final Settings settings;
    private final Map<Key, Node>[] shards;
    private final long serial;
    private final SOARecord soa;
    private final NSRecord ns;
    private final SOARecord negativeSoa;
    private final int size;
    private final boolean synced;

    private Zone(Settings settings, Map<Key, Node>[] shards, long serial, int size, boolean synced) {
        this.settings = settings;
        this.shards = shards;
        this.serial = serial;
        this.size = size;
        this.synced = synced;
        this.soa = new SOARecord(settings.origin(), DClass.IN, settings.ttl(), settings.soaMname(), settings.soaRname(),
                serial, settings.soaRefresh(), settings.soaRetry(), settings.soaExpire(), settings.soaMinttl());
        this.ns = new NSRecord(settings.origin(), DClass.IN, settings.ttl(), settings.soaMname());
        // RFC 2308: a negative answer is cached for the lesser of the SOA's TTL and its minimum
        this.negativeSoa = new SOARecord(settings.origin(), DClass.IN, Math.min(settings.ttl(), settings.soaMinttl()),
                settings.soaMname(), settings.soaRname(), serial, settings.soaRefresh(), settings.soaRetry(),
                settings.soaExpire(), settings.soaMinttl());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Zone empty(Settings settings, long serial) {
        Map<Key, Node>[] shards = new Map[SHARDS];
        for (int i = 0; i < SHARDS; i++) shards[i] = Map.of();
        return new Zone(settings, shards, serial, 0, false);
    }

    /** A zone holding exactly these records. */
    public static Zone of(Settings settings, Collection<Rr> records, long serial) {
        return empty(settings, serial).apply(List.of(), records, serial);
    }

    public Settings settings() {
        return settings;
    }

    public Name origin() {
        return settings.origin();
    }

    public long serial() {
        return serial;
    }

    public SOARecord soa() {
        return soa;
    }

    public NSRecord ns() {
        return ns;
    }

    /** The SOA to put in the authority section of NXDOMAIN and NODATA answers. */
    public SOARecord negativeSoa() {
        return negativeSoa;
    }

    /**
     * Whether the records reflect the master at least once. Until then a name's absence means nothing, so the
     * query handler answers SERVFAIL rather than an NXDOMAIN that resolvers would cache.
     */
    public boolean synced() {
        return synced;
    }

    /** This zone, marked as reflecting the master. */
    public Zone markSynced() {
        return synced ? this : new Zone(settings, shards, serial, size, true);
    }

    /** Records in the zone, counting each distinct record once. */
    public int size() {
        return size;
    }

    /** The node for a name, or an empty one. The apex always exists. */
    public Node find(Name name) {
        Key key = new Key(name);
        Node n = shards[key.shard()].get(key);
        return n == null ? Node.EMPTY : n;
    }

    public boolean isApex(Name name) {
        return name.equals(settings.origin());
    }

    /** Visits every name that holds records. */
    public void forEach(BiConsumer<Name, Node> visitor) {
        for (Map<Key, Node> shard : shards) {
            for (Map.Entry<Key, Node> e : shard.entrySet()) if (e.getValue().hasRecords()) visitor.accept(e.getKey().name, e.getValue());
        }
    }

    /**
     * A new zone with {@code removed} taken out (one count each) and {@code added} put in. Records that do not
     * make a valid DNS record are ignored.
     */
    @SuppressWarnings("unchecked")
    public Zone apply(Collection<Rr> removed, Collection<Rr> added, long newSerial) {
        if (removed.isEmpty() && added.isEmpty()) return newSerial == serial ? this : new Zone(settings, shards, newSerial, size, synced);
        Map<Key, NodeBuilder> work = new HashMap<>();
        int[] delta = new int[1];
        for (Rr rr : removed) change(work, rr, -1, delta);
        for (Rr rr : added) change(work, rr, +1, delta);
        Map<Key, Node>[] next = shards.clone();
        boolean[] copied = new boolean[SHARDS];
        for (Map.Entry<Key, NodeBuilder> e : work.entrySet()) {
            int s = e.getKey().shard();
            if (!copied[s]) {
                next[s] = new HashMap<>(shards[s]);
                copied[s] = true;
            }
            Node node = e.getValue().build();
            if (node.exists()) next[s].put(e.getKey(), node);
            else next[s].remove(e.getKey());
        }
        return new Zone(settings, next, newSerial, size + delta[0], synced);
    }

    private void change(Map<Key, NodeBuilder> work, Rr rr, int by, int[] sizeDelta) {
        Record record = toRecord(rr);
        if (record == null) return;
        Name name = record.getName();
        NodeBuilder nb = work.computeIfAbsent(new Key(name), k -> new NodeBuilder(find(k)));
        int before = nb.distinct();
        if (by > 0) {
            nb.add(record);
        } else if (!nb.remove(record)) {
            return; // never added (or already gone): nothing below changes either
        }
        sizeDelta[0] += nb.distinct() - before;
        // the names between this one and the apex exist while something is below them
        if (!name.subdomain(settings.origin())) return;
        int labels = name.labels() - settings.origin().labels();
        for (int strip = 1; strip < labels; strip++) {
            Name ancestor = new Name(name, strip);
            work.computeIfAbsent(new Key(ancestor), k -> new NodeBuilder(find(k))).below += by;
        }
    }

    /** The dnsjava record for one of ours, or null when the name or value cannot be one. */
    Record toRecord(Rr rr) {
        try {
            Name name = Name.fromString(rr.name());
            if (!name.isAbsolute()) return null;
            return switch (rr.kind()) {
                case A, AAAA -> {
                    InetAddress ip = IpLiterals.parse(rr.host());
                    if (ip == null) yield null;
                    yield ip instanceof java.net.Inet4Address ? new ARecord(name, DClass.IN, settings.ttl(), ip)
                            : new AAAARecord(name, DClass.IN, settings.ttl(), ip);
                }
                case SRV -> new SRVRecord(name, DClass.IN, settings.ttl(), 0, settings.srvWeight(), rr.port(), Name.fromString(rr.host()));
            };
        } catch (TextParseException | IllegalArgumentException e) {
            return null;
        }
    }

    private Node find(Key key) {
        Node n = shards[key.shard()].get(key);
        return n == null ? Node.EMPTY : n;
    }

    /**
     * A name as an index key: its lower-case wire form. dnsjava's own hash of a name (h = 9h + c) collides a lot
     * on names that differ in a few digits ({@code app-12}, {@code app-21}), which turns hash buckets into trees;
     * FNV-1a over the wire form spreads them, and comparing bytes is cheaper than comparing names.
     */
    static final class Key {
        final Name name;
        private final byte[] wire;
        private final int hash;

        Key(Name name) {
            this.name = name;
            this.wire = name.toWireCanonical();
            int h = 0x811c9dc5;
            for (byte b : wire) {
                h ^= b & 0xff;
                h *= 0x01000193;
            }
            this.hash = h ^ (h >>> 16);
        }

        int shard() {
            return (hash * 0x9E3779B9) >>> 20; // top 12 bits: 4096 shards
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && java.util.Arrays.equals(k.wire, wire);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    static Name absolute(String name) {
        try {
            String n = name.endsWith(".") ? name : name + ".";
            return Name.fromString(n.toLowerCase(java.util.Locale.ROOT));
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a valid DNS name: " + name, e);
        }
    }

    /**
     * A node being changed: records with counts, in insertion order. The map is made only when records change, so
     * a name that only gains or loses descendants (often a big one such as {@code slave.mesos}) is not copied.
     */
    private static final class NodeBuilder {
        private final Node from;
        private LinkedHashMap<Record, Integer> counts;
        int below;

        NodeBuilder(Node from) {
            this.from = from;
            this.below = from.below;
        }

        private LinkedHashMap<Record, Integer> counts() {
            if (counts == null) {
                counts = new LinkedHashMap<>();
                for (int i = 0; i < from.records.length; i++) counts.put(from.records[i], from.counts[i]);
            }
            return counts;
        }

        void add(Record r) {
            counts().merge(r, 1, Integer::sum);
        }

        boolean remove(Record r) {
            Integer c = counts().get(r);
            if (c == null) return false;
            if (c == 1) counts.remove(r);
            else counts.put(r, c - 1);
            return true;
        }

        int distinct() {
            return counts == null ? from.records.length : counts.size();
        }

        Node build() {
            int b = Math.max(0, below);
            if (counts == null) return from.records.length == 0 && b == 0 ? Node.EMPTY : new Node(from.records, from.counts, b);
            if (counts.isEmpty() && b == 0) return Node.EMPTY;
            Record[] records = new Record[counts.size()];
            int[] c = new int[counts.size()];
            int i = 0;
            for (Map.Entry<Record, Integer> e : counts.entrySet()) {
                records[i] = e.getKey();
                c[i++] = e.getValue();
            }
            return new Node(records, c, b);
        }
    }

    /** Lookup of the types served; used by tests and the HTTP API. */
    public static boolean isServedType(int type) {
        return type == Type.A || type == Type.AAAA || type == Type.SRV;
    }
}
