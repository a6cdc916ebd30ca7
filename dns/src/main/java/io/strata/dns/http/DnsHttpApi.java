package io.strata.dns.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.strata.common.json.Json;
import io.strata.dns.DnsConfig;
import io.strata.dns.records.Zone;
import io.strata.dns.state.ClusterMirror;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Mesos-DNS's HTTP API, same paths and JSON shapes: {@code /v1/version}, {@code /v1/config},
 * {@code /v1/hosts/{host}}, {@code /v1/services/{service}}, {@code /v1/enumerate} and {@code /v1/axfr}
 * (those two only with {@code EnumerationOn}). Only names in the domain are looked up; an unknown one answers
 * one empty entry, as Mesos-DNS does.
 */
public final class DnsHttpApi {
    public static final String VERSION = "0.1.0-strata";

    private final DnsConfig config;
    private final ClusterMirror mirror;

    public DnsHttpApi(DnsConfig config, ClusterMirror mirror) {
        this.config = config;
        this.mirror = mirror;
    }

    public void register(Javalin app) {
        app.get("/v1/version", this::version);
        app.get("/v1/config", this::config);
        app.get("/v1/hosts/{host}", this::hosts);
        app.get("/v1/hosts/{host}/ports", ctx -> ctx.status(501).contentType("text/plain").result("To be implemented..."));
        app.get("/v1/services/{service}", this::services);
        if (config.enumerationOn()) {
            app.get("/v1/enumerate", this::enumerate);
            app.get("/v1/axfr", this::axfr);
        }
    }

    private static void json(Context ctx, Object body) {
        ctx.status(200).contentType("application/json").result(Json.write(body));
    }

    private void version(Context ctx) {
        ObjectNode o = Json.object();
        o.put("Service", "Mesos-DNS");
        o.put("URL", "https://github.com/mesosphere/mesos-dns");
        o.put("Version", VERSION);
        json(ctx, o);
    }

    /** The configuration under Mesos-DNS's field names (its Go struct's). */
    private void config(Context ctx) {
        DnsConfig c = config;
        ObjectNode o = Json.object();
        o.put("RefreshSeconds", c.refreshSeconds());
        o.put("Port", c.port());
        o.put("Timeout", c.timeout());
        o.put("StateTimeoutSeconds", c.stateTimeoutSeconds());
        o.put("ZkDetectionTimeout", c.zkDetectionTimeout());
        o.put("HttpPort", c.httpPort());
        o.put("TTL", c.ttl());
        o.put("SRVRecordDefaultWeight", c.srvRecordDefaultWeight());
        o.put("SOASerial", mirror.zone().serial());
        o.put("SOARefresh", c.soaRefresh());
        o.put("SOARetry", c.soaRetry());
        o.put("SOAExpire", c.soaExpire());
        o.put("SOAMinttl", c.soaMinttl());
        o.put("SOAMname", c.soaMname());
        o.put("SOARname", c.soaRname());
        if (c.masters().isEmpty()) o.putNull("Masters");
        else c.masters().forEach(o.putArray("Masters")::add);
        ObjectNode zones = o.putObject("ZoneResolvers");
        c.zoneResolvers().forEach((z, rs) -> rs.forEach(zones.putArray(z)::add));
        c.resolvers().forEach(o.putArray("Resolvers")::add);
        if (!o.has("Resolvers")) o.putArray("Resolvers");
        c.ipSources().forEach(o.putArray("IPSources")::add);
        o.put("Zk", c.zk() == null ? "" : c.zk());
        o.put("Domain", c.domain());
        o.put("File", "");
        o.put("Listener", c.listener());
        o.put("HTTPListener", c.httpListener());
        o.put("RecurseOn", c.recurseOn());
        o.put("DnsOn", c.dnsOn());
        o.put("HttpOn", c.httpOn());
        o.put("ExternalOn", c.externalOn());
        o.put("EnforceRFC952", c.enforceRFC952());
        o.put("SetTruncateBit", c.setTruncateBit());
        o.put("EnumerationOn", c.enumerationOn());
        o.put("MesosHTTPSOn", false);
        o.put("MesosAuthentication", "");
        json(ctx, o);
    }

    private void hosts(Context ctx) {
        String dom = clean(ctx.pathParam("host"));
        Zone zone = mirror.zone();
        ArrayNode out = Json.MAPPER.createArrayNode();
        Name name = name(dom);
        if (name != null && name.subdomain(zone.origin())) {
            Zone.Node node = zone.find(name);
            for (Record r : node.get(Type.A)) out.addObject().put("host", dom).put("ip", ((ARecord) r).getAddress().getHostAddress());
            for (Record r : node.get(Type.AAAA)) out.addObject().put("host", dom).put("ip", ip6(((AAAARecord) r)));
        }
        if (out.isEmpty()) out.addObject().put("host", "").put("ip", "");
        json(ctx, out);
    }

