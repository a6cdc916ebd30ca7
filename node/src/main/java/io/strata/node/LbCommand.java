package io.strata.node;

import io.strata.lb.LbConfig;
import io.strata.lb.LbServer;
import io.strata.lb.zdd.Zdd;
import io.strata.lb.zdd.ZddConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code dcos-node lb}: the marathon-lb compatible load balancer. Its flags are marathon-lb's own
 * ({@link LbConfig.Flags}); {@code dcos-node lb zdd} is marathon-lb's zero-downtime deployment tool.
 */
@Command(name = "lb", versionProvider = Version.class, subcommands = LbCommand.ZddCommand.class,
        description = {"Run the load balancer: a real HAProxy configured from Marathon apps' HAPROXY_* labels, as "
                + "marathon-lb does.", "Example: dcos-node lb --marathon http://127.0.0.1:8080 --group external --sse",
                "Blue/green deployments: dcos-node lb zdd --help"})
public final class LbCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, description = "Show this help message and exit.")
    boolean help;

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (help || args.contains("--help") || args.contains("-h")) {
            new CommandLine(new LbConfig.Flags()).usage(System.out);
            return 0;
        }
        LbConfig config;
        try {
            config = LbConfig.parse(args.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage() + " (see dcos-node lb --help)", e);
        }
        if (config.dry()) {
            LbServer.dryRun(config, System.out);
            return 0;
        }
        Lifecycle life = new Lifecycle(null);
        LbServer lb = LbServer.start(config);
        life.add("lb", lb);
        System.out.println("Load balancer for Marathon " + config.marathons() + " (group " + config.groups()
                + "), API on port " + lb.apiPort());
        life.runUntilSignalled();
        return 0;
    }

    /** {@code dcos-node lb zdd}: marathon-lb's zdd (blue/green with HAPROXY_DEPLOYMENT_GROUP). */
    @Command(name = "zdd", description = "Zero-downtime (blue/green) deployment of a Marathon app behind the load "
            + "balancer, as marathon-lb's zdd.py does.")
    static final class ZddCommand implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, description = "Show this help message and exit.")
        boolean help;

        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            if (help || args.contains("--help") || args.contains("-h")) {
                new CommandLine(new ZddConfig.Flags()).usage(System.out);
                return 0;
            }
            ZddConfig config;
            try {
                config = ZddConfig.parse(args.toArray(String[]::new));
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage() + " (see dcos-node lb zdd --help)", e);
            }
            return Zdd.run(config, System.out) ? 0 : 1;
        }
    }
}
