package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.cli.CliRunner.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DcosTest {
    @TempDir
    Path home;

    @Test
    void versionWithAndWithoutACluster() throws Exception {
        Result noCluster = new CliRunner(home).env("DCOS_URL", "http://127.0.0.1:1").run("--version");
        assertThat(noCluster.code()).isZero();
        assertThat(noCluster.out()).isEqualTo("dcoscli.version=0.1.0\ndcos.version=N/A\ndcos.commit=N/A\ndcos.bootstrap-id=N/A\n");
        try (FakeServer gateway = new FakeServer()) {
            gateway.on("GET", "/dcos-metadata/dcos-version.json", 200,
                    "{\"version\": \"1.13.0\", \"dcos-image-commit\": \"abc\", \"bootstrap-id\": \"def\"}");
            Result r = new CliRunner(home).env("DCOS_URL", gateway.url()).run("--version");
            assertThat(r.out()).isEqualTo("dcoscli.version=0.1.0\ndcos.version=1.13.0\ndcos.commit=abc\ndcos.bootstrap-id=def\n");
        }
    }

    @Test
    void helpEverywhere() {
        CliRunner dcos = new CliRunner(home);
        assertThat(dcos.run().out()).contains("Commands:").contains("marathon").contains("task");
        assertThat(dcos.run("--help").out()).contains("DCOS_URL");
        assertThat(dcos.run("help").out()).contains("config");
        assertThat(dcos.run("help", "marathon", "app").out()).contains("Usage: dcos marathon app");
        assertThat(dcos.run("marathon", "app", "add", "--help").out()).contains("Usage: dcos marathon app add").contains("<app-resource>");
        assertThat(dcos.run("task", "log", "--help").out()).contains("--follow").contains("--lines");
        assertThat(dcos.run("marathon").out()).contains("deployment").contains("group");
        assertThat(dcos.run("help", "nope").err()).contains("'nope' is not a command");
    }

    @Test
    void usageErrorsAreOneLineAndExitOne() {
        CliRunner dcos = new CliRunner(home);
        Result unknown = dcos.run("frobnicate");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("Error: Unmatched argument at index 0: 'frobnicate'").contains("See 'dcos --help'");
        Result missing = dcos.run("marathon", "app", "show");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("Missing required parameter: '<app-id>'").contains("See 'dcos marathon app show --help'");
        assertThat(missing.err().lines()).hasSize(1);
    }

    @Test
    void configCommands() throws Exception {
        CliRunner dcos = new CliRunner(home);
        assertThat(dcos.run("config", "show").out()).isEqualTo("core.dcos_url http://127.0.0.1:8000\n");
        assertThat(dcos.run("config", "set", "core.dcos_url", "http://10.0.0.1:80").out())
                .isEqualTo("[core.dcos_url]: set to 'http://10.0.0.1:80'\n");
        assertThat(dcos.run("config", "set", "core.dcos_url", "http://10.0.0.2").out())
                .isEqualTo("[core.dcos_url]: changed from 'http://10.0.0.1:80' to 'http://10.0.0.2'\n");
        assertThat(dcos.run("config", "prepend", "package.sources", "https://b").code()).isZero();
        assertThat(dcos.run("config", "prepend", "package.sources", "https://a").code()).isZero();
        assertThat(dcos.run("config", "append", "package.sources", "https://c").code()).isZero();
        assertThat(dcos.run("config", "set", "core.timeout", "9").code()).isZero();
        assertThat(dcos.run("config", "show").out()).isEqualTo("""
                core.dcos_url http://10.0.0.2
                core.timeout 9
                package.sources ["https://a", "https://b", "https://c"]
                """);
        assertThat(dcos.run("config", "show", "core.timeout").out()).isEqualTo("9\n");
        assertThat(dcos.run("config", "show", "--json").out()).contains("\"core.timeout\": 9");
        assertThat(Files.readString(home.resolve(".dcos/dcos.toml"))).contains("[core]").contains("timeout = 9")
                .contains("sources = [\"https://a\", \"https://b\", \"https://c\"]");
        assertThat(dcos.run("config", "unset", "core.timeout").out()).isEqualTo("Removed [core.timeout]\n");
        assertThat(dcos.run("config", "validate").code()).isZero();

        Result bad = dcos.run("config", "set", "core.timeout", "never");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("Error: 'never' is not an integer; core.timeout takes a whole number\n");
        assertThat(dcos.run("config", "show", "core.nothing").err()).isEqualTo(
                "Error: Property 'core.nothing' doesn't exist; see them all with: dcos config show\n");
        assertThat(dcos.run("config", "unset", "core.timeout").err()).contains("doesn't exist");
    }

    @Test
    void aBrokenConfigFileSaysWhereAndWhat() throws Exception {
        Files.createDirectories(home.resolve(".dcos"));
        Files.writeString(home.resolve(".dcos/dcos.toml"), "[core]\ndcos_url = \"http://x\"\ntimeout = = 3\n");
        Result r = new CliRunner(home).run("marathon", "app", "list");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: The configuration file ").contains("line 3").contains("fix or delete it");
    }
}
