package io.strata.dns.records;

import static io.strata.dns.support.Tasks.discovery;
import static io.strata.dns.support.Tasks.running;
import static io.strata.dns.support.Tasks.statusLabel;
import static io.strata.dns.support.Tasks.task;
import static io.strata.dns.support.Tasks.withPorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.dns.naming.LabelSpec;
import io.strata.dns.naming.TaskHash;
import java.util.List;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskState;
import org.junit.jupiter.api.Test;

class RecordGeneratorTest {
    private static final String AGENT = "0f4b3c1e-5b2a-4f2e-9a1d-1c2d3e4f5a6b-S3";
    private static final List<String> AGENT_IPS = List.of("10.0.0.3");
    private final RecordGenerator gen = new RecordGenerator("mesos", LabelSpec.RFC1123, List.of("netinfo", "mesos", "host"));

    private static List<String> lines(List<Rr> rrs) {
        return rrs.stream().map(Rr::toString).toList();
    }

    @Test
    void taskWithoutDiscoveryInfoGetsAddressAndPortNames() {
        Task t = running(withPorts(task("fw", AGENT, "nginx.1", "nginx", TaskState.TASK_STAGING), 31000, 31001), 1.0).build();
        String c = "nginx-" + TaskHash.of("nginx.1") + "-s3";
        assertThat(lines(gen.task(t, "marathon", AGENT_IPS))).containsExactlyInAnyOrder(
                "A nginx.marathon.mesos. 10.0.0.3",
                "A " + c + ".marathon.mesos. 10.0.0.3",
                "A nginx.marathon.slave.mesos. 10.0.0.3",
                "A " + c + ".marathon.slave.mesos. 10.0.0.3",
                "SRV _nginx._tcp.marathon.slave.mesos. " + c + ".marathon.slave.mesos.:31000",
                "SRV _nginx._udp.marathon.slave.mesos. " + c + ".marathon.slave.mesos.:31000",
                "SRV _nginx._tcp.marathon.mesos. " + c + ".marathon.slave.mesos.:31000",
                "SRV _nginx._udp.marathon.mesos. " + c + ".marathon.slave.mesos.:31000",
                "SRV _nginx._tcp.marathon.slave.mesos. " + c + ".marathon.slave.mesos.:31001",
                "SRV _nginx._udp.marathon.slave.mesos. " + c + ".marathon.slave.mesos.:31001",
                "SRV _nginx._tcp.marathon.mesos. " + c + ".marathon.slave.mesos.:31001",
                "SRV _nginx._udp.marathon.mesos. " + c + ".marathon.slave.mesos.:31001");
    }

    @Test
    void marathonAppInAGroupAnswersUnderItsSanitisedAndItsLegacyName() {
        // Marathon names the tasks of /prod/web "web.prod" and puts the same name in DiscoveryInfo
        Task t = running(withPorts(discovery(task("fw", AGENT, "prod_web.abc", "web.prod", TaskState.TASK_STAGING),
                "web.prod", 31005, "http", "tcp"), 31005, 31005), 1.0, "10.0.0.3").build();
        List<String> rrs = lines(gen.task(t, "marathon", AGENT_IPS));
        String h = TaskHash.of("prod_web.abc");
        assertThat(rrs).contains(
                "A web-prod.marathon.mesos. 10.0.0.3",
                "A web-prod-" + h + "-s3.marathon.mesos. 10.0.0.3",
                "A web-prod.marathon.slave.mesos. 10.0.0.3",
                "SRV _web-prod._tcp.marathon.mesos. web-prod-" + h + "-s3.marathon.mesos.:31005",
                "SRV _http._web-prod._tcp.marathon.mesos. web-prod-" + h + "-s3.marathon.mesos.:31005",
                "SRV _web-prod._tcp.marathon.slave.mesos. web-prod-" + h + "-s3.marathon.slave.mesos.:31005",
                "SRV _web-prod._udp.marathon.slave.mesos. web-prod-" + h + "-s3.marathon.slave.mesos.:31005",
                // the legacy, unsanitised name Mesos-DNS still generates
                "A web.prod.marathon.mesos. 10.0.0.3");
        // with DiscoveryInfo there is no SRV under the framework for plain port resources, and the DI port's
        // protocol decides tcp or udp
        assertThat(rrs).doesNotContain("SRV _web-prod._udp.marathon.mesos. web-prod-" + h + "-s3.marathon.mesos.:31005",
                "SRV _web-prod._tcp.marathon.mesos. web-prod-" + h + "-s3.marathon.slave.mesos.:31005");
    }

