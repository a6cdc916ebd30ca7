package io.strata.gateway.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticFilesTest {

    @Test
    void theUiShipsInTheStrataUiJarOnTheClasspath() {
        StaticFiles ui = StaticFiles.classpath(StaticFilesTest.class.getClassLoader()).orElseThrow();
        assertThat(ui.describe()).isEqualTo("classpath:strata-ui/");
        StaticFiles.Found index = ui.find("/", false).orElseThrow();
        assertThat(index.name()).isEqualTo("index.html");
        assertThat(new String(index.body(), StandardCharsets.UTF_8)).contains("<script type=\"module\" src=\"app.js\">");
        assertThat(ui.find("/app.js", false).orElseThrow().contentType()).startsWith("text/javascript");
        assertThat(ui.find("/views/apps.js", false)).isPresent();
        assertThat(ui.find("/styles.css", false).orElseThrow().contentType()).startsWith("text/css");
        assertThat(ui.find("/favicon.svg", false).orElseThrow().contentType()).isEqualTo("image/svg+xml");
    }

    @Test
    void everyModuleTheUiImportsIsInTheJar() throws Exception {
        StaticFiles ui = StaticFiles.classpath(StaticFilesTest.class.getClassLoader()).orElseThrow();
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(java.util.List.of("app.js"));
        java.util.Set<String> seen = new java.util.HashSet<>();
        java.util.regex.Pattern imports = java.util.regex.Pattern.compile("(?:import|from)\\s*\\(?\\s*'(\\.{1,2}/[^']+)'");
        while (!todo.isEmpty() && seen.size() < 100) {
            String file = todo.pop();
            if (!seen.add(file)) continue;
            Optional<StaticFiles.Found> f = ui.find("/" + file, false);
            assertThat(f).as("module %s", file).isPresent();
            var m = imports.matcher(new String(f.get().body(), StandardCharsets.UTF_8));
            while (m.find()) todo.add(Path.of(file).resolveSibling(m.group(1)).normalize().toString());
        }
        assertThat(seen).contains("app.js", "api.js", "store.js", "views/app-detail.js", "schema-form.js");
    }

    @Test
    void unknownPathsLoadTheAppOnlyForBrowserPages() {
        StaticFiles ui = StaticFiles.classpath(StaticFilesTest.class.getClassLoader()).orElseThrow();
        assertThat(ui.find("/apps/detail", true).orElseThrow().name()).isEqualTo("index.html");
        assertThat(ui.find("/apps/detail", false)).isEmpty();
        assertThat(ui.find("/missing.js", true)).isEmpty();
    }

    @Test
    void classpathNamesNeverLeaveTheUiFolder() throws Exception {
        StaticFiles ui = StaticFiles.classpath(StaticFilesTest.class.getClassLoader()).orElseThrow();
        for (String bad : new String[] {"/../io/strata/gateway/GatewayServer.class", "/views/../../logback.xml",
                "/%2e%2e/pom.xml", "/views%5c..%5c..%5cx.js", "/a//b.js", "/./app.js"}) {
            assertThat(ui.find(bad, false)).as(bad).isEmpty();
        }
        assertThat(ui.find("/io/strata/gateway/GatewayServer.class", false)).isEmpty();
    }

    @Test
    void noUiOnTheClasspathMeansNone(@TempDir Path empty) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {empty.toUri().toURL()}, null)) {
            assertThat(StaticFiles.classpath(loader)).isEmpty();
        }
    }

    @Test
    void aDirectoryIsReadAtEachRequestAndSymlinksMustStayInside(@TempDir Path dir) throws Exception {
        Path ui = Files.createDirectories(dir.resolve("ui"));
        Files.writeString(ui.resolve("index.html"), "one");
        Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(ui.resolve("leak.txt"), dir.resolve("secret.txt"));
        StaticFiles files = StaticFiles.directory(ui);
        assertThat(new String(files.find("/", false).orElseThrow().body(), StandardCharsets.UTF_8)).isEqualTo("one");
        Files.writeString(ui.resolve("index.html"), "two");
        assertThat(new String(files.find("/index.html", false).orElseThrow().body(), StandardCharsets.UTF_8)).isEqualTo("two");
        assertThat(files.find("/leak.txt", false)).isEmpty();
        assertThat(files.find("/../secret.txt", false)).isEmpty();
    }
}
