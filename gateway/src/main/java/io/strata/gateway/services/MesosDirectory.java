package io.strata.gateway.services;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/**
 * The frameworks and agents the leading master knows, from its {@code /master/state-summary}: framework web UIs
 * for {@code /service/<name>/} and agent addresses for {@code /agent/<id>/}. Pure.
 */
public final class MesosDirectory {

    /** A framework registered with the master. {@code webuiUrl} may be empty. */
    public record Framework(String id, String name, String webuiUrl, boolean active) {}

    private final Map<String, Framework> byId;
    private final Map<String, Framework> byName;
    private final Map<String, String> agents;

    private MesosDirectory(Map<String, Framework> byId, Map<String, Framework> byName, Map<String, String> agents) {
        this.byId = Map.copyOf(byId);
        this.byName = Map.copyOf(byName);
        this.agents = Map.copyOf(agents);
    }

    public static MesosDirectory empty() {
        return new MesosDirectory(Map.of(), Map.of(), Map.of());
    }

    /** @param state the master's {@code /master/state-summary} or {@code /master/state} */
    public static MesosDirectory of(JsonNode state) {
        Map<String, Framework> byId = new HashMap<>();
        Map<String, Framework> byName = new HashMap<>();
        Map<String, String> agents = new HashMap<>();
        for (JsonNode f : state.path("frameworks")) {
            Framework fw = new Framework(f.path("id").asText(), f.path("name").asText(), f.path("webui_url").asText(""),
                    f.path("active").asBoolean(true));
            byId.put(fw.id(), fw);
            // several frameworks may share a name: prefer an active one, then one with a web UI
            Framework seen = byName.get(fw.name());
            if (seen == null || rank(fw) > rank(seen)) byName.put(fw.name(), fw);
        }
        for (JsonNode s : state.path("slaves")) {
            String url = agentUrl(s);
            if (url != null) agents.put(s.path("id").asText(), url);
        }
        return new MesosDirectory(byId, byName, agents);
    }

    private static int rank(Framework f) {
        return (f.active() ? 2 : 0) + (f.webuiUrl().isEmpty() ? 0 : 1);
    }

    /** An agent's base URL from its pid ({@code slave(1)@10.0.0.2:5051}), else from hostname and port. */
    static String agentUrl(JsonNode slave) {
        String pid = slave.path("pid").asText("");
        int at = pid.indexOf('@');
        if (at >= 0 && pid.indexOf(':', at) > at) return "http://" + pid.substring(at + 1);
        String host = slave.path("hostname").asText("");
        int port = slave.path("port").asInt(0);
        if (host.isEmpty() || port == 0) return null;
        return "http://" + host + ":" + port;
    }

    /** By framework id first, then by name, as Admin Router looks them up. */
    public Framework framework(String idOrName) {
        Framework f = byId.get(idOrName);
        return f != null ? f : byName.get(idOrName);
    }

    /** The agent's base URL ({@code http://host:port}), or null when the master does not know it. */
    public String agent(String agentId) {
        return agents.get(agentId);
    }
}
