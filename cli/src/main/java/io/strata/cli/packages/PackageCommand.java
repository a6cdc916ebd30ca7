package io.strata.cli.packages;

import static io.strata.cli.CommandTree.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.strata.cli.Cli;
import io.strata.cli.CliException;
import io.strata.cli.CommandTree;
import io.strata.cli.commands.Base;
import io.strata.cli.marathon.MarathonClient;
import io.strata.cli.output.Jsons;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dcos package}: find, install and remove packages through the cluster's package manager (Cosmos), and
 * manage the repositories it reads them from. Installing a package is Cosmos rendering its Marathon app and
 * starting it; the CLI shows the package's notes and asks before it does.
 */
@Command(name = "package", description = "Install and manage DC/OS software packages.")
public final class PackageCommand extends Base.Parent {
    @Option(names = "--info", description = "Print a short description of this command.")
    boolean info;

    PackageCommand(Cli cli) {
        super(cli);
    }

    public static CommandTree.Node tree() {
        return node("package", PackageCommand.class,
                node("describe", Describe.class),
                node("install", Install.class),
                node("list", ListPackages.class),
                RepoCommands.tree(),
                node("search", Search.class),
                node("uninstall", Uninstall.class),
                node("update", Update.class));
    }

    @Override
    public Integer call() {
        if (info) {
            cli.print().line("Install and manage DC/OS software packages");
            return 0;
        }
        return super.call();
    }

    /** Marathon app ids are absolute: {@code foo} → {@code /foo}. */
    static String appId(String id) {
        return id == null ? null : MarathonClient.normalise(id);
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }

    /** The package's CLI: {@code resource.cli} (packaging v3+) or {@code command} (v2), or null. */
    static JsonNode cliDefinition(JsonNode pkg) {
        JsonNode c = pkg.path("resource").path("cli");
        if (c.isObject() && !c.isEmpty()) return c;
        JsonNode command = pkg.path("command");
        return command.isObject() && !command.isEmpty() ? command : null;
    }