    @Test
    void discoveryPortWithoutProtocolIsBothTcpAndUdp() {
        Task t = running(discovery(task("fw", AGENT, "db.1", "db", TaskState.TASK_STAGING), "db", 5432, null, null), 1.0).build();
        String target = "db-" + TaskHash.of("db.1") + "-s3.marathon.mesos.";
        assertThat(lines(gen.task(t, "marathon", AGENT_IPS))).contains(
                "SRV _db._tcp.marathon.mesos. " + target + ":5432", "SRV _db._udp.marathon.mesos. " + target + ":5432");
    }

    @Test
    void onlyRunningTasksOnKnownAgentsHaveRecords() {
        Task staging = withPorts(task("fw", AGENT, "a.1", "a", TaskState.TASK_STAGING), 31000, 31000).build();
        assertThat(gen.task(staging, "marathon", AGENT_IPS)).isEmpty();
        Task run = running(task("fw", AGENT, "a.1", "a", TaskState.TASK_STAGING), 1.0).build();
        assertThat(gen.task(run, "marathon", null)).isEmpty();
        assertThat(gen.task(run.toBuilder().setState(TaskState.TASK_KILLING).build(), "marathon", AGENT_IPS)).isEmpty();
    }

    @Test
    void ipSourcesAreTriedInOrderAndTheNewestRunningStatusCounts() {
        Task.Builder b = running(task("fw", AGENT, "a.1", "a", TaskState.TASK_STAGING), 1.0, "172.17.0.2");
        b = running(b, 2.0, "172.17.0.9"); // newer status
        b = statusLabel(b, RecordGenerator.MESOS_IP_LABEL, "192.168.0.7");
        Task t = b.build();
        assertThat(new RecordGenerator("mesos", LabelSpec.RFC1123, List.of("netinfo", "host")).taskIps(t, AGENT_IPS))
                .containsExactly("172.17.0.9");
        assertThat(new RecordGenerator("mesos", LabelSpec.RFC1123, List.of("mesos", "netinfo")).taskIps(t, AGENT_IPS))
                .containsExactly("192.168.0.7");
        assertThat(new RecordGenerator("mesos", LabelSpec.RFC1123, List.of("host", "netinfo")).taskIps(t, AGENT_IPS))
                .containsExactly("10.0.0.3");
        assertThat(new RecordGenerator("mesos", LabelSpec.RFC1123, List.of("docker")).taskIps(t, AGENT_IPS)).isEmpty();
        // no task address at all: the agent-side names still exist
        List<String> rrs = lines(new RecordGenerator("mesos", LabelSpec.RFC1123, List.of("docker")).task(t, "marathon", AGENT_IPS));
        assertThat(rrs).contains("A a.marathon.slave.mesos. 10.0.0.3").noneMatch(s -> s.startsWith("A a.marathon.mesos."));
    }

    @Test
    void ipv6TaskAddressesAreAaaa() {
        Task t = running(task("fw", AGENT, "a.1", "a", TaskState.TASK_STAGING), 1.0, "fd01:b:0:0:0:2:8000:2").build();
        assertThat(lines(gen.task(t, "marathon", AGENT_IPS))).contains("AAAA a.marathon.mesos. fd01:b::2:8000:2");
    }

    @Test
    void frameworkNamesAreSanitisedLabelByLabelAndTaskNamesAsOneLabel() {
        Task t = running(task("fw", AGENT, "x.1", "apiserver.myservice", TaskState.TASK_STAGING), 1.0).build();
        assertThat(lines(gen.task(t, "marathon.prod", AGENT_IPS))).contains("A apiserver-myservice.marathon.prod.mesos. 10.0.0.3");
        RecordGenerator strict = new RecordGenerator("mesos", LabelSpec.RFC952, List.of("host"));
        Task t2 = running(task("fw", AGENT, "x.2", "9chronos with a space AND MIXED CASE-2.0.1", TaskState.TASK_STAGING), 1.0).build();
        assertThat(lines(strict.task(t2, "marathon", AGENT_IPS))).contains("A chronoswithaspaceandmixe.marathon.mesos. 10.0.0.3");
    }

