package io.strata.agent.containerizer.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ContainerInfo;
import org.apache.mesos.v1.Protos.ContainerInfo.DockerInfo;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.NetworkInfo;
import org.apache.mesos.v1.Protos.Parameter;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.Protos.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The translation of a Mesos TaskInfo with a DOCKER container into Engine API terms, without a daemon. */
class DockerRunSpecTest {
    @TempDir
    Path sandbox;

    private DockerRunSpec.Context ctx() {
        return new DockerRunSpec.Context("c-1", sandbox, "127.0.0.1", Map.of("MESOS_TASK_ID", "t", "PORT0", "31000"),
                Map.of(DockerRunSpec.LABEL_CONTAINER_ID, "c-1"));
    }

    private static TaskInfo.Builder task(DockerInfo.Builder docker) {
        return TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t")).setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue("a"))
                .addResources(scalar("cpus", 0.5)).addResources(scalar("mem", 128))
                .addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES).setRanges(Value.Ranges.newBuilder()
                        .addRange(Value.Range.newBuilder().setBegin(31000).setEnd(31001))))
                .setCommand(CommandInfo.newBuilder().setValue("echo hi"))
                .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER).setDocker(docker));
    }

    private static DockerInfo.Builder docker(DockerInfo.Network network) {
        return DockerInfo.newBuilder().setImage("nginx:1.25").setNetwork(network);
    }

    private static Resource scalar(String name, double v) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(v)).build();
    }

    private static DockerInfo.PortMapping mapping(int host, int container, String protocol) {
        DockerInfo.PortMapping.Builder m = DockerInfo.PortMapping.newBuilder().setHostPort(host).setContainerPort(container);
        if (protocol != null) m.setProtocol(protocol);
        return m.build();
    }

    private DockerRunSpec spec(TaskInfo.Builder t) {
        return DockerRunSpec.of(t.build(), ctx());
    }

    @Test
    void aShellCommandRunsUnderBinShAndAnotherOneReplacesTheImagesCommand() {
        DockerRunSpec shell = spec(task(docker(DockerInfo.Network.HOST)));
        assertThat(shell.name()).isEqualTo("mesos-c-1");
        assertThat(shell.imageName()).isEqualTo("nginx:1.25");
        assertThat(shell.entrypoint()).containsExactly("/bin/sh");
        assertThat(shell.cmd()).containsExactly("-c", "echo hi");

        DockerRunSpec args = spec(task(docker(DockerInfo.Network.HOST))
                .setCommand(CommandInfo.newBuilder().setShell(false).addArguments("--port").addArguments("80")));
        assertThat(args.entrypoint()).as("the image's entrypoint").isNull();
        assertThat(args.cmd()).containsExactly("--port", "80");

        DockerRunSpec valueAndArgs = spec(task(docker(DockerInfo.Network.HOST))
                .setCommand(CommandInfo.newBuilder().setShell(false).setValue("nginx").addArguments("-g").addArguments("daemon off;")));
        assertThat(valueAndArgs.cmd()).containsExactly("nginx", "-g", "daemon off;");

        DockerRunSpec imageDefault = spec(task(docker(DockerInfo.Network.HOST)).setCommand(CommandInfo.newBuilder().setShell(false)));
        assertThat(imageDefault.cmd()).as("Marathon's docker app without cmd or args").isNull();

        assertThatThrownBy(() -> spec(task(docker(DockerInfo.Network.HOST)).setCommand(CommandInfo.newBuilder())))
                .hasMessage("Shell specified but no command value provided");
    }

    @Test
    void environmentLabelsSandboxAndResources() {
        DockerRunSpec s = spec(task(docker(DockerInfo.Network.HOST))
                .setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey("team").setValue("web"))));
        assertThat(s.envList()).contains("MESOS_TASK_ID=t", "PORT0=31000", "MESOS_SANDBOX=/mnt/mesos/sandbox",
                "MESOS_CONTAINER_NAME=mesos-c-1");
        assertThat(s.labels()).containsEntry("team", "web").containsEntry(DockerRunSpec.LABEL_CONTAINER_ID, "c-1");
        HostConfig h = s.hostConfig();
        assertThat(h.getNetworkMode()).as("Mesos' default network").isEqualTo("host");
        assertThat(h.getBinds()).containsExactly(new Bind(sandbox.toString(), new com.github.dockerjava.api.model.Volume("/mnt/mesos/sandbox"), AccessMode.rw));
        assertThat(h.getCpuShares()).isEqualTo(512);
        assertThat(h.getCpuPeriod()).isEqualTo(100_000L);
        assertThat(h.getCpuQuota()).isEqualTo(50_000L);
        assertThat(h.getMemory()).isEqualTo(128L * 1024 * 1024);
        assertThat(h.getPrivileged()).isFalse();

        DockerRunSpec tiny = spec(task(docker(DockerInfo.Network.HOST)).setResources(0, scalar("cpus", 0.001)).setResources(1, scalar("mem", 1)));
        assertThat(tiny.hostConfig().getCpuShares()).isEqualTo(2);
        assertThat(tiny.hostConfig().getMemory()).isEqualTo(32L * 1024 * 1024);

        TaskInfo.Builder limited = task(docker(DockerInfo.Network.HOST));
        limited.putLimits("mem", Value.Scalar.newBuilder().setValue(256).build());
        limited.putLimits("cpus", Value.Scalar.newBuilder().setValue(Double.POSITIVE_INFINITY).build());
        HostConfig l = spec(limited).hostConfig();
        assertThat(l.getMemory()).isEqualTo(256L * 1024 * 1024);
        assertThat(l.getMemoryReservation()).isEqualTo(128L * 1024 * 1024);
        assertThat(l.getCpuQuota()).as("no quota for an unlimited cpu limit").isNull();
    }

    @Test
    void bridgePortMappingsUseTheTasksHostPortsOnTheAgentsAddress() {
        DockerRunSpec s = spec(task(docker(DockerInfo.Network.BRIDGE)
                .addPortMappings(mapping(31000, 80, "tcp"))
                .addPortMappings(mapping(31001, 53, "udp,tcp"))));
        assertThat(s.networkMode()).isEqualTo("bridge");
        assertThat(s.exposedPorts()).containsExactly(ExposedPort.tcp(80), ExposedPort.udp(53), ExposedPort.tcp(53));
        Map<ExposedPort, Ports.Binding[]> b = s.hostConfig().getPortBindings().getBindings();
        assertThat(b.get(ExposedPort.tcp(80))).containsExactly(Ports.Binding.bindIpAndPort("127.0.0.1", 31000));
        assertThat(b.get(ExposedPort.udp(53))).containsExactly(Ports.Binding.bindIpAndPort("127.0.0.1", 31001));
        assertThat(s.portMappings()).hasSize(3);

        assertThatThrownBy(() -> spec(task(docker(DockerInfo.Network.BRIDGE).addPortMappings(mapping(32000, 80, null)))))
                .hasMessage("Port [32000] not included in resources");
        assertThatThrownBy(() -> spec(task(docker(DockerInfo.Network.HOST).addPortMappings(mapping(31000, 80, null)))))
                .hasMessageContaining("only supported for bridge and user-defined networks");
        assertThatThrownBy(() -> spec(task(docker(DockerInfo.Network.BRIDGE).addPortMappings(mapping(31000, 80, "http")))))
                .hasMessageContaining("protocol");
    }

    @Test
    void healthChecksOfContainerPortsGoThroughTheirHostPorts() {
        TaskInfo t = task(docker(DockerInfo.Network.BRIDGE).addPortMappings(mapping(31000, 8080, "tcp"))).build();
        assertThat(DockerRunSpec.hostPortFor(t, 8080)).isEqualTo(31000);
        assertThat(DockerRunSpec.hostPortFor(t, 31000)).isEqualTo(31000);
        assertThat(DockerRunSpec.hostPortFor(t, 9000)).isEqualTo(9000);
        assertThat(DockerRunSpec.reachableOnHost(t, 31000)).isTrue();
        assertThat(DockerRunSpec.reachableOnHost(t, 9000)).isFalse();

        DockerContainer bridged = new DockerContainer("id", "mesos-c-1", 42L, "172.17.0.5", "bridge");
        HealthCheck http = HealthCheck.newBuilder().setType(HealthCheck.Type.HTTP)
                .setHttp(HealthCheck.HTTPCheckInfo.newBuilder().setPort(8080)).build();
        assertThat(DockerTasks.healthProbe(http, t, bridged, null, "127.0.0.1")).isNotNull();
    }

    @Test
    void userNetworksNeedExactlyOneNamedNetworkInfo() {
        TaskInfo.Builder t = task(docker(DockerInfo.Network.USER).addPortMappings(mapping(31000, 80, null)));
        t.getContainerBuilder().addNetworkInfos(NetworkInfo.newBuilder().setName("app-net")).setHostname("web-1");
        DockerRunSpec s = spec(t);
        assertThat(s.networkMode()).isEqualTo("app-net");
        assertThat(s.hostname()).isEqualTo("web-1");
        assertThat(DockerTasks.networkMode(t.build())).isEqualTo("app-net");

        assertThatThrownBy(() -> spec(task(docker(DockerInfo.Network.USER)))).hasMessage("No network info found in container info");
        TaskInfo.Builder hostWithName = task(docker(DockerInfo.Network.HOST));
        hostWithName.getContainerBuilder().setHostname("x");
        assertThatThrownBy(() -> spec(hostWithName)).hasMessage("Unable to set hostname with host network mode");
    }

    @Test
    void volumesMountHostPathsAndSandboxPaths() throws Exception {
        Path data = Files.createDirectory(sandbox.resolve("host-data"));
        TaskInfo.Builder t = task(docker(DockerInfo.Network.HOST));
        t.getContainerBuilder()
                .addVolumes(Volume.newBuilder().setContainerPath("/data").setHostPath(data.toString()).setMode(Volume.Mode.RO))
                .addVolumes(Volume.newBuilder().setContainerPath("cache").setHostPath(data.toString()).setMode(Volume.Mode.RW))
                .addVolumes(Volume.newBuilder().setContainerPath("/logs").setHostPath("logs").setMode(Volume.Mode.RW))
                .addVolumes(Volume.newBuilder().setContainerPath("/named").setMode(Volume.Mode.RW).setSource(Volume.Source.newBuilder()
                        .setType(Volume.Source.Type.DOCKER_VOLUME).setDockerVolume(Volume.Source.DockerVolume.newBuilder().setName("shared"))));
        assertThat(Arrays.stream(spec(t).hostConfig().getBinds()).map(Bind::toString)).containsExactly(
                data + ":/data:ro",
                data + ":/mnt/mesos/sandbox/cache:rw",
                sandbox.resolve("logs") + ":/logs:rw",
                "shared:/named:rw",
                sandbox + ":/mnt/mesos/sandbox:rw");

        assertThatThrownBy(() -> spec(withVolume(Volume.newBuilder().setContainerPath("/x").setHostPath("/no/such/dir"))))
                .hasMessage("Volume host_path '/no/such/dir' does not exist on this agent");
        assertThatThrownBy(() -> spec(withVolume(Volume.newBuilder().setContainerPath("/x").setHostPath("../../etc"))))
                .hasMessageContaining("must stay inside the sandbox");
        assertThatThrownBy(() -> spec(withVolume(Volume.newBuilder().setContainerPath("x").setHostPath("y"))))
                .hasMessageContaining("are relative");
        assertThatThrownBy(() -> spec(withVolume(Volume.newBuilder().setContainerPath("/x").setHostPath("/tmp/../etc"))))
                .hasMessageContaining("'..' is not allowed");
        assertThatThrownBy(() -> spec(withVolume(Volume.newBuilder().setContainerPath("/x").setSource(Volume.Source.newBuilder()
                .setType(Volume.Source.Type.SANDBOX_PATH))))).hasMessageContaining("not supported");
    }

    private static TaskInfo.Builder withVolume(Volume.Builder v) {
        TaskInfo.Builder t = task(docker(DockerInfo.Network.HOST));
        t.getContainerBuilder().addVolumes(v.setMode(Volume.Mode.RW));
        return t;
    }

    @Test
    void parametersBecomeEngineApiFieldsAndWinOverTheAgentsOwnOptions() {
        DockerInfo.Builder d = docker(DockerInfo.Network.BRIDGE).setPrivileged(true);
        for (String[] p : new String[][] {
                {"label", "MESOS_TASK_ID=t"}, {"env", "EXTRA=1"}, {"e", "PORT0=9999"}, {"memory", "512m"}, {"cpu-shares", "7"},
                {"user", "nobody"}, {"workdir", "/srv"}, {"cap-add", "NET_ADMIN"}, {"cap-drop", "CAP_MKNOD"},
                {"ulimit", "nofile=1024:2048"}, {"log-driver", "json-file"}, {"log-opt", "max-size=10m"}, {"dns", "10.0.0.2"},
                {"add-host", "db:10.0.0.3"}, {"sysctl", "net.core.somaxconn=1024"}, {"tmpfs", "/run:size=64m"}, {"init", "true"},
                {"shm-size", "1g"}, {"device", "/dev/fuse"}, {"net", "custom"}, {"network", "ignored-second"}, {"entrypoint", "/start"},
                {"stop-signal", "SIGQUIT"}, {"--read-only", ""}}) {
            d.addParameters(Parameter.newBuilder().setKey(p[0]).setValue(p[1]));
        }
        DockerRunSpec s = spec(task(d));
        assertThat(s.labels()).containsEntry("MESOS_TASK_ID", "t");
        assertThat(s.env()).containsEntry("EXTRA", "1").containsEntry("PORT0", "9999");
        assertThat(s.user()).isEqualTo("nobody");
        assertThat(s.workingDir()).isEqualTo("/srv");
        assertThat(s.entrypoint()).containsExactly("/start");
        assertThat(s.stopSignal()).isEqualTo("SIGQUIT");
        assertThat(s.networkMode()).as("the first net/network parameter, as Mesos").isEqualTo("custom");
        HostConfig h = s.hostConfig();
        assertThat(h.getMemory()).isEqualTo(512L * 1024 * 1024);
        assertThat(h.getCpuShares()).isEqualTo(7);
        assertThat(h.getPrivileged()).isTrue();
        assertThat(h.getCapAdd()).containsExactly(Capability.NET_ADMIN);
        assertThat(h.getCapDrop()).containsExactly(Capability.MKNOD);
        assertThat(h.getUlimits()[0].getName()).isEqualTo("nofile");
        assertThat(h.getUlimits()[0].getSoftLong()).isEqualTo(1024L);
        assertThat(h.getUlimits()[0].getHardLong()).isEqualTo(2048L);
        assertThat(h.getLogConfig().getType()).isEqualTo(LogConfig.LoggingType.JSON_FILE);
        assertThat(h.getLogConfig().getConfig()).containsEntry("max-size", "10m");
        assertThat(h.getDns()).containsExactly("10.0.0.2");
        assertThat(h.getExtraHosts()).containsExactly("db:10.0.0.3");
        assertThat(h.getSysctls()).containsEntry("net.core.somaxconn", "1024");
        assertThat(h.getTmpFs()).containsEntry("/run", "size=64m");
        assertThat(h.getInit()).isTrue();
        assertThat(h.getReadonlyRootfs()).isTrue();
        assertThat(h.getShmSize()).isEqualTo(1L << 30);
        assertThat(h.getDevices()[0].getPathOnHost()).isEqualTo("/dev/fuse");
        assertThat(h.getDevices()[0].getPathInContainer()).isEqualTo("/dev/fuse");
        assertThat(h.getDevices()[0].getcGroupPermissions()).isEqualTo("rwm");
    }

    @Test
    void unknownOrAgentOwnedParametersFailTheLaunchByName() {
        assertThatThrownBy(() -> spec(task(docker(DockerInfo.Network.HOST).addParameters(Parameter.newBuilder().setKey("frobnicate").setValue("1")))))
                .hasMessage("Invalid docker parameter '--frobnicate=1': this docker option is not supported by the agent");
        assertThatThrownBy(() -> spec(task(docker(DockerInfo.Network.HOST).addParameters(Parameter.newBuilder().setKey("restart").setValue("always")))))
                .hasMessageContaining("the agent decides this itself");
        assertThatThrownBy(() -> spec(task(docker(DockerInfo.Network.HOST).addParameters(Parameter.newBuilder().setKey("memory").setValue("lots")))))
                .hasMessageContaining("not a size");
        assertThatThrownBy(() -> spec(task(docker(DockerInfo.Network.HOST).addParameters(Parameter.newBuilder().setKey("cap-add").setValue("FLY")))))
                .hasMessageContaining("unknown capability");
        assertThatThrownBy(() -> spec(task(docker(DockerInfo.Network.HOST).addParameters(Parameter.newBuilder().setKey("volume").setValue("/no/such:/x")))))
                .hasMessageContaining("does not exist");
    }

    @Test
    void sizesAsDockerWritesThem() {
        assertThat(DockerParameters.size("1024")).isEqualTo(1024);
        assertThat(DockerParameters.size("64k")).isEqualTo(64 * 1024);
        assertThat(DockerParameters.size("1.5g")).isEqualTo(1536L * 1024 * 1024);
        assertThat(DockerParameters.size("256MiB")).isEqualTo(256L * 1024 * 1024);
        assertThat(DockerParameters.size("2GB")).isEqualTo(2L << 30);
    }
}
