package io.strata.dns;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.json.Json;
import io.strata.dns.records.HostPort;
import io.strata.dns.records.IpLiterals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Mesos-DNS's {@code config.json}, same keys, same defaults, except that the DNS and HTTP listeners bind
 * 127.0.0.1 unless told otherwise (Mesos-DNS binds 0.0.0.0) and that an empty {@code resolvers} list means the
 * name servers of {@code /etc/resolv.conf} (Mesos-DNS defaults to 8.8.8.8). Keys are matched without regard to
 * case, as Mesos-DNS's Go decoder does ({@code httpport}, {@code HttpPort} and {@code HTTPPORT} are one key).
 *
 * @param zk                     {@code zk://host:2181/mesos}: the leading master (and every master) from ZooKeeper
 * @param masters                {@code ip:port} of the masters; used when there is no {@code zk} or it has no leader
 * @param refreshSeconds         full resync from {@code /master/state} every this many seconds (60); events arrive at once
 * @param stateTimeoutSeconds    how long a {@code /master/state} request may take (300)
 * @param zkDetectionTimeout     seconds without a leader in ZooKeeper before it is logged as an error (30; 0 never)
 * @param ttl                    TTL of every record (60)
 * @param srvRecordDefaultWeight weight of SRV records (1)
 * @param domain                 the zone (mesos)
 * @param port                   DNS port, UDP and TCP (53)
 * @param resolvers              upstream servers ({@code ip} or {@code ip:port}) for names outside the domain
 * @param zoneResolvers          upstream servers for particular zones ({@code {"consul": ["10.0.0.5"]}})
 * @param timeout                seconds to wait for an upstream server (5)
 * @param listener               address to serve DNS on; its records are {@code SOAMname}'s A/AAAA (127.0.0.1)
 * @param httpListener           address to serve HTTP on (127.0.0.1)
 * @param dnsOn                  serve DNS (true)
 * @param httpOn                 serve the HTTP API (true)
 * @param httpPort               HTTP port (8123)
 * @param externalOn             forward names outside the domain (true); otherwise REFUSED
 * @param recurseOn              set RA in answers for the domain (true)
 * @param soaMname               the primary name server of the SOA, a name with its own A record (ns1.mesos.)
 * @param soaRname               the SOA mailbox, {@code root.ns1.mesos.} ({@code @} becomes {@code .})
 * @param soaRefresh             SOA refresh (60)
 * @param soaRetry               SOA retry (600)
 * @param soaExpire              SOA expire (86400)
 * @param soaMinttl              SOA minimum, the TTL of negative answers (60)
 * @param ipSources              where a task's address comes from, first that has one: netinfo, mesos, docker, host
 * @param enforceRFC952          24-character labels starting with a letter instead of RFC 1123's 63 (false)
 * @param setTruncateBit         set TC when an answer had to be cut to fit (true)
 * @param enumerationOn          serve {@code /v1/enumerate} and {@code /v1/axfr} (true)
 */
public record DnsConfig(
        String zk,
        List<String> masters,
        int refreshSeconds,
        int stateTimeoutSeconds,
        int zkDetectionTimeout,
        int ttl,
        int srvRecordDefaultWeight,
        String domain,
        int port,
        List<String> resolvers,
        Map<String, List<String>> zoneResolvers,
        int timeout,
        String listener,
        String httpListener,
        boolean dnsOn,
        boolean httpOn,
        int httpPort,
        boolean externalOn,
        boolean recurseOn,
        String soaMname,
        String soaRname,
        long soaRefresh,
        long soaRetry,
        long soaExpire,
        long soaMinttl,
        List<String> ipSources,
        boolean enforceRFC952,
        boolean setTruncateBit,
        boolean enumerationOn) {

    private static final Pattern DOMAIN = Pattern.compile("^[a-zA-Z0-9-]+(\\.[a-zA-Z0-9-]+)*$");
    private static final Set<String> IP_SOURCES = Set.of("host", "docker", "mesos", "netinfo");
    /** Mesos-DNS keys Strata reads but does not act on (no authentication or TLS to the master yet). */
    private static final Set<String> ACCEPTED_UNUSED = Set.of("mesoscredentials", "mesosauthentication", "iamconfigfile",
            "mesoshttpson", "cacertfile", "certfile", "keyfile", "ns", "file", "soaserial");

    public DnsConfig {
        masters = masters == null ? List.of() : List.copyOf(masters);
        resolvers = resolvers == null ? List.of() : List.copyOf(resolvers);
        zoneResolvers = zoneResolvers == null ? Map.of() : copy(zoneResolvers);
        ipSources = ipSources == null ? List.of() : List.copyOf(ipSources);
        domain = domain == null ? null : domain.toLowerCase(Locale.ROOT);
        // as Mesos-DNS: always fully qualified; an e-mail address's @ becomes a dot
        soaMname = soaMname == null ? null : trimDots(soaMname) + ".";
        soaRname = soaRname == null ? null : trimDots(soaRname.replace('@', '.')) + ".";
    }

    private static String trimDots(String s) {
        String t = s;
        while (t.endsWith(".")) t = t.substring(0, t.length() - 1);
        return t;
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> m) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(out);
    }

    /** Mesos-DNS's defaults, bound to 127.0.0.1; add {@code zk} or {@code masters} before starting. */
    public static DnsConfig defaults() {
        return new DnsConfig(null, List.of(), 60, 300, 30, 60, 1, "mesos", 53, List.of(), Map.of(), 5,
                "127.0.0.1", "127.0.0.1", true, true, 8123, true, true, "ns1.mesos", "root.ns1.mesos",
                60, 600, 86400, 60, List.of("netinfo", "mesos", "host"), false, true, true);
    }

    /** Reads a Mesos-DNS {@code config.json}; keys it does not set keep their defaults. */
    public static DnsConfig fromJsonFile(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IOException("cannot read the DNS configuration " + file + ": " + e.getMessage(), e);
        }
        try {
            return fromJson(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public static DnsConfig fromJson(String json) {
        JsonNode root = Json.read(json);
        if (!root.isObject()) throw new IllegalArgumentException("the DNS configuration must be a JSON object");
        DnsConfig c = defaults().merge(root);
        List<String> ignored = ignoredKeys(json);
        if (!ignored.isEmpty()) {
            org.slf4j.LoggerFactory.getLogger(DnsConfig.class).warn("msg=\"configuration keys not used by this version\" keys={}", ignored);
        }
        return c;
    }

    /** This configuration with the keys present in {@code json} replaced (the launcher's overrides). */
    public DnsConfig merge(JsonNode json) {
        Map<String, JsonNode> keys = new LinkedHashMap<>();
        json.fields().forEachRemaining(e -> keys.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        Reader r = new Reader(keys);
        DnsConfig c = new DnsConfig(
                r.string("zk", zk),
                r.strings("masters", masters),
                r.integer("refreshseconds", refreshSeconds),
                r.integer("statetimeoutseconds", stateTimeoutSeconds),
                r.integer("zkdetectiontimeout", zkDetectionTimeout),
                r.integer("ttl", ttl),
                r.integer("srvrecorddefaultweight", srvRecordDefaultWeight),
                r.string("domain", domain),
                r.integer("port", port),
                r.strings("resolvers", resolvers),
                r.zoneResolvers("zoneresolvers", zoneResolvers),
                r.integer("timeout", timeout),
                r.string("listener", listener),
                r.string("httplistener", httpListener),
                r.bool("dnson", dnsOn),
                r.bool("httpon", httpOn),
                r.integer("httpport", httpPort),
                r.bool("externalon", externalOn),
                r.bool("recurseon", recurseOn),
                r.string("soamname", soaMname),
                r.string("soarname", soaRname),
                r.integer("soarefresh", soaRefresh),
                r.integer("soaretry", soaRetry),
                r.integer("soaexpire", soaExpire),
                r.integer("soaminttl", soaMinttl),
                r.strings("ipsources", ipSources),
                r.bool("enforcerfc952", enforceRFC952),
                r.bool("settruncatebit", setTruncateBit),
                r.bool("enumerationon", enumerationOn));
        c.checkValues();
        return c;
    }

    /** Keys in a config.json that this version ignores (unknown, or known but not implemented). */
    public static List<String> ignoredKeys(String json) {
        List<String> out = new ArrayList<>();
        Set<String> known = Set.of("zk", "masters", "refreshseconds", "statetimeoutseconds", "zkdetectiontimeout", "ttl",
                "srvrecorddefaultweight", "domain", "port", "resolvers", "zoneresolvers", "timeout", "listener",
                "httplistener", "dnson", "httpon", "httpport", "externalon", "recurseon", "soamname", "soarname",
                "soarefresh", "soaretry", "soaexpire", "soaminttl", "ipsources", "enforcerfc952", "settruncatebit",
                "enumerationon");
        Json.read(json).fieldNames().forEachRemaining(k -> {
            String l = k.toLowerCase(Locale.ROOT);
            if (!known.contains(l) || ACCEPTED_UNUSED.contains(l)) out.add(k);
        });
        return out;
    }

    // ------------------------------------------------------------------ withers for the launcher and tests

    public DnsConfig withZk(String newZk) {
        return with("zk", Json.MAPPER.valueToTree(newZk));
    }

    public DnsConfig withMasters(List<String> newMasters) {
        return with("masters", Json.MAPPER.valueToTree(newMasters));
    }

    public DnsConfig withPort(int newPort) {
        return with("port", Json.MAPPER.valueToTree(newPort));
    }

    public DnsConfig withHttpPort(int newPort) {
        return with("httpport", Json.MAPPER.valueToTree(newPort));
    }

    public DnsConfig withListener(String address) {
        return with("listener", Json.MAPPER.valueToTree(address));
    }

    public DnsConfig withHttpListener(String address) {
        return with("httplistener", Json.MAPPER.valueToTree(address));
    }

    public DnsConfig withResolvers(List<String> newResolvers) {
        return with("resolvers", Json.MAPPER.valueToTree(newResolvers));
    }

    public DnsConfig withRefreshSeconds(int seconds) {
        return with("refreshseconds", Json.MAPPER.valueToTree(seconds));
    }

    private DnsConfig with(String key, JsonNode value) {
        return merge(Json.object().set(key, value));
    }

    // ------------------------------------------------------------------ validation

    /** Checks each value on its own (done on every read). */
    void checkValues() {
        if (domain == null || !DOMAIN.matcher(domain).matches()) throw new IllegalArgumentException("'domain': '" + domain + "' is not a valid domain name");
        checkPort("port", port, true);
        checkPort("httpport", httpPort, true);
        if (refreshSeconds <= 0) throw new IllegalArgumentException("'refreshSeconds' must be positive");
        if (stateTimeoutSeconds <= 0) throw new IllegalArgumentException("'stateTimeoutSeconds' must be positive");
        if (timeout <= 0) throw new IllegalArgumentException("'timeout' must be positive");
        if (ttl < 0) throw new IllegalArgumentException("'ttl' must not be negative");
        if (srvRecordDefaultWeight < 0 || srvRecordDefaultWeight > 65535) throw new IllegalArgumentException("'srvRecordDefaultWeight' must be 0..65535");
        if (zkDetectionTimeout < 0) throw new IllegalArgumentException("'zkDetectionTimeout' must not be negative");
        if (zk != null && !zk.isEmpty() && !zk.startsWith("zk://")) throw new IllegalArgumentException("'zk' must look like zk://host:2181/mesos, got '" + zk + "'");
        Set<String> seen = new HashSet<>();
        for (String m : masters) {
            HostPort hp = HostPort.parse(m);
            if (hp == null) throw new IllegalArgumentException("'masters': illegal host:port '" + m + "'");
            if (!seen.add(hp.toString().toLowerCase(Locale.ROOT))) throw new IllegalArgumentException("'masters': duplicate '" + m + "'");
        }
        checkResolvers("resolvers", resolvers);
        for (Map.Entry<String, List<String>> e : zoneResolvers.entrySet()) {
            if (!DOMAIN.matcher(e.getKey()).matches()) throw new IllegalArgumentException("'zoneResolvers': '" + e.getKey() + "' is not a valid zone");
            if (e.getValue().isEmpty()) throw new IllegalArgumentException("'zoneResolvers': " + e.getKey() + " has no servers");
            if (e.getKey().equals(domain) || e.getKey().endsWith("." + domain) || domain.endsWith("." + e.getKey())) {
                throw new IllegalArgumentException("'zoneResolvers': " + e.getKey() + " overlaps the Mesos domain " + domain);
            }
            checkResolvers("zoneResolvers." + e.getKey(), e.getValue());
        }
        if (ipSources.isEmpty()) throw new IllegalArgumentException("'IPSources' must not be empty");
        if (new HashSet<>(ipSources).size() != ipSources.size()) throw new IllegalArgumentException("'IPSources' has a duplicate");
        for (String s : ipSources) {
            if (!IP_SOURCES.contains(s)) throw new IllegalArgumentException("'IPSources': invalid source '" + s + "' (host, docker, mesos, netinfo)");
        }
        if (IpLiterals.parse(listener) == null) throw new IllegalArgumentException("'listener' must be an IP address, got '" + listener + "'");
        if (IpLiterals.parse(httpListener) == null) throw new IllegalArgumentException("'httpListener' must be an IP address, got '" + httpListener + "'");
        if (soaMname.length() < 2 || soaRname.length() < 2) throw new IllegalArgumentException("'SOAMname' and 'SOARname' must be names");
    }

    /** Checks what starting needs on top of {@link #checkValues()}. */
    public void validateForStart() {
        checkValues();
        if (!dnsOn && !httpOn) throw new IllegalArgumentException("either DNS ('dnson') or HTTP ('httpon') must be on");
        if ((zk == null || zk.isEmpty()) && masters.isEmpty()) throw new IllegalArgumentException("specify 'zk' or 'masters' in the DNS configuration");
    }

    private static void checkPort(String key, int p, boolean zeroOk) {
        if (p < (zeroOk ? 0 : 1) || p > 65535) throw new IllegalArgumentException("'" + key + "' must be a port, got " + p);
    }

    private static void checkResolvers(String key, List<String> list) {
        Set<String> seen = new HashSet<>();
        for (String r : list) {
            var a = resolverAddress(r);
            if (a == null) throw new IllegalArgumentException("'" + key + "': illegal ip or ip:port '" + r + "'");
            if (!seen.add(a.toString())) throw new IllegalArgumentException("'" + key + "': duplicate '" + r + "'");
        }
    }

    /** {@code ip} (port 53) or {@code ip:port} / {@code [v6]:port}; null if it is neither. */
    public static HostPort resolverAddress(String text) {
        if (IpLiterals.parse(text) != null && !text.startsWith("[")) return new HostPort(IpLiterals.canonical(text), 53);
        HostPort hp = HostPort.parse(text);
        if (hp == null || IpLiterals.parse(hp.host()) == null) return null;
        return new HostPort(IpLiterals.canonical(hp.host()), hp.port());
    }

    /** Reads typed values out of the lower-cased key map, failing with the key's name. */
    private static final class Reader {
        private final Map<String, JsonNode> keys;

        Reader(Map<String, JsonNode> keys) {
            this.keys = keys;
        }

        String string(String key, String dflt) {
            JsonNode n = keys.get(key);
            if (n == null || n.isNull()) return dflt;
            if (!n.isTextual()) throw new IllegalArgumentException("'" + key + "' must be a string");
            return n.asText();
        }

        int integer(String key, int dflt) {
            return (int) integer(key, (long) dflt);
        }

        long integer(String key, long dflt) {
            JsonNode n = keys.get(key);
            if (n == null || n.isNull()) return dflt;
            if (!n.isIntegralNumber() || !n.canConvertToLong()) throw new IllegalArgumentException("'" + key + "' must be a whole number");
            long v = n.asLong();
            if (v < 0 || v > 0xffffffffL) throw new IllegalArgumentException("'" + key + "' is out of range: " + v);
            return v;
        }

        boolean bool(String key, boolean dflt) {
            JsonNode n = keys.get(key);
            if (n == null || n.isNull()) return dflt;
            if (!n.isBoolean()) throw new IllegalArgumentException("'" + key + "' must be true or false");
            return n.asBoolean();
        }

        List<String> strings(String key, List<String> dflt) {
            JsonNode n = keys.get(key);
            if (n == null || n.isNull()) return dflt;
            if (!n.isArray()) throw new IllegalArgumentException("'" + key + "' must be a list of strings");
            List<String> out = new ArrayList<>();
            for (JsonNode e : n) {
                if (!e.isTextual()) throw new IllegalArgumentException("'" + key + "' must be a list of strings");
                out.add(e.asText());
            }
            return out;
        }

        Map<String, List<String>> zoneResolvers(String key, Map<String, List<String>> dflt) {
            JsonNode n = keys.get(key);
            if (n == null || n.isNull()) return dflt;
            if (!n.isObject()) throw new IllegalArgumentException("'" + key + "' must map zones to lists of servers");
            Map<String, List<String>> out = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> {
                List<String> servers = new ArrayList<>();
                if (!e.getValue().isArray()) throw new IllegalArgumentException("'" + key + "." + e.getKey() + "' must be a list of servers");
                for (JsonNode s : e.getValue()) servers.add(s.asText());
                out.put(trimDots(e.getKey()), servers);
            });
            return out;
        }
    }
}
