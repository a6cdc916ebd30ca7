package io.strata.cli;

/**
 * A failure to report to the user as one line ({@code Error: <message>}) with exit status 1. The message says
 * what went wrong and, where there is one, what to do about it.
 */
public class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(String message) {
        this(message, 1);
    }

    public CliException(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