    @Test
    void aTaskNameWithNothingUsableGivesNoRecords() {
        Task t = running(withPorts(task("fw", AGENT, "x.1", "___", TaskState.TASK_STAGING), 31000, 31000), 1.0).build();
        assertThat(gen.task(t, "marathon", AGENT_IPS)).isEmpty();
    }

    @Test
    void hugePortRangesAreCapped() {
        Task t = running(withPorts(task("fw", AGENT, "x.1", "x", TaskState.TASK_STAGING), 1, 65535), 1.0).build();
        assertThat(RecordGenerator.ports(t)).hasSize(RecordGenerator.MAX_PORTS_PER_TASK);
    }

    @Test
    void agentsAndFrameworks() {
        assertThat(lines(gen.agent(new AgentRef(AGENT, "10.0.0.3", 5051), AGENT_IPS)))
                .containsExactly("A slave.mesos. 10.0.0.3", "SRV _slave._tcp.mesos. slave.mesos.:5051");
        assertThat(lines(gen.framework(new FrameworkRef("fw", "Marathon", "10.0.0.9", 0), List.of("10.0.0.9"))))
                .containsExactly("A marathon.mesos. 10.0.0.9");
        assertThat(lines(gen.framework(FrameworkRef.of("fw", "chronos", "scheduler-1@10.0.0.8:4040", ""), List.of("10.0.0.8"))))
                .containsExactly("A chronos.mesos. 10.0.0.8", "SRV _framework._tcp.chronos.mesos. chronos.mesos.:4040");
        assertThat(gen.framework(new FrameworkRef("fw", "x", "", 0), List.of())).isEmpty();
    }

    @Test
    void mastersAreNumberedInListOrderWithTheLeaderAddedWhenMissing() {
        assertThat(lines(gen.masters(new HostPort("0.0.0.6", 7), List.of()))).containsExactlyInAnyOrder(
                "A leader.mesos. 0.0.0.6", "A master.mesos. 0.0.0.6", "A master0.mesos. 0.0.0.6",
                "SRV _leader._tcp.mesos. leader.mesos.:7", "SRV _leader._udp.mesos. leader.mesos.:7");
        assertThat(lines(gen.masters(new HostPort("0.0.0.6", 7), List.of("0.0.0.8:9", "0.0.0.8:9")))).containsExactlyInAnyOrder(
                "A leader.mesos. 0.0.0.6", "A master.mesos. 0.0.0.6", "A master.mesos. 0.0.0.8",
                "A master0.mesos. 0.0.0.8", "A master1.mesos. 0.0.0.6",
                "SRV _leader._tcp.mesos. leader.mesos.:7", "SRV _leader._udp.mesos. leader.mesos.:7");
        assertThat(lines(gen.masters(new HostPort("10.0.0.2", 5050), List.of("10.0.0.1:5050", "10.0.0.2:5050", "10.0.0.3:5050"))))
                .contains("A master0.mesos. 10.0.0.1", "A master1.mesos. 10.0.0.2", "A master2.mesos. 10.0.0.3")
                .doesNotContain("A master3.mesos. 10.0.0.2");
        assertThat(gen.masters(null, List.of("10.0.0.1:5050"))).isEmpty();
        assertThat(lines(gen.masters(new HostPort("2001:db8::1", 7), List.of()))).contains("AAAA leader.mesos. 2001:db8::1");
    }

    @Test
    void listenerRecordsNameTheNameServer() {
        assertThat(lines(RecordGenerator.listener("ns1.mesos.", List.of("127.0.0.1", "2001:db8::1"))))
                .containsExactly("A ns1.mesos. 127.0.0.1", "AAAA ns1.mesos. 2001:db8::1");
    }

    @Test
    void validNames() {
        assertThat(RecordGenerator.validName("a.mesos.")).isTrue();
        assertThat(RecordGenerator.validName(".mesos.")).isFalse();
        assertThat(RecordGenerator.validName("a..mesos.")).isFalse();
        assertThat(RecordGenerator.validName("a".repeat(64) + ".mesos.")).isFalse();
        assertThat(RecordGenerator.validName("a b.mesos.")).isFalse();
    }
}
