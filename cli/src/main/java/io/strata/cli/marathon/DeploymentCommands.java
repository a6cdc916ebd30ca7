package io.strata.cli.marathon;

import static io.strata.cli.CommandTree.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.Cli;
import io.strata.cli.CliException;
import io.strata.cli.CommandTree;
import io.strata.cli.commands.Base;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dcos marathon deployment}: what Marathon is changing right now. */
@Command(name = "deployment", description = "List, watch, stop and roll back deployments.")
final class DeploymentCommands extends Base.Parent {
    DeploymentCommands(Cli cli) {
        super(cli);
    }

    static CommandTree.Node tree() {
        return node("deployment", DeploymentCommands.class, node("list", ListDeployments.class), node("rollback", Rollback.class),
                node("stop", Stop.class), node("watch", Watch.class));
    }

    @Command(name = "list", description = "List the deployments in progress (of one app).")
    static final class ListDeployments extends Base {
        @Parameters(arity = "0..1", paramLabel = "<app-id>")
        String appId;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;
        @Option(names = {"-q", "--quiet"}, description = "Print the ids only.")
        boolean quiet;

        ListDeployments(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            List<JsonNode> all = MarathonCommand.client(cli).deployments();
            List<JsonNode> deployments = new ArrayList<>();
            String wanted = appId == null ? null : MarathonClient.normalise(appId);
            for (JsonNode d : all) {
                if (wanted == null) {
                    deployments.add(d);
                    continue;
                }
                for (JsonNode a : d.path("affectedApps")) {
                    if (a.asText().equals(wanted)) {
                        deployments.add(d);
                        break;
                    }
                }
            }
            if (json) {
                cli.print().json(MarathonCommand.array(deployments));
                return 0;
            }
            if (deployments.isEmpty()) {
                throw new CliException("There are no deployments" + (wanted == null ? "" : " for '" + wanted + "'"));
            }
            if (quiet) deployments.forEach(d -> cli.print().line(d.path("id").asText()));
            else cli.print().table(Tables.deployments(deployments));
            return 0;
        }
    }

    @Command(name = "rollback", description = "Undo a deployment in progress: Marathon starts one that goes back to where it began.")
    static final class Rollback extends Base {
        @Parameters(paramLabel = "<deployment-id>")
        String id;

        Rollback(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            JsonNode answer = MarathonCommand.client(cli).deleteDeployment(id, false);
            cli.print().json(answer == null ? io.strata.cli.output.Jsons.object() : answer);
            return 0;
        }
    }

    @Command(name = "stop", description = "Cancel a deployment in progress where it stands (no rollback).")
    static final class Stop extends Base {
        @Parameters(paramLabel = "<deployment-id>")
        String id;

        Stop(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            MarathonCommand.client(cli).deleteDeployment(id, true);
            return 0;
        }
    }

    @Command(name = "watch", description = "Follow a deployment until it finishes.")
    static final class Watch extends Base {
        @Parameters(paramLabel = "<deployment-id>")
        String id;
        @Option(names = "--max-count", paramLabel = "<max-count>", description = "Stop watching after this many looks.")
        Integer maxCount;
        @Option(names = "--interval", paramLabel = "<interval>", defaultValue = "1",
                description = "Seconds between looks (default ${DEFAULT-VALUE}).")
        double interval;
        @Option(names = "--json", description = "Print the deployment's JSON at every look.")
        boolean json;

        Watch(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() throws InterruptedException {
            if (interval <= 0) throw new CliException("--interval must be positive");
            MarathonClient m = MarathonCommand.client(cli);
            String last = null;
            boolean seen = false;
            long started = System.nanoTime();
            for (int count = 0; maxCount == null || count < maxCount; count++) {
                JsonNode d = find(m.deployments());
                if (d == null) {
                    if (cli.stdoutIsTerminal && last != null) cli.out.print("\r\033[K");
                    cli.print().line(seen ? "Deployment " + id + " finished"
                            : "Deployment " + id + " is not in progress (finished, or no such deployment)");
                    return 0;
                }
                seen = true;
                if (json) {
                    cli.print().json(d);
                } else {
                    String status = status(m, d);
                    if (cli.stdoutIsTerminal) {
                        long secs = (System.nanoTime() - started) / 1_000_000_000L;
                        cli.out.print("\r\033[K" + status + " (" + secs + " s)");
                        cli.out.flush();
                    } else if (!status.equals(last)) {
                        cli.print().line(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + status);
                    }
                    last = status;
                }
                Thread.sleep((long) (interval * 1000));
            }
            if (cli.stdoutIsTerminal && last != null) cli.out.println();
            return 0;
        }

        private JsonNode find(List<JsonNode> deployments) {
            for (JsonNode d : deployments) {
                if (d.path("id").asText().equals(id)) return d;
            }
            return null;
        }

        /** "Deployment 5ed4…: step 1/2: scale /web (2/3 running)". */
        private static String status(MarathonClient m, JsonNode d) {
            List<String> parts = new ArrayList<>();
            for (JsonNode a : d.path("currentActions")) {
                String app = a.path("app").asText(a.path("pod").asText(""));
                String text = Tables.action(a.path("action").asText()) + " " + app;
                if (a.hasNonNull("app")) {
                    try {
                        JsonNode appJson = m.app(app);
                        text += " (" + appJson.path("tasksRunning").asInt() + "/" + appJson.path("instances").asInt() + " running)";
                    } catch (CliException e) {
                        // the app went away (a stop or removal): the action says enough
                    }
                }
                parts.add(text);
            }
            return "Deployment " + d.path("id").asText() + ": step " + d.path("currentStep").asInt() + "/"
                    + d.path("totalSteps").asInt() + (parts.isEmpty() ? "" : ": " + String.join(", ", parts));
        }
    }
}
