package io.strata.gateway;

import io.strata.common.flags.CommandLineFlags;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Everything the gateway needs to start. Built by {@code dcos-node gateway} and by {@code dcos-node local}.
 *
 * @param bindHost     address to listen on (127.0.0.1 unless configured)
 * @param port         HTTP port (80 in a cluster, 8000 in {@code local}; 0 picks a free one)
 * @param master       where the Mesos masters are: {@code zk://h:2181/strata} (the leader is looked up in
 *                     ZooKeeper, as Mesos clients do) or {@code host:port}
 * @param marathonUrl  the root Marathon ({@code http://127.0.0.1:8080})
 * @param mesosDnsUrl  Mesos-DNS' HTTP API ({@code http://127.0.0.1:8123})
 * @param cosmosUrl    Cosmos, the package manager ({@code http://127.0.0.1:7070})
 * @param uiDir        a directory served at {@code /} (the web UI), or null
 * @param maxBodyBytes the largest request body the gateway forwards (413 above it)
 */
public record GatewayConfig(
        String bindHost,
        int port,
        String master,
        String marathonUrl,
        String mesosDnsUrl,
        String cosmosUrl,
        Path uiDir,
        long maxBodyBytes) {

    public static final int DEFAULT_PORT = 80;
    public static final int LOCAL_PORT = 8000;
    public static final String DEFAULT_MARATHON = "http://127.0.0.1:8080";
    public static final String DEFAULT_MESOS_DNS = "http://127.0.0.1:8123";
    public static final String DEFAULT_COSMOS = "http://127.0.0.1:7070";
    /** Large enough for package uploads to Cosmos and app definitions with big env blocks. */
    public static final long DEFAULT_MAX_BODY_BYTES = 64L * 1024 * 1024;

    public GatewayConfig {
        if (bindHost == null || bindHost.isBlank()) bindHost = "127.0.0.1";
        if (port < 0 || port > 65_535) throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        if (master == null || master.isBlank()) {
            throw new IllegalArgumentException("the gateway needs --master zk://host:2181/strata or host:5050");
        }
        marathonUrl = baseUrl(marathonUrl, DEFAULT_MARATHON, "--marathon");
        mesosDnsUrl = baseUrl(mesosDnsUrl, DEFAULT_MESOS_DNS, "--mesos-dns");
        cosmosUrl = baseUrl(cosmosUrl, DEFAULT_COSMOS, "--cosmos");
        if (maxBodyBytes <= 0) maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    }

    /** The defaults of {@code dcos-node local}: 127.0.0.1:8000 in front of the usual local ports. */
    public static GatewayConfig local(String master) {
        return new GatewayConfig("127.0.0.1", LOCAL_PORT, master, DEFAULT_MARATHON, DEFAULT_MESOS_DNS, DEFAULT_COSMOS,
                null, DEFAULT_MAX_BODY_BYTES);
    }

    public GatewayConfig withBindHost(String host) {
        return new GatewayConfig(host, port, master, marathonUrl, mesosDnsUrl, cosmosUrl, uiDir, maxBodyBytes);
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(bindHost, newPort, master, marathonUrl, mesosDnsUrl, cosmosUrl, uiDir, maxBodyBytes);
    }

    public GatewayConfig withMarathonUrl(String url) {
        return new GatewayConfig(bindHost, port, master, url, mesosDnsUrl, cosmosUrl, uiDir, maxBodyBytes);
    }

    public GatewayConfig withMesosDnsUrl(String url) {
        return new GatewayConfig(bindHost, port, master, marathonUrl, url, cosmosUrl, uiDir, maxBodyBytes);
    }

    public GatewayConfig withCosmosUrl(String url) {
        return new GatewayConfig(bindHost, port, master, marathonUrl, mesosDnsUrl, url, uiDir, maxBodyBytes);
    }

    public GatewayConfig withUiDir(Path dir) {
        return new GatewayConfig(bindHost, port, master, marathonUrl, mesosDnsUrl, cosmosUrl, dir, maxBodyBytes);
    }

    public GatewayConfig withMaxBodyBytes(long bytes) {
        return new GatewayConfig(bindHost, port, master, marathonUrl, mesosDnsUrl, cosmosUrl, uiDir, bytes);
    }

    /** {@code host:port} becomes {@code http://host:port}; trailing slashes go; anything but http(s) is refused. */
    static String baseUrl(String url, String fallback, String flag) {
        if (url == null || url.isBlank()) return fallback;
        String u = url.strip();
        if (!u.contains("://")) u = "http://" + u;
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        URI parsed;
        try {
            parsed = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + " is not a URL: '" + url + "'");
        }
        if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme()) || parsed.getHost() == null) {
            throw new IllegalArgumentException(flag + " must be an http:// or https:// URL, got '" + url + "'");
        }
        return u;
    }

    /**
     * Parses the gateway's flags, e.g. {@code --master zk://127.0.0.1:2181/strata --port 80}. Throws
     * {@link IllegalArgumentException} with picocli's message on bad input.
     */
    public static GatewayConfig parse(String... args) {
        return CommandLineFlags.parse(new Flags(), args);
    }

    /** The flags, for a launcher that embeds them as a picocli subcommand ({@code dcos-node gateway}). */
    @Command(name = "gateway", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Runs the gateway (Admin Router): one port in front of the master, Marathon, services, "
                    + "agents, Mesos-DNS and Cosmos.")
    public static final class Flags implements Callable<GatewayConfig> {
        @Option(names = "--master", required = true, paramLabel = "URL",
                description = "The masters: zk://host:2181/strata (the leader is found in ZooKeeper) or host:5050.")
        String master;
        @Option(names = {"--host", "--ip"}, defaultValue = "127.0.0.1", paramLabel = "ADDR",
                description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
        String host;
        @Option(names = "--port", defaultValue = "80", paramLabel = "PORT", description = "Port to listen on. Default: ${DEFAULT-VALUE}.")
        int port;
        @Option(names = "--marathon", defaultValue = DEFAULT_MARATHON, paramLabel = "URL",
                description = "The root Marathon. Default: ${DEFAULT-VALUE}.")
        String marathon;
        @Option(names = {"--mesos-dns", "--mesos_dns"}, defaultValue = DEFAULT_MESOS_DNS, paramLabel = "URL",
                description = "Mesos-DNS' HTTP API. Default: ${DEFAULT-VALUE}.")
        String mesosDns;
        @Option(names = "--cosmos", defaultValue = DEFAULT_COSMOS, paramLabel = "URL",
                description = "Cosmos, the package manager. Default: ${DEFAULT-VALUE}.")
        String cosmos;
        @Option(names = {"--ui-dir", "--ui_dir"}, paramLabel = "DIR", description = "A directory served at / (the web UI).")
        Path uiDir;
        @Option(names = {"--max-body-size", "--max_body_size"}, defaultValue = "64m", paramLabel = "SIZE",
                description = "Largest request body forwarded (bytes, or with k, m, g). Default: ${DEFAULT-VALUE}.")
        String maxBody;

        @Override
        public GatewayConfig call() {
            return toConfig();
        }

        public GatewayConfig toConfig() {
            return new GatewayConfig(host, port, master, marathon, mesosDns, cosmos, uiDir, size(maxBody));
        }
    }

    /** {@code 1048576}, {@code 64k}, {@code 64m}, {@code 1g}. */
    static long size(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("b")) t = t.substring(0, t.length() - 1);
        if (t.endsWith("k")) unit = 1024;
        else if (t.endsWith("m")) unit = 1024 * 1024;
        else if (t.endsWith("g")) unit = 1024L * 1024 * 1024;
        if (unit > 1) t = t.substring(0, t.length() - 1);
        try {
            long n = Long.parseLong(t.strip());
            if (n <= 0) throw new NumberFormatException();
            return n * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--max-body-size must be a positive size like 1048576, 64k or 64m, got '" + text + "'");
        }
    }
}