    static String template(JsonNode pkg) {
        JsonNode t = pkg.path("marathon").path("v2AppMustacheTemplate");
        if (!t.isTextual() || t.asText().isEmpty()) return null;
        try {
            return new String(Base64.getMimeDecoder().decode(t.asText()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new CliException("The package's marathon.v2AppMustacheTemplate is not base64: " + e.getMessage());
        }
    }

    @Command(name = "describe", description = "Get specific details for packages.")
    static final class Describe extends Base {
        @Parameters(index = "0", paramLabel = "<package-name>", description = "Name of the DC/OS package.")
        String name;
        @Option(names = "--app", description = "Print the package's marathon.json template (rendered with --render or --options).")
        boolean app;
        @Option(names = "--render", description = "With --app: render marathon.json with the package's defaults and --options.")
        boolean render;
        @Option(names = "--app-id", paramLabel = "<app-id>", description = "The application ID to render with.")
        String appId;
        @Option(names = "--cli", description = "Print the package's command line definition.")
        boolean cliOnly;
        @Option(names = "--config", description = "Print the configurable properties of the package (config.json).")
        boolean config;
        @Option(names = "--options", paramLabel = "<file>", description = "A JSON file of options to render with (implies --render).")
        String options;
        @Option(names = "--package-version", paramLabel = "<package-version>", description = "The package version.")
        String version;
        @Option(names = "--package-versions", description = "Print all versions of this package, newest first.")
        boolean versions;

        Describe(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            if (render && !app) throw new CliException("--render goes with --app: dcos package describe " + name + " --app --render");
            if (options != null) render = true;
            JsonNode userOptions = OptionsFile.read(cli, options);
            CosmosClient cosmos = CosmosClient.of(cli);
            CosmosClient.Answer answer = cosmos.describe(name, version);
            JsonNode pkg = CosmosClient.packageOf(answer);
            if (versions) {
                cli.print().json(versions(cosmos.listVersions(pkg.path("name").asText(name))));
                return 0;
            }
            if (!cliOnly && !app && !config) {
                cli.print().json(answer.json());
                return 0;
            }
            if (cliOnly) {
                JsonNode c = cliDefinition(pkg);
                if (c != null) cli.print().json(c);
            }
            if (app) {
                if (render) {
                    cli.print().json(cosmos.render(pkg.path("name").asText(name), pkg.path("version").asText(null), userOptions,
                            appId(appId)));
                } else {
                    String t = template(pkg);
                    if (t != null) cli.print().line(t.endsWith("\n") ? t.substring(0, t.length() - 1) : t);
                }
            }
            if (config && pkg.hasNonNull("config")) cli.print().json(pkg.get("config"));
            return 0;
        }

        /** {@code list-versions}' {@code {"results": {version: releaseVersion}}}, newest release first. */
        static ArrayNode versions(JsonNode answer) {
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
            answer.path("results").fields().forEachRemaining(entries::add);
            entries.sort((a, b) -> Long.compare(release(b.getValue()), release(a.getValue())));
            ArrayNode out = Jsons.array();
            entries.forEach(e -> out.add(e.getKey()));
            return out;
        }

        private static long release(JsonNode n) {
            try {
                return n.isNumber() ? n.asLong() : Long.parseLong(n.asText().strip());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    @Command(name = "install", description = "Install a package.")
    static final class Install extends Base {
        @Parameters(index = "0", paramLabel = "<package-name>", description = "Name of the DC/OS package.")
        String name;
        @Option(names = "--app", description = "Application only.")
        boolean appOnly;
        @Option(names = "--cli", description = "Command line only (this CLI installs no package subcommands).")
        boolean cliOnly;
        @Option(names = "--global", description = "Deprecated; accepted for compatibility.")
        boolean global;
        @Option(names = "--app-id", paramLabel = "<app-id>", description = "The application ID.")
        String appId;
        @Option(names = "--options", paramLabel = "<file>", description = "A JSON file with the package's installation options.")
        String options;
        @Option(names = "--package-version", paramLabel = "<package-version>", description = "The package version.")
        String version;
        @Option(names = "--yes", description = "Disable interactive mode and assume \"yes\" is the answer to all prompts.")
        boolean yes;

        Install(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            if (appOnly && cliOnly) throw new CliException("--app and --cli are mutually exclusive");
            if (global) cli.err.println("Usage of --global is deprecated; it has no effect.");
            boolean wantApp = !cliOnly;
            boolean wantCli = !appOnly;
            JsonNode userOptions = OptionsFile.read(cli, options);
            CosmosClient cosmos = CosmosClient.of(cli);
            JsonNode pkg = CosmosClient.packageOf(cosmos.describe(name, version));
            String pkgName = pkg.path("name").asText(name);
            String pkgVersion = pkg.path("version").asText(version);
            String pre = text(pkg, "preInstallNotes");
            if (wantApp && pre != null) cli.print().line(pre);
            if (!yes && !new Prompt(cli).confirm("Continue installing?")) {
                cli.print().line("Exiting installation.");
                return 1;
            }
            String post = text(pkg, "postInstallNotes");
            if (wantApp && template(pkg) != null) {
                // the options are checked against the package's schema before anything is started; a Cosmos
                // without render (404 that is not a Cosmos error) leaves the check to install itself
                try {
                    cosmos.render(pkgName, pkgVersion, userOptions, appId(appId));
                } catch (CosmosClient.Failure e) {
                    if (e.status() != 404 || e.type() != null) throw e;
                }
                cli.print().line("Installing Marathon app for package [" + pkgName + "] version [" + pkgVersion + "]");
                JsonNode installed = cosmos.install(pkgName, pkgVersion, userOptions, appId(appId));
                if (post == null) post = text(installed, "postInstallNotes");
            }
            if (wantCli && cliDefinition(pkg) != null) {
                String why = "this CLI does not install package subcommands";
                if (cliOnly) throw new CliException("Cannot install the CLI subcommand of package [" + pkgName + "]: " + why);
                cli.err.println("Skipped the CLI subcommand of package [" + pkgName + "]: " + why + ".");
            }
            if (wantApp && post != null) cli.print().line(post);
            return 0;
        }
    }

    @Command(name = "list", description = "Print a list of the installed DC/OS packages.")
    static final class ListPackages extends Base {
        @Parameters(index = "0", arity = "0..1", paramLabel = "<package-name>", description = "Only this package.")
        String name;
        @Option(names = "--json", description = "JSON-formatted data.")
        boolean json;
        @Option(names = "--app-id", paramLabel = "<app-id>", description = "Only the package installed as this app.")
        String appId;
        @Option(names = "--cli", description = "Only packages with an installed CLI subcommand (this CLI installs none).")
        boolean cliOnly;

        ListPackages(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            ArrayNode packages = cliOnly ? Jsons.array()
                    : PackageTables.installed(CosmosClient.of(cli).list(name, appId(appId)));
            if (json) {
                cli.print().json(packages);
                return 0;
            }
            if (packages.isEmpty()) {
                throw new CliException("There are currently no installed packages. Please use `dcos package install` to install a package.");
            }
            cli.print().table(PackageTables.installed(packages));
            return 0;
        }
    }

    @Command(name = "search", description = "Search the package repository.")
    static final class Search extends Base {
        @Parameters(index = "0", arity = "0..1", paramLabel = "<query>",
                description = "Pattern to search for, complete or partial; all packages when omitted.")
        String query;
        @Option(names = "--json", description = "JSON-formatted data.")
        boolean json;

        Search(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            JsonNode answer = CosmosClient.of(cli).search(query == null ? "" : query);
            if (json) {
                cli.print().json(answer);
                return 0;
            }
            if (answer.path("packages").isEmpty()) throw new CliException("No packages found.");
            cli.print().table(PackageTables.search(answer.path("packages")));
            return 0;
        }
    }

    @Command(name = "uninstall", description = "Uninstall a package.")
    static final class Uninstall extends Base {
        @Parameters(index = "0", paramLabel = "<package-name>", description = "Name of the DC/OS package.")
        String name;
        @Option(names = "--all", description = "All applications of the package.")
        boolean all;
        @Option(names = "--app", description = "Application only.")
        boolean appOnly;
        @Option(names = "--app-id", paramLabel = "<app-id>", description = "The application ID.")
        String appId;
        @Option(names = "--cli", description = "Command line only (this CLI installs no package subcommands).")
        boolean cliOnly;
        @Option(names = "--yes", description = "Disable interactive mode and assume \"yes\" is the answer to all prompts.")
        boolean yes;

        Uninstall(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            if (cliOnly && (appOnly || appId != null || all)) throw new CliException("--cli cannot be used with --app, --app-id, or --all");
            if (appId != null && all) throw new CliException("--app-id and --all are mutually exclusive");
            if (cliOnly) {
                cli.err.println("No CLI subcommand of package [" + name + "] to uninstall: this CLI does not install package subcommands.");
                return 0;
            }
            String id = appId(appId);
            CosmosClient cosmos = CosmosClient.of(cli);
            JsonNode installed = PackageTables.installed(cosmos.list(name, null));
            boolean any = false;
            for (JsonNode p : installed) any |= name.equals(p.path("name").asText());
            if (!any) {
                throw new CliException("Package [" + name + "]" + (id == null ? "" : " with id [" + id + "]") + " is not installed");
            }
            if (!yes && !confirmed(id)) {
                cli.print().line("Cancelling uninstall.");
                return 1;
            }
            JsonNode answer = cosmos.uninstall(name, id, all);
            Set<String> versions = new LinkedHashSet<>();
            for (JsonNode r : answer.path("results")) {
                String v = r.path("packageVersion").asText("");
                if (!versions.add(v)) continue;
                cli.err.println("Uninstalled package [" + r.path("packageName").asText(name) + "] version [" + v + "]");
                String notes = text(r, "postUninstallNotes");
                if (notes != null) cli.err.println(notes);
            }
            return 0;
        }

        /** The DC/OS CLI's guard: type the service's name (or the app id, or "uninstall all <name>"). */
        private boolean confirmed(String id) {
            String warning;
            String question;
            String expected;
            if (all) {
                warning = "WARNING: This action cannot be undone. This will uninstall all instances of the [" + name
                        + "] package, and delete all data for all " + name + " instances.";
                question = "Please type 'uninstall all " + name + "'";
                expected = "uninstall all " + name;
            } else if (id != null) {
                warning = "WARNING: This action cannot be undone. This will uninstall [" + id
                        + "] and delete all of its persistent data (logs, configurations, database artifacts, everything).";
                question = "Please type the full name of the app ID to confirm";
                expected = id;
            } else {
                warning = "WARNING: This action cannot be undone. This will uninstall [" + name
                        + "] and delete all of its persistent data (logs, configurations, database artifacts, everything).";
                question = "Please type the name of the service to confirm";
                expected = name;
            }
            cli.print().line(warning);
            return new Prompt(cli).confirmText(question, expected);
        }
    }

    /**
     * {@code dcos package update}: the DC/OS CLI before Cosmos fetched the repositories in {@code package.sources}
     * here. Cosmos keeps its repositories up to date itself, so this command now only carries the sources that
     * {@code dcos config prepend|append package.sources} put in the configuration over to Cosmos's repository
     * list (which is what search and install read); with none, it is the DC/OS CLI's deprecation notice.
     */
    @Command(name = "update", description = "Deprecated: add the repositories in package.sources to the cluster's list.")
    static final class Update extends Base {
        static final String NOTICE = "This command has been deprecated. Repositories will be automatically updated after "
                + "they are added by `dcos package repo add`";

        Update(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            List<String> sources = new ArrayList<>();
            Object configured = cli.config().get("package.sources");
            if (configured instanceof List<?> l) l.forEach(s -> sources.add(String.valueOf(s)));
            else if (configured != null) {
                // from the environment (DCOS_PACKAGE_SOURCES): comma-separated
                for (String s : configured.toString().split(",")) if (!s.isBlank()) sources.add(s.strip());
            }
            if (sources.isEmpty()) throw new CliException(NOTICE);
            CosmosClient cosmos = CosmosClient.of(cli);
            int failures = RepoCommands.addSources(cli, cosmos, sources);
            cli.err.println(NOTICE);
            return failures == 0 ? 0 : 1;
        }
    }
}
