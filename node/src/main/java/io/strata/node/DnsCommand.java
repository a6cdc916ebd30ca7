package io.strata.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.dns.DnsConfig;
import io.strata.dns.DnsServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dcos-node dns}: Mesos-DNS compatible names for every task; reads Mesos-DNS' config.json. */
@Command(name = "dns", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Run the DNS server: Mesos-DNS names (<task>.<framework>.mesos, SRV _<task>._tcp...) over UDP "
                + "and TCP, and Mesos-DNS' HTTP API.", "Takes Mesos-DNS' config.json; the flags below override it."})
public final class DnsCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "A Mesos-DNS config.json (zk, masters, domain, port, "
            + "resolvers, IPSources, ...). Without it, Mesos-DNS' defaults (but listening on 127.0.0.1).")
    Path config;

    @Option(names = "--zk", paramLabel = "URL", description = "Where the masters are, e.g. zk://127.0.0.1:2181/strata.")
    String zk;

    @Option(names = "--port", paramLabel = "PORT", description = "DNS port, UDP and TCP (config 'port'; default 53).")
    Integer port;

    @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP API port (config 'httpport'; default 8123).")
    Integer httpPort;

    @Option(names = "--listener", paramLabel = "ADDR", description = "Address to listen on (config 'listener'; default 127.0.0.1).")
    String listener;

    @Mixin
    LogOptions log = new LogOptions();

    DnsConfig toConfig() throws java.io.IOException {
        DnsConfig base = config == null ? DnsConfig.defaults() : DnsConfig.fromJsonFile(config);
        ObjectNode overrides = Json.object();
        if (zk != null) overrides.put("zk", zk);
        if (port != null) overrides.put("port", port);
        if (httpPort != null) overrides.put("httpport", httpPort);
        if (listener != null) {
            overrides.put("listener", listener);
            overrides.put("httplistener", listener);
        }
        return base.merge(overrides);
    }

    @Override
    public Integer call() throws Exception {
        log.apply();
        DnsConfig c;
        try {
            c = toConfig();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        if (c.zk() == null && c.masters().isEmpty()) {
            throw new UserError("the DNS server needs to know where the masters are: --zk zk://host:2181/strata, "
                    + "or 'zk' / 'masters' in --config");
        }
        Lifecycle life = new Lifecycle(null);
        DnsServer dns;
        try {
            dns = DnsServer.start(c);
        } catch (Exception e) {
            if (UserError.isBindFailure(e)) throw UserError.portInUse(c.listener(), c.port(), "--port");
            throw e;
        }
        life.add("dns", dns);
        System.out.println("DNS for ." + c.domain() + " on " + c.listener() + ":" + dns.udpPort() + " (UDP and TCP), "
                + "HTTP API on port " + dns.httpPort());
        life.runUntilSignalled();
        return 0;
    }
}
