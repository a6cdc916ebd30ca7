package io.strata.node;

import io.strata.cosmos.CosmosConfig;
import io.strata.cosmos.CosmosServer;
import io.strata.cosmos.repository.PackageRepository;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dcos-node cosmos}: the package manager (Cosmos' API; installs become Marathon apps). */
@Command(name = "cosmos", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Run Cosmos, the package manager: Universe repositories (served JSON, zip or a source-layout "
                + "directory), /package/search, describe, render, install, uninstall, list and repository/*.",
                "Installs are Marathon apps with DCOS_PACKAGE_* labels; the repository list is kept in ZooKeeper."})
public final class CosmosCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "7070", paramLabel = "PORT", description = "Port. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = {"--host", "--ip"}, defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address to listen on (0.0.0.0 for every interface). Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--marathon", defaultValue = CosmosConfig.DEFAULT_MARATHON, paramLabel = "URL",
            description = "The Marathon packages are installed into. Default: ${DEFAULT-VALUE}.")
    String marathon;

    @Option(names = "--zk", defaultValue = CosmosConfig.DEFAULT_ZK, paramLabel = "URL",
            description = "ZooKeeper path for the repository list; 'none' keeps it in memory (lost on restart). "
                    + "Default: ${DEFAULT-VALUE}.")
    String zk;

    @Option(names = "--master", defaultValue = "zk://127.0.0.1:2181/strata", paramLabel = "URL",
            description = "The Mesos masters (zk://host:2181/strata or host:5050): uninstall tears down the package's "
                    + "framework there, as Cosmos does; 'none' leaves frameworks alone. Default: ${DEFAULT-VALUE}.")
    String master;

    @Option(names = "--repository", paramLabel = "NAME=URI",
            description = "A repository of the default list, used until the list is changed (repeatable, highest "
                    + "priority first). Default: Universe=" + PackageRepository.BUILTIN_URI + " (the built-in packages).")
    List<String> repositories = new ArrayList<>();

    @Option(names = "--allow-file-repositories",
            description = "Let repository/add take file: URIs (a directory in the Universe source layout, a repository "
                    + "JSON or zip file on this machine).")
    boolean allowFiles;

    @Option(names = "--repository-timeout", defaultValue = "30s", paramLabel = "DURATION",
            description = "How long fetching one repository may take. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--repository-refresh", defaultValue = "60s", paramLabel = "DURATION",
            description = "How long a fetched repository is used before it is fetched again. Default: ${DEFAULT-VALUE}.")
    Duration refresh;

    @Mixin
    LogOptions log = new LogOptions();

    CosmosConfig toConfig() {
        try {
            List<PackageRepository> repos = repositories.isEmpty() ? null
                    : repositories.stream().map(CosmosConfig::repository).toList();
            return new CosmosConfig(host, port, marathon, zk, master, repos, allowFiles, timeout, refresh, 0);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    @Override
    public Integer call() throws Exception {
        log.apply();
        CosmosConfig config = toConfig();
        if (port != 0) PortCheck.requireFree(host, Map.of(port, "--port"));
        Lifecycle life = new Lifecycle(null);
        CosmosServer cosmos;
        try {
            cosmos = CosmosServer.start(config);
        } catch (IllegalStateException e) {
            throw new UserError("Cosmos failed to start: " + UserError.describe(e), e);
        }
        life.add("cosmos", cosmos);
        System.out.println("Cosmos listening on http://" + host + ":" + cosmos.port() + " (Marathon " + config.marathonUrl()
                + ", repositories in " + (config.zk() == null ? "memory" : config.zk()) + ")");
        life.runUntilSignalled();
        return 0;
    }
}
