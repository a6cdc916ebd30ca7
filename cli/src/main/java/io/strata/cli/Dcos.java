package io.strata.cli;

import io.strata.cli.commands.ConfigCommand;
import io.strata.cli.commands.HelpCommand;
import io.strata.cli.marathon.MarathonCommand;
import io.strata.cli.mesos.NodeCommand;
import io.strata.cli.mesos.ServiceCommand;
import io.strata.cli.mesos.TaskCommand;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
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
        description = {"The command line for your datacenter: deploy and manage apps with Marathon, inspect the "
                + "nodes, services and tasks Mesos runs, and configure which cluster to talk to.", ""},
        footerHeading = "%nEnvironment:%n",
        footer = {"  DCOS_CONFIG   the configuration file (default: $DCOS_DIR/dcos.toml)",
                "  DCOS_DIR      the configuration directory (default: ~/.dcos)",
                "  DCOS_URL      the cluster's URL, overriding core.dcos_url",
                "",
                "Run 'dcos <command> --help' for a command's usage."})
public final class Dcos implements Callable<Integer> {
    /** The command families, in the order help lists them. Built only when used. */
    static final Map<String, Supplier<Class<?>>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("config", () -> ConfigCommand.class);
        COMMANDS.put("help", () -> HelpCommand.class);
        COMMANDS.put("marathon", () -> MarathonCommand.class);
        COMMANDS.put("node", () -> NodeCommand.class);
        COMMANDS.put("service", () -> ServiceCommand.class);
        COMMANDS.put("task", () -> TaskCommand.class);
    }

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
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            System.exit(Version.print(Cli.system()));
        }
        int code = run(Cli.system(), args);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command line; returns the exit status. Tests call this with their own {@link Cli}. */
    public static int run(Cli cli, String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) return Version.print(cli);
        CommandLine cl = commandLine(cli, firstCommand(args));
        try {
            return cl.execute(args);
        } finally {
            cli.out.flush();
            cli.err.flush();
        }
    }

    /** The first word that is not an option: the command family to build. */
    static String firstCommand(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--log-level")) {
                i++;
                continue;
            }
            if (!a.startsWith("-")) return a;
        }
        return null;
    }

    static CommandLine commandLine(Cli cli, String wanted) {
        Factory factory = new Factory(cli);
        CommandLine cl = new CommandLine(new Dcos(cli), factory);
        boolean all = wanted == null || !COMMANDS.containsKey(wanted) || wanted.equals("help");
        for (Map.Entry<String, Supplier<Class<?>>> e : COMMANDS.entrySet()) {
            if (all || e.getKey().equals(wanted)) cl.addSubcommand(e.getKey(), new CommandLine(e.getValue().get(), factory));
        }
        configure(cl, cli);
        return cl;
    }

    static void configure(CommandLine cl, Cli cli) {
        cl.setOut(new java.io.PrintWriter(cli.out, true));
        cl.setErr(new java.io.PrintWriter(cli.err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            String name = c.getCommandSpec().qualifiedName();
            cli.err.println("Error: " + ex.getMessage() + ". See '" + name + " --help'.");
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
