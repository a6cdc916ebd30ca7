package io.strata.it.packages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.cosmos.render.AppRenderer;
import io.strata.cosmos.universe.SourceLayout;
import io.strata.cosmos.universe.UniversePackage;
import io.strata.it.support.ItEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built-in packages as files, without a cluster: they read as a Universe source layout, every option is
 * described and used by its template, and the templates render (with Cosmos' own renderer) into the apps the
 * packages promise for their defaults and for the options that change their shape.
 */
class BuiltInPackagesTest {
    private static Map<String, UniversePackage> packages;

    @BeforeAll
    static void read() throws java.io.IOException {
        Path root = ItEnv.nodeJar().getParent().getParent().getParent();
        Path universe = root.resolve("cosmos/src/main/resources/universe/packages");
        packages = new TreeMap<>();
        for (UniversePackage p : SourceLayout.read(universe)) packages.put(p.name(), p);
    }

    @Test
    void theRepositoryHoldsTheThreePackagesInPackagingVersion4() {
        assertThat(packages).containsOnlyKeys("etcd", "marathon", "marathon-lb");
        packages.values().forEach(p -> {
            assertThat(p.packagingVersion()).as(p.name()).isEqualTo("4.0");
            assertThat(p.version()).as(p.name()).matches("^[-a-zA-Z0-9.]+$");
            assertThat(p.description()).as(p.name()).isNotBlank();
            assertThat(p.postInstallNotes()).as(p.name()).isPresent();
        });
        assertThat(packages.get("marathon").framework()).isTrue();
        assertThat(packages.get("marathon-lb").framework()).isFalse();
        assertThat(packages.get("etcd").framework()).isFalse();
    }

    @Test
    void everyOptionIsDescribedAndUsedByTheTemplate() {
        packages.values().forEach(p -> {
            String template = p.marathonTemplate().orElseThrow();
            List<String> leaves = new ArrayList<>();
            leaves(p.config().orElseThrow(), "", leaves, p.name());
            assertThat(leaves).as(p.name() + " options").isNotEmpty();
            for (String leaf : leaves) {
                assertThat(template).as(p.name() + " template uses " + leaf).contains(leaf + "}}");
            }
        });
    }

    @Test
    void defaultsRenderIntoHealthCheckedServicesNamedForTheGateway() {
        Map<String, String> ids = Map.of("etcd", "/etcd", "marathon", "/marathon-user", "marathon-lb", "/marathon-lb");
        packages.values().forEach(p -> {
            ObjectNode app = render(p, "{}");
            assertThat(app.path("id").asText()).as(p.name()).isEqualTo(ids.get(p.name()));
            assertThat(app.path("labels").path("DCOS_SERVICE_NAME").asText()).as(p.name()).isEqualTo(ids.get(p.name()).substring(1));
            assertThat(app.path("labels").path("DCOS_SERVICE_PORT_INDEX").asText()).isEqualTo("0");
            assertThat(app.path("labels").path("DCOS_SERVICE_SCHEME").asText()).isEqualTo("http");
            assertThat(app.path("healthChecks")).as(p.name()).hasSize(1);
            assertThat(app.at("/healthChecks/0/portIndex").asInt()).isZero();
            assertThat(app.path("cmd").asText()).as(p.name()).isNotBlank();
        });
    }

    @Test
    void marathonIsNamedByItsFrameworkNameAndRunsTheLauncher() {
        ObjectNode app = render(packages.get("marathon"), "{\"marathon\": {\"framework-name\": \"my-marathon\"}}");
        assertThat(app.path("id").asText()).isEqualTo("/my-marathon");
        assertThat(app.path("labels").path("DCOS_PACKAGE_FRAMEWORK_NAME").asText()).isEqualTo("my-marathon");
        assertThat(app.path("labels").path("DCOS_SERVICE_NAME").asText()).isEqualTo("my-marathon");
        assertThat(app.path("env").path("FRAMEWORK_NAME").asText()).isEqualTo("my-marathon");
        String cmd = app.path("cmd").asText();
        assertThat(cmd).contains("-jar \"${STRATA_NODE_JAR:?", " marathon --master \"$master\" --zk \"$zk\"",
                "--framework-name \"$FRAMEWORK_NAME\"", "--http-port \"$PORT0\"", "/universe/$FRAMEWORK_NAME", "-Xmx256m");
        assertThat(app.at("/healthChecks/0/path").asText()).isEqualTo("/ping");
        assertThat(app.has("requirePorts")).isFalse();

        ObjectNode fixed = render(packages.get("marathon"), "{\"marathon\": {\"http-port\": 31400, \"task-launch-timeout\": 60000}}");
        assertThat(fixed.path("requirePorts").asBoolean()).isTrue();
        assertThat(fixed.at("/portDefinitions/0/port").asInt()).isEqualTo(31400);
        assertThat(fixed.path("cmd").asText()).contains("--task-launch-timeout 60000");
    }

    @Test
    void marathonLbTakesFixedPortsOfThePublicAgent() {
        ObjectNode app = render(packages.get("marathon-lb"), "{}");
        assertThat(app.path("acceptedResourceRoles").get(0).asText()).isEqualTo("slave_public");
        assertThat(app.path("requirePorts").asBoolean()).isTrue();
        List<Integer> ports = new ArrayList<>();
        app.path("portDefinitions").forEach(d -> ports.add(d.path("port").asInt()));
        assertThat(ports).containsExactly(32090, 32089, 32091, 32080).allMatch(p -> p >= 32000 && p <= 32999);
        assertThat(app.at("/healthChecks/0/path").asText()).isEqualTo("/_haproxy_health_check");
        assertThat(app.path("cmd").asText()).contains(" lb --sse ", "--stats-port 32090", "--http-frontend-port 32080",
                "--health-check", "--haproxy-map").doesNotContain("--dont-bind-http-https");

        ObjectNode https = render(packages.get("marathon-lb"), "{\"marathon-lb\": {\"ssl-certs\": \"/etc/ssl/lb.pem\"}}");
        assertThat(https.path("portDefinitions")).hasSize(5);
        assertThat(https.at("/portDefinitions/4/port").asInt()).isEqualTo(32443);
        assertThat(https.at("/env/LB_SSL_CERTS").asText()).isEqualTo("/etc/ssl/lb.pem");

        ObjectNode noVhosts = render(packages.get("marathon-lb"), "{\"marathon-lb\": {\"bind-http-https\": false, \"role\": \"\"}}");
        assertThat(noVhosts.path("portDefinitions")).hasSize(3);
        assertThat(noVhosts.path("cmd").asText()).contains("--dont-bind-http-https");
        assertThat(noVhosts.has("acceptedResourceRoles")).isFalse();
    }

    @Test
    void etcdKeepsItsDataInTheSandbox() {
        ObjectNode app = render(packages.get("etcd"), "{\"etcd\": {\"enable-v2\": true, \"auto-compaction-retention\": \"1h\"}}");
        assertThat(app.path("cmd").asText()).contains("--data-dir \"$MESOS_SANDBOX/data\"", "--listen-client-urls \"http://$addr:$PORT0\"",
                "--listen-peer-urls \"http://$addr:$PORT1\"", "--enable-v2", "--auto-compaction-retention 1h");
        assertThat(app.at("/env/ETCD_SERVER").asText()).isEqualTo("/usr/bin/etcd");
        assertThat(app.at("/healthChecks/0/path").asText()).isEqualTo("/health");
        assertThat(app.path("portDefinitions")).hasSize(2);
        assertThat(app.has("requirePorts")).isFalse();
    }

    @Test
    void optionsOutsideTheSchemaAreRefused() {
        assertThatThrownBy(() -> render(packages.get("etcd"), "{\"etcd\": {\"binary\": \"etcd; rm -rf /\"}}"))
                .hasMessageContaining("Options JSON failed validation");
        assertThatThrownBy(() -> render(packages.get("marathon"), "{\"marathon\": {\"master\": \"http://x:5050\"}}"))
                .hasMessageContaining("Options JSON failed validation");
        assertThatThrownBy(() -> render(packages.get("marathon-lb"), "{\"marathon-lb\": {\"haproxy-group\": \"a b\"}}"))
                .hasMessageContaining("Options JSON failed validation");
    }

    private static ObjectNode render(UniversePackage p, String options) {
        ObjectNode opts = (ObjectNode) Json.read(options.getBytes(StandardCharsets.UTF_8));
        return AppRenderer.render(p, "builtin:universe", opts, null).orElseThrow();
    }

    /** Dotted paths of the schema's leaf options; fails for an option without a description. */
    private static void leaves(JsonNode schema, String prefix, List<String> out, String pkg) {
        JsonNode props = schema.path("properties");
        Iterator<Map.Entry<String, JsonNode>> it = props.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            assertThat(e.getValue().path("description").asText()).as(pkg + " " + path + " has a description").isNotBlank();
            if (e.getValue().has("properties")) leaves(e.getValue(), path, out, pkg);
            else out.add(path);
        }
    }
}
