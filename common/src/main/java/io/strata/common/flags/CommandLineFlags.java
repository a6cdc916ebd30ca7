package io.strata.common.flags;

import java.util.concurrent.Callable;
import picocli.CommandLine;

/** Parses a daemon's picocli flags object into its config, the way every {@code *Config.parse(String...)} does. */
public final class CommandLineFlags {
    private CommandLineFlags() {}

    /**
     * Parses {@code args} into {@code flags} (a picocli {@code @Command}) and returns what its {@link Callable#call()}
     * builds. Bad input (an unknown flag, a missing required one, a value of the wrong type) throws
     * {@link IllegalArgumentException} with picocli's message; exceptions from {@code call()} pass through unchanged.
     */
    public static <T> T parse(Callable<T> flags, String... args) {
        try {
            new CommandLine(flags).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        try {
            return flags.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
