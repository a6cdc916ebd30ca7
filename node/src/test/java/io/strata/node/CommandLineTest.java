package io.strata.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.agent.AgentConfig;
import io.strata.master.MasterConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class CommandLineTest {
    @SuppressWarnings("unchecked")
    private static <T> T parse(String... args) {
        CommandLine.ParseResult r = DcosNode.commandLine().parseArgs(args);
        return (T) r.subcommand().commandSpec().userObject();
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = DcosNode.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void masterFlagsBuildTheMasterConfig() {
        MasterCommand m = parse("master", "--zk", "zk://127.0.0.1:2181/strata", "--port", "5055", "--ip", "127.0.0.1",
                "--hostname", "m1.example", "--work-dir", "/tmp/m", "--cluster", "prod", "--agent-ping-timeout", "2secs",
                "--max-agent-ping-timeouts", "3", "--weights", "r1=2,r2=1", "--offer-timeout", "5mins",
                "--heartbeat-interval", "100ms", "--default-refuse-seconds", "1.5");
        MasterConfig c = m.toConfig();
        assertThat(c.zk()).isEqualTo("zk://127.0.0.1:2181/strata");
        assertThat(c.port()).isEqualTo(5055);
        assertThat(c.bindHost()).isEqualTo("127.0.0.1");
        assertThat(c.advertisedHost()).isEqualTo("m1.example");
        assertThat(c.workDir()).isEqualTo(Path.of("/tmp/m"));
        assertThat(c.cluster()).isEqualTo("prod");
        assertThat(c.agentPingTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.maxAgentPingTimeouts()).isEqualTo(3);
        assertThat(c.weights()).isEqualTo(Map.of("r1", 2.0, "r2", 1.0));
        assertThat(c.offerTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.defaultRefuseSeconds()).isEqualTo(1.5);
    }

    @Test
    void masterDefaultsAreMesosDefaults() {
        MasterConfig c = MasterCommand.class.cast(parse("master", "--zk", "zk://h:2181/s")).toConfig();
        assertThat(c.port()).isEqualTo(5050);
        assertThat(c.bindHost()).isEqualTo("127.0.0.1");
        assertThat(c.advertisedHost()).isEqualTo("127.0.0.1");
        assertThat(c.workDir()).isEqualTo(Path.of("/var/lib/strata/master"));
        assertThat(c.agentPingTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.maxAgentPingTimeouts()).isEqualTo(5);
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.weights()).isEmpty();
        assertThat(c.offerTimeout()).isNull();
        assertThat(c.defaultRefuseSeconds()).isEqualTo(5.0);
    }

    @Test
    void mesosSnakeCaseSpellingsAndEqualsSignWork() {
        MasterCommand m = parse("master", "--zk=zk://h:2181/s", "--work_dir=/tmp/x", "--agent_ping_timeout=1secs",
                "--max_agent_ping_timeouts=2", "--offer_timeout=30", "--logging_level=WARNING");
        MasterConfig c = m.toConfig();
        assertThat(c.workDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(c.agentPingTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.maxAgentPingTimeouts()).isEqualTo(2);
        assertThat(c.offerTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(m.log.parsed()).hasToString("WARN");
        MasterCommand old = parse("master", "--zk", "zk://h:2181/s", "--slave_ping_timeout", "3secs");
        assertThat(old.toConfig().agentPingTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void agentFlagsBuildTheAgentConfig() {
        AgentCommand a = parse("agent", "--master", "zk://127.0.0.1:2181/strata", "--port", "5061", "--host", "127.0.0.1",
                "--work-dir", "/tmp/a", "--resources", "cpus:4;mem:8192;ports:[31000-32000]", "--attributes", "rack:a",
                "--public", "--cgroups-root", "strata-test", "--kill-tasks-on-shutdown");
        AgentConfig c = a.toConfig();
        assertThat(c.master()).isEqualTo("zk://127.0.0.1:2181/strata");
        assertThat(c.port()).isEqualTo(5061);
        assertThat(c.bindHost()).isEqualTo("127.0.0.1");
        assertThat(c.advertisedHost()).isEqualTo("127.0.0.1");
        assertThat(c.workDir()).isEqualTo(Path.of("/tmp/a"));
        assertThat(c.resources()).isEqualTo("cpus:4;mem:8192;ports:[31000-32000]");
        assertThat(c.attributes()).isEqualTo("rack:a");
        assertThat(c.isPublic()).isTrue();
        assertThat(c.cgroupsRoot()).isEqualTo("strata-test");
        assertThat(c.killTasksOnShutdown()).isTrue();
    }

    @Test
    void agentDefaults() {
        AgentConfig c = AgentCommand.class.cast(parse("agent", "--master", "127.0.0.1:5050")).toConfig();
        assertThat(c.master()).isEqualTo("127.0.0.1:5050");
        assertThat(c.port()).isEqualTo(5051);
        assertThat(c.workDir()).isEqualTo(Path.of("/var/lib/strata/agent"));
        assertThat(c.resources()).isNull();
        assertThat(c.attributes()).isNull();
        assertThat(c.isPublic()).isFalse();
        assertThat(c.killTasksOnShutdown()).isFalse();
        assertThat(c.cgroupsRoot()).isEqualTo("strata");
        assertThat(c.maxCompletedTasks()).isEqualTo(1000);
    }

    @Test
    void agentContainerizerAndDockerFlags() {
        AgentConfig c = AgentCommand.class.cast(parse("agent", "--master", "m:5050", "--containerizers", "docker,mesos",
                "--docker_socket", "/run/docker.sock", "--docker-config", "/etc/strata/docker.json")).toConfig();
        assertThat(c.containerizers()).containsExactly("docker", "mesos");
        assertThat(c.docker().host()).isEqualTo("unix:///run/docker.sock");
        assertThat(c.docker().config()).isEqualTo(Path.of("/etc/strata/docker.json"));
        AgentConfig tcp = AgentCommand.class.cast(parse("agent", "--master", "m:5050", "--docker-host", "tcp://10.0.0.9:2375"))
                .toConfig();
        assertThat(tcp.docker().host()).isEqualTo("tcp://10.0.0.9:2375");
        AgentConfig auto = AgentCommand.class.cast(parse("agent", "--master", "m:5050")).toConfig();
        assertThat(auto.containerizers()).isNull();
        assertThat(auto.docker()).isNull();
        assertThatThrownBy(() -> AgentCommand.class.cast(parse("agent", "--master", "m:5050", "--containerizers", "lxc"))
                .toConfig()).hasMessageContaining("lxc");
    }

    @Test
    void agentBooleanAndRoleSpellings() {
        assertThat(AgentCommand.class.cast(parse("agent", "--master", "m:5050", "--default_role", "slave_public"))
                .toConfig().isPublic()).isTrue();
        assertThat(AgentCommand.class.cast(parse("agent", "--master", "m:5050", "--public=false")).toConfig().isPublic())
                .isFalse();
        assertThat(AgentCommand.class.cast(parse("agent", "--master", "m:5050", "--kill_tasks_on_shutdown=true"))
                .toConfig().killTasksOnShutdown()).isTrue();
        assertThat(AgentCommand.class.cast(parse("agent", "--master", "m:5050", "--no-cgroups")).toConfig().cgroupsRoot())
                .isNull();
        assertThat(AgentCommand.class.cast(parse("slave", "--master", "m:5050", "--work_dir", "/w")).toConfig().workDir())
                .isEqualTo(Path.of("/w"));
        assertThatThrownBy(() -> AgentCommand.class.cast(parse("agent", "--master", "m:5050", "--default-role", "web"))
                .toConfig()).hasMessageContaining("slave_public");
    }

    @Test
    void localFlags() {
        LocalCommand l = parse("local", "--work-dir", "/tmp/l", "--agents", "2", "--zk-port", "3181",
                "--master-port", "6050", "--agent-port", "6051", "--host", "127.0.0.1");
        LocalPlan p = l.toPlan();
        assertThat(p.workDir()).isEqualTo(Path.of("/tmp/l"));
        assertThat(p.zkUrl()).isEqualTo("zk://127.0.0.1:3181/strata");
        assertThat(p.masterUrl()).isEqualTo("http://127.0.0.1:6050");
        assertThat(p.agents()).extracting(LocalPlan.Agent::port).containsExactly(6051, 6052, 6053);

        MasterConfig m = LocalCommand.masterConfig(p);
        assertThat(m.zk()).isEqualTo("zk://127.0.0.1:3181/strata");
        assertThat(m.port()).isEqualTo(6050);
        assertThat(m.workDir()).isEqualTo(Path.of("/tmp/l/master"));

        AgentConfig pub = LocalCommand.agentConfig(p, p.agents().getLast());
        assertThat(pub.isPublic()).isTrue();
        assertThat(pub.killTasksOnShutdown()).isTrue();
        assertThat(pub.master()).isEqualTo("zk://127.0.0.1:3181/strata");
        assertThat(pub.resources()).isEqualTo("ports:[33000-33999]");
        assertThat(pub.workDir()).isEqualTo(Path.of("/tmp/l/public-agent-0"));
        AgentConfig first = LocalCommand.agentConfig(p, p.agents().getFirst());
        assertThat(first.isPublic()).isFalse();
        assertThat(first.killTasksOnShutdown()).isTrue();
        assertThat(first.port()).isEqualTo(6051);
    }

    @Test
    void localDefaultsToTheHomeDirectoryAndDefaultPorts() {
        LocalPlan p = LocalCommand.class.cast(parse("local")).toPlan();
        assertThat(p.workDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".strata", "local"));
        assertThat(p.zkPort()).isEqualTo(2181);
        assertThat(p.masterPort()).isEqualTo(5050);
        assertThat(p.agents()).extracting(LocalPlan.Agent::port).containsExactly(5051, 5052);
    }

    @Test
    void badValuesAreRejectedWithTheFlagName() {
        Run r = run("master", "--zk", "zk://h:2181/s", "--agent-ping-timeout", "soon");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--agent-ping-timeout").contains("15secs");
        Run missing = run("master");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--zk");
        Run weights = run("master", "--zk", "zk://h:2181/s", "--weights", "r1=oops", "--work-dir", "/tmp/never");
        assertThat(weights.code()).isEqualTo(1);
        assertThat(weights.err()).contains("not a number").doesNotContain("Exception");
        Run level = run("zookeeper", "--log-level", "loud");
        assertThat(level.code()).isEqualTo(1);
        assertThat(level.err()).contains("not a log level");
    }

    @Test
    void localReportsCollidingPortsWithoutAStackTrace() {
        Run r = run("local", "--master-port", "2181", "--work-dir", "/tmp/never-used");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("--master-port").contains("--zk-port").doesNotContain("at io.strata");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "master", "agent", "zookeeper", "version"})
    void everyCommandHasHelp(String command) {
        Run r = run(command, "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: dcos-node " + command);
    }

    @Test
    void versionFlagAndCommand() {
        Run flag = run("--version");
        assertThat(flag.code()).isZero();
        assertThat(flag.out().trim()).isEqualTo("Strata 0.1.0 (Mesos 1.11.0 API)");
        assertThat(Version.LINE).isEqualTo("Strata 0.1.0 (Mesos 1.11.0 API)");
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("local", "master", "agent", "zookeeper", "version");
    }
}
