package io.strata.cosmos.universe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.cosmos.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryFormatTest {

    @Test
    void theSourceLayoutBecomesWhatAUniverseBuildLists() throws IOException {
        List<UniversePackage> pkgs = Fixtures.packages();
        assertThat(pkgs).extracting(p -> p.name() + "@" + p.version() + "#" + p.releaseVersion())
                .containsExactly("hello@0.9.0#0", "hello@1.0.0#1", "tool@2.1#0");
        UniversePackage hello = pkgs.get(1);
        assertThat(hello.packagingVersion()).isEqualTo("4.0");
        String template = Files.readString(Fixtures.universeDir().resolve("packages/H/hello/1/marathon.json.mustache"));
        assertThat(hello.json().path("marathon").path("v2AppMustacheTemplate").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(template.getBytes(StandardCharsets.UTF_8)));
        assertThat(hello.marathonTemplate()).contains(template);
        assertThat(hello.config().orElseThrow().path("properties").has("service")).isTrue();
        assertThat(hello.resource().orElseThrow().path("assets").path("uris").path("hello-tgz").asText()).endsWith("hello.tgz");
        assertThat(pkgs.get(2).json().path("command").path("pip").get(0).asText()).endsWith("tool-2.1.tar.gz");
        assertThat(pkgs.get(2).marathonTemplate()).isEmpty();
    }

    @Test
    void repositoryJsonRoundTrips() throws IOException {
        List<UniversePackage> pkgs = Fixtures.packages();
        byte[] json = RepositoryFormat.toJsonBytes(pkgs);
        List<UniversePackage> back = RepositoryFormat.parse(json);
        assertThat(back).isEqualTo(pkgs);
    }

    @Test
    void aZipOfTheJsonAndAZipOfTheSourceLayoutBothRead(@TempDir Path tmp) throws IOException {
        List<UniversePackage> pkgs = Fixtures.packages();
        byte[] jsonZip = zip("repo/universe.json", RepositoryFormat.toJsonBytes(pkgs));
        assertThat(RepositoryFormat.parse(jsonZip)).isEqualTo(pkgs);

        Path out = tmp.resolve("repo.zip");
        assertThat(UniverseBuild.build(Fixtures.universeDir(), out)).isEqualTo(pkgs);
        assertThat(RepositoryFormat.isZip(Files.readAllBytes(out))).isTrue();
        assertThat(RepositoryFormat.read(out)).isEqualTo(pkgs);
        Path json = tmp.resolve("out/repo.json");
        UniverseBuild.build(Fixtures.universeDir(), json);
        assertThat(RepositoryFormat.read(json)).isEqualTo(pkgs);

        // old Universe builds zipped the source layout itself: <top>/repo/packages/<L>/<name>/<rev>/...
        ByteArrayOutputStream layout = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(layout); var files = Files.walk(Fixtures.universeDir())) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                z.putNextEntry(new ZipEntry("universe-1.7/repo/" + Fixtures.universeDir().relativize(f).toString().replace('\\', '/')));
                z.write(Files.readAllBytes(f));
                z.closeEntry();
            }
        }
        assertThat(RepositoryFormat.parse(layout.toByteArray())).isEqualTo(pkgs);
    }

    @Test
    void badRepositoriesSayWhatIsWrong() {
        assertThatThrownBy(() -> RepositoryFormat.parse("{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> RepositoryFormat.parse("{\"pkgs\": []}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("no 'packages' array");
        ObjectNode p = Fixtures.hello("1.0.0").definition();
        p.remove("version");
        String repo = "{\"packages\": [" + p + "]}";
        assertThatThrownBy(() -> RepositoryFormat.parse(repo.getBytes(StandardCharsets.UTF_8)))
                .hasMessage("packages[0]: package 'hello': missing 'version'");
        ObjectNode q = Fixtures.hello("1.0.0").definition();
        q.put("packagingVersion", "9.0");
        assertThatThrownBy(() -> UniversePackage.of(q)).hasMessageContaining("packagingVersion must be one of");
        ObjectNode r = Fixtures.hello("1.0.0").definition();
        r.put("name", "../etc");
        assertThatThrownBy(() -> UniversePackage.of(r)).hasMessageContaining("is not lower-case letters");
        String twice = "{\"packages\": [" + Fixtures.hello("1.0.0").definition() + "," + Fixtures.hello("1.0.0").definition() + "]}";
        assertThatThrownBy(() -> RepositoryFormat.parse(twice.getBytes(StandardCharsets.UTF_8))).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> RepositoryFormat.parse(zip("readme.txt", "hi".getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("neither a repository JSON file");
    }

    @Test
    void packagingVersionTwoAndReleaseVersionAsTextAreRead() {
        ObjectNode v2 = Json.object();
        v2.put("packagingVersion", "2.0").put("name", "old").put("version", "1").put("maintainer", "m").put("description", "d")
                .put("releaseVersion", "7");
        UniversePackage p = UniversePackage.of(v2);
        assertThat(p.releaseVersion()).isEqualTo(7);
        assertThat(p.definition().get("releaseVersion").isNumber()).isTrue();
        v2.remove("releaseVersion");
        assertThat(UniversePackage.of(v2).releaseVersion()).as("2.0 packages may leave it out").isZero();
        ObjectNode v3 = v2.deepCopy().put("packagingVersion", "3.0");
        v3.remove("releaseVersion");
        assertThatThrownBy(() -> UniversePackage.of(v3)).hasMessageContaining("releaseVersion must be");
    }

    @Test
    void aNameThatDoesNotMatchItsDirectoryIsRefused(@TempDir Path tmp) throws IOException {
        Path rev = Files.createDirectories(tmp.resolve("packages/A/alpha/0"));
        Files.writeString(rev.resolve("package.json"), """
                {"packagingVersion": "3.0", "name": "beta", "version": "1", "maintainer": "m", "description": "d"}""");
        assertThatThrownBy(() -> SourceLayout.read(tmp)).hasMessageContaining("does not match its directory 'alpha'");
    }

    static byte[] zip(String name, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(content);
            z.closeEntry();
        }
        return out.toByteArray();
    }
}
