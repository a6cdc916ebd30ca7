package io.strata.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DnsConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreMesosDnsDefaultsBoundToLoopback() {
        DnsConfig c = DnsConfig.defaults();
        assertThat(c.refreshSeconds()).isEqualTo(60);
        assertThat(c.ttl()).isEqualTo(60);
        assertThat(c.domain()).isEqualTo("mesos");
        assertThat(c.port()).isEqualTo(53);
        assertThat(c.timeout()).isEqualTo(5);
        assertThat(c.httpPort()).isEqualTo(8123);
        assertThat(c.listener()).isEqualTo("127.0.0.1");
        assertThat(c.httpListener()).isEqualTo("127.0.0.1");
        assertThat(c.soaMname()).isEqualTo("ns1.mesos.");
        assertThat(c.soaRname()).isEqualTo("root.ns1.mesos.");
        assertThat(c.ipSources()).containsExactly("netinfo", "mesos", "host");
        assertThat(c.dnsOn()).isTrue();
        assertThat(c.httpOn()).isTrue();
        assertThat(c.externalOn()).isTrue();
        assertThat(c.enforceRFC952()).isFalse();
        assertThat(c.setTruncateBit()).isTrue();
        assertThat(c.soaMinttl()).isEqualTo(60);
        assertThat(c.soaExpire()).isEqualTo(86400);
    }

    @Test
    void readsAMesosDnsConfigFileWithKeysInAnyCase() throws Exception {
        Path f = dir.resolve("config.json");
        Files.writeString(f, """
                {
                  "zk": "zk://127.0.0.1:2181/mesos",
                  "masters": ["127.0.0.1:5050"],
                  "refreshSeconds": 30,
                  "ttl": 10,
                  "domain": "Cluster.Local",
                  "port": 8053,
                  "resolvers": ["127.0.0.53", "127.0.0.1:5353"],
                  "timeout": 2,
                  "listener": "127.0.0.1",
                  "SOAMname": "ns1.cluster.local",
                  "SOARname": "admin@cluster.local",
                  "HttpOn": true,
                  "httpport": 8124,
                  "DNSON": true,
                  "externalon": false,
                  "IPSources": ["host", "netinfo"],
                  "EnforceRFC952": true,
                  "mesosAuthentication": "",
                  "zoneResolvers": {"consul.": ["127.0.0.1:8600"]}
                }""");
        DnsConfig c = DnsConfig.fromJsonFile(f);
        assertThat(c.zk()).isEqualTo("zk://127.0.0.1:2181/mesos");
        assertThat(c.masters()).containsExactly("127.0.0.1:5050");
        assertThat(c.refreshSeconds()).isEqualTo(30);
        assertThat(c.ttl()).isEqualTo(10);
        assertThat(c.domain()).isEqualTo("cluster.local");
        assertThat(c.port()).isEqualTo(8053);
        assertThat(c.resolvers()).containsExactly("127.0.0.53", "127.0.0.1:5353");
        assertThat(c.timeout()).isEqualTo(2);
        assertThat(c.soaMname()).isEqualTo("ns1.cluster.local.");
        assertThat(c.soaRname()).isEqualTo("admin.cluster.local.");
        assertThat(c.httpPort()).isEqualTo(8124);
        assertThat(c.externalOn()).isFalse();
        assertThat(c.ipSources()).containsExactly("host", "netinfo");
        assertThat(c.enforceRFC952()).isTrue();
        assertThat(c.zoneResolvers()).containsEntry("consul", List.of("127.0.0.1:8600"));
        assertThat(DnsConfig.ignoredKeys(Files.readString(f))).containsExactly("mesosAuthentication");
        c.validateForStart();
    }

    @Test
    void badValuesAreRejectedNamingTheKey() {
        assertThatThrownBy(() -> DnsConfig.fromJson("{\"ttl\": \"60\"}")).hasMessageContaining("'ttl'");
        assertThatThrownBy(() -> DnsConfig.fromJson("{\"domain\": \"-bad..\"}")).hasMessageContaining("'domain'");
        assertThatThrownBy(() -> DnsConfig.fromJson("{\"masters\": [\"nohost\"]}")).hasMessageContaining("'masters'");
        assertThatThrownBy(() -> DnsConfig.fromJson("{\"masters\": [\"10.0.0.1:5050\", \"10.0.0.1:5050\"]}")).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> DnsConfig.fromJson("{\"resolvers\": [\"dns.google\"]}")).hasMessageContaining("'resolvers'");
        assertThatThrownBy(() -> DnsConfig.fromJson("{\"IPSources\": [\"rkt\"]}")).hasMessageContaining("rkt");
        assertThatThrownBy(() -> DnsConfig.fromJson("{\"IPSources\": []}")).hasMessageContaining("IPSources");
        assertThatThrownBy(() -> DnsConfig.fromJson("{\"port\": 70000}")).hasMessageContaining("'port'");
        assertThatThrownBy(() -> DnsConfig.fromJson("{\"listener\": \"localhost\"}")).hasMessageContaining("'listener'");
        assertThatThrownBy(() -> DnsConfig.fromJson("{\"zoneResolvers\": {\"mesos\": [\"127.0.0.1\"]}}")).hasMessageContaining("overlaps");
        assertThatThrownBy(() -> DnsConfig.fromJson("[]")).hasMessageContaining("object");
        assertThatThrownBy(() -> DnsConfig.defaults().validateForStart()).hasMessageContaining("'zk' or 'masters'");
        assertThatThrownBy(() -> DnsConfig.fromJson("{\"dnson\": false, \"httpon\": false, \"zk\": \"zk://127.0.0.1:2181/m\"}").validateForStart())
                .hasMessageContaining("either DNS");
    }

    @Test
    void resolverAddresses() {
        assertThat(DnsConfig.resolverAddress("10.0.0.1").toString()).isEqualTo("10.0.0.1:53");
        assertThat(DnsConfig.resolverAddress("10.0.0.1:5353").toString()).isEqualTo("10.0.0.1:5353");
        assertThat(DnsConfig.resolverAddress("[2001:db8::1]:53").toString()).isEqualTo("[2001:db8::1]:53");
        assertThat(DnsConfig.resolverAddress("2001:db8::1").toString()).isEqualTo("[2001:db8::1]:53");
        assertThat(DnsConfig.resolverAddress("example.com")).isNull();
    }

    @Test
    void withersOverrideForTheLauncher() {
        DnsConfig c = DnsConfig.defaults().withZk("zk://127.0.0.1:2181/strata").withPort(8053).withHttpPort(8123)
                .withListener("0.0.0.0").withMasters(List.of("127.0.0.1:5050"));
        assertThat(c.port()).isEqualTo(8053);
        assertThat(c.listener()).isEqualTo("0.0.0.0");
        c.validateForStart();
    }
}
