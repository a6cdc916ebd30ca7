package io.strata.node;

import io.strata.marathon.MarathonConfig;
import io.strata.marathon.MarathonServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code dcos-node marathon}: a Marathon (1.x REST API) as a framework on the master. Its flags are Marathon's own
 * ({@link MarathonConfig.Flags}), so they are parsed there and listed by {@code --help} (which is therefore not a
 * picocli help option here: it would print this wrapper's empty usage instead).
 */
@Command(name = "marathon", versionProvider = Version.class,
        description = {"Run a Marathon: the Marathon 1.x REST API on --http-port, as a framework on the master.",
                "Example: dcos-node marathon --master zk://127.0.0.1:2181/strata --zk zk://127.0.0.1:2181/marathon "
                        + "--framework-name marathon --http-port 8080"})
public final class MarathonCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            new CommandLine(new MarathonConfig.Flags()).usage(System.out);
            return 0;
        }
        MarathonConfig config;
        try {
            config = MarathonConfig.parse(args.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage() + " (see dcos-node marathon --help)", e);
        }
        if (config.httpPort() != 0) PortCheck.requireFree(config.httpHost(), Map.of(config.httpPort(), "--http-port"));
        Lifecycle life = new Lifecycle(null);
        MarathonServer marathon = MarathonServer.start(config);
        life.add("marathon", marathon);
        System.out.println("Marathon '" + config.frameworkName() + "' listening on http://" + config.httpHost() + ":"
                + marathon.port() + " (master " + config.master() + ", state " + config.zk() + ")");
        life.runUntilSignalled();
        return 0;
    }
}
