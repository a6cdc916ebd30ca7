package io.strata.cli.marathon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.CliRunner;
import io.strata.cli.CliRunner.Result;
import io.strata.cli.FakeServer;
import io.strata.cli.output.Jsons;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code dcos marathon} commands against a fake Marathon behind a fake gateway ({@code /service/marathon}). */
class MarathonCommandsTest {
    static final String M = "/service/marathon";
    static final String WEB = """
            {"id": "/web", "cmd": "python3 -m http.server $PORT0", "cpus": 0.1, "mem": 32.0, "instances": 2,
             "tasksRunning": 1, "tasksHealthy": 1, "tasksStaged": 0, "healthChecks": [{"protocol": "HTTP"}],
             "deployments": [{"id": "d-1"}], "container": null, "labels": {}}""";
    static final String DB = """
            {"id": "/data/db", "cmd": null, "args": ["postgres", "-D", "/data"], "cpus": 1, "mem": 1024,
             "instances": 1, "tasksRunning": 1, "tasksHealthy": 0, "healthChecks": [], "deployments": [],
             "container": {"type": "DOCKER", "docker": {"image": "postgres"}}}""";
    static final String DEPLOYMENT = """
            {"id": "d-1", "version": "2026-11-25T10:00:00.000Z", "affectedApps": ["/web"], "affectedPods": [],
             "steps": [], "currentActions": [{"action": "ScaleApplication", "app": "/web"}], "currentStep": 2, "totalSteps": 2}""";

    @TempDir
    Path home;
    FakeServer marathon;
    CliRunner dcos;

    @BeforeEach
    void setUp() throws Exception {
        marathon = new FakeServer();
        dcos = new CliRunner(home).env("DCOS_URL", marathon.url());
        marathon.on("GET", M + "/v2/apps", 200, "{\"apps\": [" + WEB + "," + DB + "]}")
                .on("GET", M + "/v2/apps/web", 200, "{\"app\": " + WEB + "}")
                .on("GET", M + "/v2/apps/nope", 404, "{\"message\": \"App '/nope' does not exist\"}")
                .on("GET", M + "/v2/deployments", 200, "[" + DEPLOYMENT + "]")
                .on("GET", M + "/v2/queue", 200, "{\"queue\": [{\"app\": {\"id\": \"/data/db\"}, \"delay\": {\"overdue\": true}}]}");
    }

    @AfterEach
    void tearDown() {
        marathon.close();
    }

