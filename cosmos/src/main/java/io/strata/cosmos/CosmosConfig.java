package io.strata.cosmos;

import io.strata.common.zk.ZkUri;
import io.strata.cosmos.repository.PackageRepository;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Everything Cosmos needs to start. Built by {@code dcos-node cosmos} and by {@code dcos-node local}.
 *
 * @param bindHost              address to listen on (127.0.0.1 unless configured)
 * @param port                  HTTP port (7070; 0 picks a free one)
 * @param marathonUrl           the Marathon that installs go to ({@code http://127.0.0.1:8080})
 * @param zk                    where the repository list is kept ({@code zk://127.0.0.1:2181/cosmos}), or null to
 *                              keep it in memory (lost on restart)
 * @param master                the Mesos masters ({@code zk://127.0.0.1:2181/strata} or {@code host:5050}), for tearing
 *                              down an uninstalled package's framework; null: frameworks are left alone
 * @param defaultRepositories   the list before anything is added or deleted (the built-in repository)
 * @param allowFileRepositories whether {@code file:} repository URIs may be added (they read this machine's files)
 * @param repositoryTimeout     how long fetching one repository may take
 * @param repositoryRefresh     how long a fetched repository is used before it is fetched again
 * @param maxRepositoryBytes    the largest repository accepted
 */
public record CosmosConfig(
        String bindHost,
        int port,
        String marathonUrl,
        String zk,
        String master,
        List<PackageRepository> defaultRepositories,
        boolean allowFileRepositories,
        Duration repositoryTimeout,
        Duration repositoryRefresh,
        long maxRepositoryBytes) {

    public static final int DEFAULT_PORT = 7070;
    public static final String DEFAULT_MARATHON = "http://127.0.0.1:8080";
    public static final String DEFAULT_ZK = "zk://127.0.0.1:2181/cosmos";
    /** The DC/OS release whose Cosmos API this speaks (sent to Universe servers in the User-Agent). */
    public static final String DCOS_VERSION = "1.13.0";

    public CosmosConfig {
        if (bindHost == null || bindHost.isBlank()) bindHost = "127.0.0.1";
        if (port < 0 || port > 65_535) throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        marathonUrl = baseUrl(marathonUrl == null ? DEFAULT_MARATHON : marathonUrl);
        if (zk != null && (zk.isBlank() || zk.equals("none"))) zk = null;
        if (zk != null) ZkUri.parse(zk);
        if (master != null && (master.isBlank() || master.equals("none"))) master = null;
        if (master != null) {
            if (master.startsWith("zk://")) ZkUri.parse(master);
            else if (!master.replaceFirst("^https?://", "").replaceAll("/+$", "").matches("[A-Za-z0-9.\\-]+:\\d{1,5}")) {
                throw new IllegalArgumentException("--master must be zk://host:2181/path or host:port, got '" + master + "'");
            }
        }
        defaultRepositories = defaultRepositories == null ? List.of(PackageRepository.BUILTIN) : List.copyOf(defaultRepositories);
        if (repositoryTimeout == null) repositoryTimeout = Duration.ofSeconds(30);
        if (repositoryRefresh == null) repositoryRefresh = Duration.ofMinutes(1);
        if (maxRepositoryBytes <= 0) maxRepositoryBytes = 64L * 1024 * 1024;
        if (repositoryTimeout.isNegative() || repositoryTimeout.isZero()) throw new IllegalArgumentException("--repository-timeout must be positive");
    }

    public static CosmosConfig defaults() {
        return new CosmosConfig("127.0.0.1", DEFAULT_PORT, DEFAULT_MARATHON, DEFAULT_ZK, null, null, false, null, null, 0);
    }

    public CosmosConfig withPort(int p) {
        return new CosmosConfig(bindHost, p, marathonUrl, zk, master, defaultRepositories, allowFileRepositories, repositoryTimeout,
                repositoryRefresh, maxRepositoryBytes);
    }

    public CosmosConfig withBindHost(String h) {
        return new CosmosConfig(h, port, marathonUrl, zk, master, defaultRepositories, allowFileRepositories, repositoryTimeout,
                repositoryRefresh, maxRepositoryBytes);
    }

    public CosmosConfig withMarathonUrl(String url) {
        return new CosmosConfig(bindHost, port, url, zk, master, defaultRepositories, allowFileRepositories, repositoryTimeout,
                repositoryRefresh, maxRepositoryBytes);
    }

    public CosmosConfig withZk(String z) {
        return new CosmosConfig(bindHost, port, marathonUrl, z, master, defaultRepositories, allowFileRepositories, repositoryTimeout,
                repositoryRefresh, maxRepositoryBytes);
    }

    public CosmosConfig withMaster(String m) {
        return new CosmosConfig(bindHost, port, marathonUrl, zk, m, defaultRepositories, allowFileRepositories, repositoryTimeout,
                repositoryRefresh, maxRepositoryBytes);
    }

    public CosmosConfig withDefaultRepositories(List<PackageRepository> repos) {
        return new CosmosConfig(bindHost, port, marathonUrl, zk, master, repos, allowFileRepositories, repositoryTimeout,
                repositoryRefresh, maxRepositoryBytes);
    }

    public CosmosConfig withAllowFileRepositories(boolean allow) {
        return new CosmosConfig(bindHost, port, marathonUrl, zk, master, defaultRepositories, allow, repositoryTimeout,
                repositoryRefresh, maxRepositoryBytes);
    }

    public CosmosConfig withRepositoryTimeout(Duration d) {
        return new CosmosConfig(bindHost, port, marathonUrl, zk, master, defaultRepositories, allowFileRepositories, d,
                repositoryRefresh, maxRepositoryBytes);
    }

    public CosmosConfig withRepositoryRefresh(Duration d) {
        return new CosmosConfig(bindHost, port, marathonUrl, zk, master, defaultRepositories, allowFileRepositories, repositoryTimeout,
                d, maxRepositoryBytes);
    }

    /** {@code host:port} becomes {@code http://host:port}; trailing slashes go; anything but http(s) is refused. */
    static String baseUrl(String url) {
        String u = url.strip();
        if (!u.contains("://")) u = "http://" + u;
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        URI parsed;
        try {
            parsed = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--marathon is not a URL: '" + url + "'");
        }
        if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme()) || parsed.getHost() == null) {
            throw new IllegalArgumentException("--marathon must be an http:// or https:// URL, got '" + url + "'");
        }
        return u;
    }

    /** {@code NAME=URI}, as {@code --repository} takes it. */
    public static PackageRepository repository(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new IllegalArgumentException("--repository takes NAME=URI, e.g. Universe=" + PackageRepository.BUILTIN_URI + ", got '" + spec + "'");
        }
        return new PackageRepository(spec.substring(0, eq).strip(), spec.substring(eq + 1).strip());
    }
}
