package io.strata.cli.marathon;

import static io.strata.cli.CommandTree.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.Cli;
import io.strata.cli.CliException;
import io.strata.cli.CommandTree;
import io.strata.cli.commands.Base;
import io.strata.cli.output.Jsons;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dcos marathon task}: the tasks Marathon runs for its apps. */
@Command(name = "task", description = "List, show, stop and kill Marathon's tasks.")
final class MarathonTaskCommands extends Base.Parent {
    MarathonTaskCommands(Cli cli) {
        super(cli);
    }

    static CommandTree.Node tree() {
        return node("task", MarathonTaskCommands.class, node("list", ListTasks.class), node("show", Show.class),
                node("stop", Stop.class), node("kill", Kill.class));
    }

    static JsonNode find(MarathonClient m, String taskId) {
        for (JsonNode t : m.tasks()) {
            if (t.path("id").asText().equals(taskId)) return t;
        }
        throw new CliException("Task '" + taskId + "' does not exist; list them with: dcos marathon task list");
    }

    @Command(name = "list", description = "List the tasks (of one app).")
    static final class ListTasks extends Base {
        @Parameters(arity = "0..1", paramLabel = "<app-id>")
        String appId;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;
        @Option(names = {"-q", "--quiet"}, description = "Print the ids only.")
        boolean quiet;

        ListTasks(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            MarathonClient m = MarathonCommand.client(cli);
            List<JsonNode> tasks = appId == null ? m.tasks() : m.appTasks(appId);
            if (quiet) tasks.forEach(t -> cli.print().line(t.path("id").asText()));
            else if (json) cli.print().json(MarathonCommand.array(tasks));
            else cli.print().table(Tables.tasks(tasks));
            return 0;
        }
    }

    @Command(name = "show", description = "Print a task's JSON.")
    static final class Show extends Base {
        @Parameters(paramLabel = "<task-id>")
        String taskId;

        Show(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            cli.print().json(find(MarathonCommand.client(cli), taskId));
            return 0;
        }
    }

    @Command(name = "stop", description = "Kill a task; Marathon replaces it.")
    static final class Stop extends Base {
        @Parameters(paramLabel = "<task-id>")
        String taskId;
        @Option(names = "--wipe", description = "Also wipe its persistent data.")
        boolean wipe;

        Stop(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            MarathonClient m = MarathonCommand.client(cli);
            find(m, taskId);
            JsonNode answer = m.killTasks(List.of(taskId), false, wipe);
            JsonNode tasks = answer == null ? Jsons.array() : answer.path("tasks");
            if (!tasks.isArray() || tasks.isEmpty()) throw new CliException("Task '" + taskId + "' does not exist");
            cli.print().json(tasks.get(0));
            return 0;
        }
    }

    @Command(name = "kill", description = "Kill one or more tasks.")
    static final class Kill extends Base {
        @Parameters(arity = "1..*", paramLabel = "<task-ids>")
        List<String> taskIds;
        @Option(names = "--scale", description = "Scale their apps down by as many.")
        boolean scale;
        @Option(names = "--wipe", description = "Also wipe their persistent data.")
        boolean wipe;
        @Option(names = "--json", description = "Print Marathon's answer as JSON.")
        boolean json;

        Kill(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            JsonNode answer = MarathonCommand.client(cli).killTasks(taskIds, scale, wipe);
            if (json) {
                cli.print().json(answer == null ? Jsons.object() : answer);
                return 0;
            }
            if (scale) {
                cli.print().line("Created deployment " + MarathonClient.deploymentId(answer));
                return 0;
            }
            List<String> ids = new ArrayList<>();
            if (answer != null) answer.path("tasks").forEach(t -> ids.add(t.path("id").asText()));
            cli.print().line("Killed tasks: " + ids);
            return ids.isEmpty() ? 1 : 0;
        }
    }
}
