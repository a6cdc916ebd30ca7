package io.strata.cli.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.CliRunner;
import io.strata.cli.CliRunner.Result;
import io.strata.cli.FakeServer;
import io.strata.cli.output.Jsons;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dcos node|service|task} against a fake gateway serving a master ({@code /mesos}) and an agent ({@code /agent/S0}). */
class MesosCommandsTest {
    static final String STATE = """
            {"id": "master-1", "pid": "master@10.0.0.1:5050", "hostname": "m1",
             "slaves": [
               {"id": "S0", "pid": "slave(1)@10.0.0.2:5051", "hostname": "a1", "port": 5051, "reserved_resources": {},
                "attributes": {}, "domain": {"fault_domain": {"region": {"name": "eu"}, "zone": {"name": "eu-1"}}}},
               {"id": "S1", "pid": "slave(1)@10.0.0.3:5052", "hostname": "a2", "port": 5052,
                "reserved_resources": {"slave_public": {"cpus": 1}}, "attributes": {}}],
             "frameworks": [
               {"id": "fw-m", "name": "marathon", "hostname": "m1", "active": true, "user": "root",
                "resources": {"cpus": 0.2, "mem": 64, "disk": 0},
                "tasks": [{"id": "web.1", "name": "web", "framework_id": "fw-m", "executor_id": "", "slave_id": "S0", "state": "TASK_RUNNING"},
                          {"id": "web.2", "name": "web", "framework_id": "fw-m", "executor_id": "", "slave_id": "S0", "state": "TASK_STAGING"}],
                "completed_tasks": [{"id": "old.1", "name": "old", "framework_id": "fw-m", "executor_id": "", "slave_id": "S0", "state": "TASK_FINISHED"}]},
               {"id": "fw-s", "name": "spark", "hostname": "a1", "active": false, "user": "spark",
                "resources": {"cpus": 0, "mem": 0, "disk": 0}, "tasks": [], "completed_tasks": []}],
             "completed_frameworks": [{"id": "fw-old", "name": "gone", "hostname": "x", "active": false, "resources": {}, "tasks": []}]}""";
    static final String AGENT_STATE = """
            {"id": "S0", "frameworks": [{"id": "fw-m", "executors": [
              {"id": "web.1", "directory": "/var/lib/strata/slaves/S0/frameworks/fw-m/executors/web.1/runs/r1"}],
              "completed_executors": []}]}""";
    static final String SANDBOX = "/var/lib/strata/slaves/S0/frameworks/fw-m/executors/web.1/runs/r1";

    @TempDir
    Path home;
    FakeServer gateway;
    CliRunner dcos;
    String stdout = "";

    @BeforeEach
    void setUp() throws Exception {
        gateway = new FakeServer();
        dcos = new CliRunner(home).env("DCOS_URL", gateway.url());
        StringBuilder log = new StringBuilder();
        for (int i = 1; i <= 30; i++) log.append("line ").append(i).append('\n');
        stdout = log.toString();
        gateway.on("GET", "/mesos/master/state", 200, STATE)
                .on("GET", "/agent/S0/state", 200, AGENT_STATE)
                .on("GET", "/agent/S0/files/read", this::read)
                .on("GET", "/agent/S0/files/browse", 200, """
                        [{"path": "%s/stderr", "mode": "-rw-r--r--", "nlink": 1, "uid": "root", "gid": "root", "size": 0, "mtime": 1.7E9},
                         {"path": "%s/stdout", "mode": "-rw-r--r--", "nlink": 1, "uid": "root", "gid": "root", "size": 121, "mtime": 1.7E9}]
                        """.formatted(SANDBOX, SANDBOX))
                .on("POST", "/mesos/api/v1", 200, "");
    }

    /** A files API over one file, {@code <sandbox>/stdout}, honouring offset and length like the agent. */
    private FakeServer.Answer read(FakeServer.Request r) {
        Matcher path = Pattern.compile("path=([^&]*)").matcher(r.query());
        path.find();
        String p = java.net.URLDecoder.decode(path.group(1), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.equals(SANDBOX + "/stdout")) return new FakeServer.Answer(404, "");
        Matcher off = Pattern.compile("offset=(-?\\d+)").matcher(r.query());
        off.find();
        long offset = Long.parseLong(off.group(1));
        if (offset == -1) return new FakeServer.Answer(200, "{\"data\": \"\", \"offset\": " + stdout.length() + "}");
        Matcher len = Pattern.compile("length=(\\d+)").matcher(r.query());
        int end = len.find() ? (int) Math.min(stdout.length(), offset + Long.parseLong(len.group(1))) : stdout.length();
        String data = offset >= stdout.length() ? "" : stdout.substring((int) offset, end);
        return new FakeServer.Answer(200, "{\"data\": " + Jsons.MAPPER.valueToTree(data) + ", \"offset\": " + offset + "}");
    }

    @AfterEach
    void tearDown() {
        gateway.close();
    }

