package io.strata.node;

import io.strata.cosmos.universe.RepositoryFormat;
import io.strata.cosmos.universe.UniverseBuild;
import io.strata.cosmos.universe.UniversePackage;
import io.strata.cosmos.universe.UniverseServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dcos-node universe build|serve}: make and serve a Universe repository of one's own, so a cluster without
 * internet access installs packages from it ({@code dcos package repo add local http://host:port/repo}).
 */
@Command(name = "universe", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Build a Universe repository from the source layout, or serve one over HTTP (for air-gapped clusters).",
        subcommands = {UniverseCommand.Build.class, UniverseCommand.Serve.class})
public final class UniverseCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose 'build' or 'serve'");
    }

    @Command(name = "build", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            description = {"Build the repository JSON (packagingVersion of each package kept, templates base64) from a "
                    + "directory in the Universe source layout: packages/<L>/<name>/<revision>/package.json, config.json, "
                    + "marathon.json.mustache, resource.json, command.json.",
                    "An --out ending in .zip writes the JSON zipped."})
    public static final class Build implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "The source layout (DIR/packages/... or DIR/repo/packages/...).")
        Path dir;

        @Option(names = {"--out", "-o"}, required = true, paramLabel = "FILE", description = "repo.json or repo.zip.")
        Path out;

        @Mixin
        LogOptions log = new LogOptions();

        @Override
        public Integer call() throws Exception {
            log.apply();
            if (!Files.isDirectory(dir)) throw new UserError(dir + " is not a directory");
            List<UniversePackage> pkgs;
            try {
                pkgs = UniverseBuild.build(dir, out);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage(), e);
            }
            long names = pkgs.stream().map(UniversePackage::name).distinct().count();
            System.out.println("Wrote " + out + ": " + pkgs.size() + " package releases of " + names + " packages");
            return 0;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            description = {"Serve a repository at http://HOST:PORT/repo with Universe's media types "
                    + "(application/vnd.dcos.universe.repo+json;charset=utf-8;version=v3|v4|v5, chosen by the Accept header, "
                    + "or application/zip).",
                    "Add it to Cosmos with: dcos package repo add local http://HOST:PORT/repo"})
    public static final class Serve implements Callable<Integer> {
        static final class Source {
            @Option(names = "--dir", paramLabel = "DIR", description = "A directory in the Universe source layout.")
            Path dir;

            @Option(names = "--repo", paramLabel = "FILE", description = "A repository JSON or zip file (e.g. from 'build').")
            Path repo;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        @Option(names = "--port", defaultValue = "8082", paramLabel = "PORT", description = "Port. Default: ${DEFAULT-VALUE}.")
        int port;

        @Option(names = {"--host", "--ip"}, defaultValue = "127.0.0.1", paramLabel = "ADDR",
                description = "Address to listen on (0.0.0.0 for every interface). Default: ${DEFAULT-VALUE}.")
        String host;

        @Mixin
        LogOptions log = new LogOptions();

        @Override
        public Integer call() throws Exception {
            log.apply();
            Path from = source.dir != null ? source.dir : source.repo;
            if (!Files.exists(from)) throw new UserError(from + " does not exist");
            List<UniversePackage> pkgs;
            try {
                pkgs = RepositoryFormat.read(from);
            } catch (IllegalArgumentException e) {
                throw new UserError(from + ": " + e.getMessage(), e);
            }
            if (port != 0) PortCheck.requireFree(host, Map.of(port, "--port"));
            Lifecycle life = new Lifecycle(null);
            UniverseServer server = UniverseServer.start(host, port, pkgs);
            life.add("universe", server);
            System.out.println("Serving " + pkgs.size() + " package releases from " + from + " at http://" + host + ":"
                    + server.port() + "/repo");
            life.runUntilSignalled();
            return 0;
        }
    }
}
