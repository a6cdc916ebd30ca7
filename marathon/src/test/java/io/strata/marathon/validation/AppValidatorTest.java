package io.strata.marathon.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.common.json.Json;
import io.strata.marathon.codec.AppCodec;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.PathId;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AppValidatorTest {
    /** Reads and validates like POST /v2/apps; returns the "details" of a 422 or "ok". */
    static String check(String json) {
        try {
            AppDefinition app = AppCodec.readRequest(Json.read(json), PathId.ROOT, null, "*");
            Violations v = new Violations();
            AppValidator.validate(app, "", Set.of("*"), v);
            v.throwIfAny(Violations.NOT_VALID);
            return "ok";
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(422);
            return e.body().get("message").asText().equals(Violations.NOT_VALID) ? e.body().get("details").toString()
                    : "schema:" + e.body().get("details");
        }
    }

    static String detail(String path, String error) {
        return "[{\"path\":\"" + path + "\",\"errors\":[\"" + error.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]}]";
    }

    @Test
    void acceptsTheTalksExample() {
        assertThat(check("""
            {"id":"/ssk2/whereisbot","cmd":"uwsgi --http 0.0.0.0:8080","cpus":0.5,"mem":64,"instances":1,
             "container":{"type":"DOCKER","docker":{"image":"ssk2/whereisbot:7","network":"BRIDGE",
               "portMappings":[{"containerPort":8080,"hostPort":0}]}},
             "healthChecks":[{"protocol":"HTTP","portIndex":0,"path":"/","gracePeriodSeconds":5,"intervalSeconds":20,"maxConsecutiveFailures":3}],
             "env":{"VIRTUAL_HOST":"whereis.mesosphere.com","SOURCE_JSON":"https://path/to/dates.json"}}
            """)).isEqualTo("ok");
    }

    @Test
    void needsCmdArgsOrContainer() {
        assertThat(check("{\"id\":\"/a\"}")).isEqualTo(detail("/", AppValidator.CMD_ARGS_CONTAINER));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"args\":[\"y\"]}")).isEqualTo(detail("/", AppValidator.CMD_ARGS_CONTAINER));
        assertThat(check("{\"id\":\"/a\",\"args\":[\"sleep\",\"1\"]}")).isEqualTo("ok");
        assertThat(check("{\"id\":\"/a\",\"container\":{\"type\":\"DOCKER\",\"docker\":{\"image\":\"nginx\"}}}")).isEqualTo("ok");
    }

    @Test
    void checksIds() {
        assertThat(check("{\"id\":\"/a/tasks\",\"cmd\":\"x\"}"))
                .isEqualTo(detail("/id", "must not end with any of the following reserved keywords: restart, tasks, versions, ., .."));
        assertThat(check("{\"id\":\"/\",\"cmd\":\"x\"}")).isEqualTo(detail("/id", "Path must contain at least one path element"));
    }

    @Test
    void checksHealthCheckPortIndices() {
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"HTTP\",\"portIndex\":1}]}"))
                .isEqualTo(detail("/healthChecks(0)", AppValidator.HC_PORT_INDEX));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"portDefinitions\":[],\"healthChecks\":[{\"protocol\":\"TCP\"}]}"))
                .isEqualTo(detail("/healthChecks(0)", AppValidator.HC_PORT_INDEX));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"portDefinitions\":[],\"healthChecks\":[{\"protocol\":\"TCP\",\"port\":80}]}")).isEqualTo("ok");
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"MESOS_HTTP\"},{\"protocol\":\"MESOS_TCP\"}]}"))
                .isEqualTo(detail("/", AppValidator.ONE_MESOS_HC));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"HTTP\",\"ipProtocol\":\"IPv6\"}]}"))
                .isEqualTo(detail("/healthChecks(0)", AppValidator.IPV6));
    }

    @Test
    void checksConstraints() {
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"constraints\":[[\"hostname\",\"UNIQUE\",\"x\"]]}"))
                .isEqualTo(detail("/constraints(0)", "UNIQUE does not accept a value"));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"constraints\":[[\"hostname\",\"NEAR\"]]}"))
                .isEqualTo(detail("/constraints(0)", AppValidator.OPERATOR));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"constraints\":[[\"hostname\"]]}"))
                .isEqualTo(detail("/constraints(0)", "Each constraint must have either 2 or 3 fields"));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"constraints\":[[\"rack\",\"MAX_PER\"]]}"))
                .isEqualTo(detail("/constraints(0)", "MAX_PER requires an integer value"));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"constraints\":[[\"rack\",\"GROUP_BY\",\"x\"]]}"))
                .isEqualTo(detail("/constraints(0)", "GROUP BY must define an integer value or else no value at all"));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"constraints\":[[\"host\",\"LIKE\",\"[\"]]}"))
                .isEqualTo(detail("/constraints(0)", "is not a valid regular expression"));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"constraints\":[[\"host\",\"LIKE\"]]}"))
                .isEqualTo(detail("/constraints(0)", "LIKE and UNLIKE require a non-empty, regular expression value"));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"constraints\":[[\"hostname\",\"unique\"],[\"rack\",\"CLUSTER\",\"r1\"],"
                + "[\"zone\",\"IS\",\"a\"],[\"host\",\"UNLIKE\",\"x.*\"],[\"rack\",\"MAX_PER\",\"2\"],[\"rack\",\"GROUP_BY\"]]}")).isEqualTo("ok");
    }

    @Test
    void checksPortsAndNetworks() {
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"portDefinitions\":[{\"port\":80},{\"port\":80}]}"))
                .isEqualTo(detail("/portDefinitions", "Ports must be unique."));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"portDefinitions\":[{\"port\":0,\"name\":\"http\"},{\"port\":0,\"name\":\"http\"}]}"))
                .isEqualTo(detail("/portDefinitions", "Port names must be unique."));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"ports\":[1],\"portDefinitions\":[{\"port\":2}]}"))
                .isEqualTo(detail("/", "cannot specify both ports and port definitions"));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"networks\":[{\"mode\":\"container/bridge\"}],\"portDefinitions\":[{\"port\":2}]}"))
                .isEqualTo(detail("/", "portDefinitions are only allowed with host-networking"));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"networks\":[{\"mode\":\"container\"}]}"))
                .isEqualTo(detail("/networks", "Network name must be specified when container network is selected."));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"networks\":[{\"mode\":\"host\"},{\"mode\":\"container/bridge\"}]}"))
                .isEqualTo(detail("/networks", "May specify a single host network, single bridge network, or else 1-to-n container networks"));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"uris\":[\"http://a\"],\"fetch\":[{\"uri\":\"http://b\"}]}"))
                .isEqualTo(detail("/uris", "may not be set in conjunction with fetch"));
    }

    @Test
    void checksRolesReadinessAndLabels() {
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"acceptedResourceRoles\":[\"slave_public\"]}"))
                .isEqualTo(detail("/acceptedResourceRoles", "acceptedResourceRoles can only contain * and *").replace("* and *", "*"));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"acceptedResourceRoles\":[]}")).isEqualTo(detail("/acceptedResourceRoles", "must not be empty"));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"role\":\"other\"}")).isEqualTo(detail("/role", "is not one of (*)"));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"readinessChecks\":[{\"portName\":\"nope\"}]}"))
                .isEqualTo(detail("/readinessChecks(0)/portName", "No port definition reference for portName nope"));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"portDefinitions\":[{\"name\":\"http-api\"}],\"readinessChecks\":[{\"intervalSeconds\":5,\"timeoutSeconds\":5}]}"))
                .isEqualTo(detail("/readinessChecks(0)/timeoutSeconds", "got 5, expected less than 5"));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"instances\":2,\"labels\":{\"MARATHON_SINGLE_INSTANCE_APP\":\"true\"},"
                + "\"upgradeStrategy\":{\"minimumHealthCapacity\":0,\"maximumOverCapacity\":0}}"))
                .isEqualTo(detail("/", "Single instance app may only have one instance"));
        assertThat(check("{\"id\":\"/a\",\"cmd\":\"x\",\"unreachableStrategy\":{\"inactiveAfterSeconds\":10,\"expungeAfterSeconds\":5}}"))
                .isEqualTo(detail("/unreachableStrategy/inactiveAfterSeconds", "inactiveAfterSeconds (10) must be less or equal to expungeAfterSeconds, which is 5"));
    }

    @Test
    void acceptsPublicRoleWhenMarathonRunsWithIt() throws Exception {
        AppDefinition app = AppCodec.readRequest(Json.read("{\"id\":\"/lb\",\"cmd\":\"x\",\"acceptedResourceRoles\":[\"slave_public\"]}"),
                PathId.ROOT, null, "slave_public");
        Violations v = new Violations();
        AppValidator.validate(app, "", Set.of("slave_public"), v);
        assertThat(v.isEmpty()).isTrue();
    }
}
