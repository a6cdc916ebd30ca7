package io.strata.marathon.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.json.Json;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.KillSelection;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.VersionInfo;
import io.strata.marathon.validation.ApiException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AppCodecTest {
    static AppDefinition read(String json) {
        return AppCodec.readRequest(Json.read(json), PathId.ROOT, null, "*");
    }

    @Test
    void appliesMarathonDefaults() {
        AppDefinition app = read("{\"id\":\"sleepy\",\"cmd\":\"sleep 100\"}");
        assertThat(app.id()).isEqualTo(PathId.of("/sleepy"));
        assertThat(app.cpus()).isEqualTo(1.0);
        assertThat(app.mem()).isEqualTo(128.0);
        assertThat(app.disk()).isEqualTo(0.0);
        assertThat(app.instances()).isEqualTo(1);
        assertThat(app.backoffSeconds()).isEqualTo(1);
        assertThat(app.backoffFactor()).isEqualTo(1.15);
        assertThat(app.maxLaunchDelaySeconds()).isEqualTo(300);
        assertThat(app.upgradeStrategy().minimumHealthCapacity()).isEqualTo(1.0);
        assertThat(app.upgradeStrategy().maximumOverCapacity()).isEqualTo(1.0);
        assertThat(app.portDefinitions()).hasSize(1);
        assertThat(app.portDefinitions().get(0).port()).isZero();
        assertThat(app.portDefinitions().get(0).name()).isEqualTo("default");
        assertThat(app.killSelection()).isEqualTo(KillSelection.YOUNGEST_FIRST);
        assertThat(app.unreachableStrategy().enabled()).isTrue();
        assertThat(app.role()).isEqualTo("*");
        assertThat(app.requirePorts()).isFalse();
        assertThat(app.usesHostNetworking()).isTrue();
    }

    @Test
    void writesMarathonsShape() {
        Instant t = Instant.parse("2024-01-02T03:04:05.678Z");
        AppDefinition app = read("{\"id\":\"/foo\",\"cmd\":\"sleep 1\",\"cpus\":0.5,\"mem\":64}").withVersionInfo(VersionInfo.initial(t));
        JsonNode out = AppWriter.write(app);
        assertThat(out.get("id").asText()).isEqualTo("/foo");
        assertThat(out.get("cpus").asDouble()).isEqualTo(0.5);
        assertThat(out.get("mem").toString()).isEqualTo("64");
        assertThat(out.get("disk").toString()).isEqualTo("0");
        assertThat(out.get("executor").asText()).isEmpty();
        assertThat(out.get("labels").size()).isZero();
        assertThat(out.get("networks").toString()).isEqualTo("[{\"mode\":\"host\"}]");
        assertThat(out.get("portDefinitions").toString()).isEqualTo("[{\"port\":0,\"name\":\"default\",\"protocol\":\"tcp\"}]");
        assertThat(out.get("upgradeStrategy").toString()).isEqualTo("{\"maximumOverCapacity\":1,\"minimumHealthCapacity\":1}");
        assertThat(out.get("version").asText()).isEqualTo("2024-01-02T03:04:05.678Z");
        assertThat(out.get("versionInfo").get("lastConfigChangeAt").asText()).isEqualTo("2024-01-02T03:04:05.678Z");
        assertThat(out.get("unreachableStrategy").toString()).isEqualTo("{\"inactiveAfterSeconds\":0,\"expungeAfterSeconds\":0}");
        assertThat(out.get("killSelection").asText()).isEqualTo("YOUNGEST_FIRST");
        assertThat(out.get("role").asText()).isEqualTo("*");
        assertThat(out.has("args")).isFalse();
        assertThat(out.has("env")).isFalse();
        assertThat(out.has("ports")).isFalse();
        assertThat(out.has("uris")).isFalse();
        assertThat(out.has("container")).isFalse();
        assertThat(out.has("user")).isFalse();
        assertThat(out.has("healthChecks")).isFalse();
    }

    @Test
    void roundTripsAFullDefinitionThroughStorage() {
        String json = """
            {"id":"/ssk2/whereisbot","cmd":"uwsgi --http 0.0.0.0:8080","cpus":0.5,"mem":64,"instances":2,
             "acceptedResourceRoles":["slave_public"],"role":"slave_public",
             "container":{"type":"DOCKER","docker":{"image":"ssk2/whereisbot:1","network":"BRIDGE",
               "portMappings":[{"containerPort":8080,"hostPort":0}],"parameters":[{"key":"label","value":"x"}]}},
             "healthChecks":[{"protocol":"HTTP","portIndex":0,"path":"/","gracePeriodSeconds":5,"intervalSeconds":20,"maxConsecutiveFailures":3}],
             "readinessChecks":[{"name":"ready","portName":"http","path":"/ready","intervalSeconds":5,"timeoutSeconds":2}],
             "env":{"VIRTUAL_HOST":"whereis.mesosphere.com"},"labels":{"HAPROXY_GROUP":"external"},
             "constraints":[["hostname","UNIQUE"],["rack","GROUP_BY","3"]],"uris":["http://x/a.tgz"],
             "dependencies":["../db"],"upgradeStrategy":{"minimumHealthCapacity":0.5,"maximumOverCapacity":0.2},
             "killSelection":"OLDEST_FIRST","unreachableStrategy":"disabled","taskKillGracePeriodSeconds":7,"user":"nobody",
             "backoffSeconds":2,"backoffFactor":2,"maxLaunchDelaySeconds":60}
            """;
        AppDefinition app = read(json).withVersionInfo(VersionInfo.initial(Instant.parse("2024-01-01T00:00:00Z")));
        assertThat(app.networks()).singleElement().satisfies(n -> assertThat(n.mode()).isEqualTo("container/bridge"));
        assertThat(app.portDefinitions()).isEmpty();
        assertThat(app.container().portMappings()).singleElement().satisfies(m -> {
            assertThat(m.containerPort()).isEqualTo(8080);
            assertThat(m.hostPort()).isZero();
        });
        assertThat(app.fetch()).singleElement().satisfies(f -> assertThat(f.extract()).isTrue());
        assertThat(app.dependencies()).containsExactly(PathId.of("/db"));
        JsonNode written = AppWriter.write(app);
        assertThat(written.get("container").get("docker").has("network")).isFalse();
        assertThat(written.get("container").get("portMappings").get(0).get("servicePort").asInt()).isZero();
        assertThat(written.has("portDefinitions")).isFalse();
        AppDefinition back = AppCodec.readStored(Json.read(Json.write(written)));
        assertThat(back).isEqualTo(app);
        assertThat(AppWriter.write(back)).isEqualTo(written);
    }

    @Test
    void translatesDeprecatedPorts() {
        AppDefinition app = read("{\"id\":\"/a\",\"cmd\":\"x\",\"ports\":[0,0]}");
        assertThat(app.portDefinitions()).hasSize(2);
        assertThat(app.portDefinitions().get(0).name()).isNull();
        AppDefinition none = read("{\"id\":\"/a\",\"cmd\":\"x\",\"portDefinitions\":[]}");
        assertThat(none.portDefinitions()).isEmpty();
    }

    @Test
    void healthChecksGetPortIndexZeroWhenTheAppHasPorts() {
        AppDefinition app = read("{\"id\":\"/a\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"http\"},{\"protocol\":\"COMMAND\",\"command\":{\"value\":\"true\"}}]}");
        assertThat(app.healthChecks().get(0).protocol()).isEqualTo("HTTP");
        assertThat(app.healthChecks().get(0).portIndex()).isZero();
        assertThat(app.healthChecks().get(0).gracePeriodSeconds()).isEqualTo(300);
        assertThat(app.healthChecks().get(0).intervalSeconds()).isEqualTo(60);
        assertThat(app.healthChecks().get(0).timeoutSeconds()).isEqualTo(20);
        assertThat(app.healthChecks().get(0).maxConsecutiveFailures()).isEqualTo(3);
        assertThat(app.healthChecks().get(1).portIndex()).isNull();
        assertThat(app.healthChecks().get(1).command()).isEqualTo("true");
    }

    @Test
    void ignoresUnknownFieldsAsMarathonDoes() {
        AppDefinition app = read("{\"id\":\"/a\",\"cmd\":\"x\",\"tasksRunning\":3,\"whatever\":{\"x\":1},\"deployments\":[]}");
        assertThat(app.id()).isEqualTo(PathId.of("/a"));
    }

    @Test
    void schemaErrorsUsePlayKeysAndMarathonPaths() {
        assertThatThrownBy(() -> read("{\"id\":123,\"cmd\":\"x\"}")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.body().toString()).isEqualTo(
                    "{\"message\":\"Invalid JSON\",\"details\":[{\"path\":\"/id\",\"errors\":[\"error.expected.jsstring\"]}]}");
        });
        assertThat(schemaErrors("{\"cmd\":\"x\"}")).isEqualTo("[{\"path\":\"/id\",\"errors\":[\"error.path.missing\"]}]");
        assertThat(schemaErrors("{\"id\":\"/a\",\"cmd\":\"x\",\"cpus\":\"lots\"}")).isEqualTo("[{\"path\":\"/cpus\",\"errors\":[\"error.expected.jsnumber\"]}]");
        assertThat(schemaErrors("{\"id\":\"/a\",\"cmd\":\"x\",\"cpus\":-1}")).isEqualTo("[{\"path\":\"/cpus\",\"errors\":[\"error.min\"]}]");
        assertThat(schemaErrors("{\"id\":\"/a\",\"cmd\":\"x\",\"instances\":1.5}")).isEqualTo("[{\"path\":\"/instances\",\"errors\":[\"error.expected.int\"]}]");
        assertThat(schemaErrors("{\"id\":\"/a\",\"cmd\":\"x\",\"instances\":-1}")).isEqualTo("[{\"path\":\"/instances\",\"errors\":[\"error.min\"]}]");
        assertThat(schemaErrors("{\"id\":\"/A_b\",\"cmd\":\"x\"}")).isEqualTo("[{\"path\":\"/id\",\"errors\":[\"error.pattern\"]}]");
        assertThat(schemaErrors("{\"id\":\"/a\",\"cmd\":\"\"}")).isEqualTo("[{\"path\":\"/cmd\",\"errors\":[\"error.minLength\"]}]");
        assertThat(schemaErrors("{\"id\":\"/a\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"HTTP\",\"portIndex\":\"zero\"}]}"))
                .isEqualTo("[{\"path\":\"/healthChecks(0)/portIndex\",\"errors\":[\"error.expected.jsnumber\"]}]");
        assertThat(schemaErrors("{\"id\":\"/a\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"SMTP\"}]}"))
                .isEqualTo("[{\"path\":\"/healthChecks(0)/protocol\",\"errors\":[\"error.unknown.enum.literal\"]}]");
        assertThat(schemaErrors("{\"id\":\"/a\",\"cmd\":\"x\",\"upgradeStrategy\":{\"minimumHealthCapacity\":1.5}}"))
                .isEqualTo("[{\"path\":\"/upgradeStrategy/minimumHealthCapacity\",\"errors\":[\"error.max\"]}]");
        assertThat(schemaErrors("{\"id\":\"/a\",\"cmd\":\"x\",\"labels\":{\"a\":1}}")).isEqualTo("[{\"path\":\"/labels/a\",\"errors\":[\"error.expected.jsstring\"]}]");
        assertThat(schemaErrors("{\"id\":\"/a\",\"cmd\":\"x\",\"backoffFactor\":0.5}")).isEqualTo("[{\"path\":\"/backoffFactor\",\"errors\":[\"error.min\"]}]");
        assertThat(schemaErrors("{\"id\":\"/a\",\"cmd\":\"x\",\"portDefinitions\":[{\"port\":70000}]}"))
                .isEqualTo("[{\"path\":\"/portDefinitions(0)/port\",\"errors\":[\"error.max\"]}]");
        assertThat(schemaErrors("{\"id\":\"/a\",\"cmd\":\"x\",\"container\":{\"type\":\"DOCKER\",\"docker\":{}}}"))
                .isEqualTo("[{\"path\":\"/container/docker/image\",\"errors\":[\"error.path.missing\"]}]");
        assertThat(schemaErrors("[1,2]")).isEqualTo("[{\"path\":\"/\",\"errors\":[\"error.expected.jsobject\"]}]");
    }

    static String schemaErrors(String json) {
        try {
            read(json);
        } catch (ApiException e) {
            assertThat(e.body().get("message").asText()).isEqualTo("Invalid JSON");
            return e.body().get("details").toString();
        }
        throw new AssertionError("no error for " + json);
    }
}
