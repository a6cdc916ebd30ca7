package io.strata.lb.zdd;

import io.strata.common.flags.CommandLineFlags;
import io.strata.lb.marathon.MarathonClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A zero-downtime (blue/green) deployment, with marathon-lb's {@code zdd.py} options.
 *
 * @param marathons        {@code --marathon}: Marathon URLs
 * @param loadBalancers    {@code --marathon-lb}: every load balancer's stats URL (http://lb:9090); all must agree
 * @param appJson          {@code --json}: the app definition to deploy
 * @param dryRun           {@code --dry-run}: print the app that would be deployed and stop
 * @param force            {@code --force}: no questions
 * @param stepDelay        {@code --step-delay}: pause between checks
 * @param initialInstances {@code --initial-instances}: instances the new app starts with
 * @param linearIncrease   {@code --linear-increase}: grow the new app by this many (0: by half each step)
 * @param resume           {@code --resume}: continue a deployment that was interrupted
 * @param maxWait          {@code --max-wait}: longest wait for draining before going on
 * @param newInstances     {@code --new-instances}: split traffic, only this many new instances (hybrid)
 * @param completeCur      {@code --complete-cur}: finish a hybrid deployment towards the new version
 * @param completePrev     {@code --complete-prev}: finish it towards the previous version
 * @param preKillHook      {@code --pre-kill-hook}: run with (old app, task ids, new app) as JSON arguments before killing
 * @param credentials      {@code --auth-credentials}: user:password for Marathon
 */
public record ZddConfig(List<URI> marathons, List<URI> loadBalancers, Path appJson, boolean dryRun, boolean force,
                        Duration stepDelay, int initialInstances, int linearIncrease, boolean resume, Duration maxWait,
                        int newInstances, boolean completeCur, boolean completePrev, Path preKillHook, String credentials) {

    public ZddConfig {
        if (marathons == null || marathons.isEmpty()) throw new IllegalArgumentException("--marathon is required");
        if (loadBalancers == null || loadBalancers.isEmpty()) throw new IllegalArgumentException("--marathon-lb is required");
        if (appJson == null) throw new IllegalArgumentException("--json is required");
        if (stepDelay == null) stepDelay = Duration.ofSeconds(5);
        if (maxWait == null) maxWait = Duration.ofSeconds(300);
        if (initialInstances < 1) initialInstances = 1;
        if (completeCur && completePrev) throw new IllegalArgumentException("--complete-cur and --complete-prev exclude each other");
    }

    public static ZddConfig parse(String... args) {
        return CommandLineFlags.parse(new Flags(), args);
    }

    /** The flags, for {@code dcos-node lb zdd}. */
    @Command(name = "zdd", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Zero-downtime blue/green deployment of a Marathon app behind the load balancer (marathon-lb's zdd).")
    public static final class Flags implements Callable<ZddConfig> {
        @Option(names = {"--marathon", "-m"}, required = true, arity = "1..*", description = "Marathon URL(s)")
        List<String> marathon = new ArrayList<>();
        @Option(names = {"--marathon-lb", "-l"}, required = true, arity = "1..*",
                description = "Stats URL of each load balancer, e.g. http://lb:9090 (comma separated or repeated)")
        List<String> lb = new ArrayList<>();
        @Option(names = {"--json", "-j"}, required = true, description = "The app definition (JSON) to deploy")
        Path json;
        @Option(names = {"--dry-run", "-d"}, description = "Print the app that would be deployed and stop")
        boolean dryRun;
        @Option(names = {"--force", "-f"}, description = "Do not ask before deploying, killing and deleting")
        boolean force;
        @Option(names = {"--step-delay", "-s"}, defaultValue = "5", description = "Seconds between checks (default: ${DEFAULT-VALUE})")
        double stepDelay;
        @Option(names = {"--initial-instances", "-i"}, defaultValue = "1", description = "Instances the new app starts with (default: ${DEFAULT-VALUE})")
        int initialInstances;
        @Option(names = {"--linear-increase"}, defaultValue = "0", description = "Grow the new app by this many instances at a time (default: by half)")
        int linearIncrease;
        @Option(names = {"--resume", "-r"}, description = "Resume an interrupted deployment")
        boolean resume;
        @Option(names = {"--max-wait", "-w"}, defaultValue = "300", description = "Seconds to wait for tasks to drain (default: ${DEFAULT-VALUE})")
        double maxWait;
        @Option(names = {"--new-instances", "-n"}, defaultValue = "0", description = "Split traffic: start only this many new instances")
        int newInstances;
        @Option(names = {"--complete-cur", "-c"}, description = "Finish a split deployment on the new version")
        boolean completeCur;
        @Option(names = {"--complete-prev", "-p"}, description = "Finish a split deployment on the previous version")
        boolean completePrev;
        @Option(names = {"--pre-kill-hook"}, description = "Executable run before old tasks are killed, with the old app, the task ids and the new app as JSON")
        Path preKillHook;
        @Option(names = {"--auth-credentials"}, description = "user:password for Marathon")
        String credentials;
        @Option(names = {"--syslog-socket"}, description = "Accepted for zdd.py compatibility; Strata logs to stderr")
        String syslogSocket;

        @Override
        public ZddConfig call() {
            return toConfig();
        }

        public ZddConfig toConfig() {
            return new ZddConfig(MarathonClient.parseUrls(marathon), MarathonClient.parseUrls(lb), json, dryRun, force,
                    Duration.ofMillis((long) (stepDelay * 1000)), initialInstances, linearIncrease, resume,
                    Duration.ofMillis((long) (maxWait * 1000)), newInstances, completeCur, completePrev, preKillHook, credentials);
        }
    }
}
