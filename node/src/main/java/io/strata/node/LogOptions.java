package io.strata.node;

import ch.qos.logback.classic.Level;
import picocli.CommandLine.Option;

/** {@code --log-level}, shared by every daemon command. */
public final class LogOptions {
    @Option(names = {"--log-level", "--logging_level"}, paramLabel = "LEVEL",
            description = "Root log level: trace, debug, info, warn, error (Mesos' WARNING is accepted). "
                    + "Default: $STRATA_LOG_LEVEL or info.")
    String level;

    /** The parsed level, or null when the flag was not given. */
    public Level parsed() {
        return level == null ? null : Logging.parseLevel(level);
    }

    /** Applies the flag (validating it) before anything logs. */
    public void apply() {
        Logging.setLevel(parsed());
        Logging.quietKnownNoise();
    }

    /** Whether the effective level shows debug lines (then failures print their stack traces too). */
    public boolean debug() {
        return !Logging.level().isGreaterOrEqual(Level.INFO);
    }
}