    @Test
    void appListIsTheDcosTable() {
        Result r = dcos.run("marathon", "app", "list");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                ID        MEM   CPUS  TASKS  HEALTH  DEPLOYMENT  WAITING  CONTAINER  CMD
                /data/db  1024   1     1/1    ---       ---      True      DOCKER    postgres -D /data
                /web       32   0.1    1/2    1/1      scale     False      mesos    python3 -m http.server $PORT0
                """);
        assertThat(dcos.run("marathon", "app", "list", "--quiet").out()).isEqualTo("/web\n/data/db\n");
        JsonNode json = Jsons.parse(dcos.run("marathon", "app", "list", "--json").out(), "out");
        assertThat(json).hasSize(2);
        assertThat(json.get(0).path("id").asText()).isEqualTo("/web");
    }

    @Test
    void appAddFromAFileOrStdin() throws Exception {
        marathon.on("GET", M + "/v2/apps/hello", 404, "{\"message\": \"App '/hello' does not exist\"}")
                .on("POST", M + "/v2/apps", 201, "{\"id\": \"/hello\", \"deployments\": [{\"id\": \"dep-42\"}]}");
        Path file = Files.writeString(home.resolve("marathon.json"), "{\"id\": \"hello\", \"cmd\": \"sleep 100\", \"instances\": 1}");
        Result r = dcos.run("marathon", "app", "add", file.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("Created deployment dep-42\n");
        FakeServer.Request post = marathon.requests("POST", M + "/v2/apps").get(0);
        assertThat(Jsons.parse(post.body(), "body").path("cmd").asText()).isEqualTo("sleep 100");
        assertThat(post.contentType()).isEqualTo("application/json");

        Result fromStdin = dcos.stdin("{\"id\": \"/hello\", \"cmd\": \"sleep 1\"}").run("marathon", "app", "add");
        assertThat(fromStdin.code()).isZero();
        assertThat(marathon.requests("POST", M + "/v2/apps")).hasSize(2);
    }

    @Test
    void appAddRefusesWhatCannotWork() throws Exception {
        Result exists = dcos.stdin("{\"id\": \"/web\"}").run("marathon", "app", "add");
        assertThat(exists.code()).isEqualTo(1);
        assertThat(exists.err()).isEqualTo("Error: Application '/web' already exists; change it with: dcos marathon app update /web\n");

        Result missing = dcos.run("marathon", "app", "add", home.resolve("nope.json").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).startsWith("Error: Can't read from resource: ").contains("nope.json");

        Path bad = Files.writeString(home.resolve("bad.json"), "{\"id\": \"x\",}");
        Result invalid = dcos.run("marathon", "app", "add", bad.toString());
        assertThat(invalid.code()).isEqualTo(1);
        assertThat(invalid.err()).contains("bad.json is not valid JSON").contains("line 1");

        Result tty = dcos.terminal(true).run("marathon", "app", "add");
        assertThat(tty.err()).contains("dcos marathon app add marathon.json");
        assertThat(marathon.requests("POST", M + "/v2/apps")).isEmpty();
    }

    @Test
    void unknownAppsAndMarathonErrorsAreOneLine() {
        Result r = dcos.run("marathon", "app", "show", "nope");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("Error: App '/nope' does not exist\n");

        marathon.on("PUT", M + "/v2/apps/web", 422, """
                {"message": "Object is not valid", "details": [{"path": "/cpus", "errors": ["error.min"]}]}""");
        Result invalid = dcos.run("marathon", "app", "update", "web", "cpus=-1");
        assertThat(invalid.err()).isEqualTo("Error: Object is not valid: /cpus: error.min\n");

        marathon.on("PUT", M + "/v2/apps/web", 409, "{\"message\": \"App is locked by one or more deployments.\"}");
        Result locked = dcos.run("marathon", "app", "update", "web", "instances=3");
        assertThat(locked.err()).startsWith("Error: Changes blocked: deployment already in progress for app.").contains("--force");

        marathon.on("GET", M + "/v2/apps/race", 404, "{\"message\": \"App '/race' does not exist\"}")
                .on("POST", M + "/v2/apps", 409, "{\"message\": \"An app with id [/race] already exists.\"}");
        assertThat(dcos.stdin("{\"id\": \"/race\"}").run("marathon", "app", "add").err())
                .isEqualTo("Error: An app with id [/race] already exists.\n");
    }

    @Test
    void updateSendsTypedPropertiesOrStdin() {
        marathon.on("PUT", M + "/v2/apps/web", 200, "{\"deploymentId\": \"dep-7\", \"version\": \"v\"}");
        Result r = dcos.run("marathon", "app", "update", "/web", "instances=3", "cmd=123", "env={\"A\":\"b\"}", "user=nobody", "--force");
        assertThat(r.out()).isEqualTo("Created deployment dep-7\n");
        FakeServer.Request put = marathon.requests("PUT", M + "/v2/apps/web").get(0);
        assertThat(put.query()).isEqualTo("force=true");
        JsonNode body = Jsons.parse(put.body(), "body");
        assertThat(body.path("instances").isInt()).isTrue();
        assertThat(body.path("cmd").asText()).isEqualTo("123");
        assertThat(body.path("cmd").isTextual()).isTrue();
        assertThat(body.path("env").path("A").asText()).isEqualTo("b");

        dcos.stdin("{\"mem\": 64}").run("marathon", "app", "update", "web");
        assertThat(Jsons.parse(marathon.requests("PUT", M + "/v2/apps/web").get(1).body(), "b").path("mem").asInt()).isEqualTo(64);

        Result badProp = dcos.run("marathon", "app", "update", "web", "instances");
        assertThat(badProp.err()).contains("<key>=<value>");
    }

    @Test
    void startStopRestartKillRemove() {
        marathon.on("PUT", M + "/v2/apps/web", 200, "{\"deploymentId\": \"dep-s\"}")
                .on("POST", M + "/v2/apps/web/restart", 200, "{\"deploymentId\": \"dep-r\", \"version\": \"v\"}")
                .on("DELETE", M + "/v2/apps/web/tasks", 200, "{\"tasks\": [{\"id\": \"web.1\"}]}")
                .on("DELETE", M + "/v2/apps/web", 200, "{\"deploymentId\": \"dep-x\"}");
        Result start = dcos.run("marathon", "app", "start", "web");
        assertThat(start.code()).isEqualTo(1);
        assertThat(start.err()).isEqualTo("Error: Application '/web' already started: 2 instances.\n");

        assertThat(dcos.run("marathon", "app", "stop", "web").out()).isEqualTo("Created deployment dep-s\n");
        assertThat(Jsons.parse(marathon.requests("PUT", M + "/v2/apps/web").get(0).body(), "b").path("instances").asInt()).isZero();

        assertThat(dcos.run("marathon", "app", "restart", "web").out()).isEqualTo("Created deployment dep-r\n");

        Result kill = dcos.run("marathon", "app", "kill", "web", "--host", "10.0.0.2");
        assertThat(kill.out()).isEqualTo("Killed tasks: [web.1]\n");
        assertThat(marathon.requests("DELETE", M + "/v2/apps/web/tasks").get(0).query()).isEqualTo("host=10.0.0.2");

        Result remove = dcos.run("marathon", "app", "remove", "--force", "web");
        assertThat(remove.code()).isZero();
        assertThat(marathon.requests("DELETE", M + "/v2/apps/web").get(0).query()).isEqualTo("force=true");
    }

    @Test
    void versions() {
        marathon.on("GET", M + "/v2/apps/web/versions", 200, "{\"versions\": [\"2026-11-25T10:00:00.000Z\", \"2026-11-24T10:00:00.000Z\"]}")
                .on("GET", M + "/v2/apps/web/versions/2026-11-24T10:00:00.000Z", 200, "{\"id\": \"/web\", \"instances\": 1}");
        assertThat(Jsons.parse(dcos.run("marathon", "app", "version", "list", "web").out(), "o")).hasSize(2);
        assertThat(Jsons.parse(dcos.run("marathon", "app", "version", "list", "--max-count", "1", "web").out(), "o")).hasSize(1);
        Result previous = dcos.run("marathon", "app", "show", "--app-version=-1", "web");
        assertThat(previous.err()).isEmpty();
        assertThat(Jsons.parse(previous.out(), "o").path("instances").asInt()).isEqualTo(1);
        assertThat(dcos.run("marathon", "app", "show", "--app-version=-5", "web").err()).contains("goes back too far");
    }

    @Test
    void deployments() {
        Result list = dcos.run("marathon", "deployment", "list");
        assertThat(list.out()).isEqualTo("""
                APP   POD  ACTION  PROGRESS  ID
                /web  -    scale     1/2     d-1
                """);
        assertThat(dcos.run("marathon", "deployment", "list", "/data/db").err()).isEqualTo("Error: There are no deployments for '/data/db'\n");

        marathon.on("DELETE", M + "/v2/deployments/d-1", 200, "{\"deploymentId\": \"d-2\", \"version\": \"v\"}");
        assertThat(Jsons.parse(dcos.run("marathon", "deployment", "rollback", "d-1").out(), "o").path("deploymentId").asText()).isEqualTo("d-2");
        dcos.run("marathon", "deployment", "stop", "d-1");
        assertThat(marathon.requests("DELETE", M + "/v2/deployments/d-1").get(1).query()).isEqualTo("force=true");
    }

    @Test
    void deploymentWatchShowsProgressUntilItIsDone() {
        int[] polls = {0};
        marathon.on("GET", M + "/v2/deployments", r -> new FakeServer.Answer(200, polls[0]++ < 2 ? "[" + DEPLOYMENT + "]" : "[]"));
        Result r = dcos.run("marathon", "deployment", "watch", "--interval", "0.05", "d-1");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Deployment d-1: step 2/2: scale /web (1/2 running)").endsWith("Deployment d-1 finished\n");
        assertThat(r.out().lines().filter(l -> l.contains("step 2/2"))).hasSize(1);
    }

    @Test
    void tasks() {
        String tasks = """
                {"tasks": [{"id": "web.1", "appId": "/web", "host": "10.0.0.2", "startedAt": "2026-11-25T10:00:01.000Z",
                            "healthCheckResults": [{"alive": true}], "ports": [31000]},
                           {"id": "db.1", "appId": "/data/db", "host": "10.0.0.3", "startedAt": null}]}""";
        marathon.on("GET", M + "/v2/tasks", 200, tasks)
                .on("POST", M + "/v2/tasks/delete", 200, "{\"tasks\": [{\"id\": \"web.1\", \"appId\": \"/web\"}]}");
        assertThat(dcos.run("marathon", "task", "list").out()).isEqualTo("""
                APP       HEALTHY          STARTED             HOST    ID
                /data/db   True              N/A             10.0.0.3  db.1
                /web       True    2026-11-25T10:00:01.000Z  10.0.0.2  web.1
                """);
        assertThat(Jsons.parse(dcos.run("marathon", "task", "show", "web.1").out(), "o").path("host").asText()).isEqualTo("10.0.0.2");
        assertThat(dcos.run("marathon", "task", "show", "zzz").err()).startsWith("Error: Task 'zzz' does not exist");
        Result stop = dcos.run("marathon", "task", "stop", "web.1");
        assertThat(stop.code()).isZero();
        assertThat(marathon.requests("POST", M + "/v2/tasks/delete").get(0).body()).isEqualTo("{\"ids\":[\"web.1\"]}");
    }

    @Test
    void groups() {
        String root = """
                {"id": "/", "apps": [{"id": "/web"}], "groups": [
                  {"id": "/data", "apps": [{"id": "/data/db"}], "groups": [{"id": "/data/cache", "apps": [{"id": "/data/cache/r"}, {"id": "/data/cache/m"}], "groups": []}]}]}""";
        marathon.on("GET", M + "/v2/groups", 200, root)
                .on("GET", M + "/v2/groups/data", 200, "{\"id\": \"/data\", \"apps\": []}")
                .on("GET", M + "/v2/groups/new", 404, "{\"message\": \"Group '/new' does not exist\"}")
                .on("POST", M + "/v2/groups", 201, "{\"deploymentId\": \"g-1\", \"version\": \"v\"}")
                .on("PUT", M + "/v2/groups/data", 200, "{\"deploymentId\": \"g-2\", \"version\": \"v\"}")
                .on("DELETE", M + "/v2/groups/data", 200, "{\"deploymentId\": \"g-3\", \"version\": \"v\"}");
        assertThat(dcos.run("marathon", "group", "list").out()).isEqualTo("""
                ID           APPS
                /data         3
                /data/cache   2
                """);
        assertThat(dcos.stdin("{\"id\": \"/new\", \"apps\": []}").run("marathon", "group", "add").out()).isEqualTo("Created deployment g-1\n");
        assertThat(dcos.stdin("{\"id\": \"/data\"}").run("marathon", "group", "add").err()).contains("Group '/data' already exists");
        assertThat(dcos.run("marathon", "group", "scale", "data", "2").out()).isEqualTo("Created deployment g-2\n");
        assertThat(marathon.requests("PUT", M + "/v2/groups/data").get(0).body()).isEqualTo("{\"scaleBy\":2.0}");
        assertThat(dcos.run("marathon", "group", "show", "data").out()).contains("\"id\": \"/data\"");
        assertThat(dcos.run("marathon", "group", "remove", "data").code()).isZero();
    }

    @Test
    void aboutAndUnreachableMarathon() {
        marathon.on("GET", M + "/v2/info", 200, "{\"name\": \"marathon\", \"version\": \"1.11.0\"}");
        assertThat(dcos.run("marathon", "about").out()).contains("\"version\": \"1.11.0\"");
        Result down = new CliRunner(home).env("DCOS_URL", "http://127.0.0.1:1").run("marathon", "app", "list");
        assertThat(down.code()).isEqualTo(1);
        assertThat(down.err()).startsWith("Error: Cannot reach the cluster at http://127.0.0.1:1 (connection refused)")
                .contains("dcos config set core.dcos_url");
        assertThat(down.err().lines()).hasSize(1);
    }

    @Test
    void marathonUrlOverridesTheGateway() {
        FakeServer.Request r;
        dcos.env("DCOS_MARATHON_URL", marathon.url() + M + "/");
        assertThat(dcos.run("marathon", "app", "list", "--quiet").code()).isZero();
        r = marathon.requests.get(marathon.requests.size() - 1);
        assertThat(r.path()).isEqualTo(M + "/v2/apps");
    }
}
