package io.strata.marathon.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.common.json.Json;
import io.strata.marathon.codec.AppCodec;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.VersionInfo;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.ContainerInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.junit.jupiter.api.Test;

class TaskBuilderTest {
    static final Instant T = Instant.parse("2024-01-01T00:00:00.123Z");

    static TaskInfo build(String json, List<Integer> ports) {
        AppDefinition app = AppCodec.readRequest(Json.read(json), PathId.ROOT, null, "*").withVersionInfo(VersionInfo.initial(T));
        Instance i = Instance.scheduled(app, T);
        return TaskBuilder.build(new OfferMatcher.Match(i, app, List.of(), ports), "agent-1", "node-1", "nobody");
    }

    static Map<String, String> env(TaskInfo t) {
        Map<String, String> m = new HashMap<>();
        for (Environment.Variable v : t.getCommand().getEnvironment().getVariablesList()) m.put(v.getName(), v.getValue());
        return m;
    }

    @Test
    void shellCommandWithMarathonsEnvironment() {
        TaskInfo t = build("{\"id\":\"/prod/web\",\"cmd\":\"python -m http.server $PORT0\",\"env\":{\"A\":\"1\"},"
                + "\"labels\":{\"HAPROXY_GROUP\":\"external\"},\"portDefinitions\":[{\"port\":0,\"name\":\"http\"},{\"port\":0}],"
                + "\"uris\":[\"http://x/a.tgz\"],\"taskKillGracePeriodSeconds\":3}", List.of(31000, 31001));
        assertThat(t.getName()).isEqualTo("web.prod");
        assertThat(t.getTaskId().getValue()).startsWith("prod_web.instance-").endsWith("._app.1");
        assertThat(t.getCommand().getShell()).isTrue();
        assertThat(t.getCommand().getValue()).isEqualTo("python -m http.server $PORT0");
        assertThat(t.getCommand().getUser()).isEqualTo("nobody");
        assertThat(t.getCommand().getUris(0).getExtract()).isTrue();
        Map<String, String> env = env(t);
        assertThat(env).containsEntry("A", "1").containsEntry("PORT0", "31000").containsEntry("PORT1", "31001")
                .containsEntry("PORT", "31000").containsEntry("PORTS", "31000,31001").containsEntry("PORT_HTTP", "31000")
                .containsEntry("HOST", "node-1").containsEntry("MARATHON_APP_ID", "/prod/web")
                .containsEntry("MARATHON_APP_VERSION", "2024-01-01T00:00:00.123Z").containsEntry("MESOS_TASK_ID", t.getTaskId().getValue())
                .containsEntry("MARATHON_APP_LABEL_HAPROXY_GROUP", "external").containsEntry("MARATHON_APP_LABELS", "HAPROXY_GROUP")
                .containsEntry("MARATHON_APP_RESOURCE_CPUS", "1.0");
        assertThat(t.getLabels().getLabels(0).getKey()).isEqualTo("HAPROXY_GROUP");
        assertThat(t.getDiscovery().getName()).isEqualTo("web.prod");
        assertThat(t.getDiscovery().getPorts().getPorts(0).getNumber()).isEqualTo(31000);
        assertThat(t.getDiscovery().getPorts().getPorts(0).getName()).isEqualTo("http");
        assertThat(t.getKillPolicy().getGracePeriod().getNanoseconds()).isEqualTo(3_000_000_000L);
        assertThat(t.hasContainer()).isFalse();
    }

    @Test
    void dockerBridgeWithPortMappingsAndArgs() {
        TaskInfo t = build("{\"id\":\"/ssk2/whereisbot\",\"args\":[\"--port\",\"8080\"],\"container\":{\"type\":\"DOCKER\",\"docker\":{\"image\":\"ssk2/whereisbot:7\","
                + "\"network\":\"BRIDGE\",\"privileged\":true,\"portMappings\":[{\"containerPort\":8080,\"hostPort\":0}]},"
                + "\"volumes\":[{\"containerPath\":\"/data\",\"hostPath\":\"/srv\",\"mode\":\"RO\"}]}}", List.of(31007));
        ContainerInfo c = t.getContainer();
        assertThat(c.getType()).isEqualTo(ContainerInfo.Type.DOCKER);
        assertThat(c.getDocker().getImage()).isEqualTo("ssk2/whereisbot:7");
        assertThat(c.getDocker().getNetwork()).isEqualTo(ContainerInfo.DockerInfo.Network.BRIDGE);
        assertThat(c.getDocker().getPrivileged()).isTrue();
        assertThat(c.getDocker().getPortMappings(0).getHostPort()).isEqualTo(31007);
        assertThat(c.getDocker().getPortMappings(0).getContainerPort()).isEqualTo(8080);
        assertThat(c.getVolumes(0).getMode().name()).isEqualTo("RO");
        assertThat(t.getCommand().getShell()).isFalse();
        assertThat(t.getCommand().getArgumentsList()).containsExactly("--port", "8080");
        assertThat(t.getCommand().hasValue()).isFalse();
        assertThat(env(t)).containsEntry("PORT0", "31007").containsEntry("PORT_8080", "31007").containsEntry("MARATHON_APP_DOCKER_IMAGE", "ssk2/whereisbot:7");
    }

    @Test
    void mesosHealthChecksGoToTheAgent() {
        TaskInfo http = build("{\"id\":\"/a\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"MESOS_HTTP\",\"path\":\"/health\",\"intervalSeconds\":5,"
                + "\"maxConsecutiveFailures\":2}]}", List.of(31000));
        assertThat(http.getHealthCheck().getType().name()).isEqualTo("HTTP");
        assertThat(http.getHealthCheck().getHttp().getPort()).isEqualTo(31000);
        assertThat(http.getHealthCheck().getHttp().getPath()).isEqualTo("/health");
        assertThat(http.getHealthCheck().getIntervalSeconds()).isEqualTo(5.0);
        assertThat(http.getHealthCheck().getConsecutiveFailures()).isEqualTo(2);
        TaskInfo cmd = build("{\"id\":\"/a\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"COMMAND\",\"command\":{\"value\":\"test -f /tmp/ok\"}}]}", List.of(31000));
        assertThat(cmd.getHealthCheck().getCommand().getValue()).isEqualTo("test -f /tmp/ok");
        TaskInfo marathonSide = build("{\"id\":\"/a\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"HTTP\"}]}", List.of(31000));
        assertThat(marathonSide.hasHealthCheck()).isFalse();
    }

    @Test
    void mesosContainerWithDockerImage() {
        TaskInfo t = build("{\"id\":\"/a\",\"cmd\":\"x\",\"container\":{\"type\":\"MESOS\",\"docker\":{\"image\":\"alpine\"}}}", List.of(31000));
        assertThat(t.getContainer().getType()).isEqualTo(ContainerInfo.Type.MESOS);
        assertThat(t.getContainer().getMesos().getImage().getDocker().getName()).isEqualTo("alpine");
    }
}
