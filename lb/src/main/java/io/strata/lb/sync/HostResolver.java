package io.strata.lb.sync;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Agent host names → the IPv4 address HAProxy connects to, cached for a minute (marathon-lb resolves task hosts
 * the same way). Unresolvable hosts give null: their tasks are left out.
 */
public final class HostResolver implements Function<String, String> {
    private record Entry(String ip, long expires) {}

    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();
    private final long ttlNanos;

    public HostResolver(Duration ttl) {
        this.ttlNanos = ttl.toNanos();
    }

    @Override
    public String apply(String host) {
        long now = System.nanoTime();
        Entry e = cache.get(host);
        if (e != null && e.expires - now > 0) return e.ip;
        String ip;
        try {
            ip = InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException ex) {
            ip = null;
        }
        if (cache.size() > 10_000) cache.clear();
        cache.put(host, new Entry(ip, now + ttlNanos));
        return ip;
    }
}
