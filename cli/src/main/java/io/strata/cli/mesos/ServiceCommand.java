package io.strata.cli.mesos;

import static io.strata.cli.CommandTree.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.strata.cli.Cli;
import io.strata.cli.CommandTree;
import io.strata.cli.commands.Base;
import io.strata.cli.output.Jsons;
import io.strata.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dcos service}: the frameworks registered with Mesos (Marathon, and what packages install). */
@Command(name = "service",
        description = "Show the services (Mesos frameworks) running in the cluster, and shut them down.")
public final class ServiceCommand extends Base {
    @Option(names = "--inactive", description = "Also the inactive ones (disconnected, within their failover timeout).")
    boolean inactive;
    @Option(names = "--completed", description = "Also the completed ones (torn down, or gone past their failover timeout).")
    boolean completed;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    ServiceCommand(Cli cli) {
        super(cli);
    }

    public static CommandTree.Node tree() {
        return node("service", ServiceCommand.class, node("shutdown", Shutdown.class));
    }

    @Override
    public Integer call() {
        JsonNode state = new MesosClient(cli).state();
        ArrayNode services = Jsons.array();
        for (JsonNode f : state.path("frameworks")) {
            if (f.path("active").asBoolean(true) || inactive) services.add(f);
        }
        if (completed) state.path("completed_frameworks").forEach(services::add);
        if (json) {
            cli.print().json(services);
            return 0;
        }
        Table t = new Table().left("NAME").center("HOST").center("ACTIVE").center("TASKS").center("CPU").center("MEM")
                .center("DISK").left("ID");
        for (JsonNode f : services) {
            JsonNode r = f.has("resources") ? f.path("resources") : f.path("used_resources");
            t.row(f.path("name").asText(), f.path("hostname").asText(), f.path("active").asBoolean() ? "True" : "False",
                    f.path("tasks").size(), num(r.path("cpus")), num(r.path("mem")), num(r.path("disk")), f.path("id").asText());
        }
        cli.print().table(t.sortBy("NAME"));
        return 0;
    }

    static String num(JsonNode n) {
        double d = n.asDouble(0);
        if (d == Math.rint(d)) return Long.toString((long) d) + ".0";
        return String.valueOf(Math.round(d * 1000) / 1000.0);
    }

    @Command(name = "shutdown", description = "Shut a service down: Mesos kills its tasks and removes it (a Marathon app would restart it; remove the app instead).")
    static final class Shutdown extends Base {
        @Parameters(paramLabel = "<service-id>", description = "The framework id (see dcos service).")
        String id;

        Shutdown(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            new MesosClient(cli).teardown(id);
            return 0;
        }
    }
}