    private void services(Context ctx) {
        String service = ctx.pathParam("service");
        String dom = clean(service);
        Zone zone = mirror.zone();
        ArrayNode out = Json.MAPPER.createArrayNode();
        Name name = name(dom);
        if (name != null && name.subdomain(zone.origin())) {
            for (Record r : zone.find(name).get(Type.SRV)) {
                SRVRecord srv = (SRVRecord) r;
                Zone.Node target = zone.find(srv.getTarget());
                String host = srv.getTarget().toString().toLowerCase(Locale.ROOT);
                String port = Integer.toString(srv.getPort());
                Record a = target.first(Type.A);
                if (a != null) out.addObject().put("service", service).put("host", host)
                        .put("ip", ((ARecord) a).getAddress().getHostAddress()).put("port", port);
                Record aaaa = target.first(Type.AAAA);
                if (aaaa != null) out.addObject().put("service", service).put("host", host)
                        .put("ip", ip6((AAAARecord) aaaa)).put("port", port);
            }
        }
        if (out.isEmpty()) out.addObject().put("service", "").put("host", "").put("ip", "").put("port", "");
        json(ctx, out);
    }

    private void enumerate(Context ctx) throws Exception {
        List<ClusterMirror.EnumeratedFramework> frameworks = mirror.read(ClusterMirror::enumerate, Duration.ofSeconds(10));
        ObjectNode o = Json.object();
        ArrayNode fs = o.putArray("frameworks");
        for (ClusterMirror.EnumeratedFramework f : frameworks) {
            ObjectNode fo = fs.addObject();
            ArrayNode ts = fo.putArray("tasks");
            for (ClusterMirror.EnumeratedTask t : f.tasks()) {
                ObjectNode to = ts.addObject();
                to.put("name", t.name());
                to.put("id", t.id());
                ArrayNode rs = to.putArray("records");
                t.records().forEach(r -> rs.addObject().put("name", r.name()).put("host", r.value()).put("rtype", r.kind().name()));
            }
            fo.put("name", f.name());
        }
        json(ctx, o);
    }

    private void axfr(Context ctx) {
        Zone zone = mirror.zone();
        Map<String, List<String>> as = new TreeMap<>();
        Map<String, List<String>> aaaas = new TreeMap<>();
        Map<String, List<String>> srvs = new TreeMap<>();
        zone.forEach((name, node) -> {
            String n = name.toString().toLowerCase(Locale.ROOT);
            for (Record r : node.all()) {
                switch (r) {
                    case ARecord a -> as.computeIfAbsent(n, k -> new java.util.ArrayList<>()).add(a.getAddress().getHostAddress());
                    case AAAARecord a -> aaaas.computeIfAbsent(n, k -> new java.util.ArrayList<>()).add(ip6(a));
                    case SRVRecord s -> srvs.computeIfAbsent(n, k -> new java.util.ArrayList<>())
                            .add(s.getTarget().toString().toLowerCase(Locale.ROOT) + ":" + s.getPort());
                    default -> { }
                }
            }
        });
        ObjectNode o = Json.object();
        o.put("TTL", config.ttl());
        o.put("Serial", zone.serial());
        o.put("RefreshSeconds", config.refreshSeconds());
        o.put("Mname", config.soaMname());
        o.put("Rname", config.soaRname());
        o.put("Domain", config.domain());
        ObjectNode records = o.putObject("Records");
        records.set("As", Json.MAPPER.valueToTree(as));
        records.set("AAAAs", Json.MAPPER.valueToTree(aaaas));
        records.set("SRVs", Json.MAPPER.valueToTree(srvs));
        json(ctx, o);
    }

    private static String ip6(AAAARecord r) {
        String s = r.getAddress().getHostAddress();
        return io.strata.dns.records.IpLiterals.canonical(s);
    }

    /** As Mesos-DNS: lower case, {@code .*} wildcards removed, fully qualified. */
    static String clean(String raw) {
        String d = raw.toLowerCase(Locale.ROOT).replace(".*", "");
        return d.endsWith(".") ? d : d + ".";
    }

    private static Name name(String dom) {
        try {
            return Name.fromString(dom);
        } catch (TextParseException e) {
            return null;
        }
    }
}
