package io.strata.dns;

import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.common.http.HttpServers;
import io.strata.common.metrics.Metrics;
import io.strata.dns.feed.MasterFeed;
import io.strata.dns.http.DnsHttpApi;
import io.strata.dns.naming.LabelSpec;
import io.strata.dns.records.HostPort;
import io.strata.dns.records.IpLiterals;
import io.strata.dns.records.RecordGenerator;
import io.strata.dns.records.Zone;
import io.strata.dns.server.DnsMetrics;
import io.strata.dns.server.Forwarder;
import io.strata.dns.server.QueryHandler;
import io.strata.dns.server.TcpServer;
import io.strata.dns.server.UdpServer;
import io.strata.dns.state.ClusterMirror;
import io.strata.dns.state.HostResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * A running Mesos-DNS: the records mirror fed by the master, DNS over UDP and TCP on one port, and the HTTP API.
 * The composition root of the module; {@code dcos-node dns} and {@code dcos-node local} start it with
 * {@link #start(DnsConfig)}.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);
    /** Open TCP connections beyond this are closed at once. */
    public static final int MAX_TCP_CONNECTIONS = 1024;
    /** A TCP connection with no query for this long is closed. */
    public static final int TCP_IDLE_MILLIS = 10_000;
    /** Forwarded queries waiting for an upstream answer; beyond this, REFUSED. */
    public static final int MAX_FORWARDS_IN_FLIGHT = 1024;

    private final DnsConfig config;
    private final ClusterMirror mirror;
    private final MasterFeed feed;
    private final UdpServer udp;
    private final TcpServer tcp;
    private final Javalin http;
    private final ExecutorService forwarding;

    private DnsServer(DnsConfig config, ClusterMirror mirror, MasterFeed feed, UdpServer udp, TcpServer tcp, Javalin http,
                      ExecutorService forwarding) {
        this.config = config;
        this.mirror = mirror;
        this.feed = feed;
        this.udp = udp;
        this.tcp = tcp;
        this.http = http;
        this.forwarding = forwarding;
    }

    /**
     * Starts serving: DNS (UDP and TCP on {@code listener:port}; port 0 picks one free for both) and HTTP
     * ({@code httpListener:httpport}) come up at once with the SOA, NS and name-server records; the master's
     * records follow as soon as the master answers.
     */
    public static DnsServer start(DnsConfig config) throws IOException {
        config.validateForStart();
        PrometheusMeterRegistry registry = Metrics.newRegistry("dns");
        DnsMetrics metrics = new DnsMetrics(registry);
        RecordGenerator generator = new RecordGenerator(config.domain(),
                config.enforceRFC952() ? LabelSpec.RFC952 : LabelSpec.RFC1123, config.ipSources());
        Zone.Settings settings = Zone.Settings.of(config.domain(), config.ttl(), config.srvRecordDefaultWeight(),
                config.soaMname(), config.soaRname(), config.soaRefresh(), config.soaRetry(), config.soaExpire(), config.soaMinttl());
        ClusterMirror mirror = new ClusterMirror(generator, settings, HostResolver.system(),
                RecordGenerator.listener(config.soaMname(), listenerAddresses(config.listener())), Clock.systemUTC());
        mirror.addListener((zone, oldest, changes) -> metrics.recordLag(System.nanoTime() - oldest));
        Gauge.builder("strata_dns_records", () -> mirror.zone().size()).description("records served").register(registry);

        ExecutorService forwarding = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("dns-forward-", 0).factory());
        UdpServer udp = null;
        TcpServer tcp = null;
        Javalin http = null;
        MasterFeed feed = null;
        try {
            if (config.dnsOn()) {
                Forwarder forwarder = config.externalOn() ? forwarder(config) : null;
                QueryHandler handler = new QueryHandler(mirror::zone, forwarder,
                        new QueryHandler.Options(config.recurseOn(), config.setTruncateBit(), config.externalOn(), MAX_FORWARDS_IN_FLIGHT),
                        metrics, forwarding);
                InetAddress bind = InetAddress.getByName(config.listener());
                int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
                for (int attempt = 0; ; attempt++) {
                    udp = new UdpServer(new InetSocketAddress(bind, config.port()), handler, threads);
                    try {
                        tcp = new TcpServer(new InetSocketAddress(bind, udp.port()), handler, metrics, MAX_TCP_CONNECTIONS, TCP_IDLE_MILLIS);
                        break;
                    } catch (IOException e) {
                        udp.close();
                        udp = null;
                        // with port 0 the UDP port may be taken for TCP: pick another pair
                        if (config.port() != 0 || attempt >= 10) throw e;
                    }
                }
            }
            if (config.httpOn()) {
                http = HttpServers.create("dns", config.httpListener(), config.httpPort(), registry, null);
                new DnsHttpApi(config, mirror).register(http);
                try {
                    HttpServers.start(http);
                } catch (RuntimeException e) {
                    throw new IOException("cannot serve the DNS HTTP API on " + config.httpListener() + ":" + config.httpPort() + ": " + e.getMessage(), e);
                }
            }
            feed = new MasterFeed(mirror, config.zk(), config.masters(), Duration.ofSeconds(config.timeout()),
                    Duration.ofSeconds(config.stateTimeoutSeconds()), Duration.ofSeconds(config.refreshSeconds()),
                    Duration.ofSeconds(config.zkDetectionTimeout()));
        } catch (IOException | RuntimeException e) {
            if (feed != null) feed.close();
            if (http != null) http.stop();
            if (tcp != null) tcp.close();
            if (udp != null) udp.close();
            forwarding.shutdownNow();
            mirror.close();
            throw e;
        }
        DnsServer server = new DnsServer(config, mirror, feed, udp, tcp, http, forwarding);
        LOG.info("msg=\"DNS started\" domain={} dns={}:{} http={}:{} zk={} masters={} resolvers={}", config.domain(),
                config.listener(), server.udpPort(), config.httpListener(), server.httpPort(), config.zk(), config.masters(),
                config.externalOn() ? effectiveResolvers(config) : "off");
        return server;
    }

    /** The UDP port DNS answers on, or -1 when DNS is off. */
    public int udpPort() {
        return udp == null ? -1 : udp.port();
    }

    /** The TCP port DNS answers on (the same as UDP), or -1 when DNS is off. */
    public int tcpPort() {
        return tcp == null ? -1 : tcp.port();
    }

    /** The HTTP API's port, or -1 when HTTP is off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    public DnsConfig config() {
        return config;
    }

    /** The records being served right now. */
    public Zone zone() {
        return mirror.zone();
    }

    /** Whether the master's operator event stream is open (else records come from the periodic resync only). */
    public boolean streaming() {
        return feed.streaming();
    }

    public ClusterMirror mirror() {
        return mirror;
    }

    @Override
    public void close() {
        feed.close();
        if (tcp != null) tcp.close();
        if (udp != null) udp.close();
        if (http != null) http.stop();
        forwarding.shutdownNow();
        mirror.close();
        LOG.info("msg=\"DNS stopped\"");
    }

    // ------------------------------------------------------------------ helpers

    /** The addresses {@code SOAMname} answers with: the listener, or every non-loopback address for 0.0.0.0 / ::. */
    static List<String> listenerAddresses(String listener) {
        InetAddress a = IpLiterals.parse(listener);
        if (a == null || !a.isAnyLocalAddress()) return List.of(listener);
        List<String> out = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress ia : Collections.list(ni.getInetAddresses())) {
                    if (ia.isLoopbackAddress() || ia.isLinkLocalAddress()) continue;
                    out.add(IpLiterals.canonical(ia.getHostAddress().replaceAll("%.*$", "")));
                }
            }
        } catch (IOException e) {
            LOG.warn("msg=\"cannot list network interfaces for the name server's records\" error=\"{}\"", e.getMessage());
        }
        out.removeIf(java.util.Objects::isNull);
        return out;
    }

    static Forwarder forwarder(DnsConfig config) {
        List<InetSocketAddress> defaults = new ArrayList<>();
        for (String r : effectiveResolvers(config)) {
            HostPort hp = DnsConfig.resolverAddress(r);
            if (hp != null) defaults.add(new InetSocketAddress(IpLiterals.parse(hp.host()), hp.port()));
        }
        Map<Name, List<InetSocketAddress>> zones = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : config.zoneResolvers().entrySet()) {
            List<InetSocketAddress> servers = new ArrayList<>();
            for (String r : e.getValue()) {
                HostPort hp = DnsConfig.resolverAddress(r);
                if (hp != null) servers.add(new InetSocketAddress(IpLiterals.parse(hp.host()), hp.port()));
            }
            try {
                zones.put(Name.fromString(e.getKey() + "."), servers);
            } catch (TextParseException ex) {
                throw new IllegalArgumentException("bad zone " + e.getKey(), ex);
            }
        }
        return new Forwarder(defaults, zones, Duration.ofSeconds(config.timeout()));
    }

    /**
     * {@code resolvers}, or when empty the name servers in {@code /etc/resolv.conf} — minus this server itself, so
     * a host that lists us in resolv.conf does not make us forward to ourselves.
     */
    static List<String> effectiveResolvers(DnsConfig config) {
        if (!config.resolvers().isEmpty()) return config.resolvers();
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 2 && f[0].equals("nameserver") && IpLiterals.parse(f[1]) != null) {
                    String ip = IpLiterals.canonical(f[1]);
                    boolean self = config.port() == 53 && (listenerAddresses(config.listener()).contains(ip) || ip.equals(config.listener()));
                    if (!self) out.add(ip);
                }
            }
        } catch (IOException e) {
            LOG.warn("msg=\"no resolvers configured and /etc/resolv.conf unreadable; names outside the domain will be REFUSED\"");
        }
        return out;
    }
}
