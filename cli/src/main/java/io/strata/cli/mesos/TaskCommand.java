package io.strata.cli.mesos;

import static io.strata.cli.CommandTree.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.cli.Cli;
import io.strata.cli.CliException;
import io.strata.cli.CommandTree;
import io.strata.cli.commands.Base;
import io.strata.cli.output.Jsons;
import io.strata.cli.output.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dcos task}: the tasks Mesos runs, their logs and sandbox files. */
@Command(name = "task",
        description = "Show the tasks Mesos runs, print their logs, list their sandbox files.")
public final class TaskCommand extends Base {
    @ArgGroup(exclusive = true)
    Which which = new Which();
    @Option(names = "--json", description = "Print JSON.")
    boolean json;
    @Parameters(arity = "0..1", paramLabel = "<task>", description = "A task id, part of one, or a pattern (glob or regular expression).")
    String filter;

    /** --all | --completed */
    static final class Which {
        @Option(names = "--all", description = "Completed and running tasks.")
        boolean all;
        @Option(names = "--completed", description = "Completed tasks only.")
        boolean completed;
    }

    TaskCommand(Cli cli) {
        super(cli);
    }

    public static CommandTree.Node tree() {
        return node("task", TaskCommand.class, node("log", Log.class), node("ls", Ls.class));
    }

    @Override
    public Integer call() {
        MesosClient mesos = new MesosClient(cli);
        List<ObjectNode> tasks = tasks(mesos, filter, which);
        if (json) {
            ArrayNode a = Jsons.array();
            tasks.forEach(a::add);
            cli.print().json(a);
            return 0;
        }
        Map<String, JsonNode> agents = new HashMap<>();
        for (JsonNode a : mesos.agents()) agents.put(a.path("id").asText(), a);
        Table t = new Table().left("NAME").left("HOST").center("USER").center("STATE").left("ID").left("MESOS ID")
                .center("REGION").center("ZONE");
        for (JsonNode task : tasks) {
            JsonNode agent = agents.get(task.path("slave_id").asText());
            JsonNode fd = agent == null ? null : agent.path("domain").path("fault_domain");
            t.row(task.path("name").asText(), agent == null ? "---" : agent.path("hostname").asText(),
                    task.path("user").asText(""), shortState(task.path("state").asText()), task.path("id").asText(),
                    task.path("slave_id").asText(), fd == null ? "---" : fd.path("region").path("name").asText("---"),
                    fd == null ? "---" : fd.path("zone").path("name").asText("---"));
        }
        cli.print().table(t.sortBy("NAME"));
        return 0;
    }

    /** TASK_RUNNING → R, as the DC/OS CLI abbreviates states. */
    static String shortState(String state) {
        String last = state.substring(state.lastIndexOf('_') + 1);
        return last.isEmpty() ? "?" : last.substring(0, 1);
    }

    /** The tasks in the master's state that match, each with its framework's user when it has none. */
    static List<ObjectNode> tasks(MesosClient mesos, String filter, Which which) {
        boolean running = !which.completed;
        boolean completed = which.all || which.completed;
        Matcher matcher = new Matcher(filter);
        List<ObjectNode> out = new ArrayList<>();
        JsonNode state = mesos.state();
        List<JsonNode> frameworks = new ArrayList<>();
        state.path("frameworks").forEach(frameworks::add);
        state.path("completed_frameworks").forEach(frameworks::add);
        for (JsonNode f : frameworks) {
            List<JsonNode> candidates = new ArrayList<>();
            if (running) f.path("tasks").forEach(candidates::add);
            if (completed) f.path("completed_tasks").forEach(candidates::add);
            for (JsonNode t : candidates) {
                if (!matcher.matches(t.path("id").asText())) continue;
                ObjectNode task = ((ObjectNode) t).deepCopy();
                if (!task.hasNonNull("user")) task.put("user", f.path("user").asText(""));
                out.add(task);
            }
        }
        return out;
    }

    /** A task id, part of one, a glob or a regular expression, as the DC/OS CLI matches tasks. */
    static final class Matcher {
        private final String filter;
        private final Pattern glob;
        private final Pattern regex;

        Matcher(String filter) {
            this.filter = filter;
            this.glob = filter == null ? null : Pattern.compile(globToRegex(filter));
            Pattern r;
            try {
                r = filter == null ? null : Pattern.compile(filter);
            } catch (PatternSyntaxException e) {
                r = null;
            }
            this.regex = r;
        }

        boolean matches(String id) {
            if (filter == null) return true;
            return id.contains(filter) || glob.matcher(id).matches() || (regex != null && regex.matcher(id).find());
        }

        private static String globToRegex(String g) {
            StringBuilder b = new StringBuilder();
            for (char c : g.toCharArray()) {
                if (c == '*') b.append(".*");
                else if (c == '?') b.append('.');
                else b.append(Pattern.quote(String.valueOf(c)));
            }
            return b.toString();
        }
    }

    /** Where a task's sandbox is: the agent to ask and the directory on it. */
    record Sandbox(String agentBase, String directory) {}

