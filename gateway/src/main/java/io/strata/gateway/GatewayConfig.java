package io.strata.gateway;

import java.net.URI;
import java.nio.file.Path;

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
}
