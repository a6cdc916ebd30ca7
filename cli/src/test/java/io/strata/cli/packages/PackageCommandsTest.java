package io.strata.cli.packages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.CliRunner;
import io.strata.cli.CliRunner.Result;
import io.strata.cli.output.Jsons;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code dcos package} commands against a fake Cosmos that holds to Cosmos's media types. */
class PackageCommandsTest {
    static final String INSTALL_OUT = """
            A sample pre-installation message
            Installing Marathon app for package [hello] version [0.2.0]
            A sample post-installation message
            """;

    @TempDir
    Path home;
    FakeCosmos cosmos;
    CliRunner dcos;

    @BeforeEach
    void setUp() throws Exception {
        cosmos = new FakeCosmos();
        dcos = new CliRunner(home).env("DCOS_URL", cosmos.url());
        cosmos.add("hello", "0.1.0", 1, "An example package");
        cosmos.add("hello", "0.2.0", 2, "An example package")
                .put("preInstallNotes", "A sample pre-installation message")
                .put("postInstallNotes", "A sample post-installation message")
                .put("postUninstallNotes", "A sample post-uninstallation message");
        cosmos.add("cron", "3.0.1", 7, "A distributed cron with dependencies and a web UI; it runs jobs on the cluster, "
                + "retries failures and keeps their history").put("framework", true).put("selected", true);
    }

    @AfterEach
    void tearDown() {
        cosmos.close();
    }

