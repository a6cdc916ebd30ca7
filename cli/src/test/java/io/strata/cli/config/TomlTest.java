package io.strata.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TomlTest {

    @Test
    void readsTheSubsetDcosTomlUses() throws Exception {
        Map<String, Object> v = Toml.parse("""
                # written by hand
                top = "level"

                [core]
                dcos_url = "http://10.0.0.1"   # the cluster
                timeout = 5
                reporting = false
                ssl_verify = 'C:\\certs\\ca.pem'
                ratio = 1.5
                "quoted key" = "a \\"b\\" \\u00e9\\n"

                [package]
                sources = [
                  "https://universe.example/repo",  # first
                  "file:///tmp/repo",
                ]
                empty = []

                [cluster.prod]
                name = "prod"
                """);
        assertThat(v).containsEntry("top", "level")
                .containsEntry("core.dcos_url", "http://10.0.0.1")
                .containsEntry("core.timeout", 5L)
                .containsEntry("core.reporting", false)
                .containsEntry("core.ssl_verify", "C:\\certs\\ca.pem")
                .containsEntry("core.ratio", 1.5)
                .containsEntry("core.quoted key", "a \"b\" é\n")
                .containsEntry("package.sources", List.of("https://universe.example/repo", "file:///tmp/repo"))
                .containsEntry("package.empty", List.of())
                .containsEntry("cluster.prod.name", "prod");
    }

    @Test
    void writesWhatItReads() throws Exception {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("core.dcos_url", "http://127.0.0.1:8000");
        v.put("core.timeout", 30L);
        v.put("core.reporting", true);
        v.put("package.sources", List.of("a", "b \"c\""));
        v.put("cluster.prod.name", "x");
        v.put("weird.key with space", "\t");
        String text = Toml.write(v);
        assertThat(text).startsWith("[cluster.prod]\nname = \"x\"\n\n[core]\n");
        assertThat(text).contains("dcos_url = \"http://127.0.0.1:8000\"").contains("sources = [\"a\", \"b \\\"c\\\"\"]");
        assertThat(Toml.parse(text)).isEqualTo(v);
    }

    @Test
    void saysWhichLineIsWrong() {
        assertThatThrownBy(() -> Toml.parse("[core]\ndcos_url = http://x\n")).hasMessageContaining("line 2");
        assertThatThrownBy(() -> Toml.parse("a = \"unterminated\n")).hasMessageContaining("line 1").hasMessageContaining("unterminated");
        assertThatThrownBy(() -> Toml.parse("a = 1\na = 2\n")).hasMessageContaining("defined twice");
        assertThatThrownBy(() -> Toml.parse("a = { b = 1 }\n")).hasMessageContaining("inline tables");
        assertThatThrownBy(() -> Toml.parse("a = [1, 2\n")).hasMessageContaining("array");
        assertThatThrownBy(() -> Toml.parse("a = 1 b\n")).hasMessageContaining("after a value");
    }
}
