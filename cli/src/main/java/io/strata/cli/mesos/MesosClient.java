package io.strata.cli.mesos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.cli.Cli;
import io.strata.cli.CliException;
import io.strata.cli.http.Http;
import io.strata.cli.http.HttpErrors;
import io.strata.cli.output.Jsons;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The master's and agents' HTTP endpoints the {@code node}, {@code service} and {@code task} commands read:
 * {@code /master/state}, the operator API, each agent's {@code /state} and files API. Through the gateway the
 * master is {@code <dcos_url>/mesos} and an agent {@code <dcos_url>/agent/<id>}.
 */
public final class MesosClient {
    private final Cli cli;
    private final Http http;
    private JsonNode state;

    public MesosClient(Cli cli) {
        this.cli = cli;
        this.http = cli.http();
    }

    /** The leading master's {@code /master/state}, read once per command. */
    public JsonNode state() {
        if (state == null) state = http.get(cli.mesosUrl() + "/master/state");
        return state;
    }

    public List<JsonNode> agents() {
        List<JsonNode> out = new ArrayList<>();
        state().path("slaves").forEach(out::add);
        return out;
    }

    public JsonNode agent(String agentId) {
        for (JsonNode a : state().path("slaves")) {
            if (a.path("id").asText().equals(agentId)) return a;
        }
        return null;
    }

    /** Where to reach an agent: through the gateway by id, or at its own address. */
    public String agentUrl(JsonNode agent) {
        return cli.agentUrl(agent.path("id").asText(), agent.path("pid").asText(null), agent.path("hostname").asText(),
                agent.path("port").asInt(5051));
    }

    public String agentUrl(String agentId) {
        JsonNode a = agent(agentId);
        if (a == null) throw new CliException("Agent '" + agentId + "' is not known to the master; list the nodes with: dcos node");
        return agentUrl(a);
    }

    public JsonNode agentState(String agentBase) {
        return http.get(agentBase + "/state");
    }

    /** The v1 operator API's TEARDOWN: the framework's tasks are killed and it is removed. */
    public void teardown(String frameworkId) {
        ObjectNode call = Jsons.object().put("type", "TEARDOWN");
        call.putObject("teardown").putObject("framework_id").put("value", frameworkId);
        String url = cli.mesosUrl() + "/api/v1";
        Http.Response r = http.request("POST", url, Jsons.compact(call), http.timeout());
        if (r.status() / 100 != 2) {
            String text = r.body().strip();
            if (r.status() == 400 && text.toLowerCase().contains("cannot be found")) {
                throw new CliException("Service '" + frameworkId + "' is not registered with the master; list them with: dcos service");
            }
            throw new CliException(HttpErrors.message("POST", url, r.status(), r.body()));
        }
    }

    /** One read of the files API: {@code {"data": ..., "offset": ...}}; null when the file does not exist. */
    public JsonNode read(String base, String path, long offset, long length) {
        String url = base + "/files/read?path=" + enc(path) + "&offset=" + offset + (length >= 0 ? "&length=" + length : "");
        Http.Response r = http.request("GET", url, null, http.timeout());
        if (r.status() == 404) return null;
        if (r.status() != 200) throw new CliException(HttpErrors.message("GET", url, r.status(), r.body()));
        return r.json();
    }

    /** {@code /files/browse}: the entries of a directory; null when it does not exist. */
    public JsonNode browse(String base, String path) {
        String url = base + "/files/browse?path=" + enc(path);
        Http.Response r = http.request("GET", url, null, http.timeout());
        if (r.status() == 404) return null;
        if (r.status() != 200) throw new CliException(HttpErrors.message("GET", url, r.status(), r.body()));
        return r.json();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
