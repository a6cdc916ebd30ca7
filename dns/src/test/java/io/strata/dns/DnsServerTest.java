package io.strata.dns;

import static io.strata.dns.support.Tasks.discovery;
import static io.strata.dns.support.Tasks.task;
import static io.strata.dns.support.Tasks.withPorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.json.Json;
import io.strata.dns.naming.TaskHash;
import io.strata.dns.support.DnsClient;
import io.strata.dns.support.FakeMaster;
import io.strata.dns.support.FakeResolver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.mesos.v1.Protos.TaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The whole server against a stand-in master and stand-in upstream resolvers, all on 127.0.0.1. */
class DnsServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private FakeMaster master;
    private FakeResolver upstream1;
    private FakeResolver upstream2;
    private DnsServer dns;
    private DnsClient client;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        master = new FakeMaster();
        master.addAgent("20251125-0000-S0", "127.0.0.1", 5051);
        master.addFramework("fw-1", "marathon", "127.0.0.1");
        upstream1 = new FakeResolver(1);
        upstream2 = new FakeResolver(2);
    }

    private void startDns(DnsConfig config) throws Exception {
        dns = DnsServer.start(config);
        client = new DnsClient(dns.udpPort());
        // until the master has been heard from, names in the domain are SERVFAIL (QueryHandlerTest covers that)
        await().atMost(WAIT).until(() -> dns.zone().synced());
    }

    private DnsConfig config() {
        return DnsConfig.defaults().withPort(0).withHttpPort(0).withMasters(List.of(master.hostPort()))
                .withResolvers(List.of(upstream1.address(), upstream2.address()));
    }

    @AfterEach
    void stop() throws Exception {
        if (dns != null) dns.close();
        master.close();
        upstream1.close();
        upstream2.close();
    }

    private List<String> a(String name) throws Exception {
        return client.udp(name, Type.A).getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
    }

    @Test
    void tasksAppearWhenRunningAndGoWhenTheyEnd() throws Exception {
        startDns(config());
        await().atMost(WAIT).until(() -> dns.streaming());
        assertThat(dns.udpPort()).isEqualTo(dns.tcpPort());

        master.addTask(withPorts(task("fw-1", "20251125-0000-S0", "web.1", "web", TaskState.TASK_STAGING), 31000, 31000).build());
        master.update("web.1", TaskState.TASK_RUNNING, "127.0.0.1");
        await().atMost(WAIT).untilAsserted(() -> assertThat(a("web.marathon.mesos")).containsExactly("127.0.0.1"));
        Message srv = client.tcp("_web._tcp.marathon.mesos", Type.SRV);
        assertThat(srv.getSection(Section.ANSWER)).extracting(Record::rdataToString)
                .containsExactly("0 1 31000 web-" + TaskHash.of("web.1") + "-s0.marathon.slave.mesos.");
        assertThat(srv.getSection(Section.ADDITIONAL)).extracting(Record::rdataToString).containsExactly("127.0.0.1");
        assertThat(a("leader.mesos")).containsExactly("127.0.0.1");
        assertThat(a("slave.mesos")).containsExactly("127.0.0.1");
        assertThat(a("marathon.mesos")).containsExactly("127.0.0.1");

        master.update("web.1", TaskState.TASK_KILLED, null);
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.udp("web.marathon.mesos", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN));
    }

    @Test
    void theStreamIsResumedAfterTheMasterDropsIt() throws Exception {
        startDns(config());
        await().atMost(WAIT).until(() -> dns.streaming() && master.subscribers() == 1);
        master.dropStreams();
        await().atMost(WAIT).until(() -> master.subscribers() == 1 && dns.streaming());
        master.addTask(task("fw-1", "20251125-0000-S0", "db.1", "db", TaskState.TASK_STAGING).build());
        master.update("db.1", TaskState.TASK_RUNNING, null);
        await().atMost(WAIT).untilAsserted(() -> assertThat(a("db.marathon.mesos")).containsExactly("127.0.0.1"));
    }

    @Test
    void aNonLeadingMasterRedirectsToTheLeader() throws Exception {
        try (FakeMaster follower = new FakeMaster()) {
            follower.redirectTo(master.hostPort());
            startDns(config().withMasters(List.of(follower.hostPort(), master.hostPort())));
            await().atMost(WAIT).until(() -> master.subscribers() == 1);
            assertThat(follower.subscribers()).isZero();
            await().atMost(WAIT).untilAsserted(() -> assertThat(a("master.mesos")).contains("127.0.0.1"));
            assertThat(a("master0.mesos")).containsExactly("127.0.0.1");
        }
    }

    @Test
    void withoutTheOperatorApiThePeriodicResyncFeedsTheRecords() throws Exception {
        master.disableOperatorApi();
        master.addTask(withPorts(task("fw-1", "20251125-0000-S0", "old.1", "old", TaskState.TASK_STAGING), 31001, 31001).build());
        master.update("old.1", TaskState.TASK_RUNNING, null);
        startDns(config().withRefreshSeconds(1));
        await().atMost(WAIT).untilAsserted(() -> assertThat(a("old.marathon.mesos")).containsExactly("127.0.0.1"));
        assertThat(dns.streaming()).isFalse();
        master.updateQuietly("old.1", TaskState.TASK_FINISHED);
        await().atMost(WAIT).untilAsserted(() -> assertThat(a("old.marathon.mesos")).isEmpty());
    }

    @Test
    void namesOutsideTheDomainAreForwardedInOrderOverTheClientsTransport() throws Exception {
        startDns(config());
        Message m = client.udp("www.example.com", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getSection(Section.ANSWER)).extracting(Record::rdataToString).containsExactly("192.0.2.1");
        assertThat(upstream1.udpQueries.get()).isEqualTo(1);

        assertThat(client.udp("nothing.example.org", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);

        // too big for UDP upstream: TC passes through, the client retries over TCP and we forward over TCP
        Message big = client.udp("big.example.com", Type.A);
        assertThat(big.getHeader().getFlag(Flags.TC)).isTrue();
        Message bigTcp = client.tcp("big.example.com", Type.A);
        assertThat(bigTcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(bigTcp.getSection(Section.ANSWER)).hasSize(100);
        assertThat(upstream1.tcpQueries.get()).isEqualTo(1);
    }

    @Test
    void anUpstreamThatDoesNotAnswerIsSkippedAndNoneAnsweringIsServfail() throws Exception {
        FakeResolver dead = new FakeResolver(9);
        String deadAddress = dead.address();
        dead.close();
        startDns(DnsConfig.fromJson("{\"timeout\": 1}").withPort(0).withHttpPort(0).withMasters(List.of(master.hostPort()))
                .withResolvers(List.of(deadAddress, upstream2.address())));
        Message m = client.udp("www.example.com", Type.A);
        assertThat(m.getSection(Section.ANSWER)).extracting(Record::rdataToString).containsExactly("192.0.2.2");
        byte[] slow = client.udp(DnsClient.query("slow.example.com", Type.A, null), 5_000);
        assertThat(new Message(slow).getRcode()).isEqualTo(Rcode.SERVFAIL);
    }

    @Test
    void forwardingOffIsRefused() throws Exception {
        startDns(DnsConfig.fromJson("{\"externalon\": false}").withPort(0).withHttpPort(0).withMasters(List.of(master.hostPort())));
        assertThat(client.udp("www.example.com", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(upstream1.udpQueries.get()).isZero();
    }

    @Test
    void zoneResolversTakeTheirZones() throws Exception {
        startDns(DnsConfig.fromJson("{\"zoneResolvers\": {\"corp.example.com\": [\"" + upstream2.address() + "\"]}}")
                .withPort(0).withHttpPort(0).withMasters(List.of(master.hostPort())).withResolvers(List.of(upstream1.address())));
        assertThat(a("a.corp.example.com")).containsExactly("192.0.2.2");
        assertThat(a("a.example.com")).containsExactly("192.0.2.1");
    }

    @Test
    void tcpCarriesSeveralQueriesPerConnectionAndSurvivesGarbage() throws Exception {
        startDns(config());
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", dns.tcpPort())) {
            s.setSoTimeout(3_000);
            var out = s.getOutputStream();
            var in = new java.io.DataInputStream(s.getInputStream());
            for (String name : List.of("leader.mesos", "mesos", "nothere.mesos")) {
                byte[] q = DnsClient.query(name, Type.A, null);
                out.write(new byte[] {(byte) (q.length >>> 8), (byte) q.length});
                out.write(q);
            }
            out.write(new byte[] {0, 5, 1, 2, 3, 4, 5}); // too short for a header: ignored
            out.flush();
            for (int i = 0; i < 3; i++) {
                byte[] a = new byte[in.readUnsignedShort()];
                in.readFully(a);
                assertThat(new Message(a).getHeader().getFlag(Flags.QR)).isTrue();
            }
        }
        // the server is still fine
        assertThat(client.udp("mesos", Type.SOA).getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void httpApiAsMesosDns() throws Exception {
        master.addTask(withPorts(discovery(task("fw-1", "20251125-0000-S0", "prod_web.1", "web.prod", TaskState.TASK_STAGING),
                "web.prod", 31005, "http", "tcp"), 31005, 31005).build());
        master.update("prod_web.1", TaskState.TASK_RUNNING, "127.0.0.1");
        startDns(config());
        int port = dns.httpPort();
        await().atMost(WAIT).untilAsserted(() -> assertThat(a("web-prod.marathon.mesos")).containsExactly("127.0.0.1"));

        JsonNode version = get(port, "/v1/version");
        assertThat(version.path("Service").asText()).isEqualTo("Mesos-DNS");
        JsonNode config = get(port, "/v1/config");
        assertThat(config.path("Domain").asText()).isEqualTo("mesos");
        assertThat(config.path("HttpPort").asInt()).isZero();
        assertThat(config.path("IPSources")).hasSize(3);

        JsonNode hosts = get(port, "/v1/hosts/web-prod.marathon.mesos");
        assertThat(hosts).hasSize(1);
        assertThat(hosts.get(0).path("host").asText()).isEqualTo("web-prod.marathon.mesos.");
        assertThat(hosts.get(0).path("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(get(port, "/v1/hosts/nothere.mesos").get(0).path("ip").asText()).isEmpty();

        JsonNode services = get(port, "/v1/services/_web-prod._tcp.marathon.mesos.");
        assertThat(services).hasSize(1);
        assertThat(services.get(0).path("port").asText()).isEqualTo("31005");
        assertThat(services.get(0).path("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(services.get(0).path("host").asText()).startsWith("web-prod-").endsWith("-s0.marathon.mesos.");
        assertThat(services.get(0).path("service").asText()).isEqualTo("_web-prod._tcp.marathon.mesos.");
        assertThat(get(port, "/v1/services/_http._web-prod._tcp.marathon.mesos").get(0).path("port").asText()).isEqualTo("31005");

        JsonNode en = get(port, "/v1/enumerate");
        JsonNode fw = en.path("frameworks").get(0);
        assertThat(fw.path("name").asText()).isEqualTo("marathon");
        JsonNode t = fw.path("tasks").get(0);
        assertThat(t.path("id").asText()).isEqualTo("prod_web.1");
        assertThat(t.path("name").asText()).isEqualTo("web.prod");
        assertThat(t.path("records").findValuesAsText("name")).contains("web-prod.marathon.mesos.", "web.prod.marathon.mesos.",
                "_http._web-prod._tcp.marathon.mesos.");
        assertThat(t.path("records").findValuesAsText("rtype")).contains("A", "SRV");

        JsonNode axfr = get(port, "/v1/axfr");
        assertThat(axfr.path("Records").path("As").path("web-prod.marathon.mesos.").get(0).asText()).isEqualTo("127.0.0.1");
        assertThat(axfr.path("Domain").asText()).isEqualTo("mesos");

        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("strata_dns_queries_total", "strata_dns_records");
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    private JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return Json.read(r.body());
    }
}
