package io.strata.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.agent.AgentConfig;
import io.strata.agent.AgentServer;
import io.strata.common.zk.EmbeddedZooKeeper;
import io.strata.dns.naming.TaskHash;
import io.strata.dns.support.Dig;
import io.strata.dns.support.DnsClient;
import io.strata.dns.support.FakeResolver;
import io.strata.dns.support.TinyScheduler;
import io.strata.master.MasterConfig;
import io.strata.master.MasterServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.DiscoveryInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Port;
import org.apache.mesos.v1.Protos.Ports;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * DNS against a real cluster in this JVM: ZooKeeper, a master and an agent running real processes, and a tiny
 * v1 scheduler named "marathon" that launches a {@code sleep} as Marathon would launch app {@code /prod/web}
 * (task and DiscoveryInfo named {@code web.prod}, a named port). Every record kind is asked with {@code dig}
 * over UDP and TCP. Everything listens on 127.0.0.1; the only upstream resolver is one this test runs.
 */
class DnsEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private EmbeddedZooKeeper zk;
    private String zkUrl;
    private MasterServer master;
    private AgentServer agent;
    private FakeResolver upstream;
    private DnsServer dns;
    private TinyScheduler scheduler;
    private Dig dig;

    @BeforeEach
    void start() throws Exception {
        zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir.resolve("zk"));
        zkUrl = "zk://" + zk.connectString() + "/strata";
        master = MasterServer.start(MasterConfig.defaults(zkUrl, dir.resolve("master")).withPort(0));
        await().atMost(WAIT).until(master::isLeading);
        agent = AgentServer.start(new AgentConfig(zkUrl, "127.0.0.1", 0, "127.0.0.1", dir.resolve("agent"),
                "cpus:4;mem:2048;disk:1024;ports:[31000-31100]", null, false, true, null, 100));
        await().atMost(WAIT).until(agent::registered);
        upstream = new FakeResolver(1);
        dns = DnsServer.start(DnsConfig.defaults().withZk(zkUrl).withPort(0).withHttpPort(0)
                .withResolvers(List.of(upstream.address())));
        await().atMost(WAIT).until(dns::streaming);
        dig = new Dig(dns.udpPort());
        scheduler = new TinyScheduler("127.0.0.1:" + master.port());
        scheduler.subscribe("marathon");
        await().atMost(WAIT).until(scheduler::subscribed);
    }

    @AfterEach
    void stop() throws Exception {
        if (scheduler != null) scheduler.close();
        if (dns != null) dns.close();
        if (agent != null) agent.close();
        if (master != null) master.close();
        if (zk != null) zk.close();
        if (upstream != null) upstream.close();
    }

    private static Resource scalar(Offer offer, String name, double value) {
        Resource r = offer.getResourcesList().stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow();
        return r.toBuilder().setScalar(Value.Scalar.newBuilder().setValue(value)).build();
    }

    private static Resource ports(Offer offer, long begin, long end) {
        Resource r = offer.getResourcesList().stream().filter(x -> x.getName().equals("ports")).findFirst().orElseThrow();
        return r.toBuilder().setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end))).build();
    }

    /** Marathon's task for app /prod/web: name and DiscoveryInfo "web.prod", port 31000 named "http". */
    private TaskInfo webProd(Offer offer, String id) {
        return TaskInfo.newBuilder().setName("web.prod").setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId())
                .setCommand(CommandInfo.newBuilder().setValue("sleep 600"))
                .addResources(scalar(offer, "cpus", 0.1)).addResources(scalar(offer, "mem", 32)).addResources(ports(offer, 31000, 31000))
                .setDiscovery(DiscoveryInfo.newBuilder().setVisibility(DiscoveryInfo.Visibility.FRAMEWORK).setName("web.prod")
                        .setPorts(Ports.newBuilder().addPorts(Port.newBuilder().setNumber(31000).setName("http").setProtocol("tcp"))))
                .build();
    }

    /** A task without DiscoveryInfo and 60 ports: its SRV answer does not fit 512 bytes. */
    private TaskInfo wide(Offer offer, String id) {
        return TaskInfo.newBuilder().setName("wide").setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId())
                .setCommand(CommandInfo.newBuilder().setValue("sleep 600"))
                .addResources(scalar(offer, "cpus", 0.1)).addResources(scalar(offer, "mem", 32)).addResources(ports(offer, 31001, 31060))
                .build();
    }

    @Test
    void everyRecordKindAnswersOverUdpAndTcpWhileTheTaskRunsAndGoesWhenItIsKilled() throws Exception {
        Assumptions.assumeTrue(Dig.available(), "dig (Debian dnsutils) is not installed");
        await().atMost(WAIT).until(() -> !scheduler.offers().isEmpty());
        Offer offer = scheduler.offers().get(0);
        String web = "prod_web." + UUID.randomUUID();
        String wide = "wide." + UUID.randomUUID();
        scheduler.launch(offer, webProd(offer, web), wide(offer, wide));
        await().atMost(WAIT).until(() -> scheduler.update(web, TaskState.TASK_RUNNING) != null
                && scheduler.update(wide, TaskState.TASK_RUNNING) != null);
        String tail = TaskHash.agentTail(offer.getAgentId().getValue());
        String canonical = "web-prod-" + TaskHash.of(web) + "-" + tail;

        for (String transport : new String[] {"+notcp", "+tcp"}) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(dig.short_("web-prod.marathon.mesos", "A", transport)).containsExactly("127.0.0.1"));
            assertThat(dig.short_(canonical + ".marathon.mesos", "A", transport)).containsExactly("127.0.0.1");
            assertThat(dig.short_("web-prod.marathon.slave.mesos", "A", transport)).containsExactly("127.0.0.1");
            assertThat(dig.short_(canonical + ".marathon.slave.mesos", "A", transport)).containsExactly("127.0.0.1");
            assertThat(dig.short_("web.prod.marathon.mesos", "A", transport)).as("Mesos-DNS's legacy name").containsExactly("127.0.0.1");
            assertThat(dig.short_("_web-prod._tcp.marathon.mesos", "SRV", transport)).containsExactly("0 1 31000 " + canonical + ".marathon.mesos.");
            assertThat(dig.short_("_http._web-prod._tcp.marathon.mesos", "SRV", transport)).containsExactly("0 1 31000 " + canonical + ".marathon.mesos.");
            assertThat(dig.short_("_web-prod._tcp.marathon.slave.mesos", "SRV", transport)).containsExactly("0 1 31000 " + canonical + ".marathon.slave.mesos.");
            assertThat(dig.short_("_web-prod._udp.marathon.slave.mesos", "SRV", transport)).containsExactly("0 1 31000 " + canonical + ".marathon.slave.mesos.");
            assertThat(dig.short_("leader.mesos", "A", transport)).containsExactly("127.0.0.1");
            assertThat(dig.short_("master.mesos", "A", transport)).containsExactly("127.0.0.1");
            assertThat(dig.short_("master0.mesos", "A", transport)).containsExactly("127.0.0.1");
            assertThat(dig.short_("_leader._tcp.mesos", "SRV", transport)).containsExactly("0 1 " + master.port() + " leader.mesos.");
            assertThat(dig.short_("_leader._udp.mesos", "SRV", transport)).containsExactly("0 1 " + master.port() + " leader.mesos.");
            assertThat(dig.short_("marathon.mesos", "A", transport)).containsExactly("127.0.0.1");
            assertThat(dig.short_("slave.mesos", "A", transport)).containsExactly("127.0.0.1");
            assertThat(dig.short_("_slave._tcp.mesos", "SRV", transport)).containsExactly("0 1 " + agent.port() + " slave.mesos.");
            assertThat(dig.short_("ns1.mesos", "A", transport)).containsExactly("127.0.0.1");
            assertThat(dig.short_("mesos", "NS", transport)).containsExactly("ns1.mesos.");
            assertThat(dig.short_("mesos", "SOA", transport)).singleElement().asString().startsWith("ns1.mesos. root.ns1.mesos. ");

            String srvFull = dig.full("_web-prod._tcp.marathon.mesos", "SRV", transport);
            assertThat(srvFull).contains("flags: qr aa rd ra").contains("IN\tA\t127.0.0.1");
            String nx = dig.full("nothere.marathon.mesos", "A", transport);
            assertThat(Dig.status(nx)).isEqualTo("NXDOMAIN");
            assertThat(nx).contains("IN\tSOA\tns1.mesos. root.ns1.mesos.");
            String nodata = dig.full("web-prod.marathon.mesos", "AAAA", transport);
            assertThat(Dig.status(nodata)).isEqualTo("NOERROR");
            assertThat(Dig.count(nodata, "ANSWER")).isZero();
            assertThat(Dig.count(nodata, "AUTHORITY")).isEqualTo(1);
            assertThat(Dig.status(dig.full("_tcp.marathon.mesos", "SRV", transport))).as("empty non-terminal").isEqualTo("NOERROR");
        }

        // 60 SRV records do not fit in 512 bytes: dig sees TC over UDP and asks again over TCP
        String wideSrv = dig.full("_wide._tcp.marathon.mesos", "SRV", "+noedns");
        assertThat(wideSrv).contains("Truncated, retrying in TCP mode");
        assertThat(Dig.count(wideSrv, "ANSWER")).isEqualTo(60);
        assertThat(dig.short_("_wide._tcp.marathon.mesos", "SRV", "+tcp")).hasSize(60);

        // killed: every task name goes, the cluster's names stay
        scheduler.kill(web, offer.getAgentId());
        scheduler.kill(wide, offer.getAgentId());
        await().atMost(WAIT).until(() -> scheduler.update(web, TaskState.TASK_KILLED) != null);
        await().atMost(WAIT).untilAsserted(() -> assertThat(Dig.status(dig.full("web-prod.marathon.mesos", "A"))).isEqualTo("NXDOMAIN"));
        assertThat(Dig.status(dig.full("_web-prod._tcp.marathon.mesos", "SRV", "+tcp"))).isEqualTo("NXDOMAIN");
        assertThat(Dig.status(dig.full("web.prod.marathon.mesos", "A"))).isEqualTo("NXDOMAIN");
        await().atMost(WAIT).untilAsserted(() -> assertThat(Dig.status(dig.full("_wide._tcp.marathon.mesos", "SRV"))).isEqualTo("NXDOMAIN"));
        assertThat(dig.short_("leader.mesos", "A")).containsExactly("127.0.0.1");
        assertThat(dig.short_("slave.mesos", "A", "+tcp")).containsExactly("127.0.0.1");
    }

    @Test
    void namesOutsideTheDomainGoToTheUpstreamAndBigAnswersMoveToTcp() throws Exception {
        Assumptions.assumeTrue(Dig.available(), "dig (Debian dnsutils) is not installed");
        assertThat(dig.short_("www.example.com", "A")).containsExactly("192.0.2.1");
        assertThat(dig.short_("www.example.com", "A", "+tcp")).containsExactly("192.0.2.1");
        assertThat(Dig.status(dig.full("nothing.example.org", "A"))).isEqualTo("NXDOMAIN");
        String big = dig.full("big.example.com", "A", "+noedns");
        assertThat(big).contains("Truncated, retrying in TCP mode");
        assertThat(Dig.count(big, "ANSWER")).isEqualTo(100);
        assertThat(upstream.tcpQueries.get()).as("the +tcp query and the retry").isEqualTo(2);
    }

    @Test
    void badPacketsDoNotHurtTheServer() throws Exception {
        DnsClient client = new DnsClient(dns.udpPort());
        Random random = new Random(3);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", dns.udpPort());
            for (int i = 0; i < 5_000; i++) {
                byte[] junk = new byte[random.nextInt(700)];
                random.nextBytes(junk);
                s.send(new DatagramPacket(junk, junk.length, server));
            }
            byte[] huge = new byte[65_000];
            s.send(new DatagramPacket(huge, huge.length, server));
        }
        for (int i = 0; i < 10; i++) {
            byte[] junk = new byte[random.nextInt(300)];
            random.nextBytes(junk);
            try {
                client.tcp(junk, 200);
            } catch (java.io.IOException e) {
                // silence or a closed connection is a fine answer to junk
            }
        }
        assertThat(client.udp("leader.mesos", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(client.tcp("leader.mesos", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
        if (Dig.available()) assertThat(dig.short_("leader.mesos", "A")).containsExactly("127.0.0.1");
    }

    @Test
    void aMasterFailoverIsFollowedThroughZooKeeper() throws Exception {
        DnsClient client = new DnsClient(dns.udpPort());
        MasterServer second = MasterServer.start(MasterConfig.defaults(zkUrl, dir.resolve("master2")).withPort(0));
        try {
            await().atMost(WAIT).untilAsserted(() -> assertThat(client.udp("master.mesos", Type.A).getSection(org.xbill.DNS.Section.ANSWER)).hasSize(1));
            await().atMost(WAIT).untilAsserted(() -> assertThat(srvPorts(client, "_leader._tcp.mesos")).containsExactly(master.port()));
            master.close();
            master = null;
            await().atMost(WAIT).until(second::isLeading);
            await().atMost(WAIT).untilAsserted(() -> assertThat(srvPorts(client, "_leader._tcp.mesos")).containsExactly(second.port()));
            await().atMost(WAIT).until(dns::streaming);
            // the agent re-registers with the new leader and the stream brings it back
            await().atMost(WAIT).untilAsserted(() -> assertThat(client.udp("slave.mesos", Type.A).getRcode()).isEqualTo(Rcode.NOERROR));
        } finally {
            second.close();
        }
    }

    private static List<Integer> srvPorts(DnsClient client, String name) throws Exception {
        return client.tcp(name, Type.SRV).getSection(org.xbill.DNS.Section.ANSWER).stream()
                .map(r -> ((org.xbill.DNS.SRVRecord) r).getPort()).toList();
    }
}
