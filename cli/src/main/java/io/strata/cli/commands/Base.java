package io.strata.cli.commands;

import io.strata.cli.Cli;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A command: the {@link Cli} it works with, and its own spec (for usage and names). */
public abstract class Base implements Callable<Integer> {
    protected final Cli cli;

    @Spec
    protected CommandSpec spec;

    /** -h/--help on every command (declared once here: picocli's help mixin costs start-up time per command). */
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    protected Base(Cli cli) {
        this.cli = cli;
    }

    /** A command made of subcommands: alone, it prints its usage. */
    public abstract static class Parent extends Base {
        protected Parent(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            spec.commandLine().usage(cli.out);
            return 0;
        }
    }
}
