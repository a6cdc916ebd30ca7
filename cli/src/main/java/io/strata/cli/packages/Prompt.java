package io.strata.cli.packages;

import io.strata.cli.Cli;
import io.strata.cli.CliException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The DC/OS CLI's questions on stdout, answered on stdin: three tries, then no. End of input reads as an empty
 * answer, so {@code dcos package install x < /dev/null} says no rather than hang.
 */
final class Prompt {
    static final int TRIES = 3;

    private final Cli cli;
    private BufferedReader in;

    Prompt(Cli cli) {
        this.cli = cli;
    }

    /** {@code <question> [yes/no] }: true for yes/y, false for no/n or three answers that are neither. */
    boolean confirm(String question) {
        for (int i = 0; i < TRIES; i++) {
            cli.out.print(question + " [yes/no] ");
            cli.out.flush();
            String answer = readLine().toLowerCase(Locale.ROOT);
            if (answer.equals("yes") || answer.equals("y")) return true;
            if (answer.equals("no") || answer.equals("n")) return false;
            cli.out.println("'" + answer + "' is not a valid response.");
        }
        return false;
    }

    /** {@code <question>: }: true once the answer is exactly {@code expected}, within three tries. */
    boolean confirmText(String question, String expected) {
        for (int i = 0; i < TRIES; i++) {
            cli.out.print(question + ": ");
            cli.out.flush();
            String answer = readLine();
            if (answer.equals(expected)) return true;
            cli.out.println("Expected '" + expected + "'. You supplied '" + answer + "'.");
        }
        return false;
    }

    private String readLine() {
        try {
            if (in == null) in = new BufferedReader(new InputStreamReader(cli.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            return line == null ? "" : line.strip();
        } catch (IOException e) {
            throw new CliException("Cannot read the answer from stdin: " + e.getMessage());
        }
    }
}
