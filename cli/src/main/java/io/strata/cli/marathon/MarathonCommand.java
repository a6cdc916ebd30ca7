package io.strata.cli.marathon;

import static io.strata.cli.CommandTree.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.cli.Cli;
import io.strata.cli.CliException;
import io.strata.cli.CommandTree;
import io.strata.cli.commands.Base;
import io.strata.cli.output.Jsons;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dcos marathon}: apps, groups, deployments and tasks in Marathon, over its v2 REST API. */
@Command(name = "marathon",
        description = "Deploy and manage applications with Marathon.")
public final class MarathonCommand extends Base.Parent {
    MarathonCommand(Cli cli) {
        super(cli);
    }

    public static CommandTree.Node tree() {
        return node("marathon", MarathonCommand.class,
                node("about", About.class),
                node("app", App.class,
                        node("add", App.Add.class), node("list", App.ListApps.class), node("remove", App.Remove.class),
                        node("restart", App.Restart.class), node("show", App.Show.class), node("start", App.Start.class),
                        node("stop", App.Stop.class), node("kill", App.Kill.class), node("update", App.Update.class),
                        node("version", App.AppVersion.class, node("list", App.AppVersion.VersionList.class))),
                DeploymentCommands.tree(),
                GroupCommands.tree(),
                MarathonTaskCommands.tree(),
                node("ping", Ping.class));
    }

    static MarathonClient client(Cli cli) {
        return new MarathonClient(cli.http(), cli.marathonUrl());
    }

    static void created(Cli cli, JsonNode answer, boolean json) {
        if (json) cli.print().json(answer == null ? Jsons.object() : answer);
        else cli.print().line("Created deployment " + MarathonClient.deploymentId(answer));
    }

    @Command(name = "about", description = "Print Marathon's info (/v2/info).")
    static final class About extends Base {
        About(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            cli.print().json(client(cli).info());
            return 0;
        }
    }

    @Command(name = "ping", description = "Check that Marathon answers.")
    static final class Ping extends Base {
        @Option(names = "--once", description = "Accepted for compatibility: Strata pings once.")
        boolean once;

        Ping(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            var r = cli.http().request("GET", cli.marathonUrl() + "/ping", null, cli.http().timeout());
            if (r.status() != 200) throw new CliException("Marathon at " + cli.marathonUrl() + " answered HTTP " + r.status());
            cli.print().line("Marathon ping response[1x]: " + r.body().strip());
            return 0;
        }
    }

    @Command(name = "app", description = "Add, list, change and remove applications.")
    static final class App extends Base.Parent {
        App(Cli cli) {
            super(cli);
        }

        @Command(name = "add", description = "Add an application from its JSON definition (a file, an http(s) URL, or stdin).")
        static final class Add extends Base {
            @Parameters(arity = "0..1", paramLabel = "<app-resource>", description = "The app's JSON; stdin when omitted.")
            String resource;
            @Option(names = "--json", description = "Print Marathon's answer as JSON.")
            boolean json;

            Add(Cli cli) {
                super(cli);
            }

            @Override
            public Integer call() {
                JsonNode app = Resources.read(cli, resource, "app definition", "dcos marathon app add marathon.json");
                if (!app.hasNonNull("id")) throw new CliException("The app definition has no \"id\"; add one, e.g. \"id\": \"/my-app\"");
                String id = MarathonClient.normalise(app.get("id").asText());
                MarathonClient m = client(cli);
                if (m.appExists(id)) {
                    throw new CliException("Application '" + id + "' already exists; change it with: dcos marathon app update " + id);
                }
                created(cli, m.addApp(app), json);
                return 0;
            }
        }

        @Command(name = "list", description = "List the applications.")
        static final class ListApps extends Base {
            @Option(names = "--json", description = "Print JSON.")
            boolean json;
            @Option(names = {"-q", "--quiet"}, description = "Print the ids only.")
            boolean quiet;

            ListApps(Cli cli) {
                super(cli);
            }

            @Override
            public Integer call() {
                MarathonClient m = client(cli);
                List<JsonNode> apps = m.apps();
                if (quiet) {
                    apps.forEach(a -> cli.print().line(a.path("id").asText()));
                } else if (json) {
                    cli.print().json(array(apps));
                } else {
                    cli.print().table(Tables.apps(apps, m.deployments(), m.queue()));
                }
                return 0;
            }
        }

