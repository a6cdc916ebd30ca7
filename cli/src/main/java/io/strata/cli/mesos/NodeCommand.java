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
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dcos node}: the cluster's machines — the leading master and the agents. */
@Command(name = "node",
        description = "Show the cluster's nodes (the leading master and every agent), and their logs.")
public final class NodeCommand extends Base {
    static final String NA = "N/A";

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    NodeCommand(Cli cli) {
        super(cli);
    }

    public static CommandTree.Node tree() {
        return node("node", NodeCommand.class, node("list", ListNodes.class), node("log", Log.class));
    }

    @Override
    public Integer call() {
        return list(cli, json);
    }

    static int list(Cli cli, boolean json) {
        MesosClient mesos = new MesosClient(cli);
        JsonNode state = mesos.state();
        ArrayNode nodes = Jsons.array();
        ObjectNode master = nodes.addObject();
        String pid = state.path("pid").asText("");
        master.put("host", state.path("hostname").asText());
        master.put("ip", ip(pid, state.path("hostname").asText()));
        master.put("id", state.path("id").asText());
        master.put("type", "master (leader)");
        master.put("region", NA);
        master.put("zone", NA);
        master.put("pid", pid);
        for (JsonNode agent : mesos.agents()) {
            ObjectNode a = ((ObjectNode) agent).deepCopy();
            a.put("host", agent.path("hostname").asText());
            a.put("ip", ip(agent.path("pid").asText(""), agent.path("hostname").asText()));
            a.put("type", isPublic(agent) ? "agent (public)" : "agent");
            JsonNode fd = agent.path("domain").path("fault_domain");
            a.put("region", fd.path("region").path("name").asText(NA));
            a.put("zone", fd.path("zone").path("name").asText(NA));
            nodes.add(a);
        }
        if (json) {
            cli.print().json(nodes);
            return 0;
        }
        Table t = new Table().center("HOSTNAME").center("IP").center("ID").left("TYPE").center("REGION").center("ZONE");
        for (JsonNode n : nodes) {
            t.row(n.path("host").asText(), n.path("ip").asText(), n.path("id").asText(), n.path("type").asText(),
                    n.path("region").asText(), n.path("zone").asText());
        }
        cli.print().table(t);
        return 0;
    }

    /** The address in a libprocess pid ({@code slave(1)@10.0.0.2:5051}), else the host name. */
    static String ip(String pid, String fallback) {
        int at = pid.indexOf('@');
        int colon = pid.lastIndexOf(':');
        return at >= 0 && colon > at ? pid.substring(at + 1, colon) : fallback;
    }

    /** A public agent's resources are reserved for {@code slave_public} (or it says public_ip:true). */
    static boolean isPublic(JsonNode agent) {
        if (agent.path("reserved_resources").has("slave_public")) return true;
        return "true".equalsIgnoreCase(agent.path("attributes").path("public_ip").asText(""));
    }

    @Command(name = "list", description = "Show the nodes (same as dcos node).")
    static final class ListNodes extends Base {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        ListNodes(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            return list(cli, json);
        }
    }

    @Command(name = "log", description = "Print the leading master's or an agent's log (the end of it; --follow for more as it comes).")
    static final class Log extends Base {
        @Option(names = "--leader", description = "The leading master.")
        boolean leader;
        @Option(names = "--mesos-id", paramLabel = "<mesos-id>", description = "An agent, by id (see dcos node).")
        List<String> agentIds;
        @Option(names = "--follow", description = "Keep printing what is appended.")
        boolean follow;
        @Option(names = "--lines", paramLabel = "N", defaultValue = "10", description = "How many lines (default ${DEFAULT-VALUE}).")
        int lines;

        Log(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() throws InterruptedException {
            if (!leader && (agentIds == null || agentIds.isEmpty())) {
                throw new CliException("Choose a node: --leader or --mesos-id=<agent id> (see: dcos node)");
            }
            MesosClient mesos = new MesosClient(cli);
            List<Logs.Source> sources = new java.util.ArrayList<>();
            if (leader) {
                String base = cli.mesosUrl();
                sources.add(new Logs.Source("leading master", new FileTail((o, l) -> mesos.read(base, "/master/log", o, l)),
                        "The leading master does not serve its log through the files API (/files/read?path=/master/log); "
                                + "read it on the master's machine (dcos-node local: <work-dir>/logs/local.log)"));
            }
            if (agentIds != null) {
                for (String id : agentIds) {
                    String base = mesos.agentUrl(id);
                    sources.add(new Logs.Source("agent " + id, new FileTail((o, l) -> mesos.read(base, "/slave/log", o, l)),
                            "Agent " + id + " does not serve its log through the files API (/files/read?path=/slave/log); "
                                    + "read it on the agent's machine"));
                }
            }
            return Logs.print(cli, sources, lines, follow);
        }
    }
}
