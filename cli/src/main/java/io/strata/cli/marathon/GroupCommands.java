package io.strata.cli.marathon;

import static io.strata.cli.CommandTree.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.Cli;
import io.strata.cli.CliException;
import io.strata.cli.CommandTree;
import io.strata.cli.commands.Base;
import io.strata.cli.output.Jsons;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dcos marathon group}: groups of applications deployed together. */
@Command(name = "group", description = "Add, list, scale, change and remove groups.")
final class GroupCommands extends Base.Parent {
    GroupCommands(Cli cli) {
        super(cli);
    }

    static CommandTree.Node tree() {
        return node("group", GroupCommands.class, node("add", Add.class), node("list", ListGroups.class), node("scale", Scale.class),
                node("show", Show.class), node("remove", Remove.class), node("update", Update.class));
    }

    @Command(name = "add", description = "Add a group from its JSON definition (a file, an http(s) URL, or stdin).")
    static final class Add extends Base {
        @Parameters(arity = "0..1", paramLabel = "<group-resource>")
        String resource;
        @Option(names = "--json", description = "Print Marathon's answer as JSON.")
        boolean json;

        Add(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            JsonNode group = Resources.read(cli, resource, "group definition", "dcos marathon group add group.json");
            if (!group.hasNonNull("id")) throw new CliException("The group definition has no \"id\"; add one, e.g. \"id\": \"/my-group\"");
            String id = MarathonClient.normalise(group.get("id").asText());
            MarathonClient m = MarathonCommand.client(cli);
            if (m.groupExists(id)) {
                throw new CliException("Group '" + id + "' already exists; change it with: dcos marathon group update " + id);
            }
            MarathonCommand.created(cli, m.addGroup(group), json);
            return 0;
        }
    }

    @Command(name = "list", description = "List the groups and how many apps each holds.")
    static final class ListGroups extends Base {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        ListGroups(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            JsonNode root = MarathonCommand.client(cli).rootGroup();
            if (json) cli.print().json(root.path("groups").isArray() ? root.path("groups") : Jsons.array());
            else cli.print().table(Tables.groups(root));
            return 0;
        }
    }

    @Command(name = "scale", description = "Scale every app in a group by a factor.")
    static final class Scale extends Base {
        @Parameters(index = "0", paramLabel = "<group-id>")
        String id;
        @Parameters(index = "1", paramLabel = "<scale-factor>", description = "E.g. 2 doubles, 0.5 halves.")
        double factor;
        @Option(names = "--force", description = "Override a deployment in progress.")
        boolean force;
        @Option(names = "--json", description = "Print Marathon's answer as JSON.")
        boolean json;

        Scale(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            if (factor < 0) throw new CliException("The scale factor must not be negative: " + factor);
            MarathonCommand.created(cli, MarathonCommand.client(cli).updateGroup(id, Jsons.object().put("scaleBy", factor), force), json);
            return 0;
        }
    }

    @Command(name = "show", description = "Print a group's definition.")
    static final class Show extends Base {
        @Parameters(paramLabel = "<group-id>")
        String id;
        @Option(names = "--group-version", paramLabel = "<group-version>", description = "An ISO 8601 version of the group.")
        String version;

        Show(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            cli.print().json(MarathonCommand.client(cli).group(id, version));
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove a group and everything in it.")
    static final class Remove extends Base {
        @Parameters(paramLabel = "<group-id>")
        String id;
        @Option(names = "--force", description = "Override a deployment in progress.")
        boolean force;

        Remove(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            MarathonCommand.client(cli).removeGroup(id, force);
            return 0;
        }
    }

    @Command(name = "update", description = "Change a group: <key>=<value> properties, or a JSON object on stdin.")
    static final class Update extends Base {
        @Parameters(index = "0", paramLabel = "<group-id>")
        String id;
        @Parameters(index = "1..*", arity = "0..*", paramLabel = "<properties>")
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
            MarathonClient m = MarathonCommand.client(cli);
            m.group(id, null);
            JsonNode changes = Resources.propertiesOrStdin(cli, properties, "group properties",
                    "dcos marathon group update " + MarathonClient.normalise(id) + " < group.json");
            MarathonCommand.created(cli, m.updateGroup(id, changes, force), json);
            return 0;
        }
    }
}
