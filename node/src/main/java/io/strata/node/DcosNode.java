package io.strata.node;

import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code dcos-node}: the one launcher. Each subcommand runs one piece (or, with {@code local}, all of them)
 * until SIGTERM/SIGINT.
 */
@Command(name = "dcos-node", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Run a piece of a Strata cluster, or a whole cluster on this machine with 'local'.",
        subcommands = {LocalCommand.class, MasterCommand.class, AgentCommand.class, ZooKeeperCommand.class,
                MarathonCommand.class, DnsCommand.class, GatewayCommand.class, LbCommand.class,
                CosmosCommand.class, UniverseCommand.class,
                VersionCommand.class, CommandLine.HelpCommand.class})
public final class DcosNode implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code;
        try {
            code = commandLine().execute(args);
        } catch (Throwable t) {
            // an Error (a missing class, out of memory) skips picocli's handler; daemons' threads would keep the
            // JVM alive with nothing started, so report and exit
            System.err.println("dcos-node: " + UserError.describe(t));
            t.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

    /** The configured command line (also used by the tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new DcosNode());
        cl.registerConverter(Duration.class, text -> {
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        });
        cl.setExecutionExceptionHandler(new Failures());
        cl.setAbbreviatedOptionsAllowed(false);
        return cl;
    }

    @Override
    public void run() {
        // no subcommand: picocli prints this message and the usage, exit code 2
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command, e.g. 'dcos-node local'");
    }

    /** Turns failures into one line on stderr and exit code 1; the stack trace only at --log-level debug. */
    static final class Failures implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
            PrintWriter err = cl.getErr();
            String message = e instanceof UserError || e instanceof IllegalArgumentException
                    ? e.getMessage() : UserError.describe(e);
            err.println("dcos-node " + cl.getCommandName() + ": " + message);
            if (!Logging.level().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO)) {
                e.printStackTrace(err);
            } else if (!(e instanceof UserError) && !(e instanceof IllegalArgumentException)) {
                err.println("(run with --log-level debug for the stack trace)");
            }
            err.flush();
            return 1;
        }
    }
}