        @Command(name = "remove", description = "Remove an application (its tasks are killed).")
        static final class Remove extends Base {
            @Parameters(paramLabel = "<app-id>")
            String id;
            @Option(names = "--force", description = "Override a deployment in progress.")
            boolean force;

            Remove(Cli cli) {
                super(cli);
            }

            @Override
            public Integer call() {
                client(cli).removeApp(id, force);
                return 0;
            }
        }

        @Command(name = "restart", description = "Replace every task of an application (a rolling restart).")
        static final class Restart extends Base {
            @Parameters(paramLabel = "<app-id>")
            String id;
            @Option(names = "--force", description = "Override a deployment in progress.")
            boolean force;
            @Option(names = "--json", description = "Print Marathon's answer as JSON.")
            boolean json;

            Restart(Cli cli) {
                super(cli);
            }

            @Override
            public Integer call() {
                MarathonClient m = client(cli);
                JsonNode app = m.app(id);
                if (app.path("instances").asInt() <= 0) {
                    throw new CliException("Unable to perform rolling restart of application '" + MarathonClient.normalise(id)
                            + "' because it has no running tasks; start it with: dcos marathon app start " + MarathonClient.normalise(id));
                }
                created(cli, m.restartApp(id, force), json);
                return 0;
            }
        }

        @Command(name = "show", description = "Print an application's definition (marathon.json).")
        static final class Show extends Base {
            @Parameters(paramLabel = "<app-id>")
            String id;
            @Option(names = "--app-version", paramLabel = "<app-version>",
                    description = "An ISO 8601 version, or a negative number counting back from the current one (-1: the previous).")
            String version;

            Show(Cli cli) {
                super(cli);
            }

            @Override
            public Integer call() {
                MarathonClient m = client(cli);
                if (version == null) {
                    cli.print().json(m.app(id));
                } else {
                    cli.print().json(m.appVersion(id, resolveVersion(m, id, version)));
                }
                return 0;
            }
        }

        @Command(name = "start", description = "Start a stopped application (scale it from 0).")
        static final class Start extends Base {
            @Parameters(index = "0", paramLabel = "<app-id>")
            String id;
            @Parameters(index = "1", arity = "0..1", paramLabel = "<instances>", description = "How many (default 1).")
            Integer instances;
            @Option(names = "--force", description = "Override a deployment in progress.")
            boolean force;
            @Option(names = "--json", description = "Print Marathon's answer as JSON.")
            boolean json;

            Start(Cli cli) {
                super(cli);
            }

            @Override
            public Integer call() {
                MarathonClient m = client(cli);
                String appId = MarathonClient.normalise(id);
                int current = m.app(id).path("instances").asInt();
                if (current > 0) {
                    cli.err.println("Error: Application '" + appId + "' already started: " + current + " instances.");
                    return 1;
                }
                int n = instances == null ? 1 : instances;
                if (n <= 0) throw new CliException("The number of instances must be positive: " + n);
                ObjectNode change = Jsons.object().put("id", appId).put("instances", n);
                created(cli, m.updateApp(id, change, force), json);
                return 0;
            }
        }

        @Command(name = "stop", description = "Stop an application (scale it to 0, keep its definition).")
        static final class Stop extends Base {
            @Parameters(paramLabel = "<app-id>")
            String id;
            @Option(names = "--force", description = "Override a deployment in progress.")
            boolean force;
            @Option(names = "--json", description = "Print Marathon's answer as JSON.")
            boolean json;

            Stop(Cli cli) {
                super(cli);
            }

            @Override
            public Integer call() {
                MarathonClient m = client(cli);
                String appId = MarathonClient.normalise(id);
                int current = m.app(id).path("instances").asInt();
                if (current <= 0) {
                    cli.err.println("Error: Application '" + appId + "' already stopped: " + current + " instances.");
                    return 1;
                }
                created(cli, m.updateApp(id, Jsons.object().put("instances", 0), force), json);
                return 0;
            }
        }

