package io.strata.cosmos.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.cosmos.Fixtures;
import io.strata.cosmos.api.CosmosError;
import io.strata.cosmos.universe.RepositoryFormat;
import io.strata.cosmos.universe.UniversePackage;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppRendererTest {
    static final String SOURCE = "https://repo.example.org/repo";

    static ObjectNode obj(String json) {
        return (ObjectNode) Json.read(json);
    }

    @Test
    void defaultsAreFoundThroughNestedProperties() {
        ObjectNode d = Options.defaults(Fixtures.hello("1.0.0").config().orElseThrow());
        assertThat(d).isEqualTo(obj("""
                {"service": {"name": "hello", "cpus": 0.1, "mem": 32, "greeting": "hello \\"world\\""}, "extra": {"enabled": false}}"""));
        assertThat(Options.defaults(obj("{\"type\": \"object\"}"))).isEmpty();
    }

    @Test
    void userOptionsMergeOverDefaultsObjectByObject() {
        ObjectNode merged = Options.merge(obj("{\"a\": {\"b\": 1, \"c\": 2}, \"d\": [1, 2]}"), obj("{\"a\": {\"c\": 3}, \"d\": [9]}"));
        assertThat(merged).isEqualTo(obj("{\"a\": {\"b\": 1, \"c\": 3}, \"d\": [9]}"));
    }

    @Test
    void rendersTheTemplateWithDefaultsResourceAndLabels() {
        UniversePackage hello = Fixtures.hello("1.0.0");
        ObjectNode app = AppRenderer.render(hello, SOURCE, null, null).orElseThrow();
        assertThat(app.path("id").asText()).isEqualTo("hello");
        assertThat(app.path("cpus").asDouble()).isEqualTo(0.1);
        assertThat(app.path("mem").asInt()).isEqualTo(32);
        // a string with quotes stays valid JSON: the value is JSON-escaped
        assertThat(app.path("cmd").asText()).isEqualTo("echo \"hello \"world\"\"; exec sleep 1000");
        assertThat(app.path("env").path("ASSET").asText()).isEqualTo("http://127.0.0.1:1/assets/hello.tgz");
        assertThat(app.path("env").has("EXTRA")).isFalse();

        JsonNode labels = app.path("labels");
        assertThat(labels.path("DCOS_SERVICE_NAME").asText()).as("the template's labels are kept").isEqualTo("hello");
        assertThat(labels.path("DCOS_PACKAGE_NAME").asText()).as("Cosmos' labels win").isEqualTo("hello");
        assertThat(labels.path("DCOS_PACKAGE_VERSION").asText()).isEqualTo("1.0.0");
        assertThat(labels.path("DCOS_PACKAGE_SOURCE").asText()).isEqualTo(SOURCE);
        assertThat(labels.path("DCOS_PACKAGE_RELEASE").asText()).isEqualTo("1");
        assertThat(labels.path("DCOS_PACKAGE_REGISTRY_VERSION").asText()).isEqualTo("4.0");
        assertThat(labels.path("DCOS_PACKAGE_IS_FRAMEWORK").asText()).isEqualTo("false");
        assertThat(new String(Base64.getDecoder().decode(labels.path("DCOS_PACKAGE_OPTIONS").asText()), StandardCharsets.UTF_8))
                .isEqualTo("{}");
        JsonNode metadata = Json.read(Base64.getDecoder().decode(labels.path("DCOS_PACKAGE_METADATA").asText()));
        assertThat(metadata.path("name").asText()).isEqualTo("hello");
        assertThat(metadata.has("marathon")).isFalse();
        assertThat(metadata.path("images").path("icon-small").asText()).endsWith("icon-small.png");

        Map<String, String> asMap = Json.MAPPER.convertValue(labels, new com.fasterxml.jackson.core.type.TypeReference<>() {});
        assertThat(PackageLabels.readDefinition(asMap)).contains(hello.definition());
    }

    @Test
    void userOptionsAndAppIdChangeTheApp() {
        ObjectNode options = obj("{\"service\": {\"name\": \"greeter\", \"mem\": 64}, \"extra\": {\"enabled\": true}}");
        ObjectNode app = AppRenderer.render(Fixtures.hello("1.0.0"), SOURCE, options, "team/greeter").orElseThrow();
        assertThat(app.path("id").asText()).isEqualTo("/team/greeter");
        assertThat(app.path("mem").asInt()).isEqualTo(64);
        assertThat(app.path("cpus").asDouble()).isEqualTo(0.1);
        assertThat(app.path("env").path("EXTRA").asText()).isEqualTo("on");
        assertThat(app.path("labels").path("DCOS_SERVICE_NAME").asText()).isEqualTo("greeter");
        JsonNode stored = Json.read(Base64.getDecoder().decode(app.path("labels").path("DCOS_PACKAGE_OPTIONS").asText()));
        assertThat(stored).as("the user's options, not the merged ones, are stored").isEqualTo(options);
    }

    @Test
    void badOptionsAreRefusedWithThePathOfEachViolation() {
        ObjectNode options = obj("{\"service\": {\"mem\": \"lots\", \"cpus\": 0.001, \"colour\": \"red\"}}");
        assertThatThrownBy(() -> AppRenderer.render(Fixtures.hello("1.0.0"), SOURCE, options, null))
                .isInstanceOfSatisfying(CosmosError.class, e -> {
                    assertThat(e.type()).isEqualTo("JsonSchemaMismatch");
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("Options JSON failed validation");
                    JsonNode errors = e.data().path("errors");
                    assertThat(errors).hasSize(3);
                    assertThat(errors.findValuesAsText("pointer")).contains("/service/mem", "/service/cpus", "/service");
                    assertThat(errors.findValuesAsText("keyword")).containsExactlyInAnyOrder("type", "minimum", "additionalProperties");
                    JsonNode mem = errors.get(2);
                    assertThat(mem.path("instance").path("pointer").asText()).isEqualTo("/service/mem");
                    assertThat(mem.path("schema").path("pointer").asText()).isEqualTo("/properties/service/properties/mem");
                    assertThat(mem.path("level").asText()).isEqualTo("error");
                    assertThat(mem.path("message").asText()).contains("integer");
                });
    }

    @Test
    void aMissingRequiredOptionIsNamed() {
        ObjectNode schema = obj("""
                {"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {"type": "string"}}, "required": ["b"]}}}""");
        var errors = OptionsValidator.validate(schema, obj("{\"a\": {}}"));
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).path("keyword").asText()).isEqualTo("required");
        assertThat(errors.get(0).path("instance").path("pointer").asText()).isEqualTo("/a");
        assertThat(errors.get(0).path("missing").get(0).asText()).isEqualTo("b");
    }

    @Test
    void schemasThatPointElsewhereAreNotFetched() {
        ObjectNode schema = obj("{\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"http://127.0.0.1:1/x.json\"}}}");
        assertThatThrownBy(() -> OptionsValidator.validate(schema, obj("{\"a\": 1}"))).hasMessageContaining("refers outside itself");
    }

    @Test
    void optionsForAPackageWithoutConfigAreRefused() {
        ObjectNode def = Fixtures.hello("1.0.0").definition();
        def.remove("config");
        assertThatThrownBy(() -> AppRenderer.render(UniversePackage.of(def), SOURCE, obj("{\"x\": 1}"), null))
                .isInstanceOfSatisfying(CosmosError.class, e -> assertThat(e.type()).isEqualTo("OptionsNotAllowed"));
    }

    @Test
    void templatesThatDoNotRenderToAnObjectAreErrorsNotCrashes() {
        assertThatThrownBy(() -> TemplateRenderer.render("{\"id\": {{x}}", obj("{\"x\": 1}")))
                .isInstanceOfSatisfying(CosmosError.class, e -> {
                    assertThat(e.type()).isEqualTo("JsonParsingError");
                    assertThat(e.data().path("parsingInput").asText()).isEqualTo("{\"id\": 1");
                });
        assertThatThrownBy(() -> TemplateRenderer.render("[1]", obj("{}")))
                .isInstanceOfSatisfying(CosmosError.class, e -> assertThat(e.type()).isEqualTo("MarathonTemplateMustBeJsonObject"));
        assertThatThrownBy(() -> TemplateRenderer.render("{{#a}}", obj("{}")))
                .isInstanceOfSatisfying(CosmosError.class, e -> assertThat(e.type()).isEqualTo("MustacheTemplateError"));
        assertThatThrownBy(() -> TemplateRenderer.render("{\"x\": \"{{> /etc/passwd}}\"}", obj("{}")))
                .isInstanceOfSatisfying(CosmosError.class, e -> {
                    assertThat(e.type()).isEqualTo("MustacheTemplateError");
                    assertThat(e.getMessage()).contains("partials are not supported");
                });
        ObjectNode labelsNotStrings = obj("{\"labels\": {\"A\": 1}}");
        assertThatThrownBy(() -> AppRenderer.templateLabels(labelsNotStrings))
                .isInstanceOfSatisfying(CosmosError.class, e -> assertThat(e.type()).isEqualTo("JsonDecodingError"));
    }

    @Test
    void valuesRenderAsCosmosRendersThem() {
        ObjectNode ctx = obj("""
                {"s": "a\\"b\\nc", "n": 3.0, "f": 0.25, "big": 12345678901234, "list": ["x", "y"], "flag": true, "o": {"k": [1, 2]}}""");
        assertThat(TemplateRenderer.renderText("{{s}}|{{n}}|{{f}}|{{big}}|{{#list}}{{.}},{{/list}}|{{#flag}}yes{{/flag}}", ctx))
                .isEqualTo("a\\\"b\\nc|3|0.25|12345678901234|\"x\",\"y\",|yes");
        assertThat(TemplateRenderer.renderText("{{#asJson}}o{{/asJson}}", ctx)).isEqualTo("{\"k\":[1,2]}");
        assertThat(TemplateRenderer.renderText("<{{missing}}>", ctx)).isEqualTo("<>");
    }

    @Test
    void aPackageFromTheSourceLayoutRendersTheSameAsFromItsRepositoryJson() throws Exception {
        List<UniversePackage> fromDir = Fixtures.packages();
        List<UniversePackage> fromJson = RepositoryFormat.parse(RepositoryFormat.toJsonBytes(fromDir));
        ObjectNode options = obj("{\"service\": {\"name\": \"x\"}}");
        for (int i = 0; i < fromDir.size(); i++) {
            ObjectNode o = fromDir.get(i).config().isPresent() ? options.deepCopy() : null;
            assertThat(AppRenderer.render(fromJson.get(i), SOURCE, o, "/a"))
                    .isEqualTo(AppRenderer.render(fromDir.get(i), SOURCE, o, "/a"));
        }
        assertThat(AppRenderer.render(fromDir.get(1), SOURCE, null, null)).isPresent();
    }
}
