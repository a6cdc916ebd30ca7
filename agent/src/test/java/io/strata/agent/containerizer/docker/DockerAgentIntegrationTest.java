package io.strata.agent.containerizer.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import io.strata.agent.AgentConfig;
import io.strata.agent.AgentServer;
import io.strata.agent.master.FakeMaster;
import io.strata.common.json.Json;
import io.strata.common.protocol.AgentMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ContainerInfo;
import org.apache.mesos.v1.Protos.ContainerInfo.DockerInfo;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.apache.mesos.v1.Protos.KillPolicy;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.Parameter;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.Protos.Volume;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent with the docker containerizer against the real Docker daemon and a fake master speaking
 * docs/PROTOCOL.md. Tasks are shaped as Marathon sends them for {@code container.type: DOCKER} apps. Images come
 * from a busybox-static test image built offline; the private registry is Debian's docker-registry on 127.0.0.1.
 * Skipped when {@code docker info} fails.
 */
class DockerAgentIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final FrameworkID FW = FrameworkID.newBuilder().setValue("fw-" + UUID.randomUUID()).build();
    private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder().setId(FW).setName("marathon").setUser("root")
            .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.TASK_KILLING_STATE))
            .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE))
            .build();

    private static DockerClient docker;
    private static String image;

    @TempDir
    Path workDir;
    @TempDir
    Path scratch;
    private FakeMaster master;
    private AgentServer agent;
    private List<Integer> ports;
    private Path dockerConfig;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void docker() throws Exception {
        DockerTestSupport.assumeDocker();
        image = DockerTestSupport.image();
        docker = DockerTestSupport.client();
    }

    @AfterAll
    static void closeDocker() throws Exception {
        if (docker != null) docker.close();
    }

    @BeforeEach
    void start() throws Exception {
        master = new FakeMaster();
        ports = DockerTestSupport.freePorts(4);
        dockerConfig = scratch.resolve("docker-config/config.json"); // written by the registry test only
        agent = AgentServer.start(config(false));
        await().atMost(WAIT).until(() -> agent.registered());
    }

    private AgentConfig config(boolean killTasksOnShutdown) {
        return new AgentConfig(master.hostPort(), "127.0.0.1", 0, "127.0.0.1", workDir,
                "cpus:4;mem:2048;disk:1024;ports:" + DockerTestSupport.portRanges(ports), null, false, killTasksOnShutdown, null, 100)
                .withContainerizers(List.of("docker", "mesos"))
                .withDocker(new DockerSettings(DockerSettings.DEFAULT_SOCKET, dockerConfig));
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) agent.close();
        // an agent that recovers whatever is left and kills it on the way out, as AgentIntegrationTest does
        if (master != null) {
            AgentServer.start(config(true).withContainerizers(List.of("docker", "mesos"))).close();
            master.close();
        }
        if (docker != null) DockerTestSupport.removeContainersOf(docker, workDir);
        http.close();
    }

    @Test
    void aBridgedTaskServesOnItsHostPortPassesItsHttpHealthCheckAndStopsWithinItsGracePeriod() throws Exception {
        int hostPort = ports.get(0);
        TaskInfo web = dockerTask("web", "echo serving on $HOST:$PORT0 sandbox=$MESOS_SANDBOX task=$MESOS_TASK_ID; exec httpd -f -p 80 -h /www",
                DockerInfo.Network.BRIDGE, hostPort).toBuilder()
                // Marathon names the container port in Mesos checks of bridged apps; the agent reaches it through the mapping
                .setHealthCheck(HealthCheck.newBuilder().setType(HealthCheck.Type.HTTP)
                        .setHttp(HealthCheck.HTTPCheckInfo.newBuilder().setPort(80).setPath("/index.html"))
                        .setDelaySeconds(0).setIntervalSeconds(0.5).setTimeoutSeconds(5).setGracePeriodSeconds(30).setConsecutiveFailures(3))
                .setKillPolicy(KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(1_000_000_000L)))
                .build();
        master.send(AgentMessage.launch(FRAMEWORK, web));
        TaskStatus running = ackUntilRunning("web");

        String ip = running.getContainerStatus().getNetworkInfos(0).getIpAddresses(0).getIpAddress();
        assertThat(ip).as("the container's bridge address, as Mesos reports it").isNotBlank().isNotEqualTo("127.0.0.1");
        assertThat(running.getContainerStatus().getExecutorPid()).isPositive();
        assertThat(running.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);

        HttpResponse<String> page = await().atMost(WAIT).ignoreExceptions().until(() -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + "/")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() == 200);
        assertThat(page.body()).isEqualTo(DockerTestSupport.PAGE);

        TaskStatus healthy = master.awaitUpdate(s -> s.getTaskId().getValue().equals("web") && s.hasHealthy(), WAIT);
        assertThat(healthy.getHealthy()).isTrue();
        assertThat(healthy.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
        assertThat(healthy.getContainerStatus().getNetworkInfos(0).getIpAddresses(0).getIpAddress()).isEqualTo(ip);
        master.ack(FW, healthy);

        // what Docker was told
        InspectContainerResponse c = docker.inspectContainerCmd("mesos-" + running.getContainerStatus().getContainerId().getValue()).exec();
        assertThat(c.getConfig().getLabels()).containsEntry(DockerRunSpec.LABEL_TASK_ID, "web")
                .containsEntry("MESOS_TASK_ID", "web").containsEntry("owner", "integration-test");
        assertThat(Arrays.asList(c.getConfig().getEnv())).contains("MESOS_TASK_ID=web", "MESOS_SANDBOX=/mnt/mesos/sandbox",
                "PORT0=" + hostPort, "HOST=127.0.0.1", "MARATHON_APP_ID=/web", "MESOS_CONTAINER_NAME=" + c.getName().substring(1));
        assertThat(Arrays.asList(c.getConfig().getEnv())).as("nothing of the agent's own environment")
                .doesNotContain("PATH=" + System.getenv("PATH"), "HOME=" + System.getenv("HOME"));
        assertThat(c.getHostConfig().getMemory()).isEqualTo(64L * 1024 * 1024);
        assertThat(c.getHostConfig().getCpuShares()).isEqualTo(102);
        assertThat(c.getHostConfig().getNetworkMode()).isEqualTo("bridge");
        assertThat(c.getHostConfig().getPortBindings().getBindings().values().iterator().next()[0].getHostIp()).isEqualTo("127.0.0.1");

        Path sandbox = sandboxOf("web");
        await().atMost(WAIT).until(() -> Files.readString(sandbox.resolve("stdout"))
                .contains("serving on 127.0.0.1:" + hostPort + " sandbox=/mnt/mesos/sandbox task=web"));
        JsonNode state = getJson("/state");
        assertThat(state.path("flags").path("containerizers").asText()).isEqualTo("docker,mesos");
        assertThat(state.at("/frameworks/0/executors/0/tasks/0/container/type").asText()).isEqualTo("DOCKER");

        // httpd as pid 1 ignores SIGTERM: the grace period ends it with SIGKILL
        long killAt = System.nanoTime();
        master.send(AgentMessage.kill(FW, TaskID.newBuilder().setValue("web").build(), null));
        master.ack(FW, master.await("web", TaskState.TASK_KILLING, WAIT));
        TaskStatus killed = master.await("web", TaskState.TASK_KILLED, WAIT);
        assertThat(Duration.ofNanos(System.nanoTime() - killAt)).isLessThan(Duration.ofSeconds(6));
        assertThat(killed.getMessage()).matches("Container exited with status (137|143)");
        master.ack(FW, killed);
        await().atMost(WAIT).until(() -> !containerExists(c.getId()));
    }

    @Test
    void aTaskOnAUserNetworkReportsItsAddressThereAndPassesATcpCheckOnItsHostPort() {
        String network = "strata-test-" + UUID.randomUUID().toString().substring(0, 8);
        String networkId = docker.createNetworkCmd().withName(network).withDriver("bridge").exec().getId();
        try {
            int hostPort = ports.get(2);
            TaskInfo.Builder t = dockerTask("on-net", "exec httpd -f -p 80 -h /www", DockerInfo.Network.USER, hostPort).toBuilder()
                    .setHealthCheck(HealthCheck.newBuilder().setType(HealthCheck.Type.TCP)
                            .setTcp(HealthCheck.TCPCheckInfo.newBuilder().setPort(hostPort))
                            .setDelaySeconds(0).setIntervalSeconds(0.5).setTimeoutSeconds(5).setGracePeriodSeconds(30));
            // Marathon's "networks": [{"mode": "container", "name": ..., "labels": ...}]
            t.getContainerBuilder().addNetworkInfos(org.apache.mesos.v1.Protos.NetworkInfo.newBuilder().setName(network)
                    .setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey("zone").setValue("test"))));
            master.send(AgentMessage.launch(FRAMEWORK, t.build()));
            TaskStatus running = ackUntilRunning("on-net");
            var info = running.getContainerStatus().getNetworkInfos(0);
            assertThat(info.getName()).isEqualTo(network);
            assertThat(info.getLabels().getLabels(0).getKey()).isEqualTo("zone");
            String ip = info.getIpAddresses(0).getIpAddress();
            InspectContainerResponse c = docker.inspectContainerCmd("mesos-" + running.getContainerStatus().getContainerId().getValue()).exec();
            assertThat(c.getNetworkSettings().getNetworks().get(network).getIpAddress()).isEqualTo(ip);
            TaskStatus healthy = master.awaitUpdate(s -> s.getTaskId().getValue().equals("on-net") && s.hasHealthy(), WAIT);
            assertThat(healthy.getHealthy()).isTrue();
            master.ack(FW, healthy);
            master.send(AgentMessage.kill(FW, TaskID.newBuilder().setValue("on-net").build(),
                    KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(0)).build()));
            master.ack(FW, master.await("on-net", TaskState.TASK_KILLING, WAIT));
            master.ack(FW, master.await("on-net", TaskState.TASK_KILLED, WAIT));
            await().atMost(WAIT).until(() -> !containerExists(c.getId()));
        } finally {
            DockerTestSupport.removeContainersOf(docker, workDir);
            docker.removeNetworkCmd(networkId).exec();
        }
    }

    @Test
    void aContainerKilledBehindTheAgentsBackFailsItsTask() {
        master.send(AgentMessage.launch(FRAMEWORK, dockerTask("victim", "exec sleep 300", DockerInfo.Network.BRIDGE, 0)));
        TaskStatus running = ackUntilRunning("victim");
        docker.killContainerCmd("mesos-" + running.getContainerStatus().getContainerId().getValue()).exec();
        TaskStatus failed = master.await("victim", TaskState.TASK_FAILED, WAIT);
        assertThat(failed.getMessage()).isEqualTo("Container exited with status 137");
        assertThat(failed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
    }

    @Test
    void aTaskOnTheHostNetworkGetsTheMesosEnvironmentTheSandboxAndItsVolumes() throws Exception {
        Path data = Files.createDirectory(scratch.resolve("data"));
        TaskInfo t = dockerTask("writer", "echo $MESOS_TASK_ID > $MESOS_SANDBOX/id; echo $PORT0 > /mnt/mesos/sandbox/data/port;"
                + " echo to-stderr >&2; exit 3", DockerInfo.Network.HOST, ports.get(1)).toBuilder()
                .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
                        .setDocker(DockerInfo.newBuilder().setImage(image).setNetwork(DockerInfo.Network.HOST))
                        .addVolumes(Volume.newBuilder().setContainerPath("data").setHostPath(data.toString()).setMode(Volume.Mode.RW)))
                .build();
        master.send(AgentMessage.launch(FRAMEWORK, t));
        ackUntilRunning("writer");
        TaskStatus failed = master.await("writer", TaskState.TASK_FAILED, WAIT);
        assertThat(failed.getMessage()).isEqualTo("Container exited with status 3");
        Path sandbox = sandboxOf("writer");
        assertThat(Files.readString(sandbox.resolve("id")).trim()).isEqualTo("writer");
        assertThat(Files.readString(data.resolve("port")).trim()).isEqualTo(Integer.toString(ports.get(1)));
        assertThat(Files.readString(sandbox.resolve("stderr"))).contains("to-stderr");
    }

    @Test
    void commandHealthChecksRunInsideTheContainer() {
        // /tmp/ready exists only in the container's file system: a check on the agent's host would fail
        TaskInfo t = dockerTask("checked", "touch /tmp/ready; exec sleep 300", DockerInfo.Network.NONE, 0).toBuilder()
                .setHealthCheck(HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND)
                        .setCommand(CommandInfo.newBuilder().setValue("test -f /tmp/ready && test \"$CHECK\" = yes")
                                .setEnvironment(Environment.newBuilder().addVariables(Environment.Variable.newBuilder()
                                        .setName("CHECK").setValue("yes"))))
                        .setDelaySeconds(0).setIntervalSeconds(0.5).setTimeoutSeconds(10).setGracePeriodSeconds(30))
                .build();
        master.send(AgentMessage.launch(FRAMEWORK, t));
        TaskStatus running = ackUntilRunning("checked");
        assertThat(running.getContainerStatus().getNetworkInfosCount()).as("no network, no address").isZero();
        TaskStatus healthy = master.awaitUpdate(s -> s.getTaskId().getValue().equals("checked") && s.hasHealthy(), WAIT);
        assertThat(healthy.getHealthy()).isTrue();
    }

    @Test
    void aBadImageOrCommandFailsTheLaunchWithDockersMessage() throws Exception {
        int closed = DockerTestSupport.freePorts(1).get(0);
        String missing = "127.0.0.1:" + closed + "/strata/nothing:1";
        master.send(AgentMessage.launch(FRAMEWORK, dockerTask("no-image", "true", DockerInfo.Network.BRIDGE, 0).toBuilder()
                .setContainer(container(missing, DockerInfo.Network.BRIDGE, 0)).build()));
        TaskStatus failed = master.await("no-image", TaskState.TASK_FAILED, WAIT);
        assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
        assertThat(failed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
        assertThat(failed.getMessage()).startsWith("Failed to launch container: Failed to pull image '" + missing + "': ")
                .contains("connection refused");
        assertThat(master.updates("no-image")).as("nothing started").hasSize(1);
        master.ack(FW, failed);

        TaskInfo noBinary = dockerTask("no-binary", "ignored", DockerInfo.Network.NONE, 0).toBuilder()
                .setCommand(CommandInfo.newBuilder().setShell(false).setValue("/no/such/binary")).build();
        master.send(AgentMessage.launch(FRAMEWORK, noBinary));
        master.ack(FW, master.await("no-binary", TaskState.TASK_STARTING, WAIT));
        TaskStatus cannotStart = master.await("no-binary", TaskState.TASK_FAILED, WAIT);
        assertThat(cannotStart.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
        assertThat(cannotStart.getMessage()).startsWith("Failed to launch container: Failed to start container: ").contains("/no/such/binary");
        assertThat(docker.listContainersCmd().withShowAll(true).withNameFilter(List.of(cannotStart.getContainerStatus().getContainerId().getValue()))
                .exec()).as("the failed container is removed").isEmpty();
        assertThat(agent.registered()).as("still up").isTrue();
    }

    @Test
    void pullsFromAPrivateRegistryWithTheCredentialsOfTheDockerConfig() throws Exception {
        try (DockerRegistry registry = DockerRegistry.start(scratch.resolve("registry"))) {
            String pushed = registry.push(image, "strata/busybox-" + UUID.randomUUID().toString().substring(0, 8) + ":1");
            DockerTestSupport.run(List.of("docker", "rmi", pushed), 60);

            master.send(AgentMessage.launch(FRAMEWORK, dockerTask("anonymous", "true", DockerInfo.Network.NONE, 0).toBuilder()
                    .setContainer(container(pushed, DockerInfo.Network.NONE, 0)).build()));
            TaskStatus refused = master.await("anonymous", TaskState.TASK_FAILED, WAIT);
            assertThat(refused.getMessage()).startsWith("Failed to launch container: Failed to pull image").contains("no basic auth credentials");

            // what `docker login` writes; read for every pull
            Files.createDirectories(dockerConfig.getParent());
            Files.writeString(dockerConfig, "{\"auths\":{\"" + registry.address() + "\":{\"auth\":\""
                    + Base64.getEncoder().encodeToString((DockerRegistry.USER + ":" + DockerRegistry.PASSWORD).getBytes(StandardCharsets.UTF_8))
                    + "\"}}}");
            ContainerInfo.Builder forced = container(pushed, DockerInfo.Network.NONE, 0);
            forced.getDockerBuilder().setForcePullImage(true);
            master.send(AgentMessage.launch(FRAMEWORK, dockerTask("pulled", "echo pulled from the registry", DockerInfo.Network.NONE, 0)
                    .toBuilder().setContainer(forced).build()));
            ackUntilRunning("pulled");
            assertThat(master.await("pulled", TaskState.TASK_FINISHED, WAIT).getMessage()).isEqualTo("Container exited with status 0");
            assertThat(Files.readString(sandboxOf("pulled").resolve("stdout"))).isEqualTo("pulled from the registry\n");
            DockerTestSupport.run(List.of("docker", "rmi", pushed), 60);
        }
    }

    @Test
    void aRestartedAgentReattachesItsContainersAndReportsTheOnesThatEndedMeanwhile() throws Exception {
        master.send(AgentMessage.launch(FRAMEWORK, dockerTask("ticker",
                "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done", DockerInfo.Network.BRIDGE, 0)));
        master.send(AgentMessage.launch(FRAMEWORK, dockerTask("goner", "exec sleep 300", DockerInfo.Network.BRIDGE, 0)));
        TaskStatus ticker = ackUntilRunning("ticker");
        TaskStatus goner = ackUntilRunning("goner");
        String tickerName = "mesos-" + ticker.getContainerStatus().getContainerId().getValue();
        awaitAcknowledged("ticker");
        awaitAcknowledged("goner");
        Path stdout = sandboxOf("ticker").resolve("stdout");
        await().atMost(WAIT).until(() -> Files.readString(stdout).contains("tick 5\n"));

        agent.close(); // tasks keep running
        agent = null;
        assertThat(docker.inspectContainerCmd(tickerName).exec().getState().getRunning()).isTrue();
        docker.killContainerCmd("mesos-" + goner.getContainerStatus().getContainerId().getValue()).exec();
        int before = ticks(Files.readString(stdout)).size();
        // the ticker goes on while no agent copies its output
        await().atMost(WAIT).until(() -> lastTick(tickerName) > before + 10);
        int updatesBefore = master.allUpdates().size();

        agent = AgentServer.start(config(false));
        await().atMost(WAIT).until(() -> master.subscriptions().size() == 2);
        AgentMessage resub = master.subscriptions().get(1);
        Task recovered = resub.tasks().stream().filter(t -> t.getTaskId().getValue().equals("ticker")).findFirst().orElseThrow();
        assertThat(recovered.getState()).isEqualTo(TaskState.TASK_RUNNING);

        TaskStatus failed = master.await("goner", TaskState.TASK_FAILED, WAIT);
        assertThat(failed.getMessage()).isEqualTo("Container exited with status 137");
        master.ack(FW, failed);
        assertThat(master.allUpdates().subList(updatesBefore, master.allUpdates().size()))
                .extracting(u -> u.status().getTaskId().getValue()).doesNotContain("ticker");

        // output written while the agent was away is copied, once, and copying goes on
        int seenByDocker = lastTick(tickerName);
        await().atMost(WAIT).until(() -> ticks(Files.readString(stdout)).size() > seenByDocker + 5);
        List<Integer> copied = ticks(Files.readString(stdout));
        for (int i = 0; i < copied.size(); i++) assertThat(copied.get(i)).as("line %d of stdout", i).isEqualTo(i);

        master.send(AgentMessage.kill(FW, TaskID.newBuilder().setValue("ticker").build(), null));
        master.ack(FW, master.await("ticker", TaskState.TASK_KILLING, WAIT));
        master.await("ticker", TaskState.TASK_KILLED, WAIT);
        await().atMost(WAIT).until(() -> !containerExists(tickerName));
    }

    @Test
    void containersOfThisAgentThatNoTaskClaimsAreRemovedOnStart() throws Exception {
        String orphan = docker.createContainerCmd(image).withName("mesos-orphan-" + UUID.randomUUID())
                .withEntrypoint("/bin/sleep").withCmd("300")
                .withLabels(java.util.Map.of(DockerRunSpec.LABEL_WORK_DIR, workDir.toAbsolutePath().normalize().toString(),
                        DockerRunSpec.LABEL_CONTAINER_ID, "claimed-by-nobody"))
                .exec().getId();
        docker.startContainerCmd(orphan).exec();
        String stranger = docker.createContainerCmd(image).withName("not-an-agents-" + UUID.randomUUID())
                .withEntrypoint("/bin/sleep").withCmd("300").exec().getId();
        try {
            agent.close();
            agent = AgentServer.start(config(false));
            await().atMost(WAIT).until(() -> !containerExists(orphan));
            assertThat(containerExists(stranger)).as("a container without this agent's label is none of its business").isTrue();
        } finally {
            docker.removeContainerCmd(stranger).withForce(true).exec();
        }
    }

    @Test
    void aKillWhileTheImageIsPulledEndsTheTaskAtOnce() throws Exception {
        // a registry that accepts the connection and never answers keeps the pull busy
        try (var silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) held.add(silent.accept());
                } catch (java.io.IOException e) {
                    // closed
                }
            });
            String slow = "127.0.0.1:" + silent.getLocalPort() + "/strata/slow:1";
            master.send(AgentMessage.launch(FRAMEWORK, dockerTask("slow", "true", DockerInfo.Network.NONE, 0).toBuilder()
                    .setContainer(container(slow, DockerInfo.Network.NONE, 0)).build()));
            await().atMost(WAIT).until(() -> !held.isEmpty());
            master.send(AgentMessage.kill(FW, TaskID.newBuilder().setValue("slow").build(), null));
            TaskStatus killed = master.await("slow", TaskState.TASK_KILLED, Duration.ofSeconds(10));
            assertThat(killed.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_KILLED_DURING_LAUNCH);
            assertThat(master.updates("slow")).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_KILLED);
            for (java.net.Socket s : held) s.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A task as Marathon builds it for a Docker app: shell command, Marathon's env, a label parameter, host port. */
    private TaskInfo dockerTask(String id, String command, DockerInfo.Network network, int hostPort) {
        TaskInfo.Builder t = TaskInfo.newBuilder()
                .setName(id)
                .setTaskId(TaskID.newBuilder().setValue(id))
                .setAgentId(AgentID.newBuilder().setValue("ignored"))
                .addResources(scalar("cpus", 0.1))
                .addResources(scalar("mem", 64))
                .setCommand(CommandInfo.newBuilder().setValue(command).setEnvironment(Environment.newBuilder()
                        .addVariables(Environment.Variable.newBuilder().setName("MARATHON_APP_ID").setValue("/" + id))))
                .setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey("owner").setValue("integration-test")))
                .setContainer(container(image, network, hostPort));
        t.getContainerBuilder().getDockerBuilder().setParameters(0, Parameter.newBuilder().setKey("label").setValue("MESOS_TASK_ID=" + id));
        if (hostPort > 0) {
            t.addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
                    .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(hostPort).setEnd(hostPort))));
            t.getCommandBuilder().getEnvironmentBuilder().addVariables(Environment.Variable.newBuilder().setName("PORT_80").setValue(Integer.toString(hostPort)));
        }
        return t.build();
    }

    private static ContainerInfo.Builder container(String image, DockerInfo.Network network, int hostPort) {
        DockerInfo.Builder d = DockerInfo.newBuilder().setImage(image).setNetwork(network).setForcePullImage(false)
                .setPrivileged(false)
                .addParameters(Parameter.newBuilder().setKey("label").setValue("MESOS_TASK_ID=ignored"));
        if (hostPort > 0 && network != DockerInfo.Network.HOST) {
            d.addPortMappings(DockerInfo.PortMapping.newBuilder().setHostPort(hostPort).setContainerPort(80).setProtocol("tcp"));
        }
        return ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER).setDocker(d);
    }

    private static Resource scalar(String name, double v) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(v)).build();
    }

    private TaskStatus ackUntilRunning(String taskId) {
        master.ack(FW, master.await(taskId, TaskState.TASK_STARTING, WAIT));
        TaskStatus running = master.await(taskId, TaskState.TASK_RUNNING, WAIT);
        master.ack(FW, running);
        return running;
    }

    private void awaitAcknowledged(String taskId) {
        await().atMost(WAIT).until(() -> io.strata.agent.AcknowledgedUpdates.of(agent, taskId));
    }

    private Path sandboxOf(String taskId) throws Exception {
        Path runs = workDir.resolve("slaves").resolve(agent.agentId()).resolve("frameworks").resolve(FW.getValue())
                .resolve("executors").resolve(taskId).resolve("runs");
        try (var dirs = Files.list(runs)) {
            return dirs.filter(d -> !d.getFileName().toString().equals("latest")).findFirst().orElseThrow();
        }
    }

    private boolean containerExists(String idOrName) {
        try {
            docker.inspectContainerCmd(idOrName).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static final Pattern TICK = Pattern.compile("^tick (\\d+)$", Pattern.MULTILINE);

    private static List<Integer> ticks(String text) {
        List<Integer> out = new ArrayList<>();
        Matcher m = TICK.matcher(text);
        while (m.find()) out.add(Integer.parseInt(m.group(1)));
        return out;
    }

    private int lastTick(String container) throws InterruptedException {
        String line = docker.logContainerCmd(container).withStdOut(true).withTail(1).exec(new LastLine()).awaitLine();
        List<Integer> t = ticks(line.trim());
        return t.isEmpty() ? -1 : t.get(0);
    }

    /** The last log line of a container. */
    private static final class LastLine extends com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame> {
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onNext(com.github.dockerjava.api.model.Frame frame) {
            text.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
        }

        String awaitLine() throws InterruptedException {
            awaitCompletion();
            return text.toString();
        }
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return Json.read(r.body());
    }
}
