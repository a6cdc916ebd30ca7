package io.strata.cli.commands;

import static io.strata.cli.CommandTree.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.cli.Cli;
import io.strata.cli.CliException;
import io.strata.cli.CommandTree;
import io.strata.cli.config.DcosConfig;
import io.strata.cli.output.Jsons;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dcos config}: read and change the CLI's configuration file. */
@Command(name = "config",
        description = "Manage the CLI's configuration file (~/.dcos/dcos.toml, or $DCOS_CONFIG).",
        footerHeading = "%nProperties:%n",
        footer = {"  core.dcos_url          the cluster's URL (default " + DcosConfig.DEFAULT_DCOS_URL + ", a local cluster)",
                "  core.mesos_master_url  talk to a Mesos master directly instead of through the cluster's URL",
                "  core.dcos_acs_token    the token sent with every request",
                "  core.timeout           seconds to wait for an answer (default 30)",
                "  core.ssl_verify        'false' to accept any TLS certificate",
                "  marathon.url           talk to this Marathon instead of the cluster's",
                "  package.sources        package repositories (a list: use prepend/append)",
                "Each property can be overridden by an environment variable: core.<key> by DCOS_<KEY> (core.dcos_url",
                "also by DCOS_URL), <section>.<key> by DCOS_<SECTION>_<KEY>."})
public final class ConfigCommand extends Base.Parent {
    ConfigCommand(Cli cli) {
        super(cli);
    }

    public static CommandTree.Node tree() {
        return node("config", ConfigCommand.class, node("set", Set.class), node("show", Show.class), node("unset", Unset.class),
                node("prepend", Prepend.class), node("append", Append.class), node("validate", Validate.class));
    }

    @Command(name = "set", description = "Set a property.")
    static final class Set extends Base {
        @Parameters(index = "0", paramLabel = "<name>", description = "The property, e.g. core.dcos_url.")
        String name;
        @Parameters(index = "1", paramLabel = "<value>", description = "The value; for a list, JSON-like [\"a\", \"b\"].")
        String value;

        Set(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            DcosConfig c = cli.config();
            Object old = c.set(name, value);
            c.save();
            Object now = c.stored().get(name);
            if (old == null) cli.print().line("[" + name + "]: set to '" + DcosConfig.display(now) + "'");
            else if (old.equals(now)) cli.print().line("[" + name + "]: already set to '" + DcosConfig.display(now) + "'");
            else cli.print().line("[" + name + "]: changed from '" + DcosConfig.display(old) + "' to '" + DcosConfig.display(now) + "'");
            return 0;
        }
    }

    @Command(name = "show", description = "Print the properties (or one property's value), the defaults included.")
    static final class Show extends Base {
        @Parameters(index = "0", arity = "0..1", paramLabel = "<name>", description = "Only this property's value.")
        String name;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        Show(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            DcosConfig c = cli.config();
            Map<String, Object> values = c.stored();
            values.putIfAbsent("core.dcos_url", c.get("core.dcos_url"));
            if (name != null) {
                Object v = c.get(name);
                if (v == null) throw new CliException("Property '" + name + "' doesn't exist; see them all with: dcos config show");
                if (json) cli.print().json(Jsons.MAPPER.valueToTree(v));
                else cli.print().line(DcosConfig.display(v));
                return 0;
            }
            if (json) {
                ObjectNode o = Jsons.object();
                values.forEach((k, v) -> o.set(k, Jsons.MAPPER.valueToTree(v)));
                cli.print().json(o);
                return 0;
            }
            values.forEach((k, v) -> cli.print().line(k + " " + DcosConfig.display(v)));
            return 0;
        }
    }

    @Command(name = "unset", description = "Remove a property from the file.")
    static final class Unset extends Base {
        @Parameters(index = "0", paramLabel = "<name>")
        String name;

        Unset(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            DcosConfig c = cli.config();
            c.unset(name);
            c.save();
            cli.print().line("Removed [" + name + "]");
            return 0;
        }
    }

    @Command(name = "prepend", description = "Add a value at the start of a list property (package.sources).")
    static final class Prepend extends Base {
        @Parameters(index = "0", paramLabel = "<name>")
        String name;
        @Parameters(index = "1", paramLabel = "<value>")
        String value;

        Prepend(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            return add(cli, name, value, true);
        }
    }

    @Command(name = "append", description = "Add a value at the end of a list property (package.sources).")
    static final class Append extends Base {
        @Parameters(index = "0", paramLabel = "<name>")
        String name;
        @Parameters(index = "1", paramLabel = "<value>")
        String value;

        Append(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            return add(cli, name, value, false);
        }
    }

    static int add(Cli cli, String name, String value, boolean atStart) {
        DcosConfig c = cli.config();
        List<Object> list = c.addToList(name, value, atStart);
        c.save();
        cli.print().line("[" + name + "]: " + (atStart ? "prepended" : "appended") + " '" + value + "'; now "
                + DcosConfig.display(list));
        if (name.equals("package.sources")) {
            // the cluster's package manager keeps the repositories that search and install read (docs/CLI.md)
            cli.err.println("Add the sources to the cluster's package repositories with: dcos package update "
                    + "(or one at a time: dcos package repo add <name> <url>)");
        }
        return 0;
    }

    @Command(name = "validate", description = "Check the file's properties against their types.")
    static final class Validate extends Base {

        Validate(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            List<String> problems = cli.config().validate();
            if (problems.isEmpty()) {
                cli.print().line(cli.config().file() + " is valid");
                return 0;
            }
            for (String p : problems) cli.err.println("Error: " + p);
            return 1;
        }
    }
}
