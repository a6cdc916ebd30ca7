package io.strata.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs {@code dcos ...} in-process with its own config file, environment, stdin and captured output. */
public final class CliRunner {
    public record Result(int code, String out, String err) {}

    private final Path home;
    private final Map<String, String> env = new HashMap<>();
    private String stdin = "";
    private boolean stdinIsTerminal;

    public CliRunner(Path home) {
        this.home = home;
        env.put("DCOS_CONFIG", home.resolve(".dcos/dcos.toml").toString());
    }

    public CliRunner env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public CliRunner stdin(String text) {
        this.stdin = text;
        return this;
    }

    public CliRunner terminal(boolean stdinIsTerminal) {
        this.stdinIsTerminal = stdinIsTerminal;
        return this;
    }

    public Path home() {
        return home;
    }

    public Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), Map.copyOf(env), home, stdinIsTerminal, false);
        int code = Dcos.run(cli, args);
        stdin = "";
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
