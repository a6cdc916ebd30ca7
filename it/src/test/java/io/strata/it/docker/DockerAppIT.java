package io.strata.it.docker;

import static io.strata.it.support.ItEnv.EVENT;
import static io.strata.it.support.ItEnv.STARTUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.it.support.DumpLogsOnFailure;
import io.strata.it.support.Http;
import io.strata.it.support.ItEnv;
import io.strata.it.support.LocalNode;
import io.strata.it.support.MarathonApi;
import io.strata.it.support.NodeProcess;
import io.strata.it.support.Procs;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #8: Docker apps through Marathon's v2 API on one {@code dcos-node local} (whose agents enable the docker
 * containerizer when the daemon answers). A {@code container.type DOCKER} app serving HTTP from a BRIDGE container
 * answers on its host port and becomes healthy; a {@code docker kill} behind Strata's back is replaced by a new
 * healthy task; an image that cannot be pulled fails with Docker's own message in the app's lastTaskFailure.
 * Expected messages are those of Mesos' docker containerizer (docs/DOCKER.md).
 */
@ExtendWith(DumpLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerAppIT {
    private static final String TEST = "DockerAppIT";
    /** Launch of a local image, httpd start, 5 s grace, first checks. */
    private static final Duration DEPLOY = Duration.ofSeconds(60);

    private static String image;
    private static LocalNode node;
    private static Path work;
    private static NodeProcess local;
    private static URI master;
    private static MarathonApi api;

    @BeforeAll
    static void start() throws Exception {
        DockerIt.assumeDockerAndBusybox();
        image = DockerIt.importImage("strata-it-docker/busybox");
        node = LocalNode.create(DockerAppIT.class, "strata-it-docker-");
        work = node.work;
        local = node.process;
        master = node.master;
        api = new MarathonApi(node.marathon);
        node.start().awaitReady("local cluster with 2 active agents and an elected, registered Marathon", STARTUP,
                api::elected);
        // the agents found the daemon: docker is in their containerizers
        for (JsonNode a : Http.getJson(master, "master/state").path("slaves")) {
            String pid = a.path("pid").asText();
            URI agent = URI.create("http://" + pid.substring(pid.indexOf('@') + 1) + "/");
            assertThat(Http.getJson(agent, "state").path("flags").path("containerizers").asText())
                    .as("containerizers of %s", pid).contains("docker");
        }
    }

    @AfterAll
    static void stop() {
        if (local != null) local.killTree();
        if (work != null) {
            int removed = DockerIt.removeContainersUnder(work);
            if (removed > 0) System.out.println("[it] " + TEST + " removed leftover containers: " + removed);
            List<Procs.Proc> left = Procs.killAllUnder(work, Duration.ofSeconds(20));
            if (!left.isEmpty()) System.out.println("[it] " + TEST + " killed leftovers: " + left.size());
            ItEnv.keepWorkDirLogs(work, ItEnv.logDir(TEST));
            DockerIt.deleteTree(work);
        }
        DockerIt.removeImage(image);
    }

    private static JsonNode awaitSettled(String id, int n) {
        return api.awaitSettled(id, n, DEPLOY, local);
    }

    private static void deleteForced(String id) {
        Http.Resp r = api.delete("v2/apps" + id + "?force=true");
        assertThat(r.status()).as("DELETE %s?force=true: %s", id, r).isEqualTo(200);
        await(id + " is gone").atMost(DEPLOY).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("v2/apps" + id).status() == 404 && api.deployments().isEmpty());
    }

    /** The one container of a task, running. */
    private static String runningContainer(String taskId) {
        String[] id = new String[1];
        await("the running container of " + taskId).atMost(EVENT).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<String> ids = DockerIt.containersOfTask(taskId);
            if (ids.size() != 1) return false;
            id[0] = ids.get(0);
            return "true".equals(DockerIt.inspect(id[0], "{{.State.Running}}"));
        });
        return id[0];
    }

    // ------------------------------------------------------------------ 1. healthy, serving on its host port

    @Test
    @Order(1)
    void dockerAppAnswersOnItsHostPortAndBecomesHealthy() {
        Http.Resp created = api.post("v2/apps", DockerIt.httpdApp("/it/httpd", image, 1, ""));
        assertThat(created.status()).as("POST /v2/apps: %s", created).isEqualTo(201);
        assertThat(created.json().path("container").path("type").asText()).isEqualTo("DOCKER");

        JsonNode app = awaitSettled("/it/httpd", 1);
        JsonNode task = app.path("tasks").get(0);
        assertThat(task.path("healthCheckResults").get(0).path("alive").asBoolean()).as("health: %s", task).isTrue();
        assertThat(task.path("ports")).as("host ports of %s", task).hasSize(1);
        int hostPort = task.path("ports").get(0).asInt();
        assertThat(hostPort).isPositive().isNotEqualTo(80);

        Http.Resp page = Http.get(URI.create("http://127.0.0.1:" + hostPort + "/"));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).isEqualTo(DockerIt.PAGE);

        String taskId = task.path("id").asText();
        String container = runningContainer(taskId);
        assertThat(DockerIt.inspect(container, "{{.Config.Image}}")).isEqualTo(image);
        assertThat(DockerIt.inspect(container, "{{.HostConfig.NetworkMode}}")).isIn("bridge", "default");
        assertThat(DockerIt.inspect(container, "{{range $p, $b := .HostConfig.PortBindings}}{{$p}}={{range $b}}{{.HostIp}}:{{.HostPort}}{{end}}{{end}}"))
                .as("the host port mapping, bound to the agent's address").isEqualTo("80/tcp=127.0.0.1:" + hostPort);
        assertThat(DockerIt.inspect(container, "{{.Name}}")).startsWith("/mesos-");

        // the master sees a RUNNING task with the container's bridge address
        JsonNode masterTask = masterTask(taskId);
        assertThat(masterTask.path("state").asText()).isEqualTo("TASK_RUNNING");
        assertThat(masterTask.path("container").path("type").asText()).isEqualTo("DOCKER");
        String ip = DockerIt.inspect(container, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");
        assertThat(masterTask.path("statuses").toString()).as("statuses carry the container's IP").contains(ip);
    }

    private static JsonNode masterTask(String taskId) {
        for (JsonNode t : Http.getJson(master, "master/tasks").path("tasks")) {
            if (t.path("id").asText().equals(taskId)) return t;
        }
        throw new AssertionError("the master does not list " + taskId);
    }

    // ------------------------------------------------------------------ 2. docker kill from outside

    @Test
    @Order(2)
    void dockerKillOfTheContainerBringsAHealthyReplacement() {
        JsonNode before = awaitSettled("/it/httpd", 1);
        String victim = before.path("tasks").get(0).path("id").asText();
        String container = runningContainer(victim);

        DockerIt.docker("kill", container);

        JsonNode[] app = new JsonNode[1];
        await("a healthy replacement for " + victim).atMost(DEPLOY).pollInterval(Duration.ofMillis(200)).until(() -> {
            local.assertAlive();
            app[0] = api.app("/it/httpd");
            return !MarathonApi.taskIds(app[0]).contains(victim) && MarathonApi.settled(app[0], 1);
        });
        JsonNode fresh = app[0].path("tasks").get(0);
        assertThat(fresh.path("id").asText()).isNotEqualTo(victim);
        JsonNode failure = app[0].path("lastTaskFailure");
        assertThat(failure.path("taskId").asText()).as("lastTaskFailure: %s", failure).isEqualTo(victim);
        assertThat(failure.path("state").asText()).as("lastTaskFailure: %s", failure).isEqualTo("TASK_FAILED");
        assertThat(failure.path("message").asText()).as("lastTaskFailure: %s", failure)
                .isEqualTo("Container exited with status 137");

        String replacement = runningContainer(fresh.path("id").asText());
        assertThat(replacement).isNotEqualTo(container);
        int hostPort = fresh.path("ports").get(0).asInt();
        assertThat(Http.get(URI.create("http://127.0.0.1:" + hostPort + "/")).text()).isEqualTo(DockerIt.PAGE);
        // the killed container is removed once its terminal update is through (docs/DOCKER.md)
        await("the killed container " + container + " is removed").atMost(EVENT).pollInterval(Duration.ofMillis(200))
                .until(() -> DockerIt.inspect(container, "{{.Id}}") == null);
    }

    // ------------------------------------------------------------------ 3. image that cannot be pulled

    @Test
    @Order(3)
    void badImageFailsWithDockersMessage() {
        String app = """
                {"id": "/it/badimage", "container": {"type": "DOCKER", "docker": {"image": "no-such-image:1",
                  "network": "BRIDGE", "portMappings": [{"containerPort": 80, "hostPort": 0}]}},
                 "cmd": "/bin/httpd -f -p 80 -h /www", "cpus": 0.1, "mem": 32, "instances": 1,
                 "backoffSeconds": 30, "backoffFactor": 1.0}""";
        try {
            Http.Resp created = api.post("v2/apps", app);
            assertThat(created.status()).as("POST: %s", created).isEqualTo(201);
            JsonNode[] failure = new JsonNode[1];
            await("a lastTaskFailure for /it/badimage").atMost(DEPLOY).pollInterval(Duration.ofMillis(200)).until(() -> {
                local.assertAlive();
                failure[0] = api.app("/it/badimage").path("lastTaskFailure");
                return !failure[0].isMissingNode() && !failure[0].isNull();
            });
            String message = failure[0].path("message").asText();
            System.out.println("[it] bad image lastTaskFailure: " + failure[0]);
            assertThat(failure[0].path("state").asText()).as("lastTaskFailure: %s", failure[0]).isEqualTo("TASK_FAILED");
            assertThat(message).as("lastTaskFailure: %s", failure[0])
                    .startsWith("Failed to launch container: Failed to pull image 'no-such-image:1': ");
            // Docker's own message, whatever it is here (no network: a DNS failure; online: access denied / not found)
            String docker = DockerIt.run(List.of("docker", "pull", "no-such-image:1"), 60).output().trim();
            String dockerReason = docker.substring(docker.lastIndexOf(':') + 1).trim();
            assertThat(message).as("Docker says: %s", docker).contains(dockerReason);
            assertThat(DockerIt.containersUnder(work).stream().filter(c -> "no-such-image:1"
                    .equals(DockerIt.inspect(c, "{{.Config.Image}}"))).toList()).as("nothing left behind").isEmpty();
            await("the other app is untouched: still 1 healthy task").atMost(EVENT)
                    .until(() -> api.app("/it/httpd").path("tasksHealthy").asInt() == 1);
        } finally {
            deleteForced("/it/badimage");
        }
    }

    // ------------------------------------------------------------------ 4. delete

    @Test
    @Order(4)
    void deletingTheAppRemovesItsContainer() {
        JsonNode app = awaitSettled("/it/httpd", 1);
        String taskId = app.path("tasks").get(0).path("id").asText();
        String container = runningContainer(taskId);
        Http.Resp del = api.delete("v2/apps/it/httpd");
        assertThat(del.status()).as("DELETE: %s", del).isEqualTo(200);
        await("/it/httpd is gone").atMost(DEPLOY).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("v2/apps/it/httpd").status() == 404 && api.deployments().isEmpty());
        await("the master reports " + taskId + " KILLED").atMost(EVENT).pollInterval(Duration.ofMillis(200))
                .until(() -> masterTask(taskId).path("state").asText().equals("TASK_KILLED"));
        await("its container is removed").atMost(EVENT).pollInterval(Duration.ofMillis(200))
                .until(() -> DockerIt.inspect(container, "{{.Id}}") == null);
        Set<String> left = new HashSet<>(DockerIt.containersUnder(work));
        assertThat(left).as("containers of the local cluster").isEmpty();
    }
}