        @Command(name = "kill", description = "Kill an application's tasks; Marathon starts new ones unless --scale.")
        static final class Kill extends Base {
            @Parameters(paramLabel = "<app-id>")
            String id;
            @Option(names = "--scale", description = "Scale the app down by the tasks killed.")
            boolean scale;
            @Option(names = "--host", paramLabel = "<host>", description = "Only the tasks on this host.")
            String host;
            @Option(names = "--json", description = "Print Marathon's answer as JSON.")
            boolean json;

            Kill(Cli cli) {
                super(cli);
            }

            @Override
            public Integer call() {
                JsonNode answer = client(cli).killAppTasks(id, scale, host);
                if (json) {
                    cli.print().json(answer == null ? Jsons.object() : answer);
                    return 0;
                }
                if (scale) {
                    cli.print().line("Created deployment " + MarathonClient.deploymentId(answer));
                    return 0;
                }
                List<String> ids = new ArrayList<>();
                if (answer != null) answer.path("tasks").forEach(t -> ids.add(t.path("id").asText()));
                cli.print().line("Killed tasks: " + ids);
                return ids.isEmpty() ? 1 : 0;
            }
        }

        @Command(name = "update", description = {"Change an application: <key>=<value> properties (instances=3 cmd=\"sleep 100\"), "
                        + "or a JSON object on stdin."})
        static final class Update extends Base {
            @Parameters(index = "0", paramLabel = "<app-id>")
            String id;
            @Parameters(index = "1..*", arity = "0..*", paramLabel = "<properties>",
                    description = "Properties as <key>=<value>; values are JSON when they parse as JSON.")
            List<String> properties;
            @Option(names = "--force", description = "Override a deployment in progress.")
            boolean force;
            @Option(names = "--json", description = "Print Marathon's answer as JSON.")
            boolean json;

            Update(Cli cli) {
                super(cli);
            }

            @Override
            public Integer call() {
                MarathonClient m = client(cli);
                m.app(id); // says "App '/x' does not exist" before anything else
                JsonNode changes = Resources.propertiesOrStdin(cli, properties, "app properties",
                        "dcos marathon app update " + MarathonClient.normalise(id) + " instances=3");
                created(cli, m.updateApp(id, changes, force), json);
                return 0;
            }
        }

        @Command(name = "version", description = "An application's versions.")
        static final class AppVersion extends Base.Parent {
            AppVersion(Cli cli) {
                super(cli);
            }

            @Command(name = "list", description = "List an application's versions, newest first.")
            static final class VersionList extends Base {
                @Parameters(paramLabel = "<app-id>")
                String id;
                @Option(names = "--max-count", paramLabel = "<max-count>", description = "At most this many.")
                Integer maxCount;

                VersionList(Cli cli) {
                    super(cli);
                }

                @Override
                public Integer call() {
                    if (maxCount != null && maxCount <= 0) throw new CliException("--max-count must be positive, got " + maxCount);
                    List<String> versions = client(cli).appVersions(id);
                    ArrayNode a = Jsons.array();
                    for (int i = 0; i < versions.size() && (maxCount == null || i < maxCount); i++) a.add(versions.get(i));
                    cli.print().json(a);
                    return 0;
                }
            }
        }
    }

    /** {@code --app-version}: an absolute version, or -N for the N-th before the current one. */
    static String resolveVersion(MarathonClient m, String id, String version) {
        int relative;
        try {
            relative = Integer.parseInt(version.strip());
        } catch (NumberFormatException e) {
            if (!version.matches("\\d{4}-\\d{2}-\\d{2}T.*")) {
                throw new CliException("'" + version + "' is not a version: use an ISO 8601 time (see dcos marathon app version list "
                        + MarathonClient.normalise(id) + ") or a negative number");
            }
            return version;
        }
        if (relative >= 0) throw new CliException("Relative versions must be negative: " + relative);
        List<String> versions = m.appVersions(id);
        if (-relative >= versions.size()) {
            throw new CliException("Application '" + MarathonClient.normalise(id) + "' only has " + versions.size()
                    + " versions; " + relative + " goes back too far");
        }
        return versions.get(-relative);
    }

    static ArrayNode array(List<JsonNode> items) {
        ArrayNode a = Jsons.array();
        items.forEach(a::add);
        return a;
    }
}