    @Test
    void nodesAreTheLeaderAndTheAgents() {
        Result r = dcos.run("node");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("""
                HOSTNAME     IP        ID     TYPE             REGION  ZONE
                   m1     10.0.0.1  master-1  master (leader)   N/A    N/A
                   a1     10.0.0.2     S0     agent              eu    eu-1
                   a2     10.0.0.3     S1     agent (public)    N/A    N/A
                """);
        JsonNode json = Jsons.parse(dcos.run("node", "--json").out(), "o");
        assertThat(json).hasSize(3);
        assertThat(json.get(2).path("type").asText()).isEqualTo("agent (public)");
        assertThat(json.get(1).path("pid").asText()).isEqualTo("slave(1)@10.0.0.2:5051");
        assertThat(dcos.run("node", "list").out()).contains("master (leader)");
    }

    @Test
    void servicesActiveInactiveCompleted() {
        assertThat(dcos.run("service").out()).isEqualTo("""
                NAME      HOST  ACTIVE  TASKS  CPU  MEM   DISK  ID
                marathon   m1    True     2    0.2  64.0  0.0   fw-m
                """);
        assertThat(dcos.run("service", "--inactive").out()).contains("spark").doesNotContain("gone");
        assertThat(dcos.run("service", "--completed", "--inactive").out()).contains("gone");
        Result shutdown = dcos.run("service", "shutdown", "fw-s");
        assertThat(shutdown.code()).isZero();
        assertThat(gateway.requests("POST", "/mesos/api/v1").get(0).body())
                .isEqualTo("{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\"fw-s\"}}}");
    }

    @Test
    void tasksListAndFilter() {
        assertThat(dcos.run("task").out()).isEqualTo("""
                NAME  HOST  USER  STATE  ID     MESOS ID  REGION  ZONE
                web   a1    root    R    web.1  S0          eu    eu-1
                web   a1    root    S    web.2  S0          eu    eu-1
                """);
        assertThat(dcos.run("task", "--all").out()).contains("old.1");
        assertThat(dcos.run("task", "--completed").out()).contains("old.1").doesNotContain("web.1");
        assertThat(Jsons.parse(dcos.run("task", "--json", "web.1").out(), "o")).hasSize(1);
        assertThat(Jsons.parse(dcos.run("task", "--json", "web.*").out(), "o")).hasSize(2);
        assertThat(dcos.run("task", "--all", "--completed").code()).isEqualTo(1);
    }

    @Test
    void taskLogPrintsTheLastLinesFromTheSandbox() {
        Result r = dcos.run("task", "log", "web.1");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("line 21\nline 22\nline 23\nline 24\nline 25\nline 26\nline 27\nline 28\nline 29\nline 30\n");
        assertThat(dcos.run("task", "log", "--lines", "2", "web.1", "stdout").out()).isEqualTo("line 29\nline 30\n");
        assertThat(dcos.run("task", "log", "--lines=0", "web.1").out()).isEmpty();
        assertThat(dcos.run("task", "log", "--lines=100", "web.1").out()).isEqualTo(stdout);

        Result stderr = dcos.run("task", "log", "web.1", "stderr");
        assertThat(stderr.code()).isEqualTo(1);
        assertThat(stderr.err()).isEqualTo("Error: No file 'stderr' in the sandbox of task web.1; list its files with: dcos task ls web.1\n");

        Result none = dcos.run("task", "log", "nothing-like-this");
        assertThat(none.err()).startsWith("Error: No matching tasks for 'nothing-like-this'");
    }

    @Test
    void taskLogFollowPrintsWhatIsAppended() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        io.strata.cli.Cli cli = new io.strata.cli.Cli(new java.io.PrintStream(out, true), System.err, java.io.InputStream.nullInputStream(),
                java.util.Map.of("DCOS_URL", gateway.url(), "DCOS_CONFIG", home.resolve("dcos.toml").toString()), home, false, false);
        Thread follower = Thread.ofVirtual().start(() -> io.strata.cli.Dcos.run(cli, "task", "log", "--follow", "--lines", "1", "web.1"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> out.toString().equals("line 30\n"));
        stdout = stdout + "line 31\n";
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> out.toString().equals("line 30\nline 31\n"));
        follower.interrupt();
        follower.join(5000);
        assertThat(follower.isAlive()).isFalse();
    }

    @Test
    void taskLs() {
        assertThat(dcos.run("task", "ls", "web.1").out()).isEqualTo("stderr  stdout\n");
        assertThat(dcos.run("task", "ls", "--long", "web.1").out()).contains("-rw-r--r--").contains("121").contains("stdout");
    }

    @Test
    void nodeLogExplainsWhenTheMasterDoesNotServeIt() {
        Result r = dcos.run("node", "log", "--leader");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: The leading master does not serve its log");
        assertThat(dcos.run("node", "log").err()).contains("--leader or --mesos-id");
    }
}
