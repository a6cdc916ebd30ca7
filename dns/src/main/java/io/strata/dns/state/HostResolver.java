package io.strata.dns.state;

import io.strata.dns.records.IpLiterals;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the host of an agent, framework or master into addresses. Mesos normally reports IP literals, which are
 * returned as they are; a host name is looked up through the system resolver (as Mesos-DNS does) and the answer
 * kept for a minute, so a slow resolver is met once, not on every change.
 */
public interface HostResolver {
    /** The host's addresses as literals; empty when it has none. */
    List<String> resolve(String host);

    /** IP literals only; never asks a resolver. */
    HostResolver LITERALS_ONLY = host -> {
        String ip = IpLiterals.canonical(host);
        return ip == null ? List.of() : List.of(ip);
    };

    static HostResolver system() {
        return new Cached();
    }

    final class Cached implements HostResolver {
        private static final long TTL_NANOS = 60_000_000_000L;
        private record Entry(List<String> ips, long at) {}
        private final Map<String, Entry> cache = new ConcurrentHashMap<>();

        @Override
        public List<String> resolve(String host) {
            if (host == null || host.isEmpty()) return List.of();
            String ip = IpLiterals.canonical(host);
            if (ip != null) return List.of(ip);
            Entry e = cache.get(host);
            long now = System.nanoTime();
            if (e != null && now - e.at < TTL_NANOS) return e.ips;
            List<String> ips = new ArrayList<>();
            try {
                for (InetAddress a : InetAddress.getAllByName(host)) {
                    String c = IpLiterals.canonical(a.getHostAddress());
                    if (c != null && !ips.contains(c)) ips.add(c);
                }
            } catch (Exception ex) {
                // unknown host: no address, like Mesos-DNS
            }
            List<String> result = List.copyOf(ips);
            if (cache.size() > 10_000) cache.clear();
            cache.put(host, new Entry(result, now));
            return result;
        }
    }
}
