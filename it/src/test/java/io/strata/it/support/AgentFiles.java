package io.strata.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The agent's Mesos endpoints a test reads: /state (sandbox directories) and /files/read. */
public final class AgentFiles {
    private AgentFiles() {}

    /** The sandbox directory of a running task from the agent's /state (executor whose tasks hold it). */
    public static Optional<String> sandbox(URI agent, String frameworkId, String taskId) {
        Http.Resp r = Http.tryGet(agent.resolve("state"));
        if (r == null || r.status() != 200) return Optional.empty();
        for (JsonNode fw : r.json().path("frameworks")) {
            if (!fw.path("id").asText().equals(frameworkId)) continue;
            for (JsonNode ex : fw.path("executors")) {
                boolean holds = ex.path("id").asText().equals(taskId);
                for (JsonNode t : ex.path("tasks")) holds |= t.path("id").asText().equals(taskId);
                if (holds && ex.hasNonNull("directory")) return Optional.of(ex.path("directory").asText());
            }
        }
        return Optional.empty();
    }

    /** {@code /files/read?path=...&offset=0&length=...}: the file's data, or empty if the agent has none (404). */
    public static Optional<String> read(URI agent, String path) {
        String q = "files/read?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8) + "&offset=0&length=1048576";
        Http.Resp r = Http.tryGet(agent.resolve(q));
        if (r == null || r.status() == 404) return Optional.empty();
        if (r.status() != 200) throw new AssertionError("GET /" + q + " -> " + r);
        JsonNode j = r.json();
        if (j.path("offset").asLong(-1) != 0) throw new AssertionError("/files/read offset is not 0: " + j);
        return Optional.of(j.path("data").asText());
    }
}