    static Sandbox sandbox(MesosClient mesos, JsonNode task) {
        String agentId = task.path("slave_id").asText();
        String agentBase = mesos.agentUrl(agentId);
        String frameworkId = task.path("framework_id").asText();
        String executorId = task.path("executor_id").asText("");
        if (executorId.isEmpty()) executorId = task.path("id").asText();
        JsonNode state = mesos.agentState(agentBase);
        List<JsonNode> frameworks = new ArrayList<>();
        state.path("frameworks").forEach(frameworks::add);
        state.path("completed_frameworks").forEach(frameworks::add);
        for (JsonNode f : frameworks) {
            if (!f.path("id").asText().equals(frameworkId)) continue;
            List<JsonNode> executors = new ArrayList<>();
            f.path("executors").forEach(executors::add);
            f.path("completed_executors").forEach(executors::add);
            for (JsonNode e : executors) {
                if (e.path("id").asText().equals(executorId) && e.hasNonNull("directory")) {
                    return new Sandbox(agentBase, e.get("directory").asText());
                }
            }
        }
        // the agent attaches each executor's latest run under this virtual path as well
        return new Sandbox(agentBase, "/frameworks/" + frameworkId + "/executors/" + executorId + "/runs/latest");
    }

    static List<ObjectNode> matching(MesosClient mesos, String filter, Which which) {
        List<ObjectNode> tasks = tasks(mesos, filter, which);
        if (tasks.isEmpty()) {
            throw new CliException("No matching tasks" + (filter == null ? "" : " for '" + filter + "'")
                    + (which.all || which.completed ? "" : " (add --all for completed ones)") + "; list them with: dcos task");
        }
        return tasks;
    }

    @Command(name = "log", description = "Print a task's log (the end of its stdout, or another sandbox file); --follow for more as it comes.")
    static final class Log extends Base {
        @ArgGroup(exclusive = true)
        Which which = new Which();
        @Option(names = "--follow", description = "Keep printing what is appended.")
        boolean follow;
        @Option(names = "--lines", paramLabel = "N", defaultValue = "10", description = "How many lines (default ${DEFAULT-VALUE}).")
        int lines;
        @Parameters(index = "0", arity = "0..1", paramLabel = "<task>", description = "A task id, part of one, or a pattern.")
        String filter;
        @Parameters(index = "1", arity = "0..1", paramLabel = "<file>", defaultValue = "stdout",
                description = "The sandbox file (default ${DEFAULT-VALUE}; e.g. stderr).")
        String file;

        Log(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() throws InterruptedException {
            MesosClient mesos = new MesosClient(cli);
            List<ObjectNode> tasks = matching(mesos, filter, which);
            List<Logs.Source> sources = new ArrayList<>();
            for (JsonNode task : tasks) {
                String id = task.path("id").asText();
                Sandbox sb = sandbox(mesos, task);
                String path = sb.directory() + "/" + file;
                sources.add(new Logs.Source(id, new FileTail((o, l) -> mesos.read(sb.agentBase(), path, o, l)),
                        "No file '" + file + "' in the sandbox of task " + id + "; list its files with: dcos task ls " + id));
            }
            return Logs.print(cli, sources, lines, follow);
        }
    }

    @Command(name = "ls", description = "List the files in a task's sandbox.")
    static final class Ls extends Base {
        @ArgGroup(exclusive = true)
        Which which = new Which();
        @Option(names = "--long", description = "Show permissions, owner, size and time.")
        boolean longFormat;
        @Parameters(index = "0", paramLabel = "<task>")
        String filter;
        @Parameters(index = "1", arity = "0..1", paramLabel = "<path>", defaultValue = ".", description = "A directory in the sandbox.")
        String path;

        Ls(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            MesosClient mesos = new MesosClient(cli);
            List<ObjectNode> tasks = matching(mesos, filter, which);
            for (JsonNode task : tasks) {
                Sandbox sb = sandbox(mesos, task);
                String dir = path.equals(".") ? sb.directory() : sb.directory() + "/" + path;
                JsonNode entries = mesos.browse(sb.agentBase(), dir);
                if (entries == null) throw new CliException("No directory '" + path + "' in the sandbox of task " + task.path("id").asText());
                if (tasks.size() > 1) cli.out.println("===> " + task.path("id").asText() + " <===");
                if (longFormat) {
                    Table t = new Table().left("MODE").left("NLINK").left("UID").left("GID").right("SIZE").left("MTIME").left("PATH");
                    for (JsonNode e : entries) {
                        t.row(e.path("mode").asText(), e.path("nlink").asText(), e.path("uid").asText(), e.path("gid").asText(),
                                e.path("size").asText(), java.time.Instant.ofEpochSecond((long) e.path("mtime").asDouble()).toString(),
                                name(e.path("path").asText()));
                    }
                    String rendered = t.render();
                    cli.out.print(rendered.substring(rendered.indexOf('\n') + 1)); // no header, as ls -l
                } else {
                    List<String> names = new ArrayList<>();
                    entries.forEach(e -> names.add(name(e.path("path").asText())));
                    cli.out.println(String.join("  ", names));
                }
            }
            return 0;
        }

        private static String name(String p) {
            return p.substring(p.lastIndexOf('/') + 1);
        }
    }
}
