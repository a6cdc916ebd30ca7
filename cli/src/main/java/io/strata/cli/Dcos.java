package io.strata.cli;

import io.strata.cli.commands.ConfigCommand;
import io.strata.cli.commands.HelpCommand;
import io.strata.cli.marathon.MarathonCommand;
import io.strata.cli.mesos.NodeCommand;
import io.strata.cli.mesos.ServiceCommand;
import io.strata.cli.mesos.TaskCommand;
import io.strata.cli.packages.PackageCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dcos}: the DC/OS command line, against a Strata cluster (or a DC/OS one). Commands, flags, tables and
 * messages follow the DC/OS CLI; {@code --json} gives the API's JSON; errors are one line on stderr and exit 1.
 *
 * <p>Start-up time is what users feel: {@code --version} is answered before any of picocli, Jackson or the
 * HTTP client is loaded, and only the command family that was asked for is built.
 */
@Command(name = "dcos", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class, sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"The command line for your datacenter: deploy and manage apps with Marathon, install packages, "
                + "inspect the nodes, services and tasks Mesos runs, and configure which cluster to talk to.", ""},
        footerHeading = "%nEnvironment:%n",
        footer = {"  DCOS_CONFIG   the configuration file (default: $DCOS_DIR/dcos.toml)",
                "  DCOS_DIR      the configuration directory (default: ~/.dcos)",
                "  DCOS_URL      the cluster's URL, overriding core.dcos_url",
                "",
                "Run 'dcos <command> --help' for a command's usage."})
public final class Dcos implements Callable<Integer> {
    /** Every command, in the order help lists them. */
    static final CommandTree.Node TREE = CommandTree.node("dcos", Dcos.class,
            ConfigCommand.tree(),
            CommandTree.node("help", HelpCommand.class),
            MarathonCommand.tree(),
            NodeCommand.tree(),
            PackageCommand.tree(),
            ServiceCommand.tree(),
            TaskCommand.tree());

    @Option(names = "--debug", description = "Print stack traces of errors.")
    boolean debug;

    @Option(names = "--log-level", paramLabel = "<level>", description = "Accepted for compatibility; the CLI logs only errors.")
    String logLevel;

    private final Cli cli;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public Dcos(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        // `dcos` alone: what can I do?
        spec.commandLine().usage(cli.out);
        return 0;
    }

    public static void main(String[] args) {
        // a POST that fails on a reused connection must not be sent twice (an app would be created twice)
        System.setProperty("sun.net.http.retryPost", "false");
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            System.exit(Version.print(Cli.system()));
        }
        if (args.length == 1 && args[0].equals("__train")) {
            Training.run();
            System.exit(0);
        }
        int code = run(Cli.system(), args);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command line; returns the exit status. Tests call this with their own {@link Cli}. */
    public static int run(Cli cli, String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) return Version.print(cli);
        CommandLine cl = commandLine(cli, java.util.List.of(args));
        try {
            return cl.execute(args);
        } finally {
            cli.out.flush();
            cli.err.flush();
        }
    }

    /**
     * picocli's model of the commands on the path the words name ({@code marathon app list}): each command on it
     * with only the next one as its subcommand, and where the path ends, every subcommand (for its usage and for
     * "did you mean" when a word matches none).
     */
    public static CommandLine commandLine(Cli cli, java.util.List<String> words) {
        Factory factory = new Factory(cli);
        CommandLine root = build(TREE, factory, words);
        configure(root, cli);
        return root;
    }

    private static CommandLine build(CommandTree.Node node, Factory factory, java.util.List<String> words) {
        CommandLine cl = new CommandLine(node.command(), factory);
        if (node.children().isEmpty()) return cl;
        for (int i = 0; i < words.size(); i++) {
            CommandTree.Node next = node.find(words.get(i));
            if (next != null) {
                cl.addSubcommand(next.name(), build(next, factory, words.subList(i + 1, words.size())));
                return cl;
            }
        }
        for (CommandTree.Node child : node.children()) cl.addSubcommand(child.name(), new CommandLine(child.command(), factory));
        return cl;
    }

    static void configure(CommandLine cl, Cli cli) {
        cl.setOut(new java.io.PrintWriter(cli.out, true));
        cl.setErr(new java.io.PrintWriter(cli.err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            String name = c.getCommandSpec().qualifiedName();
            String message = ex.getMessage();
            java.util.List<String> close = ex instanceof CommandLine.UnmatchedArgumentException u
                    ? suggestions(u.getUnmatched(), c.getSubcommands().keySet()) : java.util.List.of();
            message += close.isEmpty() ? "." : ". Did you mean: " + String.join(" or ", close) + "?";
            cli.err.println("Error: " + message + " See '" + name + " --help'.");
            return 1;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            boolean debug = c.getCommandSpec().root().userObject() instanceof Dcos d && d.debug;
            if (ex instanceof CliException e) {
                if (debug) e.printStackTrace(cli.err);
                cli.err.println("Error: " + e.getMessage());
                return e.exitCode();
            }
            if (debug) ex.printStackTrace(cli.err);
            cli.err.println("Error: unexpected " + ex.getClass().getSimpleName() + ": " + ex.getMessage()
                    + " (run again with --debug for details)");
            return 1;
        });
    }

    /** Subcommand names within two edits of a mistyped word. */
    static java.util.List<String> suggestions(java.util.List<String> unmatched, java.util.Set<String> names) {
        if (unmatched.isEmpty()) return java.util.List.of();
        String word = unmatched.get(0);
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String n : names) {
            if (distance(word, n) <= 2 && !word.startsWith("-")) out.add(n);
        }
        return out;
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Creates commands with the {@link Cli} they work with. */
    static final class Factory implements CommandLine.IFactory {
        private final Cli cli;

        Factory(Cli cli) {
            this.cli = cli;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                var ctor = cls.getDeclaredConstructor(Cli.class);
                ctor.setAccessible(true);
                return ctor.newInstance(cli);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
