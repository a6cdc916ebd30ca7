package io.strata.agent.health;

import io.strata.agent.containerizer.LaunchScript;
import io.strata.agent.containerizer.ProcessContainerizer;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.HealthCheck;

/**
 * Runs one health check against a task: a command in the task's sandbox and environment (exit 0 is healthy),
 * an HTTP(S) GET (2xx and 3xx are healthy; certificates are not verified, as Mesos' checker does not), or a
 * TCP connect. HTTP and TCP go to 127.0.0.1 first, then to the agent's advertised address.
 */
public final class HealthProbe {
    /** Runs a COMMAND check somewhere other than on the agent's host (in a Docker container): true when healthy. */
    public interface CommandRunner {
        boolean run(CommandInfo command, Duration timeout) throws InterruptedException;
    }

    private final HealthCheck check;
    private final Path sandbox;
    private final Map<String, String> taskEnvironment;
    private final List<String> hosts;
    private final HttpClient http;
    private final CommandRunner commands; // null: a process in the sandbox
    private final int port; // HTTP and TCP checks probe this port

    public HealthProbe(HealthCheck check, Path sandbox, Map<String, String> taskEnvironment, String advertisedHost) {
        this.check = check;
        this.sandbox = sandbox;
        this.taskEnvironment = taskEnvironment;
        this.hosts = hostsFor(advertisedHost);
        this.http = type(check) == HealthCheck.Type.HTTP ? httpClient(check) : null;
        this.commands = null;
        this.port = checkPort(check);
    }

    /**
     * A probe for a task in a container: COMMAND checks go to {@code commands}; HTTP and TCP checks probe
     * {@code port} (the check's port as reachable from the agent) on {@code hosts}, in order.
     */
    public HealthProbe(HealthCheck check, CommandRunner commands, List<String> hosts, int port) {
        this.check = check;
        this.sandbox = null;
        this.taskEnvironment = Map.of();
        this.hosts = List.copyOf(hosts);
        this.http = type(check) == HealthCheck.Type.HTTP ? httpClient(check) : null;
        this.commands = commands;
        this.port = port;
    }

    /** 127.0.0.1, then the agent's advertised address when it is another one. */
    public static List<String> hostsFor(String advertisedHost) {
        return advertisedHost == null || advertisedHost.equals("127.0.0.1") || advertisedHost.equals("localhost")
                ? List.of("127.0.0.1") : List.of("127.0.0.1", advertisedHost);
    }

    /** The port an HTTP or TCP check names (0 for other checks). */
    public static int checkPort(HealthCheck check) {
        return switch (type(check)) {
            case HTTP -> check.getHttp().getPort();
            case TCP -> check.getTcp().getPort();
            default -> 0;
        };
    }

    /** The check's type; pre-1.0 checks have no type and are known by the field they set. */
    public static HealthCheck.Type type(HealthCheck check) {
        if (check.hasType() && check.getType() != HealthCheck.Type.UNKNOWN) return check.getType();
        if (check.hasCommand()) return HealthCheck.Type.COMMAND;
        if (check.hasHttp()) return HealthCheck.Type.HTTP;
        if (check.hasTcp()) return HealthCheck.Type.TCP;
        return HealthCheck.Type.UNKNOWN;
    }

    /** Runs the check once; true when healthy. Never throws for a failing task. */
    public boolean probe(Duration timeout) throws InterruptedException {
        return switch (type(check)) {
            case COMMAND -> command(timeout);
            case HTTP -> http(timeout);
            case TCP -> tcp(timeout);
            default -> false;
        };
    }

    private boolean command(Duration timeout) throws InterruptedException {
        CommandInfo c = check.getCommand();
        if (commands != null) return commands.run(c, timeout);
        List<String> argv = new ArrayList<>();
        argv.add(LaunchScript.SETSID);
        try {
            argv.addAll(LaunchScript.commandLine(c));
        } catch (IllegalArgumentException e) {
            return false;
        }
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(sandbox.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().putAll(taskEnvironment);
        if (c.hasEnvironment()) {
            for (Environment.Variable v : c.getEnvironment().getVariablesList()) {
                if (!v.hasType() || v.getType() == Environment.Variable.Type.VALUE) pb.environment().put(v.getName(), v.getValue());
            }
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return false;
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                ProcessContainerizer.signalGroup(p.pid(), ProcessContainerizer.Signal.KILL);
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (InterruptedException e) {
            ProcessContainerizer.signalGroup(p.pid(), ProcessContainerizer.Signal.KILL);
            throw e;
        }
    }

    private boolean http(Duration timeout) throws InterruptedException {
        HealthCheck.HTTPCheckInfo h = check.getHttp();
        String scheme = h.hasScheme() && !h.getScheme().isBlank() ? h.getScheme() : "http";
        String path = h.getPath().isEmpty() ? "/" : (h.getPath().startsWith("/") ? h.getPath() : "/" + h.getPath());
        for (String host : hosts) {
            try {
                HttpRequest req = HttpRequest.newBuilder(URI.create(scheme + "://" + hostLiteral(host) + ":" + port + path))
                        .timeout(timeout).GET().build();
                int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                return status >= 200 && status < 400;
            } catch (ConnectException e) {
                // not listening on this address; try the next one
            } catch (IOException | IllegalArgumentException e) {
                return false;
            }
        }
        return false;
    }

    private static String hostLiteral(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private boolean tcp(Duration timeout) {
        for (String host : hosts) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
                return true;
            } catch (IOException e) {
                // try the next address
            }
        }
        return false;
    }

    private static HttpClient httpClient(HealthCheck check) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5));
        if ("https".equalsIgnoreCase(check.getHttp().getScheme())) {
            try {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
                b.sslContext(ctx);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException("no TLS available for HTTPS health checks", e);
            }
        }
        return b.build();
    }

    public void close() {
        if (http != null) http.close();
    }

    /** Health checks probe the task's own endpoint; like Mesos' checker they do not verify its certificate. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