    @Test
    void searchPrintsCosmosMatchesAsATableOrJson() {
        Result r = dcos.run("package", "search");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                NAME   VERSION  SELECTED  FRAMEWORK  DESCRIPTION
                hello  0.2.0    False     False      An example package
                cron   3.0.1    True      True       A distributed cron with dependencies and a web UI; it runs jobs on the cluste...
                """);
        FakeCosmos.Request request = cosmos.requests("search").get(0);
        assertThat(request.contentType()).isEqualTo("application/vnd.dcos.package.search-request+json;charset=utf-8;version=v1");
        assertThat(request.accept()).isEqualTo("application/vnd.dcos.package.search-response+json;charset=utf-8;version=v1");
        assertThat(request.body().path("query").asText()).isEmpty();

        JsonNode json = Jsons.parse(dcos.run("package", "search", "cron", "--json").out(), "out");
        assertThat(json.path("packages")).hasSize(1);
        assertThat(json.path("packages").get(0).path("name").asText()).isEqualTo("cron");
        assertThat(cosmos.requests("search").get(1).body().path("query").asText()).isEqualTo("cron");

        Result none = dcos.run("package", "search", "xyzzy");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).isEqualTo("Error: No packages found.\n");
        assertThat(Jsons.parse(dcos.run("package", "search", "xyzzy", "--json").out(), "out").path("packages")).isEmpty();
    }

    @Test
    void describePrintsThePackageOrItsParts() {
        Result r = dcos.run("package", "describe", "hello");
        assertThat(r.err()).isEmpty();
        JsonNode described = Jsons.parse(r.out(), "out");
        assertThat(described.path("package").path("name").asText()).isEqualTo("hello");
        assertThat(described.path("package").path("version").asText()).isEqualTo("0.2.0");
        FakeCosmos.Request request = cosmos.requests("describe").get(0);
        assertThat(request.contentType()).isEqualTo("application/vnd.dcos.package.describe-request+json;charset=utf-8;version=v1");
        assertThat(request.accept()).isEqualTo("application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v3");

        assertThat(Jsons.parse(dcos.run("package", "describe", "hello", "--package-version=0.1.0").out(), "out")
                .path("package").path("version").asText()).isEqualTo("0.1.0");
        assertThat(dcos.run("package", "describe", "hello", "--app").out())
                .isEqualTo("{\"id\": \"{{service.name}}\", \"cmd\": \"sleep 1000\", \"cpus\": 0.1, \"mem\": 32}\n");
        JsonNode config = Jsons.parse(dcos.run("package", "describe", "hello", "--config").out(), "out");
        assertThat(config.path("properties").path("service").path("properties").path("name").path("default").asText()).isEqualTo("hello");
        assertThat(dcos.run("package", "describe", "hello", "--package-versions").out()).isEqualTo("""
                [
                  "0.2.0",
                  "0.1.0"
                ]
                """);
        assertThat(cosmos.requests("list-versions").get(0).body().path("includePackageVersions").asBoolean()).isTrue();
        assertThat(dcos.run("package", "describe", "hello", "--cli").out()).isEmpty();
    }

    @Test
    void describeRendersTheAppWithOptions() throws Exception {
        Path options = Files.writeString(home.resolve("options.json"), "{\"service\": {\"name\": \"hi\"}}");
        Result r = dcos.run("package", "describe", "hello", "--app", "--options=" + options);
        assertThat(r.err()).isEmpty();
        JsonNode app = Jsons.parse(r.out(), "out");
        assertThat(app.path("id").asText()).isEqualTo("/hi");
        assertThat(app.path("labels").path("DCOS_PACKAGE_NAME").asText()).isEqualTo("hello");
        FakeCosmos.Request render = cosmos.requests("render").get(0);
        assertThat(render.accept()).isEqualTo("application/vnd.dcos.package.render-response+json;charset=utf-8;version=v1");
        assertThat(render.body().path("options").path("service").path("name").asText()).isEqualTo("hi");
        assertThat(render.body().path("packageVersion").asText()).isEqualTo("0.2.0");

        JsonNode byId = Jsons.parse(dcos.run("package", "describe", "hello", "--app", "--render", "--app-id=other").out(), "out");
        assertThat(byId.path("id").asText()).isEqualTo("/other");
    }

    @Test
    void describeFallsBackToV2WhenCosmosRefusesV3() {
        cosmos.describeVersions = Set.of(2);
        Result r = dcos.run("package", "describe", "hello");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        JsonNode described = Jsons.parse(r.out(), "out");
        assertThat(described.path("name").asText()).isEqualTo("hello");
        assertThat(cosmos.requests("describe")).extracting(FakeCosmos.Request::accept).containsExactly(
                "application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v3",
                "application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v2");
        Result install = dcos.run("package", "install", "hello", "--yes");
        assertThat(install.out()).isEqualTo(INSTALL_OUT);
    }

    @Test
    void anUnknownPackageIsCosmosErrorAndExitOne() {
        Result describe = dcos.run("package", "describe", "xyzzy");
        assertThat(describe.code()).isEqualTo(1);
        assertThat(describe.out()).isEmpty();
        assertThat(describe.err()).isEqualTo("Error: Package [xyzzy] not found. Find the correct package name using 'dcos package search'\n");
        // a real error is not retried with an older media type
        assertThat(cosmos.requests("describe")).hasSize(1);

        Result install = dcos.run("package", "install", "xyzzy", "--yes");
        assertThat(install.code()).isEqualTo(1);
        assertThat(install.err()).startsWith("Error: Package [xyzzy] not found.");
        assertThat(cosmos.requests("install")).isEmpty();

        Result version = dcos.run("package", "install", "hello", "--package-version=9.9", "--yes");
        assertThat(version.code()).isEqualTo(1);
        assertThat(version.err()).isEqualTo("Error: Version [9.9] of package [hello] not found\n");
    }

    @Test
    void installWithYesInstallsAndShowsTheNotes() throws Exception {
        Result r = dcos.run("package", "install", "hello", "--yes");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(INSTALL_OUT);
        FakeCosmos.Request install = cosmos.requests("install").get(0);
        assertThat(install.contentType()).isEqualTo("application/vnd.dcos.package.install-request+json;charset=utf-8;version=v1");
        assertThat(install.accept()).isEqualTo("application/vnd.dcos.package.install-response+json;charset=utf-8;version=v2");
        assertThat(install.body().path("packageName").asText()).isEqualTo("hello");
        assertThat(install.body().path("packageVersion").asText()).isEqualTo("0.2.0");
        assertThat(install.body().has("options")).isFalse();
        assertThat(cosmos.installed).containsOnlyKeys("/hello");

        Path options = Files.writeString(home.resolve("options.json"), "{\"service\": {\"name\": \"hello-2\"}}");
        Result second = dcos.run("package", "install", "hello", "--options", options.toString(), "--package-version=0.1.0", "--yes");
        assertThat(second.out()).isEqualTo("Installing Marathon app for package [hello] version [0.1.0]\n");
        assertThat(cosmos.requests("install").get(1).body().path("options").path("service").path("name").asText()).isEqualTo("hello-2");
        assertThat(cosmos.installed).containsOnlyKeys("/hello", "/hello-2");

        Result byId = dcos.run("package", "install", "cron", "--app-id", "jobs/cron", "--yes");
        assertThat(byId.code()).isZero();
        assertThat(cosmos.requests("install").get(2).body().path("appId").asText()).isEqualTo("/jobs/cron");
        assertThat(cosmos.installed).containsKey("/jobs/cron");
    }

    @Test
    void installWithoutRenderInCosmosLeavesTheCheckToInstall() {
        cosmos.overrides.put("/package/render", new String[] {"404", "text/plain", "Not Found"});
        Result r = dcos.run("package", "install", "hello", "--yes");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo(INSTALL_OUT);
        assertThat(cosmos.installed).containsOnlyKeys("/hello");
    }

    @Test
    void installAsksFirstAndStopsOnNo() {
        Result yes = dcos.stdin("yes\n").run("package", "install", "hello");
        assertThat(yes.code()).isZero();
        assertThat(yes.out()).isEqualTo("""
                A sample pre-installation message
                Continue installing? [yes/no] Installing Marathon app for package [hello] version [0.2.0]
                A sample post-installation message
                """);
        assertThat(cosmos.requests("install")).hasSize(1);

        Result no = dcos.stdin("no\n").run("package", "install", "cron");
        assertThat(no.code()).isEqualTo(1);
        assertThat(no.out()).isEqualTo("Continue installing? [yes/no] Exiting installation.\n");

        Result eof = dcos.run("package", "install", "cron");
        assertThat(eof.code()).isEqualTo(1);
        assertThat(eof.out()).isEqualTo("Continue installing? [yes/no] '' is not a valid response.\n".repeat(3) + "Exiting installation.\n");

        Result retried = dcos.stdin("maybe\ny\n").run("package", "install", "cron");
        assertThat(retried.code()).isZero();
        assertThat(retried.out()).startsWith("Continue installing? [yes/no] 'maybe' is not a valid response.\nContinue installing? [yes/no] Installing");
        assertThat(cosmos.requests("install")).hasSize(2);
        assertThat(cosmos.installed).containsOnlyKeys("/hello", "/cron");
    }

    @Test
    void aBadOptionsFileFailsBeforeAnythingIsSent() throws Exception {
        Result missing = dcos.run("package", "install", "hello", "--yes", "--options=" + home.resolve("nope.json"));
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("Error: Error opening file [" + home.resolve("nope.json") + "]: No such file or directory\n");

        Path broken = Files.writeString(home.resolve("broken.json"), "{\"service\": {\"name\": }");
        Result invalid = dcos.run("package", "install", "hello", "--yes", "--options", broken.toString());
        assertThat(invalid.code()).isEqualTo(1);
        assertThat(invalid.err()).startsWith("Error: Error loading JSON from [" + broken + "]: ").contains("line 1, column 22");

        Path array = Files.writeString(home.resolve("array.json"), "[1, 2]");
        assertThat(dcos.run("package", "install", "hello", "--yes", "--options", array.toString()).err())
                .contains("the options must be a JSON object");
        assertThat(dcos.run("package", "describe", "hello", "--app", "--options", broken.toString()).code()).isEqualTo(1);
        assertThat(cosmos.requests).isEmpty();
    }

    @Test
    void optionsOutsideThePackagesSchemaAreCosmosValidationErrors() throws Exception {
        Path options = Files.writeString(home.resolve("options.json"), "{\"nom\": \"hallo\"}");
        Result r = dcos.run("package", "install", "hello", "--yes", "--options", options.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("""
                Error: Options JSON failed validation
                Unexpected properties: ["nom"]

                Please create a JSON file with the appropriate options, and pass the /path/to/file as an --options argument.
                """);
        assertThat(r.out()).doesNotContain("Installing");
        assertThat(cosmos.requests("install")).isEmpty();
    }

    @Test
    void listShowsInstalledPackagesWithTheirApps() throws Exception {
        Result empty = dcos.run("package", "list");
        assertThat(empty.code()).isEqualTo(1);
        assertThat(empty.err()).isEqualTo("Error: There are currently no installed packages. Please use `dcos package install` to install a package.\n");
        assertThat(dcos.run("package", "list", "--json").out()).isEqualTo("[]\n");

        dcos.run("package", "install", "hello", "--yes");
        Path options = Files.writeString(home.resolve("options.json"), "{\"service\": {\"name\": \"hello-2\"}}");
        dcos.run("package", "install", "hello", "--yes", "--options", options.toString());
        dcos.run("package", "install", "cron", "--yes");

        Result table = dcos.run("package", "list");
        assertThat(table.err()).isEmpty();
        assertThat(table.out()).isEqualTo("""
                NAME   VERSION  APP       COMMAND  DESCRIPTION
                cron   3.0.1    /cron     ---      A distributed cron with dependencies and a web UI; it runs...
                hello  0.2.0    /hello    ---      An example package
                                /hello-2
                """);
        assertThat(cosmos.requests("list").get(0).accept()).isEqualTo("application/vnd.dcos.package.list-response+json;charset=utf-8;version=v1");

        JsonNode json = Jsons.parse(dcos.run("package", "list", "hello", "--json").out(), "out");
        assertThat(json).hasSize(1);
        assertThat(json.get(0).path("name").asText()).isEqualTo("hello");
        assertThat(json.get(0).path("apps")).extracting(JsonNode::asText).containsExactly("/hello", "/hello-2");
        assertThat(cosmos.requests("list").get(cosmos.requests("list").size() - 1).body().path("packageName").asText()).isEqualTo("hello");

        JsonNode byApp = Jsons.parse(dcos.run("package", "list", "--json", "--app-id=cron").out(), "out");
        assertThat(byApp).hasSize(1);
        assertThat(cosmos.requests("list").get(cosmos.requests("list").size() - 1).body().path("appId").asText()).isEqualTo("/cron");
        assertThat(dcos.run("package", "list", "--cli", "--json").out()).isEqualTo("[]\n");
    }

    @Test
    void uninstallWithYesPrintsWhatCosmosRemoved() {
        dcos.run("package", "install", "hello", "--yes");
        Result r = dcos.run("package", "uninstall", "hello", "--yes");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("Uninstalled package [hello] version [0.2.0]\nA sample post-uninstallation message\n");
        FakeCosmos.Request uninstall = cosmos.requests("uninstall").get(0);
        assertThat(uninstall.contentType()).isEqualTo("application/vnd.dcos.package.uninstall-request+json;charset=utf-8;version=v1");
        assertThat(uninstall.accept()).isEqualTo("application/vnd.dcos.package.uninstall-response+json;charset=utf-8;version=v1");
        assertThat(uninstall.body()).isEqualTo(Jsons.parse("{\"packageName\": \"hello\"}", "body"));
        assertThat(cosmos.installed).isEmpty();

        Result again = dcos.run("package", "uninstall", "hello", "--yes");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("Error: Package [hello] is not installed\n");
        assertThat(dcos.run("package", "uninstall", "hello", "--app-id=hello-1", "--yes").err())
                .isEqualTo("Error: Package [hello] with id [/hello-1] is not installed\n");
    }

    @Test
    void uninstallAsksForTheNameAndSeveralAppsNeedAnIdOrAll() throws Exception {
        dcos.run("package", "install", "hello", "--yes");
        Result wrong = dcos.stdin("helo\nno\nhello-world\n").run("package", "uninstall", "hello");
        assertThat(wrong.code()).isEqualTo(1);
        assertThat(wrong.out()).isEqualTo("""
                WARNING: This action cannot be undone. This will uninstall [hello] and delete all of its persistent data (logs, configurations, database artifacts, everything).
                Please type the name of the service to confirm: Expected 'hello'. You supplied 'helo'.
                Please type the name of the service to confirm: Expected 'hello'. You supplied 'no'.
                Please type the name of the service to confirm: Expected 'hello'. You supplied 'hello-world'.
                Cancelling uninstall.
                """);
        assertThat(cosmos.requests("uninstall")).isEmpty();
        Result right = dcos.stdin("hello\n").run("package", "uninstall", "hello");
        assertThat(right.code()).isZero();
        assertThat(right.err()).startsWith("Uninstalled package [hello] version [0.2.0]");
        assertThat(cosmos.installed).isEmpty();

        dcos.run("package", "install", "hello", "--yes");
        Path options = Files.writeString(home.resolve("options.json"), "{\"service\": {\"name\": \"hello-2\"}}");
        dcos.run("package", "install", "hello", "--yes", "--options", options.toString());
        Result ambiguous = dcos.run("package", "uninstall", "hello", "--yes");
        assertThat(ambiguous.code()).isEqualTo(1);
        assertThat(ambiguous.err()).isEqualTo("""
                Error: Multiple apps named [hello] are installed: [/hello, /hello-2].
                Please use --app-id to specify the ID of the app to uninstall, or use --all to uninstall all apps.
                """);
        Result one = dcos.stdin("/hello-2\n").run("package", "uninstall", "hello", "--app-id", "hello-2");
        assertThat(one.code()).isZero();
        assertThat(cosmos.requests("uninstall").get(cosmos.requests("uninstall").size() - 1).body().path("appId").asText()).isEqualTo("/hello-2");
        assertThat(cosmos.installed).containsOnlyKeys("/hello");

        dcos.run("package", "install", "hello", "--yes", "--options", options.toString());
        Result all = dcos.stdin("uninstall all hello\n").run("package", "uninstall", "hello", "--all");
        assertThat(all.code()).isZero();
        assertThat(all.out()).contains("Please type 'uninstall all hello': ");
        // two apps of one version: one line, as the DC/OS CLI prints it
        assertThat(all.err()).isEqualTo("Uninstalled package [hello] version [0.2.0]\nA sample post-uninstallation message\n");
        assertThat(cosmos.installed).isEmpty();

        assertThat(dcos.run("package", "uninstall", "hello", "--all", "--app-id=x").err()).contains("mutually exclusive");
    }

    @Test
    void reposAreAddedListedAndRemovedInCosmos() throws Exception {
        Result empty = dcos.run("package", "repo", "list");
        assertThat(empty.code()).isEqualTo(1);
        assertThat(empty.err()).isEqualTo("Error: There are currently no repos configured. Please use `dcos package repo add` to add a repo\n");

        assertThat(dcos.run("package", "repo", "add", "Universe", "https://universe.example.com/repo").code()).isZero();
        assertThat(dcos.run("package", "repo", "add", "local", "http://127.0.0.1:9/repo.json", "--index=0").code()).isZero();
        assertThat(dcos.run("package", "repo", "add", "mid", "http://mid/repo", "--index", "1").code()).isZero();
        FakeCosmos.Request add = cosmos.requests("repository/add").get(1);
        assertThat(add.contentType()).isEqualTo("application/vnd.dcos.package.repository.add-request+json;charset=utf-8;version=v1");
        assertThat(add.accept()).isEqualTo("application/vnd.dcos.package.repository.add-response+json;charset=utf-8;version=v1");
        assertThat(add.body()).isEqualTo(Jsons.parse("{\"name\": \"local\", \"uri\": \"http://127.0.0.1:9/repo.json\", \"index\": 0}", "b"));
        assertThat(cosmos.requests("repository/add").get(0).body().has("index")).isFalse();

        assertThat(dcos.run("package", "repo", "list").out()).isEqualTo("""
                local: http://127.0.0.1:9/repo.json
                mid: http://mid/repo
                Universe: https://universe.example.com/repo
                """);
        assertThat(Jsons.parse(dcos.run("package", "repo", "list", "--json").out(), "out").path("repositories")).hasSize(3);

        Result duplicate = dcos.run("package", "repo", "add", "Universe", "https://universe.example.com/repo");
        assertThat(duplicate.code()).isEqualTo(1);
        assertThat(duplicate.err()).startsWith("Error: Repository name [Universe] and URI");
        Result outOfRange = dcos.run("package", "repo", "add", "far", "http://far", "--index=9");
        assertThat(outOfRange.err()).isEqualTo("Error: Index [9] is out of range. Index value must be between 0 and 3 inclusive\n");

        assertThat(dcos.run("package", "repo", "remove", "mid", "local").code()).isZero();
        assertThat(cosmos.requests("repository/delete")).extracting(r -> r.body().path("name").asText()).containsExactly("mid", "local");
        assertThat(dcos.run("package", "repo", "list").out()).isEqualTo("Universe: https://universe.example.com/repo\n");
        Result missing = dcos.run("package", "repo", "remove", "nope");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("Neither repository name [nope]");

        Path file = Files.writeString(home.resolve("repos.json"), """
                {"repositories": [{"name": "a", "uri": "http://a/repo"}, {"name": "b"}, {"name": "c", "uri": "http://c/repo"}]}""");
        Result imported = dcos.run("package", "repo", "import", file.toString());
        assertThat(imported.code()).isZero();
        assertThat(imported.out()).isEqualTo("""
                Added repo "a" (http://a/repo) at index 0
                Repo missing name or uri. Skipping.
                Added repo "c" (http://c/repo) at index 2
                """);
        assertThat(dcos.run("package", "repo", "list").out()).isEqualTo("a: http://a/repo\nUniverse: https://universe.example.com/repo\nc: http://c/repo\n");
        Path none = Files.writeString(home.resolve("none.json"), "{}");
        assertThat(dcos.run("package", "repo", "import", none.toString()).err()).startsWith("Error: No repositories found to import.");
    }

    @Test
    void updateIsDeprecatedButCarriesPackageSourcesToCosmos() {
        Result nothing = dcos.run("package", "update");
        assertThat(nothing.code()).isEqualTo(1);
        assertThat(nothing.err()).isEqualTo("Error: " + PackageCommand.Update.NOTICE + "\n");
        assertThat(cosmos.requests).isEmpty();

        dcos.run("package", "repo", "add", "Universe", "https://universe.example.com/repo");
        Result prepend = dcos.run("config", "prepend", "package.sources", "https://b.example.com/repo");
        assertThat(prepend.code()).isZero();
        assertThat(prepend.err()).contains("dcos package update");
        dcos.run("config", "prepend", "package.sources", "https://a.example.com/repo");
        dcos.run("config", "append", "package.sources", "https://universe.example.com/repo");

        Result update = dcos.run("package", "update");
        assertThat(update.code()).isZero();
        assertThat(update.err()).isEqualTo("""
                Added repo 'https://a.example.com/repo' (https://a.example.com/repo) at index 0
                Added repo 'https://b.example.com/repo' (https://b.example.com/repo) at index 1
                """ + PackageCommand.Update.NOTICE + "\n");
        assertThat(dcos.run("package", "repo", "list").out()).isEqualTo("""
                https://a.example.com/repo: https://a.example.com/repo
                https://b.example.com/repo: https://b.example.com/repo
                Universe: https://universe.example.com/repo
                """);
        Result again = dcos.run("package", "update");
        assertThat(again.code()).isZero();
        assertThat(again.err()).isEqualTo(PackageCommand.Update.NOTICE + "\n");
        assertThat(cosmos.repositories).hasSize(3);
    }

    @Test
    void cosmosUrlOverridesTheGateway() {
        CliRunner direct = new CliRunner(home).env("DCOS_URL", "http://127.0.0.1:1").env("DCOS_PACKAGE_COSMOS_URL", cosmos.url() + "/");
        Result r = direct.run("package", "search", "hello");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("hello");
    }

    @Test
    void aClusterWithoutCosmosOrAWrongAnswerIsOneLine() {
        cosmos.overrides.put("/package/search", new String[] {"404", "text/plain", "Not Found"});
        Result absent = dcos.run("package", "search");
        assertThat(absent.code()).isEqualTo(1);
        assertThat(absent.err()).startsWith("Error: No package manager (Cosmos) answers at " + cosmos.url() + "/package/search (HTTP 404)");
        assertThat(absent.err().lines()).hasSize(1);

        cosmos.overrides.put("/package/search", new String[] {"200", "text/html", "<html>the UI</html>"});
        Result html = dcos.run("package", "search");
        assertThat(html.code()).isEqualTo(1);
        assertThat(html.err()).startsWith("Error: Server returned incorrect response type, expected "
                + "application/vnd.dcos.package.search-response+json;charset=utf-8;version=v1 but got text/html");

        cosmos.overrides.put("/package/search", new String[] {"500", "text/plain", "boom"});
        assertThat(dcos.run("package", "search").err()).isEqualTo("Error: HTTP 500 from POST " + cosmos.url() + "/package/search: boom\n");

        Result down = new CliRunner(home).env("DCOS_URL", "http://127.0.0.1:1").run("package", "list");
        assertThat(down.code()).isEqualTo(1);
        assertThat(down.err()).startsWith("Error: Cannot reach the cluster at http://127.0.0.1:1 (connection refused)");
    }

    @Test
    void usageAndFlagErrors() {
        assertThat(dcos.run("package").out()).contains("describe").contains("install").contains("repo").contains("uninstall");
        assertThat(dcos.run("package", "--info").out()).isEqualTo("Install and manage DC/OS software packages\n");
        assertThat(dcos.run("help", "package", "install").out()).contains("--options=<file>").contains("--yes");
        Result both = dcos.run("package", "install", "hello", "--app", "--cli");
        assertThat(both.code()).isEqualTo(1);
        assertThat(both.err()).isEqualTo("Error: --app and --cli are mutually exclusive\n");
        Result render = dcos.run("package", "describe", "hello", "--render");
        assertThat(render.err()).startsWith("Error: --render goes with --app");
        Result noName = dcos.run("package", "install");
        assertThat(noName.err()).contains("Missing required parameter: '<package-name>'");
        Result index = dcos.run("package", "repo", "add", "x", "http://x", "--index=first");
        assertThat(index.code()).isEqualTo(1);
        assertThat(index.err()).contains("--index");
        assertThat(cosmos.requests).isEmpty();
    }

    @Test
    void tablesShortenDescriptionsAsTheDcosCliDoes() {
        assertThat(PackageTables.shorten("short", 65)).isEqualTo("short");
        assertThat(PackageTables.shorten("  many   spaces\nand lines ", 65)).isEqualTo("many spaces and lines");
        assertThat(PackageTables.shorten("one two three four", 12)).isEqualTo("one two...");
        assertThat(PackageTables.shorten("incomprehensibilities", 10)).isEqualTo("...");
    }
}
