package io.strata.cli;

import io.strata.cli.config.DcosConfig;
import io.strata.cli.http.Http;
import io.strata.cli.output.Printer;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What every command works with: the streams, the environment, the configuration and an HTTP client, created
 * when first needed so that commands that use none of them start fast. Tests make one with their own streams
 * and environment and run commands in-process.
 */
public final class Cli {
    /** Default for requests when {@code core.timeout} is not set. */
    static final int DEFAULT_TIMEOUT_SECONDS = 30;

    public final PrintStream out;
    public final PrintStream err;
    public final InputStream in;
    public final Map<String, String> env;
    public final Path home;
    /** Whether stdin is a terminal (then commands that read definitions from stdin ask for a file instead). */
    public final boolean stdinIsTerminal;
    /** Whether stdout is a terminal (then progress is redrawn in place). */
    public final boolean stdoutIsTerminal;
    private DcosConfig config;
    private Http http;
    private Printer printer;

    public Cli(PrintStream out, PrintStream err, InputStream in, Map<String, String> env, Path home,
               boolean stdinIsTerminal, boolean stdoutIsTerminal) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.env = env;
        this.home = home;
        this.stdinIsTerminal = stdinIsTerminal;
        this.stdoutIsTerminal = stdoutIsTerminal;
    }

    /** The process's own streams and environment; the launcher says whether stdin/stdout are terminals. */
    public static Cli system() {
        return new Cli(System.out, System.err, System.in, System.getenv(), Path.of(System.getProperty("user.home")),
                Boolean.getBoolean("strata.stdin.tty"), Boolean.getBoolean("strata.stdout.tty"));
    }

    public DcosConfig config() {
        if (config == null) config = DcosConfig.load(env, home);
        return config;
    }

    public Http http() {
        if (http == null) {
            DcosConfig c = config();
            http = new Http(Duration.ofSeconds(c.timeoutSeconds(DEFAULT_TIMEOUT_SECONDS)), c.string("core.dcos_acs_token"),
                    !"false".equalsIgnoreCase(String.valueOf(c.get("core.ssl_verify"))));
        }
        return http;
    }

    public Printer print() {
        if (printer == null) printer = new Printer(out);
        return printer;
    }

    /** The cluster's gateway, e.g. {@code http://127.0.0.1:8000}. */
    public String dcosUrl() {
        return config().dcosUrl();
    }

    /** Marathon: {@code marathon.url}, else the root Marathon behind the gateway. */
    public String marathonUrl() {
        String u = config().string("marathon.url");
        return u != null && !u.isBlank() ? trim(u) : dcosUrl() + "/service/marathon";
    }

    /** The leading master: {@code core.mesos_master_url}, else {@code /mesos} behind the gateway. */
    public String mesosUrl() {
        String u = config().string("core.mesos_master_url");
        return u != null && !u.isBlank() ? trim(u) : dcosUrl() + "/mesos";
    }

    /**
     * An agent: behind the gateway by id ({@code /agent/<id>}), or straight at its address when the CLI talks to
     * a master directly ({@code core.mesos_master_url}).
     */
    public String agentUrl(String agentId, String pid, String hostname, int port) {
        String direct = config().string("core.mesos_master_url");
        if (direct == null || direct.isBlank()) return dcosUrl() + "/agent/" + agentId;
        int at = pid == null ? -1 : pid.indexOf('@');
        if (at >= 0) return "http://" + pid.substring(at + 1);
        return "http://" + hostname + ":" + port;
    }

    private static String trim(String u) {
        String s = u.strip();
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return s;
    }
}
