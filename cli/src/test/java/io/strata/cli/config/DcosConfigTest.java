package io.strata.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.cli.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DcosConfigTest {
    @TempDir
    Path home;

    @Test
    void defaultsToTheLocalClusterAndLivesInDotDcos() {
        DcosConfig c = DcosConfig.load(Map.of(), home);
        assertThat(c.file()).isEqualTo(home.resolve(".dcos/dcos.toml"));
        assertThat(c.dcosUrl()).isEqualTo("http://127.0.0.1:8000");
        assertThat(DcosConfig.location(Map.of("DCOS_DIR", "/etc/d"), home)).isEqualTo(Path.of("/etc/d/dcos.toml"));
        assertThat(DcosConfig.location(Map.of("DCOS_CONFIG", "/x.toml", "DCOS_DIR", "/etc/d"), home)).isEqualTo(Path.of("/x.toml"));
    }

    @Test
    void typedSetSaveAndReload() throws Exception {
        DcosConfig c = DcosConfig.load(Map.of(), home);
        c.set("core.dcos_url", "http://10.0.0.1/");
        c.set("core.timeout", "12");
        c.set("core.reporting", "false");
        c.set("package.sources", "[\"a\", \"b\"]");
        c.set("custom.flag", "true");
        c.set("custom.text", "hello world");
        c.save();
        assertThat(Files.getPosixFilePermissions(c.file()).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
        DcosConfig again = DcosConfig.load(Map.of(), home);
        assertThat(again.stored()).containsEntry("core.dcos_url", "http://10.0.0.1").containsEntry("core.timeout", 12L)
                .containsEntry("core.reporting", false).containsEntry("package.sources", List.of("a", "b"))
                .containsEntry("custom.flag", true).containsEntry("custom.text", "hello world");
        assertThat(again.timeoutSeconds(30)).isEqualTo(12);
        assertThat(again.validate()).isEmpty();
    }

    @Test
    void environmentWins() {
        DcosConfig c = DcosConfig.load(Map.of("DCOS_URL", "http://env:1", "DCOS_TIMEOUT", "3", "DCOS_MARATHON_URL", "http://m:8080"), home);
        assertThat(c.dcosUrl()).isEqualTo("http://env:1");
        assertThat(c.timeoutSeconds(30)).isEqualTo(3);
        assertThat(c.string("marathon.url")).isEqualTo("http://m:8080");
        assertThat(DcosConfig.envName("core.dcos_url")).isEqualTo("DCOS_DCOS_URL");
        assertThat(DcosConfig.envName("package.sources")).isEqualTo("DCOS_PACKAGE_SOURCES");
    }

    @Test
    void listsGrowAtEitherEnd() {
        DcosConfig c = DcosConfig.load(Map.of(), home);
        c.addToList("package.sources", "b", false);
        c.addToList("package.sources", "a", true);
        c.addToList("package.sources", "c", false);
        assertThat(c.stored().get("package.sources")).isEqualTo(List.of("a", "b", "c"));
        assertThatThrownBy(() -> c.addToList("package.sources", "a", false)).hasMessageContaining("already");
        assertThatThrownBy(() -> c.addToList("core.dcos_url", "x", false)).hasMessageContaining("not a list");
    }

    @Test
    void badValuesSayWhatIsExpected() {
        DcosConfig c = DcosConfig.load(Map.of(), home);
        assertThatThrownBy(() -> c.set("core.dcos_url", "localhost")).isInstanceOf(CliException.class).hasMessageContaining("not a URL");
        assertThatThrownBy(() -> c.set("core.timeout", "soon")).hasMessageContaining("not an integer");
        assertThatThrownBy(() -> c.set("core.reporting", "maybe")).hasMessageContaining("not true or false");
        assertThatThrownBy(() -> c.set("nosection", "x")).hasMessageContaining("section.property");
        assertThatThrownBy(() -> c.unset("core.email")).hasMessageContaining("doesn't exist");
    }

    @Test
    void aBrokenFileIsReportedWithItsLine() throws Exception {
        Files.createDirectories(home.resolve(".dcos"));
        Files.writeString(home.resolve(".dcos/dcos.toml"), "[core]\ndcos_url = oops\n");
        assertThatThrownBy(() -> DcosConfig.load(Map.of(), home)).isInstanceOf(CliException.class)
                .hasMessageContaining("dcos.toml").hasMessageContaining("line 2");
    }
}
